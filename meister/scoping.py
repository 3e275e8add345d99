"""The one scoping mechanism: which rows a user may see, and whether they may change one.

A user's scope is data on the user (national, or one prefecture, consortium, school or company; a student's is
their own account). A model that is scoped declares `scope_paths`: for each scope kind, the lookups from the model to
the scoping object; a row is visible when any of them matches. A kind the model does not list sees nothing.
`change_roles` lists the roles that may change a visible row, and `create_roles` (when it differs) those that may add
one. Every list and detail view goes through `visible_to` / `get_for_user`, so an object outside the user's scope
answers 404 and never leaks its existence.

A model that every scope shares (the practice library, the KPI list) declares `SHARED_BY_EVERY_SCOPE`. What a role
may see or do beyond its rows (results, student names, pages about students, the PDCA pages, the confirmation page)
is a named rule here as well, so that no view, service or template tests a role itself.

Writes keep to the same scope, twice over. A form offers, in every choice that decides where a row lies, only what
is inside the user's scope (`limit_choices_to_scope`); the write goes through `saving_in_scope`, which refuses a row
pointed outside the scope or written where its writer could no longer keep it (`may_save`), changing nothing.
"""

import operator
from collections.abc import Callable
from contextlib import contextmanager
from functools import reduce
from typing import TypeVar

from django import forms
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from meister.student_pages import STUDENT_PAGES

T = TypeVar("T")


class ScopeKind(models.TextChoices):
    NATIONAL = "national", "全国"
    PREFECTURE = "prefecture", "都道府県"
    CONSORTIUM = "consortium", "管理機関"
    SCHOOL = "school", "学校"
    COMPANY = "company", "企業"
    SUPPORTER = "supporter", "伴走支援"
    # A student's own world: the rows their account leads to (the scope's id is the user's); no other model's rows.
    STUDENT = "student", "生徒本人"


STAFF_SCOPE_KINDS = tuple(kind for kind in ScopeKind.values if kind != ScopeKind.STUDENT)


class Role(models.TextChoices):
    MINISTRY = "ministry", _("文部科学省")
    PREFECTURE = "prefecture", _("都道府県")
    COORDINATOR = "coordinator", _("コーディネーター")
    TEACHER = "teacher", _("教員")
    COMPANY = "company", _("企業")
    ADMIN = "admin", _("運用管理者")
    STUDENT = "student", _("生徒")
    SUPPORTER = "supporter", _("伴走者・アドバイザー")
    SURVEYOR = "surveyor", _("実態調査")


# A scope path that matches every row: a model whose every path is this one is shared by every scope
# (the practice library, the KPI list), read by all staff signed in and placing nothing in a scope; not by students.
EVERY_ROW = "*"
SHARED_BY_EVERY_SCOPE = {kind: (EVERY_ROW,) for kind in STAFF_SCOPE_KINDS}


def shared_by_every_scope(model) -> bool:
    declared = getattr(model, "scope_paths", None) or {}
    return bool(declared) and all(tuple(paths) == (EVERY_ROW,) for paths in declared.values())


def _on_paths(paths, ident, kind: str | None = None) -> Q:
    """Rows whose scoping object, reached by any of `paths`, is `ident` (for a scope of `kind`: `path_lookup`)."""
    return reduce(operator.or_, (Q(**path_lookup(kind, path, ident)) for path in paths), Q())


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
    """The Q that limits `model` to one scope (a kind and the scoping object's id). Paths through a many-valued
    relation are one semi-join on the UNION ALL of their keys: an OR of a subquery each misled the planner."""
    paths = getattr(model, "scope_paths", {}).get(kind, ())
    if kind == ScopeKind.NATIONAL or tuple(paths) == (EVERY_ROW,):
        return None
    if ident is None or not paths:
        return Q(pk__in=[])
    rows = model._base_manager.order_by()
    plain = [Q(**path_lookup(kind, p, ident)) for p in paths if not _crosses_many(model, p)]
    many = [rows.filter(**path_lookup(kind, p, ident)).values("pk") for p in paths if _crosses_many(model, p)]
    union = [Q(pk__in=many[0].union(*many[1:], all=True) if many[1:] else many[0])] if many else []
    return reduce(operator.or_, [*plain, *union])


def path_lookup(kind: str, path: str, ident: int) -> dict:
    """The lookup that puts a row in one scope through one of its scope paths.

    A supporter's scope is the consortia the ministry assigned them to for the current fiscal year: their scope
    object is themselves, and a supporter path ends at an assignment's `supporter`, whose `fiscal_year` must then be
    this year's (both in one lookup, so that they hold for the same assignment).
    """
    if kind != ScopeKind.SUPPORTER:
        return {path: ident}
    from meister.fiscal import current_fiscal_year

    return {path: ident, path.removesuffix("supporter") + "fiscal_year": current_fiscal_year()}


def visible_to(queryset, user):
    condition = scope_filter(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)


def within_scope(queryset, kind: str | None, ident: int | None):
    """Rows of `queryset` inside a scope that is not a user's, such as a report run's."""
    condition = scope_condition(queryset.model, kind, ident)
    return queryset if condition is None else queryset.filter(condition)


def owned_within_scope(queryset, kind: str | None, ident: int | None):
    """Rows a scope holds as its own, which its reports count: where the model narrows changes for the kind
    (`change_scope_paths`: a prefecture's own schools, not a neighbour's school that joined one of its consortia),
    those paths; otherwise the rows inside the scope, as `within_scope`."""
    narrower = getattr(queryset.model, "change_scope_paths", {}).get(kind)
    if kind == ScopeKind.NATIONAL or not narrower:
        return within_scope(queryset, kind, ident)
    if ident is None:
        return queryset.none()
    return queryset.filter(_on_paths(narrower, ident, kind))


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
    return model._base_manager.filter(_on_paths(narrower, ident, kind), pk=obj.pk).exists()


def changeable_pks(user, rows) -> set:
    """The pks of `rows` (visible to the user) that the user may also change, as `may_change` answers for each one,
    from one query at most: for a list that shows an edit link on some rows."""
    rows = list(rows)
    if not rows:
        return set()
    model = type(rows[0])
    if not user.is_superuser and user.role not in getattr(model, "change_roles", ()):
        return set()
    kind, ident = user.scope
    narrower = None if user.is_superuser else getattr(model, "change_scope_paths", {}).get(kind)
    if narrower is None:
        return {row.pk for row in rows}
    rows = model._base_manager.filter(_on_paths(narrower, ident, kind), pk__in=[row.pk for row in rows])
    return set(rows.values_list("pk", flat=True))


def placing_fields(user, model, names: tuple[str, ...]) -> list[str]:
    """Of the relations `names` that each can place a row of `model` (a school's or a company's closed day), those
    through which the user may keep one: all of them, unless the model narrows the changes of the user's kind of
    scope (`change_scope_paths`) to paths through some of them."""
    if user.is_superuser:
        return list(names)
    narrower = getattr(model, "change_scope_paths", {}).get(user.scope[0])
    if narrower is None:
        return list(names)
    return [name for name in names if any(path.split("__")[0] == name for path in narrower)]


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


def may_see_full_names(user, model) -> bool:
    """Whether the user, for rows of `model` they can see at all, may also see the people's full names (氏名).

    A model names the scope kinds whose users may (`full_name_scopes`: a school's own staff and the offices above
    it, a company for the rows its scope reaches) and, for the national scope, the roles (`full_name_roles`). The
    rows themselves still come through `visible_to`, so a company reaches only the people its scope paths lead to.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    kind, _ident = user.scope
    if kind == ScopeKind.NATIONAL:
        return user.role in getattr(model, "full_name_roles", ())
    return kind in getattr(model, "full_name_scopes", ())


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return visible_to(self, user)


def changeable_by(model, user) -> Q:
    """Rows of `model` the user may change, as a condition: the SQL form of `may_change` over the rows in scope."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q(pk__isnull=False)  # not Q(): an empty Q vanishes when OR-ed with another
    if user.role not in getattr(model, "change_roles", ()):
        return Q(pk__in=[])
    in_scope = Q(pk__in=visible_to(model._base_manager.all(), user).values("pk"))
    kind, ident = user.scope
    narrower = getattr(model, "change_scope_paths", {}).get(kind)
    if narrower is None or kind == ScopeKind.NATIONAL:
        return in_scope
    return in_scope & _on_paths(narrower, ident, kind)


def may_change_some(user, model) -> bool:
    """Whether the user's role changes rows of `model` at all (the owners' lists: surveys, report runs)."""
    return user.is_superuser or user.role in getattr(model, "change_roles", ())


def lies_in_change_scope(user, instance: models.Model) -> bool:
    """Whether `instance`, saved or not, lies where the user may change it: the model's scope paths, read from it.

    The narrower `change_scope_paths` count where the model declares them. A row that is not saved yet cannot be
    found with `visible_to`; its forward relations are followed in Python, and a many-valued relation (a consortium's
    members) is asked of the database for the saved object it starts from.
    """
    kind, ident = user.scope
    model = type(instance)
    paths = getattr(model, "change_scope_paths", {}).get(kind) or getattr(model, "scope_paths", {}).get(kind, ())
    if kind == ScopeKind.NATIONAL or tuple(paths) == (EVERY_ROW,):
        return True
    return ident is not None and any(_path_matches(instance, path, kind, ident) for path in paths)


def _path_matches(obj: models.Model, path: str, kind: str, ident: int) -> bool:
    parts = path.split("__")
    for index, part in enumerate(parts):
        if part == "pk":
            return obj.pk is not None and obj.pk == ident
        model_field = obj._meta.get_field(part)
        if model_field.many_to_many or model_field.one_to_many:
            if obj.pk is None:
                return False
            rest = "__".join(parts[index:])
            return type(obj)._base_manager.filter(pk=obj.pk, **path_lookup(kind, rest, ident)).exists()
        related_id = getattr(obj, model_field.attname)
        if related_id is None:
            return False
        if index == len(parts) - 1:
            return related_id == ident
        obj = getattr(obj, part)
    return False


def may_import(user, model, *, roles=None) -> bool:
    """Whether the user may import rows of `model` from a file: the roles given, or by default those that may both
    add and change the model (`create_roles`, `change_roles`). No user is the command line, run by whoever holds
    the database already."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if roles is None:
        change_roles = set(getattr(model, "change_roles", ()))
        roles = set(getattr(model, "create_roles", change_roles)) & change_roles
    return user.is_superuser or user.role in roles


def own_school_id(user) -> int | None:
    """The school a school-scoped user works at; None for anyone whose scope is wider (a superuser's is national)."""
    if user.is_superuser:
        return None
    kind, ident = user.scope
    return ident if kind == ScopeKind.SCHOOL else None


def own_work_visible_to(queryset, user, *, owner: str = "created_by"):
    """Rows that are their author's own work (an import batch is its uploader's): the author sees theirs, an admin
    sees all of them."""
    if user.is_superuser or user.role == Role.ADMIN:
        return queryset
    return queryset.filter(**{owner: user})


# --- what a role may see and do beyond the rows of its scope ------------------------------------------------------


def sees_own_world_only(user) -> bool:
    """A student reaches their own roster row, placements and days, and only the pages made for them."""
    return user.role == Role.STUDENT


def own_student_record(user):
    """The roster row (curricula.Student) a student's account is linked to; None for anyone else or before linking."""
    signed_in = getattr(user, "is_authenticated", False) and user.is_active
    return getattr(user, "student_record", None) if signed_in and sees_own_world_only(user) else None


def may_see_named_students(user) -> bool:
    """Student names and diaries stay below the ministry: national statistics need counts only."""
    return user.role != Role.MINISTRY and not works_without_students(user)


def works_without_students(user) -> bool:
    """The ③ and ④ contractors' staff work with consortia and regions: no page about a student is there for them."""
    return user.role in {Role.SUPPORTER, Role.SURVEYOR}


def student_page_refused(user, view_name: str | None) -> bool:
    """Whether `view_name` is a page about students (`meister.student_pages`) that `user` works without (404)."""
    return view_name in STUDENT_PAGES and works_without_students(user)


def supports_consortia(user) -> bool:
    """Whether the user is a 伴走者 or アドバイザー of the ③ contractor, working for the consortia assigned to them."""
    return user.role == Role.SUPPORTER


def supporter_accounts(users):
    """The active accounts of the ③ contractor's companions and advisors, whom the ministry assigns to consortia."""
    return users.filter(role=Role.SUPPORTER, is_active=True)


def places_people(user) -> bool:
    """The ③ and ④ contractors' staff invite and move nobody, though the surveyor's scope is national."""
    return user.role not in {Role.SUPPORTER, Role.SURVEYOR}


def may_see_guardian_contact(user) -> bool:
    """The guardian's contact is for the school that signs the 三者協定 with them."""
    return user.is_superuser or user.role in {Role.TEACHER, Role.ADMIN}


def may_confirm_days(user) -> bool:
    """The confirmation page is for the host companies' mentors (and admins): each confirms their company's days."""
    return user.is_superuser or user.role in {Role.COMPANY, Role.ADMIN}


def acts_for_company(user, company_id) -> bool:
    """Whether the user answers for the company `company_id` itself: confirms its days, answers its proposals."""
    return user.is_superuser or (speaks_for_company(user) and user.company_id == company_id)


def speaks_for_company(user) -> bool:
    """Whether the user is a host company's staff: what they add or write names their company."""
    return user.role == Role.COMPANY


def teaches_at_school(user) -> bool:
    """Whether the user is a school's teacher: what they contribute names their school."""
    return user.role == Role.TEACHER


def coordinates_consortium(user) -> bool:
    """Whether the user coordinates a consortium: a company they add joins it, so that it stays in their scope."""
    return user is not None and user.role == Role.COORDINATOR and user.consortium_id is not None


def own_world(user) -> str | None:
    """ "school" for a teacher of a school, "company" for a company's staff, "student" for a student: their menus
    centre on it."""
    if teaches_at_school(user) and user.school_id:
        return "school"
    if speaks_for_company(user) and user.company_id:
        return "company"
    return "student" if sees_own_world_only(user) else None


def may_see_results(user) -> bool:
    """Assessment results per cohort are aggregates for those who run the programme; companies see none, and the
    ministry only the national figures of the summary."""
    return user.is_superuser or user.role in {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.TEACHER}


def may_see_results_by_student(user) -> bool:
    """Students' own results stay in the school: every level above it sees aggregates only."""
    return user.scope_kind == ScopeKind.SCHOOL


def may_see_result_summary(user) -> bool:
    """The summary of results over the user's area is for everyone but the companies."""
    return user.is_superuser or user.role != Role.COMPANY


def sees_national_figures_only(user) -> bool:
    """The ministry (and its surveyor) reads results for the nation as a whole, never one school's."""
    return user.role in {Role.MINISTRY, Role.SURVEYOR}


def may_work_on_pdca(user) -> bool:
    """The PDCA pages (the KPI list, each consortium's targets) are for the ministry down to the coordinators."""
    return user.is_superuser or user.role in {Role.ADMIN, Role.MINISTRY, Role.PREFECTURE, Role.COORDINATOR}


def may_see_fill_rates(user) -> bool:
    """Enrolment against capacity by prefecture is for those who oversee prefectures."""
    return user.role in {Role.MINISTRY, Role.PREFECTURE, Role.ADMIN}


def may_open_back_office(user) -> bool:
    """The back office (Django's admin site) lets in staff accounts only; the menu offers it to them alone."""
    return user.is_staff


def must_confirm_second_factor(user, roles) -> bool:
    """Whether the user's role is among `roles` that must confirm a one-time code; a superuser can do all an admin
    can, so counts as one."""
    return user.role in roles or (user.is_superuser and Role.ADMIN in roles)


# --- writing ----------------------------------------------------------------------------------------------------


def decides_scope(model) -> bool:
    """Whether rows of `model` lie in scopes, so that choosing one (a prefecture, a school) decides where a row lies."""
    return bool(getattr(model, "scope_paths", None)) and not shared_by_every_scope(model)


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


def save_in_scope(form, write: Callable[[], T]) -> T | None:
    """Run `write`, a service call that saves what `form` holds, and answer what it saved, or None if it refused.

    The write answers the saved row, so that a view can go to it. A refusal goes onto the form instead of failing
    the page: a write out of scope (`OutsideScope`) next to the choice that caused it, and any other rule of the model
    the form did not check (its `clean()`) on its field, or above the form when the form has no such field. Services
    refuse inside their transaction, so a refused write has changed nothing.
    """
    try:
        return write()
    except OutsideScope as refusal:
        refusal.add_to(form)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    return None


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
    those too. Rows of a model every scope shares (the practice library, the KPI list) are everyone's to keep.
    Ask it after saving, in the transaction that saved, and roll back if it answers False: `saving_in_scope` does both.
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
        rows = rows.filter(_on_paths(narrower, ident, kind))
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
