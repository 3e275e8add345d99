"""Reads for curricula and placements, scoped to the user: the views call these first.

Progress (hours, missing and pending days) is computed from each placement's logs prefetched in
one query, and the expected days from one calendar read for all of them (curricula.schedule), so a page
costs the same number of queries for one student as for forty.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from curricula import schedule
from curricula.models import (
    AgreementStatus,
    ClassSession,
    DayLog,
    DiaryEntry,
    DiaryStatus,
    Evaluator,
    JointProject,
    LogStatus,
    Placement,
    Student,
    Subject,
    UnloggedDay,
)
from meister import clock
from meister.fiscal import current_fiscal_year, fiscal_year_bounds
from meister.scoping import get_for_user, visible_to


def _light_logs():
    return DayLog.objects.only("pk", "placement_id", "day", "status", "hours", "attendance").order_by("day")


def placements_for_user(*, user) -> QuerySet:
    """The user's placements; `with_progress` adds each one's hours and missing days from one more query."""
    # Each table joined here costs the planner of every list of placements more than the join itself: what the lists
    # and cards show of a placement comes from these, and nothing else.
    rows = Placement.objects.select_related("student", "student__school", "company", "mentor", "subject")
    return visible_to(rows, user)


def _log_facts(placements: list[Placement]) -> dict[int, list[tuple]]:
    """(day, status, hours) of every log of these placements, by placement, from one query of plain rows:
    a school's year holds thousands of logs, and building a model instance for each cost more than the page."""
    facts: dict[int, list[tuple]] = {placement.pk: [] for placement in placements}
    if facts:
        rows = DayLog.objects.filter(placement__in=list(facts)).order_by("day")
        for placement_id, day, status, hours in rows.values_list("placement_id", "day", "status", "hours"):
            facts[placement_id].append((day, status, hours))
    return facts


def get_placement_for_user(user, pk, *, change: bool = False) -> Placement:
    rows = Placement.objects.select_related("student", "student__school", "student__department", "company", "mentor")
    return get_for_user(user, rows.prefetch_related(Prefetch("logs", queryset=_light_logs())), change=change, pk=pk)


def placements_on_day(*, user, day: datetime.date) -> list[Placement]:
    """Placements expected on `day`, each with that day's log (if any) as `day_logs`; a placement whose day is closed
    (a holiday, a break) comes only when it was logged before the day closed, so the log stays in view."""
    rows = Placement.objects.filter(
        starts_on__lte=day, ends_on__gte=day, weekdays__contains=str(day.weekday())
    ).select_related("student", "company", "mentor", "subject")
    rows = rows.prefetch_related(Prefetch("logs", queryset=DayLog.objects.filter(day=day), to_attr="day_logs"))
    rows = schedule.attach(visible_to(rows, user), first=day, last=day)
    return [placement for placement in rows if placement.day_logs or placement.is_expected_on(day)]


@dataclass
class Progress:
    expected: int = 0
    logged: int = 0
    confirmed_hours: Decimal = Decimal("0")
    logged_hours: Decimal = Decimal("0")
    missing: list = field(default_factory=list)
    logged_on_closed: list = field(default_factory=list)
    pending: int = 0
    rejected: int = 0

    def percent_of(self, required: Decimal) -> int:
        return min(100, int(self.confirmed_hours * 100 / required)) if required else 0


def progress(placement: Placement, today: datetime.date | None = None, logs: list[tuple] | None = None) -> Progress:
    """Expected days up to today, missing ones, and hours, from `logs` ((day, status, hours) rows) or else from
    the placement's prefetched logs."""
    today = today or clock.today()
    if logs is None:
        logs = [(log.day, log.status, log.hours) for log in placement.logs.all()]
    logged_days = {day for day, _status, _hours in logs}
    expected = placement.expected_days(until=today)
    result = Progress(expected=len(expected), logged=len(logs))
    result.missing = [day for day in expected if day not in logged_days]
    # Logged before the day closed (a break moved, a new holiday): kept and counted, and shown as such.
    result.logged_on_closed = schedule.calendar_of(placement).closed_among(placement, logged_days)
    for _day, status, hours in logs:
        result.logged_hours += hours
        if status == LogStatus.CONFIRMED:
            result.confirmed_hours += hours
        elif status == LogStatus.PENDING:
            result.pending += 1
        elif status == LogStatus.REJECTED:
            result.rejected += 1
    return result


def with_progress(placements, today: datetime.date | None = None) -> list[Placement]:
    today = today or clock.today()
    rows = schedule.attach(placements)
    facts = _log_facts(rows)
    for placement in rows:
        placement.progress = progress(placement, today, facts[placement.pk])
    return rows


def _by_kana(student: Student) -> tuple:
    """Where a student goes in a list: by ふりがな, then 組・番号 for two of one name."""
    return (student.kana_name, student.class_name, student.number, student.pk)


def day_logs_for_user(*, user) -> QuerySet:
    rows = DayLog.objects.select_related("placement", "placement__student", "placement__company", "logged_by")
    return visible_to(rows, user).order_by(
        "-day", "placement__student__kana_name", "placement__student__class_name", "placement__student__number"
    )


def flag_closed_logs(logs) -> list[DayLog]:
    """The logs (with their placements and students loaded), each with `closed_reason` set when its day is now a
    holiday or a closed day of the school or the company: kept, counted, and flagged. One query for all of them."""
    rows = list(logs)
    if rows:
        days = [log.day for log in rows]
        calendar = schedule.calendar_for([log.placement for log in rows], first=min(days), last=max(days))
        for log in rows:
            log.closed_reason = calendar.closed_reason(log.placement, log.day)
    return rows


def pending_logs_for_mentor(*, mentor) -> QuerySet:
    return (
        DayLog.objects.filter(placement__mentor=mentor, status=LogStatus.PENDING)
        .select_related("placement", "placement__student", "placement__company")
        .order_by(
            "day", "placement__student__kana_name", "placement__student__class_name", "placement__student__number"
        )
    )


def pending_logs_for_user(*, user) -> QuerySet:
    return (
        day_logs_for_user(user=user).filter(status=LogStatus.PENDING).order_by("day", "placement__student__kana_name")
    )


def latest_logging_day(*, user, today: datetime.date | None = None) -> datetime.date:
    """The most recent day up to today with a missing log, else today: where the logging screen opens."""
    today = today or clock.today()
    latest = _unlogged(user, today).order_by("-day").values_list("day", flat=True).first()
    return latest or today


def missing_count_by_day(*, user, today: datetime.date | None = None, days: int = 8) -> list[tuple]:
    """(day, how many of the user's placements miss a log that day) for the latest `days` days with any: counted by
    the database from the kept unlogged days, not from every missing row."""
    today = today or clock.today()
    counts = _unlogged(user, today).values("day").annotate(n=Count("pk")).order_by("-day")[:days]
    return [(row["day"], row["n"]) for row in counts]


def week_placements(*, user, today: datetime.date | None = None) -> list[tuple[datetime.date, Placement]]:
    """This week's (Monday to Sunday) expected days, each with its placement."""
    today = today or clock.today()
    monday = today - datetime.timedelta(days=today.weekday())
    sunday = monday + datetime.timedelta(days=6)
    rows = placements_for_user(user=user).filter(starts_on__lte=sunday, ends_on__gte=monday)
    week = []
    for placement in schedule.attach(rows, first=monday, last=sunday):
        for day in placement.weekday_numbers:
            date = monday + datetime.timedelta(days=day)
            if placement.is_expected_on(date):
                week.append((date, placement))
    return sorted(week, key=lambda pair: (pair[0], pair[1].company.name, *_by_kana(pair[1].student)))


def students_for_user(*, user) -> QuerySet:
    return visible_to(Student.objects.select_related("school", "department"), user).prefetch_related(
        Prefetch("placements", queryset=Placement.objects.select_related("company"))
    )


def get_student_for_user(user, pk) -> Student:
    return get_for_user(user, Student.objects.select_related("school", "department"), pk=pk)


def subjects_for_user(*, user) -> QuerySet:
    return visible_to(
        Subject.objects.select_related("school", "department", "follows").prefetch_related("companies"), user
    )


def sessions_for_user(*, user) -> QuerySet:
    return visible_to(ClassSession.objects.select_related("subject", "company", "person"), user)


def projects_for_user(*, user) -> QuerySet:
    return visible_to(JointProject.objects.select_related("school").prefetch_related("companies"), user)


def destination_summary(*, user, fiscal_year: int | None = None) -> dict:
    """Graduates' destinations counted per school and per prefecture: 地元就職率 and hires by host companies.

    地元就職率 is local employment (a host company or elsewhere in the prefecture) over all employment.
    """
    from django.db.models import Count, Q

    from curricula.models import EMPLOYMENT, LOCAL_EMPLOYMENT, Destination

    rows = visible_to(Destination.objects.all(), user)
    if fiscal_year:
        rows = rows.filter(graduated_fiscal_year=fiscal_year)
    figures = {
        "total": Count("pk"),
        "employed": Count("pk", filter=Q(kind__in=EMPLOYMENT)),
        "local": Count("pk", filter=Q(kind__in=LOCAL_EMPLOYMENT)),
        "host": Count("pk", filter=Q(kind="host_company")),
        "study": Count("pk", filter=Q(kind="study")),
        "startup": Count("pk", filter=Q(kind="startup")),
    }

    def grouped(*fields):
        result = list(rows.order_by().values(*fields).annotate(**figures).order_by(*fields))
        for row in result:
            row["local_rate"] = round(row["local"] * 100 / row["employed"], 1) if row["employed"] else None
        return result

    return {
        "by_school": grouped("student__school__prefecture__code", "student__school__name"),
        "by_prefecture": grouped("student__school__prefecture__code", "student__school__prefecture__name"),
        "years": sorted(
            set(visible_to(Destination.objects.all(), user).values_list("graduated_fiscal_year", flat=True))
        ),
    }


def placement_history(*, placement, limit: int = 30) -> list[dict]:
    """The latest changes to a placement and its day logs: who, when, which fields, from what to what."""
    records = list(placement.history.select_related("history_user").order_by("-history_date")[:limit])
    records += list(
        DayLog.history.filter(placement_id=placement.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    records.sort(key=lambda r: r.history_date, reverse=True)
    rows = []
    for record in records[:limit]:
        previous = record.prev_record
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                field = record._meta.get_field(change.field)
                labels = dict(field.flatchoices) if field.choices else {}
                changes.append(
                    (field.verbose_name, labels.get(change.old, change.old), labels.get(change.new, change.new))
                )
        rows.append({"record": record, "what": record._meta.verbose_name, "changes": changes})
    return rows


def shared_diaries_on_day(placements, day: datetime.date) -> dict[int, DiaryEntry]:
    """The submitted (or sent back) diaries of `day` by placement, from one query: a draft is the student's alone."""
    rows = DiaryEntry.objects.filter(placement__in=list(placements), day=day).exclude(status=DiaryStatus.DRAFT)
    return {entry.placement_id: entry for entry in rows}


def shared_diaries_for_logs(logs) -> dict[tuple[int, datetime.date], DiaryEntry]:
    """The shared diaries of these logs' days by (placement, day), from one query."""
    logs = list(logs)
    if not logs:
        return {}
    days = {log.day for log in logs}
    rows = DiaryEntry.objects.filter(placement__in={log.placement_id for log in logs}, day__in=days).exclude(
        status=DiaryStatus.DRAFT
    )
    return {(entry.placement_id, entry.day): entry for entry in rows}


def own_diary_entry(*, user, pk):
    """A diary entry of the student signed in (drafts too), else None."""
    from curricula.models import DiaryEntry
    from meister.scoping import own_student_record

    student = own_student_record(user)
    if student is None:
        return None
    return DiaryEntry.objects.filter(pk=pk, placement__student=student).select_related("placement").first()


def student_diary_days(*, student, today: datetime.date | None = None, limit: int = 60) -> dict:
    """A student's practice days up to today, newest first, each with its diary (or None), and the self-evaluations
    due: a fixed number of queries whatever the number of placements, days and diaries."""
    from curricula.services.evaluations import evaluations_due

    today = today or clock.today()
    placements = schedule.attach(
        Placement.objects.filter(student=student).select_related("company", "student").order_by("-starts_on", "pk")
    )
    logged = {(p, d) for p, d in DayLog.objects.filter(placement__in=placements).values_list("placement_id", "day")}
    entries = {
        (e.placement_id, e.day): e
        for e in DiaryEntry.objects.filter(placement__in=placements).only(
            "pk", "placement_id", "day", "status", "teacher_comment", "mentor_comment"
        )
    }
    days = []
    for placement in placements:
        expected = set(placement.expected_days(until=today))
        expected |= {d for p, d in logged if p == placement.pk and d <= today}
        days += [(day, placement, entries.get((placement.pk, day))) for day in expected]
    days.sort(key=lambda row: (row[0], row[1].pk), reverse=True)
    return {
        "student": student,
        "days": days[:limit],
        "evaluations_due": evaluations_due(placements, evaluator=Evaluator.SELF, today=today),
        "today": today,
    }


@dataclass
class OwnDay:
    """One of a student's practice days as their home shows it: logged (with its status) or still to be logged."""

    day: datetime.date
    log: DayLog | None = None


def own_placements(*, user, today: datetime.date | None = None) -> list[Placement]:
    """A student's own placements, each with `progress`, every expected day of the period (`expected_total`), the
    next one after today (`next_day`), the confirmed days (`confirmed_days`) and the days so far, newest first
    (`days`: the expected ones and any logged on a closed day)."""
    today = today or clock.today()
    rows = placements_for_user(user=user).order_by("starts_on", "pk")
    rows = rows.prefetch_related(Prefetch("logs", queryset=DayLog.objects.order_by("day")))
    placements = with_progress(rows, today)
    for placement in placements:
        logs = {log.day: log for log in placement.logs.all()}
        expected = placement.expected_days()
        placement.expected_total = len(expected)
        placement.next_day = next((day for day in expected if day > today), None)
        placement.confirmed_days = sum(1 for log in logs.values() if log.status == LogStatus.CONFIRMED)
        so_far = {day for day in expected if day <= today} | set(logs)
        placement.days = [OwnDay(day, logs.get(day)) for day in sorted(so_far, reverse=True)]
    return placements


def ties_with_school(school_id: int) -> dict[int, dict[str, int]]:
    """What the school does with each company in this app, for the candidates ranking (partners.matching): students
    placed there this fiscal year, placements ever, class sessions and joint projects; four grouped queries."""
    first, last = fiscal_year_bounds(current_fiscal_year())
    ties: dict[int, dict[str, int]] = {}
    placements = (
        Placement.objects.filter(student__school=school_id)
        .values("company")
        .annotate(
            n=Count("pk"),
            now=Count("student", distinct=True, filter=Q(starts_on__lte=last, ends_on__gte=first)),
        )
    )
    for row in placements:
        ties.setdefault(row["company"], {}).update(placements=row["n"], students_this_year=row["now"])
    sessions = ClassSession.objects.filter(subject__school=school_id, company__isnull=False)
    for row in sessions.values("company").annotate(n=Count("pk")):
        ties.setdefault(row["company"], {})["sessions"] = row["n"]
    projects = JointProject.companies.through.objects.filter(jointproject__school=school_id)
    for row in projects.values("company").annotate(n=Count("pk")):
        ties.setdefault(row["company"], {})["projects"] = row["n"]
    return ties


# --- Work waiting on placements: the dashboards count it, the placement list filters by it -----------------------

WORK_STATES = ("missing", "pending", "rejected", "unsigned", "evaluation", "overdue", "diary")


def _unlogged(user, today: datetime.date) -> QuerySet:
    return UnloggedDay.objects.filter(placement__in=_scope_ids(user), day__lte=today)


def missing_day_rows(*, user, today: datetime.date | None = None) -> QuerySet:
    """The expected days up to today without a log (kept as `UnloggedDay` rows), newest first, each with its
    placement, student and company: counted and paged by the database."""
    rows = _unlogged(user, today or clock.today())
    return rows.select_related("placement", "placement__student", "placement__company").order_by(
        "-day",
        "placement__student__kana_name",
        "placement__student__class_name",
        "placement__student__number",
        "placement__student",
    )


def missing_days(*, user, today: datetime.date | None = None) -> list[tuple[Placement, datetime.date]]:
    """(placement, day) for every expected day up to today without a log, newest first."""
    return [(row.placement, row.day) for row in missing_day_rows(user=user, today=today)]


def _scope_ids(user) -> QuerySet:
    return visible_to(Placement.objects.order_by(), user).values("pk")


def in_work_state_condition(state: str, today: datetime.date):
    """The condition on a placement for a state the database can judge alone (all but the evaluations)."""
    pk = OuterRef("pk")
    if state == "missing":
        return Exists(UnloggedDay.objects.filter(placement=pk, day__lte=today))
    if state in ("pending", "rejected"):
        return Exists(DayLog.objects.filter(placement=pk, status=state))
    if state == "unsigned":
        return Q(ends_on__gte=today) & ~Q(agreement_status=AgreementStatus.SIGNED)
    return Exists(waiting_diaries(placement=pk))


def _evaluation_waits(placements: QuerySet, today: datetime.date) -> dict[int, bool]:
    """Placement id → overdue or not, for the placements with a mentor's evaluation due soon or past due. Only those
    that ended within the month are looked at (`evaluations_due`): two queries."""
    from curricula.services.evaluations import evaluations_due

    recent = placements.filter(ends_on__gte=today - datetime.timedelta(days=30))
    recent = list(recent.only("pk", "starts_on", "ends_on").order_by().select_related(None))
    waits: dict[int, bool] = {}
    for row in evaluations_due(recent, evaluator=Evaluator.MENTOR, today=today):
        waits[row["placement"].pk] = waits.get(row["placement"].pk, False) or row["due"] < today
    return waits


def in_work_state(placements: QuerySet, state: str, today: datetime.date | None = None) -> QuerySet:
    """The placements of `placements` waiting for the work named `state` (one of WORK_STATES): days missing,
    pending or sent back, the 三者協定 unsigned while it runs or before it starts, a mentor's evaluation due (or
    `overdue`), diaries submitted and waiting for the teacher's comment. The dashboards count the same rows."""
    today = today or clock.today()
    if state in ("evaluation", "overdue"):
        waits = _evaluation_waits(placements, today)
        return placements.filter(pk__in=[pk for pk, late in waits.items() if late or state == "evaluation"])
    return placements.filter(in_work_state_condition(state, today))


def waiting_diaries(**where) -> QuerySet:
    """Diaries submitted and not yet commented on by the teacher (a returned one waits for the student)."""
    return DiaryEntry.objects.filter(status=DiaryStatus.SUBMITTED, teacher_comment="", **where).order_by()


def placement_work(*, user, today: datetime.date | None = None) -> dict:
    """What waits on the user's placements, for the dashboards: counted by the database in a fixed number of
    queries, whatever the number of placements and days behind them.

    Each figure is the number of rows the list behind it shows: days for the day-log list (missing, sent back),
    placements for the placement list filtered by the same state (`in_work_state`)."""
    today = today or clock.today()
    scope = _scope_ids(user)
    placements = visible_to(Placement.objects.order_by(), user)
    # COUNT(*) rather than of ids: the partial indexes hold every column these counts read (index-only scans).
    gaps = UnloggedDay.objects.filter(placement__in=scope, day__lte=today).aggregate(
        days=Count("*"), placements=Count("placement", distinct=True)
    )
    logs = {
        row["status"]: row
        for row in DayLog.objects.filter(placement__in=scope, status__in=(LogStatus.PENDING, LogStatus.REJECTED))
        .order_by()
        .values("status")
        .annotate(days=Count("*"), placements=Count("placement", distinct=True))
    }
    diaries = waiting_diaries(placement__in=scope).aggregate(n=Count("*"), placements=Count("placement", distinct=True))
    waits = _evaluation_waits(placements, today)
    return {
        "missing_days": gaps["days"],
        "pending_days": logs.get(LogStatus.PENDING, {}).get("days", 0),
        "rejected_days": logs.get(LogStatus.REJECTED, {}).get("days", 0),
        "missing_placements": gaps["placements"],
        "pending_placements": logs.get(LogStatus.PENDING, {}).get("placements", 0),
        "rejected_placements": logs.get(LogStatus.REJECTED, {}).get("placements", 0),
        "unsigned_placements": placements.filter(in_work_state_condition("unsigned", today)).count(),
        "evaluation_placements": len(waits),
        "overdue_placements": sum(waits.values()),
        "diary_placements": diaries["placements"],
        "diaries_waiting": diaries["n"],
        "evaluation_waits": waits,
    }
