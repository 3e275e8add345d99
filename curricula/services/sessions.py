"""Writes for class sessions with industry and joint projects.

A session taught by an industry practitioner is also 産業実務家教員 teaching: the registry row for
(person, school, fiscal year) keeps the sum of that person's sessions there, recomputed in the same
transaction as the change, so the annual report never disagrees with the session log.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Sum

from curricula.models import ClassSession, JointProject, SessionKind
from meister.fiscal import fiscal_year, fiscal_year_bounds
from meister.scoping import may_change, may_create, saving_in_scope
from partners.models import Person, PersonRole, PractitionerTeaching

# (person id, school id, fiscal year)
TeachingKey = tuple[int, int, int]


def _counts_as_teaching(session: ClassSession, person: Person) -> bool:
    return session.kind == SessionKind.LECTURE or person.role == PersonRole.PRACTITIONER


def _teaching_key(session: ClassSession) -> TeachingKey | None:
    if session.person_id is None or session.held_on is None or session.subject_id is None:
        return None
    if not _counts_as_teaching(session, session.person):
        return None
    return (session.person_id, session.subject.school_id, fiscal_year(session.held_on))


def _stored_key(pk) -> TeachingKey | None:
    """The key of the session as the database still has it, before this change."""
    if pk is None:
        return None
    # Locked, so that two edits of one session cannot both start from the same old key.
    rows = ClassSession.objects.select_for_update(of=("self",)).select_related("subject", "person")
    stored = rows.filter(pk=pk).first()
    return _teaching_key(stored) if stored else None


def _teaching_sessions(person_id: int, school_id: int, fy: int):
    first, last = fiscal_year_bounds(fy)
    rows = ClassSession.objects.filter(
        person_id=person_id, subject__school_id=school_id, held_on__gte=first, held_on__lte=last
    )
    # The same rule as _counts_as_teaching, in SQL.
    return rows.filter(Q(kind=SessionKind.LECTURE) | Q(person__role=PersonRole.PRACTITIONER))


def _sum_hours(key: TeachingKey) -> Decimal:
    return _teaching_sessions(*key).aggregate(total=Sum("hours"))["total"] or Decimal("0")


def _subject_names(key: TeachingKey) -> str:
    names = dict.fromkeys(_teaching_sessions(*key).order_by("held_on").values_list("subject__name", flat=True))
    return "、".join(names)[:200]


def _sync(keys: set[TeachingKey], before: dict[TeachingKey, Decimal]) -> None:
    """Bring the registry rows for `keys` in line with the sessions as they are now.

    `before` is each key's session total before the change. A row whose sessions are all gone is
    removed only if it still showed their total; a row entered by hand (no sessions behind it, or
    hours changed by hand since) is left as it is.
    """
    for key in sorted(keys):
        person_id, school_id, fy = key
        row = (
            PractitionerTeaching.objects.select_for_update()
            .filter(person_id=person_id, school_id=school_id, fiscal_year=fy)
            .first()
        )
        total = _sum_hours(key)
        if total:
            if row is None:
                PractitionerTeaching.objects.create(
                    person_id=person_id, school_id=school_id, fiscal_year=fy, subjects=_subject_names(key), hours=total
                )
            elif row.hours != total:
                row.hours = total
                row.subjects = row.subjects or _subject_names(key)
                row.save(update_fields=["hours", "subjects"])
        elif row is not None and before.get(key) and row.hours == before[key]:
            row.delete()


def _lock_people(keys: set[TeachingKey]) -> None:
    # Two sessions of one person saved at once would each sum without the other; lock the person first.
    ids = sorted({person_id for person_id, _school, _fy in keys})
    if ids:
        list(Person.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _before(keys: set[TeachingKey]) -> dict[TeachingKey, Decimal]:
    return {key: _sum_hours(key) for key in keys}


@transaction.atomic
def class_session_save(*, user, session: ClassSession) -> ClassSession:
    """Create or change a session and recompute the practitioner hours it touches (old and new)."""
    if session.pk is None:
        if not may_create(user, ClassSession):
            raise PermissionDenied
    elif not may_change(user, session):
        raise PermissionDenied
    session.full_clean()
    old_key = _stored_key(session.pk)
    new_key = _teaching_key(session)
    keys = {key for key in (old_key, new_key) if key is not None}
    _lock_people(keys)
    before = _before(keys)
    with saving_in_scope(user, session):
        session.save()
        _sync(keys, before)
    return session


@transaction.atomic
def class_session_delete(*, user, session: ClassSession) -> None:
    if not may_change(user, session):
        raise PermissionDenied
    keys = {key for key in (_stored_key(session.pk),) if key is not None}
    _lock_people(keys)
    before = _before(keys)
    session.delete()
    _sync(keys, before)


@transaction.atomic
def joint_project_save(
    *, user, project: JointProject, companies: Iterable | None = None, organisations: Iterable | None = None
) -> JointProject:
    """Save a project with its partners: the companies and organisations given replace those it had."""
    if project.pk is None:
        if not may_create(user, JointProject):
            raise PermissionDenied
    elif not may_change(user, project):
        raise PermissionDenied
    project.full_clean()
    with saving_in_scope(user, project):
        project.save()
        if companies is not None:
            project.companies.set(companies)
        if organisations is not None:
            project.organisations.set(organisations)
    return project
