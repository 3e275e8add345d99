"""The one scoping mechanism: which rows a user may see, and whether they may change one.

A user's scope is data on the user (national, or one prefecture, consortium, school or company).
A model that is scoped declares `scope_paths`: for each scope kind, the lookups from the model
to the scoping object; a row is visible when any of them matches. A kind the model does not
list sees nothing. `change_roles` lists the roles that may change a visible row, and `create_roles`
(when it differs) those that may add one.

Every list and detail view goes through `visible_to` / `get_for_user`, so an object outside the
user's scope answers 404 and never leaks its existence.
"""

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404


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
