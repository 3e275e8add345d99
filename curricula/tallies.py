"""Keeping `PlacementTally` current: recounted from the source rows for the schools a placement write touches,
moved by a day's hours when a mentor confirms a day or a confirmation is taken back, and rebuilt whole after a bulk
load (`manage.py rebuild_tallies`). Each change runs inside the writing service's transaction."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q, Sum

from curricula.models import ALL_KINDS, DayLog, LogStatus, Placement, PlacementTally, Student


def _source_rows(school_ids: Iterable[int] | None) -> list[PlacementTally]:
    placements = Placement.objects.order_by()
    logs = DayLog.objects.order_by().filter(status=LogStatus.CONFIRMED)
    if school_ids is not None:
        placements = placements.filter(student__school__in=school_ids)
        logs = logs.filter(placement__student__school__in=school_ids)
    rows: dict[tuple[int, str], PlacementTally] = {}

    def row(school: int, kind: str) -> PlacementTally:
        if (school, kind) not in rows:
            rows[school, kind] = PlacementTally(school_id=school, kind=kind)
        return rows[school, kind]

    counted = Count("pk"), Count("student", distinct=True)
    for school, kind, n, students in placements.values_list("student__school", "kind").annotate(*counted):
        tally = row(school, kind)
        tally.placements, tally.students = n, students
    for school, n, students in placements.values_list("student__school").annotate(*counted):
        tally = row(school, ALL_KINDS)
        tally.placements, tally.students = n, students
    hours = logs.values_list("placement__student__school", "placement__kind").annotate(Sum("hours"))
    for school, kind, total in hours:
        row(school, kind).confirmed_hours = total or Decimal("0")
        row(school, ALL_KINDS).confirmed_hours += total or Decimal("0")
    return list(rows.values())


@transaction.atomic
def tallies_recount(*, school_ids: Iterable[int]) -> None:
    """Count these schools' placements, students and confirmed hours again from the source rows."""
    school_ids = {pk for pk in school_ids if pk is not None}
    if not school_ids:
        return
    PlacementTally.objects.filter(school__in=school_ids).delete()
    PlacementTally.objects.bulk_create(_source_rows(school_ids))


@transaction.atomic
def tallies_rebuild() -> int:
    """Every tally again from the source rows (after a bulk load, or to check the running totals). Returns rows."""
    PlacementTally.objects.all().delete()
    return len(PlacementTally.objects.bulk_create(_source_rows(None), batch_size=2000))


def tally_confirmed_hours(*, log: DayLog, sign: int) -> None:
    """A day just confirmed (`sign` 1) or taken back (-1): its hours move its school's totals."""
    placement = log.placement
    school = Student.objects.values_list("school_id", flat=True).get(pk=placement.student_id)
    moved = PlacementTally.objects.filter(school=school).filter(Q(kind=placement.kind) | Q(kind=ALL_KINDS))
    if moved.update(confirmed_hours=F("confirmed_hours") + sign * log.hours) < 2:
        tallies_recount(school_ids=[school])  # rows not there yet (data loaded without them): count them


def school_of_placement(pk: int | None) -> int | None:
    """The school a stored placement counts for now (before a change moves it)."""
    if pk is None:
        return None
    return Placement.objects.filter(pk=pk).values_list("student__school", flat=True).first()
