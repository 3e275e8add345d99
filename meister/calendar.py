"""Japan's national holidays (国民の祝日), with their names in Japanese.

The dates come from `jpholiday`, which follows the 国民の祝日に関する法律: the fixed and Happy Monday days, the
equinoxes, 振替休日 (a holiday falling on a Sunday moves to the next weekday) and 国民の休日 (a day between two
holidays). Nothing here is typed by hand, so a change in the law arrives with an update of the library.
"""

import datetime
from functools import lru_cache

import jpholiday

SUBSTITUTE = "振替休日"


def _name(raw: str) -> str:
    # The library names a substitute day after the holiday it replaces (「憲法記念日 振替休日」); the Cabinet Office's
    # list calls it 休日, and people call it 振替休日.
    return SUBSTITUTE if raw.endswith(SUBSTITUTE) else raw


@lru_cache(maxsize=64)
def _year(year: int) -> dict[datetime.date, str]:
    return {day: _name(name) for day, name in jpholiday.year_holidays(year)}


def holiday_name(day: datetime.date) -> str | None:
    """The holiday's name in Japanese (元日, 振替休日, 国民の休日 …), or None on an ordinary day."""
    return _year(day.year).get(day)


def is_holiday(day: datetime.date) -> bool:
    return holiday_name(day) is not None


def holidays_between(first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
    """The national holidays from `first` to `last` (both included), by date, in date order."""
    found: dict[datetime.date, str] = {}
    for year in range(first.year, last.year + 1):
        for day, name in sorted(_year(year).items()):
            if first <= day <= last:
                found[day] = name
    return found
