"""The one scoping mechanism: which rows a user may see, and whether they may change one.

A user's scope is data on the user (national, or one prefecture, consortium, school or company).
A model that is scoped declares `scope_paths`: for each scope kind, the lookups from the model
to the scoping object; a row is visible when any of them matches. A kind the model does not
list sees nothing. `change_roles` lists the roles that may change a visible row, and `create_roles`
(when it differs) those that may add one.

Every list and detail view goes through `visible_to` / `get_for_user`, so an object outside the
user's scope answers 404 and never leaks its existence.

Writes keep to the same scope, twice over. A form offers, in every choice that decides where a row lies,
only what is inside the user's scope (`limit_choices_to_scope`); and the write itself goes through
`saving_in_scope`, which refuses a row pointed at anything outside the scope or written where its writer
could no longer keep it (`may_save`), and changes nothing when it refuses.
"""

from contextlib import contextmanager

from django import forms
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class ScopeKind(models.TextChoices):
    NATIONAL = "national", "全国"
    PREFECTURE = "prefecture", "都道府県"
    CONSORTIUM = "consortium", "管理機関"
    SCHOOL = "school", "学校"
    COMPANY = "company", "企業"


def _crosses_many(model, path: str) -> bool:
    for part in path.split("__"):
        if part == "pk":
            return False
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def scope_filter(model, user) -> Q | None:
    """The Q that limits `model` to the user's scope; None means everything, Q(pk__in=[]) nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    return scope_condition(model, *user.scope)


def scope_condition(model, kind: str | None, ident: int | None) -> Q | None:
    """The Q that limits `model` to one scope (a kind and the scoping object's id)."""
    if kind == ScopeKind.NATIONAL:
        return None
    paths = getattr(model, "scope_paths", {}).get(kind, ())
    if ident is None or not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{path: ident})
    if any(_crosses_many(model, path) for path in paths):
        # A lookup through a many-valued relation would repeat rows; a semi-join does not.
        return Q(pk__in=model._base_manager.filter(condition).values("pk"))
    return condition


def visible_to(queryset, user):
    condition = scope_filter(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)


def within_scope(queryset, kind: str | None, ident: int | None):
    """Rows of `queryset` inside a scope that is not a user's, such as a report run's."""
    condition = scope_condition(queryset.model, kind, ident)
    return queryset if condition is None else queryset.filter(condition)


def may_change(user, obj) -> bool:
    """Whether a user who can see `obj` may also change it.

    The role must be in `change_roles`; where the model narrows changes with `change_scope_paths`
    (a prefecture sees a partner company from a neighbouring prefecture but does not edit it),
    the object must also lie inside those paths.
    """
    if user.is_superuser:
        return True
    model = type(obj)
    if user.role not in getattr(model, "change_roles", ()):
        return False
    kind, ident = user.scope
    narrower = getattr(model, "change_scope_paths", {}).get(kind)
    if narrower is None or obj.pk is None:
        return True
    condition = Q()
    for path in narrower:
        condition |= Q(**{path: ident})
    return model._base_manager.filter(condition, pk=obj.pk).exists()


def may_create(user, model) -> bool:
    """Whether a user may add a new row of `model`; `create_roles` when declared, else `change_roles`."""
    if user.is_superuser:
        return True
    return user.role in getattr(model, "create_roles", getattr(model, "change_roles", ()))


def get_for_user(user, queryset, *, change: bool = False, **lookups):
    """The object matching `lookups` within the user's scope: 404 outside it, 403 if read-only."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    try:
        obj = visible_to(queryset, user).get(**lookups)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if change and not may_change(user, obj):
        raise PermissionDenied
    return obj


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return visible_to(self, user)


# --- writing ----------------------------------------------------------------------------------------------------


def decides_scope(model) -> bool:
    """Whether rows of `model` lie in scopes, so that choosing one (a prefecture, a school) decides where a row lies."""
    return bool(getattr(model, "scope_paths", None))


def _is_national(user) -> bool:
    return user.is_superuser or user.scope[0] == ScopeKind.NATIONAL


def limit_choices_to_scope(form, user) -> None:
    """Offer, in every choice of a model form that decides scope, only what lies in the user's scope.

    What the row already holds stays on offer (a neighbouring prefecture's member company keeps its prefecture when a
    coordinator edits it): only a change has to stay in scope, as in `saving_in_scope`. A relation that alone places
    the row in the user's scope (an agreement's 管理機関 for a coordinator) may not be left empty, and a required choice
    with a single option comes chosen. Call it last in the form's `__init__`, so that it narrows what the form offers.
    """
    kind, _ident = user.scope
    placing = getattr(form._meta.model, "scope_paths", {}).get(kind, ())
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or not decides_scope(queryset.model):
            continue
        in_scope = visible_to(queryset, user)
        held = _pks(form.initial.get(name)) if form.instance.pk is not None else []
        field.queryset = (in_scope | queryset.filter(pk__in=held)) if held else in_scope
        if not _is_national(user) and tuple(placing) == (name,):
            field.required = True
        if field.required and not isinstance(field, forms.ModelMultipleChoiceField):
            options = list(field.queryset[:2])
            if len(options) == 1:
                field.empty_label = None
                if form.initial.get(name) is None:
                    form.initial[name] = options[0].pk


def _pks(value) -> list:
    values = value if isinstance(value, (list, tuple, set)) else [value]
    return [getattr(v, "pk", v) for v in values if v is not None]


class OutsideScope(ValidationError):
    """A write refused because it would leave the writer's scope; `field` names the choice that did it, if one did."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message, code="outside_scope")
        self.field = field

    def add_to(self, form) -> None:
        form.add_error(self.field if self.field in form.fields else None, self)


def _relations_deciding_scope(model):
    """The forward relations of `model` to rows that lie in scopes (single-valued, then many-to-many)."""
    single = [f for f in model._meta.concrete_fields if f.is_relation and decides_scope(f.related_model)]
    many = [f for f in model._meta.many_to_many if decides_scope(f.related_model)]
    return single, many


def _any_outside(user, model, pks) -> bool:
    pks = {pk for pk in pks if pk is not None}
    return bool(pks) and visible_to(model._base_manager.filter(pk__in=pks), user).count() < len(pks)


def _refuse_relation(field) -> OutsideScope:
    return OutsideScope(_("担当範囲外の%(what)sは選べません。") % {"what": field.verbose_name}, field=field.name)


def may_save(user, obj) -> bool:
    """Whether the row `obj`, as written in the current transaction, lies where the user may keep it.

    The user can see it (`visible_to`), and where the model narrows changes (`change_scope_paths`) it lies inside
    those too. Rows of a model without a scope (the practice library, the KPI list) are shared by everyone.
    Ask it after saving, inside the transaction that saved, and roll back when it answers False:
    `saving_in_scope` does both.
    """
    if _is_national(user):
        return True
    model = type(obj)
    if not decides_scope(model):
        return True
    kind, ident = user.scope
    rows = visible_to(model._base_manager.filter(pk=obj.pk), user)
    narrower = getattr(model, "change_scope_paths", {}).get(kind)
    if narrower:
        condition = Q()
        for path in narrower:
            condition |= Q(**{path: ident})
        rows = rows.filter(condition)
    return rows.exists()


@contextmanager
def saving_in_scope(user, obj):
    """Wrap the write of `obj` (its save, its many-to-many rows, what joins it) so that it stays in the user's scope.

    Before the write: every relation the write sets or changes that decides scope must point inside the user's scope
    (an unchanged one was set by someone whose scope it was). After it, inside one transaction: the many-to-many rows
    it added must lie in scope too, and the row must satisfy `may_save`. Otherwise OutsideScope is raised, a
    ValidationError to show on the form, and the transaction rolls back: a refused write changes nothing.
    """
    if _is_national(user):
        with transaction.atomic():
            yield obj
        return
    model = type(obj)
    single, many = _relations_deciding_scope(model)
    stored = None if obj._state.adding else model._base_manager.filter(pk=obj.pk).first()
    for field in single:
        value = getattr(obj, field.attname)
        unchanged = stored is not None and getattr(stored, field.attname) == value
        if not unchanged and _any_outside(user, field.related_model, [value]):
            raise _refuse_relation(field)
    before = {f.name: set(getattr(stored, f.name).values_list("pk", flat=True)) for f in many} if stored else {}
    with transaction.atomic():
        yield obj
        for field in many:
            added = set(getattr(obj, field.name).values_list("pk", flat=True)) - before.get(field.name, set())
            if _any_outside(user, field.related_model, added):
                raise _refuse_relation(field)
        if not may_save(user, obj):
            kind, _ident = user.scope
            paths = getattr(model, "change_scope_paths", {}).get(kind) or model.scope_paths.get(kind, ())
            placing = paths[0].split("__")[0] if paths else None
            raise OutsideScope(_("この内容では担当範囲の外になるため保存できません。"), field=placing)


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
    if not getattr(user, "is_authenticated", False) or not user.is_active:
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
