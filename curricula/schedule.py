"""The one rule for the days a student is expected at the company.

Expected days = the placement's weekday pattern within its period, less national holidays (meister.calendar), the
school's closed days and the company's closed days (partners.ClosedPeriod). Pages work the days out from this rule
when they show them, so a break entered or changed today changes the calendar, the reminders and the 三者協定's dates
at once. The dashboards count missing days from rows kept by the same rule (`curricula.tallies`, `UnloggedDay`),
worked out again whenever a log, a placement or a closed period changes.

A day already logged that has since become closed keeps its log: it is not expected (so never missing) but still
logged, and pages flag it (`closed_reason` of the log's day).

`calendar_for(placements)` reads the closed periods of many placements in one query; pages that show many
placements call it once (through `attach`), so they cost the same number of queries for one row as for fifty.
"""

import datetime
from collections import defaultdict

from django.db.models import Q

from meister.calendar import holiday_name

ONE_DAY = datetime.timedelta(days=1)


def _spread(rows) -> dict[datetime.date, str]:
    days: dict[datetime.date, str] = {}
    for first, last, label in rows:
        day = first
        while day <= last:
            days.setdefault(day, label)
            day += ONE_DAY
    return days


WEEK = datetime.timedelta(days=7)


def pattern_days(placement, until: datetime.date | None = None) -> list[datetime.date]:
    """Every day of the placement's weekday pattern inside its period (up to `until`), closed or not, in order."""
    first = placement.starts_on
    last = min(placement.ends_on, until) if until else placement.ends_on
    days = []
    for weekday in set(placement.weekday_numbers):
        day = first + datetime.timedelta(days=(weekday - first.weekday()) % 7)
        while day <= last:
            days.append(day)
            day += WEEK
    days.sort()
    return days


class SchoolYearCalendar:
    """The closed days of a set of schools and companies (national holidays come on top, from the library)."""

    def __init__(self, school_periods: dict, company_periods: dict, school_of: dict[int, int | None]):
        self._school_periods = school_periods
        self._company_periods = company_periods
        self._school_of = school_of
        self._closed: dict[tuple, dict[datetime.date, str]] = {}

    def school_of(self, placement) -> int | None:
        if placement.pk in self._school_of:
            return self._school_of[placement.pk]
        return placement.student.school_id

    def closed_days(self, placement) -> dict[datetime.date, str]:
        """The school's and the company's closed days for this placement, with their labels (the school's first)."""
        key = (self.school_of(placement), placement.company_id)
        if key not in self._closed:
            days = _spread(self._company_periods.get(key[1], ()))
            days.update(_spread(self._school_periods.get(key[0], ())))
            self._closed[key] = days
        return self._closed[key]

    def closed_reason(self, placement, day: datetime.date) -> str | None:
        """Why nobody is expected on `day` whatever the pattern: a holiday's name or a closed period's label."""
        return holiday_name(day) or self.closed_days(placement).get(day)

    def expected_days(self, placement, until: datetime.date | None = None) -> list[datetime.date]:
        closed = self.closed_days(placement)  # looked up once for all the pattern's days
        return [day for day in pattern_days(placement, until) if day not in closed and holiday_name(day) is None]

    def closed_among(self, placement, days) -> list[datetime.date]:
        """Those of `days` on which nobody is expected whatever the pattern (holidays, closed periods), in order."""
        closed = self.closed_days(placement)
        return sorted(day for day in days if day in closed or holiday_name(day) is not None)

    def is_expected_on(self, placement, day: datetime.date) -> bool:
        return (
            placement.starts_on <= day <= placement.ends_on
            and day.weekday() in placement.weekday_numbers
            and self.closed_reason(placement, day) is None
        )


def _schools_of(placements) -> dict[int, int | None]:
    """Each placement's school, from the loaded student where there is one, else from one query for the rest."""
    from curricula.models import Placement

    found, unknown = {}, []
    for placement in placements:
        if Placement.student.is_cached(placement):
            found[placement.pk] = placement.student.school_id
        else:
            unknown.append(placement.pk)
    if unknown:
        found.update(Placement.objects.filter(pk__in=unknown).values_list("pk", "student__school_id"))
    return found


def calendar_for(placements, *, first: datetime.date | None = None, last: datetime.date | None = None):
    """The calendar of these placements (from `first` to `last`, else over their periods), in one query at most."""
    from partners.models import ClosedPeriod

    placements = [p for p in placements if p.starts_on and p.ends_on]
    school_of = _schools_of(placements)
    schools = {school for school in school_of.values() if school}
    companies = {p.company_id for p in placements if p.company_id}
    school_periods, company_periods = defaultdict(list), defaultdict(list)
    if schools or companies:
        first = first or min(p.starts_on for p in placements)
        last = last or max(p.ends_on for p in placements)
        rows = ClosedPeriod.objects.filter(
            Q(school_id__in=schools) | Q(company_id__in=companies), starts_on__lte=last, ends_on__gte=first
        ).order_by("starts_on", "pk")
        for school_id, company_id, starts_on, ends_on, label in rows.values_list(
            "school_id", "company_id", "starts_on", "ends_on", "label"
        ):
            period = (max(starts_on, first), min(ends_on, last), label)
            if school_id:
                school_periods[school_id].append(period)
            else:
                company_periods[company_id].append(period)
    return SchoolYearCalendar(school_periods, company_periods, school_of)


def attach(placements, **bounds) -> list:
    """The placements as a list, each holding their shared calendar (read in one query)."""
    rows = list(placements)
    calendar = calendar_for(rows, **bounds)
    for placement in rows:
        placement.school_calendar = calendar
    return rows


def calendar_of(placement) -> SchoolYearCalendar:
    """The placement's calendar: the one attached to it, else its own (one query, then kept on the placement)."""
    calendar = getattr(placement, "school_calendar", None)
    if calendar is None:
        calendar = calendar_for([placement])
        placement.school_calendar = calendar
    return calendar


def open_days(
    *, school_id: int, company_ids, starts_on: datetime.date, ends_on: datetime.date, weekdays
) -> tuple[list[datetime.date], dict[int, list[datetime.date]]]:
    """The days of a weekday pattern that are neither holidays nor the school's closed days, and for each company
    those of them that are not its closed days either: what a placement not yet made would expect (one query)."""
    from partners.models import ClosedPeriod

    company_ids = set(company_ids)
    school_periods, company_periods = defaultdict(list), defaultdict(list)
    rows = ClosedPeriod.objects.filter(
        Q(school_id=school_id) | Q(company_id__in=company_ids), starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    for school, company, first, last, label in rows.values_list(
        "school_id", "company_id", "starts_on", "ends_on", "label"
    ):
        (school_periods[school] if school else company_periods[company]).append((first, last, label))
    closed = _spread(school_periods[school_id])
    wanted, days, day = {int(d) for d in weekdays}, [], starts_on
    while day <= ends_on:
        if day.weekday() in wanted and day not in closed and holiday_name(day) is None:
            days.append(day)
        day += ONE_DAY
    by_company = {}
    for company in company_ids:
        shut = _spread(company_periods.get(company, ()))
        by_company[company] = [d for d in days if d not in shut]
    return days, by_company
