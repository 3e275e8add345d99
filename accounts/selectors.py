"""Reads for the people page: who and which invitations lie within the reach of the user who invites."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import SCOPE_FIELDS, Invitation
from meister.models import ROLE_SCOPE, Role, User
from meister.placing import placeable, placeable_kinds
from meister.scoping import ScopeKind
from partners.selectors import scoping_objects

# Each scope kind below the national one is worked in by one role.
ROLE_FOR_KIND = {kind: role for role, kind in ROLE_SCOPE.items() if kind != ScopeKind.NATIONAL}
FIELD_FOR_KIND = {
    ScopeKind.PREFECTURE: "prefecture",
    ScopeKind.CONSORTIUM: "consortium",
    ScopeKind.SCHOOL: "school",
    ScopeKind.COMPANY: "company",
}


def invitable_roles(user) -> list[Role]:
    """The roles the user may give: those of the scope kinds below theirs, in the order of `Role`."""
    kinds = placeable_kinds(user)
    return [role for role in Role if ROLE_SCOPE[role] in kinds and role in ROLE_FOR_KIND.values()]


def scope_choices(user, role: str) -> QuerySet:
    """The scoping objects the user may place a person of `role` at (empty for a role they may not give)."""
    kind = ROLE_SCOPE.get(role)
    if kind not in FIELD_FOR_KIND:
        return scoping_objects(ScopeKind.PREFECTURE).none()
    return placeable(scoping_objects(kind), user, kind)


def _in_reach(user) -> Q:
    condition = Q(pk__in=[])
    for kind in placeable_kinds(user):
        field = FIELD_FOR_KIND[kind]
        objects = placeable(scoping_objects(kind), user, kind).values("pk")
        condition |= Q(role=ROLE_FOR_KIND[kind], **{f"{field}__in": objects})
    return condition


def people_for_user(*, user) -> QuerySet:
    """Users the user may manage, active or not: roles they may give, placed where they may place people."""
    people = User.objects.filter(_in_reach(user)).exclude(pk=user.pk)
    return people.select_related(*SCOPE_FIELDS).order_by("-is_active", "role", "last_name", "first_name", "pk")


def invitations_for_user(*, user) -> QuerySet:
    """Pending invitations within the user's reach, whoever sent them."""
    return (
        Invitation.objects.pending()
        .filter(_in_reach(user))
        .select_related("invited_by", *SCOPE_FIELDS)
        .order_by("-created_at", "-pk")
    )


def get_person_for_user(user, pk) -> User:
    try:
        return people_for_user(user=user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_invitation_for_user(user, pk) -> Invitation:
    try:
        return invitations_for_user(user=user).get(pk=pk)
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
