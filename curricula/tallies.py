"""Keeping `PlacementTally` and `UnloggedDay` current.

Tallies are recounted from the source rows for the schools a placement write touches, moved by a day's hours when a
mentor confirms a day or a confirmation is taken back, and rebuilt whole after a bulk load (`manage.py
rebuild_tallies`). Each change runs inside the writing service's transaction.

A placement's unlogged days are worked out again from its calendar whenever the placement is saved, one of its logs
is deleted, its student moves school, or a closed period of its school or company is saved or deleted (the signal
receivers below, connected in `CurriculaConfig.ready`, so the admin and the importers keep them too); a new log takes
its day off. Bulk loads that write rows without saving models call `tallies_rebuild`, which writes them all again.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from curricula import schedule
from curricula.models import (
    ALL_KINDS,
    DayLog,
    LogStatus,
    Placement,
    PlacementTally,
    Student,
    UnloggedDay,
    YearTally,
)
from meister.fiscal import fiscal_year


def _sources(school_ids: Iterable[int] | None) -> tuple:
    """The placements and the confirmed day logs the tallies count: of these schools, or of all."""
    placements = Placement.objects.order_by()
    logs = DayLog.objects.order_by().filter(status=LogStatus.CONFIRMED)
    if school_ids is not None:
        placements = placements.filter(student__school__in=school_ids)
        logs = logs.filter(placement__student__school__in=school_ids)
    return placements, logs


def _source_rows(school_ids: Iterable[int] | None) -> list[PlacementTally]:
    placements, logs = _sources(school_ids)
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


def _source_years(school_ids: Iterable[int] | None) -> list[YearTally]:
    """Placements by the fiscal year they start in, confirmed hours by the fiscal year of their day, per school
    (grouped by month in the database, months put into fiscal years here)."""
    placements, logs = _sources(school_ids)
    rows: dict[tuple[int, int], YearTally] = {}

    def row(school: int, month) -> YearTally:
        key = (school, fiscal_year(month))
        if key not in rows:
            rows[key] = YearTally(school_id=school, fiscal_year=key[1])
        return rows[key]

    started = placements.annotate(month=TruncMonth("starts_on")).values_list("student__school", "month")
    for school, month, n in started.annotate(Count("pk")):
        row(school, month).placements += n
    hours = logs.annotate(month=TruncMonth("day")).values_list("placement__student__school", "month")
    for school, month, total in hours.annotate(Sum("hours")):
        row(school, month).confirmed_hours += total or Decimal("0")
    return list(rows.values())


@transaction.atomic
def tallies_recount(*, school_ids: Iterable[int]) -> None:
    """Count these schools' placements, students and confirmed hours again from the source rows."""
    school_ids = {pk for pk in school_ids if pk is not None}
    if not school_ids:
        return
    PlacementTally.objects.filter(school__in=school_ids).delete()
    PlacementTally.objects.bulk_create(_source_rows(school_ids))
    YearTally.objects.filter(school__in=school_ids).delete()
    YearTally.objects.bulk_create(_source_years(school_ids))


@transaction.atomic
def tallies_rebuild() -> int:
    """Every tally and every unlogged day again from the source rows (after a bulk load, or to check the running
    totals). Returns the number of tallies written."""
    PlacementTally.objects.all().delete()
    written = len(PlacementTally.objects.bulk_create(_source_rows(None), batch_size=2000))
    YearTally.objects.all().delete()
    YearTally.objects.bulk_create(_source_years(None), batch_size=2000)
    unlogged_rebuild()
    return written


def tally_confirmed_hours(*, log: DayLog, sign: int) -> None:
    """A day just confirmed (`sign` 1) or taken back (-1): its hours move its school's totals."""
    placement = log.placement
    school = Student.objects.values_list("school_id", flat=True).get(pk=placement.student_id)
    moved = PlacementTally.objects.filter(school=school).filter(Q(kind=placement.kind) | Q(kind=ALL_KINDS))
    year = YearTally.objects.filter(school=school, fiscal_year=fiscal_year(log.day))
    change = F("confirmed_hours") + sign * log.hours
    if moved.update(confirmed_hours=change) < 2 or year.update(confirmed_hours=change) < 1:
        tallies_recount(school_ids=[school])  # rows not there yet (data loaded without them): count them


def school_of_placement(pk: int | None) -> int | None:
    """The school a stored placement counts for now (before a change moves it)."""
    if pk is None:
        return None
    return Placement.objects.filter(pk=pk).values_list("student__school", flat=True).first()


# --- Unlogged days ----------------------------------------------------------------------------------------------

_CALENDAR_FIELDS = ("pk", "student_id", "company_id", "starts_on", "ends_on", "weekdays")
REBUILD_CHUNK = 5000


def _unlogged_rows(placement_ids) -> list[UnloggedDay]:
    """The expected days of these placements (their whole periods) that have no log: four queries."""
    placements = schedule.attach(Placement.objects.filter(pk__in=placement_ids).only(*_CALENDAR_FIELDS).order_by())
    logged = set(DayLog.objects.filter(placement__in=placement_ids).order_by().values_list("placement_id", "day"))
    return [
        UnloggedDay(placement_id=placement.pk, day=day)
        for placement in placements
        for day in placement.expected_days()
        if (placement.pk, day) not in logged
    ]


def unlogged_refresh(*, placement_ids: Iterable[int]) -> None:
    """Work these placements' unlogged days out again from their calendars and logs."""
    ids = sorted({pk for pk in placement_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():
        UnloggedDay.objects.filter(placement__in=ids).delete()
        UnloggedDay.objects.bulk_create(_unlogged_rows(ids), batch_size=2000)


def unlogged_rebuild() -> int:
    """Every placement's unlogged days again, a few thousand placements at a time. Returns the rows written."""
    written = 0
    with transaction.atomic():
        UnloggedDay.objects.all().delete()
        ids = list(Placement.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), REBUILD_CHUNK):
            chunk = ids[start : start + REBUILD_CHUNK]
            written += len(UnloggedDay.objects.bulk_create(_unlogged_rows(chunk), batch_size=5000))
    return written


def unlogged_for_student(student_id: int) -> None:
    """The student moved school: their placements follow the new school's calendar."""
    unlogged_refresh(placement_ids=Placement.objects.filter(student=student_id).values_list("pk", flat=True))


def _placements_of_owner(school_id, company_id, first, last):
    rows = Placement.objects.filter(starts_on__lte=last, ends_on__gte=first)
    return rows.filter(student__school=school_id) if school_id else rows.filter(company=company_id)


# Signal receivers (connected in CurriculaConfig.ready): every save through the ORM keeps the rows current.


def on_day_log_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        UnloggedDay.objects.filter(placement=instance.placement_id, day=instance.day).delete()


def on_day_log_deleted(sender, instance, origin=None, **kwargs):
    # A log deleted with its placement or student goes with them; only a log deleted on its own reopens its day.
    if isinstance(origin, DayLog) or getattr(origin, "model", None) is DayLog:
        unlogged_refresh(placement_ids=[instance.placement_id])


def on_placement_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        unlogged_refresh(placement_ids=[instance.pk])


def on_closure_about_to_save(sender, instance, raw=False, **kwargs):
    """Remember where a closed period was before a change moves it: the days it left open again count too."""
    if instance.pk and not raw:
        instance._was = (
            sender.objects.filter(pk=instance.pk).values_list("school_id", "company_id", "starts_on", "ends_on").first()
        )


def on_closure_changed(sender, instance, raw=False, **kwargs):
    if raw or instance.starts_on is None:
        return
    spans = [(instance.school_id, instance.company_id, instance.starts_on, instance.ends_on or instance.starts_on)]
    if getattr(instance, "_was", None):
        spans.append(instance._was)
    ids: set[int] = set()
    for school_id, company_id, first, last in spans:
        if school_id or company_id:
            ids.update(_placements_of_owner(school_id, company_id, first, last).values_list("pk", flat=True))
    unlogged_refresh(placement_ids=ids)
