"""Placing people: who may invite or move a person into which scope, down the scope tree (`meister.scoping` holds
the rules of who may; this module where)."""

from django.db.models import Q

from meister.scoping import ScopeKind, places_people

# --- placing people -----------------------------------------------------------------------------------------------

# Accounts come by invitation down the scope tree: a user places people (invites them, moves them) one level below
# their own scope and inside it; a company's staff place colleagues in their own company.
PLACES = {
    ScopeKind.NATIONAL: (ScopeKind.PREFECTURE,),
    ScopeKind.PREFECTURE: (ScopeKind.CONSORTIUM, ScopeKind.SCHOOL),
    ScopeKind.CONSORTIUM: (ScopeKind.SCHOOL, ScopeKind.COMPANY),
    ScopeKind.COMPANY: (ScopeKind.COMPANY,),
}


def placeable_kinds(user) -> tuple[str, ...]:
    """The scope kinds the user may place people in; none for an inactive or anonymous user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not places_people(user):
        return ()
    return PLACES.get(user.scope_kind, ())


def placeable(queryset, user, kind: str):
    """The scoping objects of `queryset` (prefectures, consortia, schools or companies, of scope kind `kind`) that the
    user may place people in: inside the user's scope and, where the model narrows changes (`change_scope_paths`),
    inside those too — a prefecture places teachers at its own schools, a coordinator staff of its member companies.
    """
    if kind not in placeable_kinds(user):
        return queryset.none()
    own_kind, ident = user.scope
    if own_kind == ScopeKind.NATIONAL:
        return queryset
    model = queryset.model
    paths = getattr(model, "change_scope_paths", {}).get(own_kind) or getattr(model, "scope_paths", {}).get(own_kind)
    if ident is None or not paths:
        return queryset.none()
    condition = Q()
    for path in paths:
        condition |= Q(**{path: ident})
    return queryset.filter(pk__in=model._base_manager.filter(condition).values("pk"))


def may_place(user, kind: str, obj) -> bool:
    """Whether the user may place a person in scope kind `kind` at the scoping object `obj`."""
    if obj is None or obj.pk is None:
        return False
    return placeable(type(obj)._base_manager.filter(pk=obj.pk), user, kind).exists()
