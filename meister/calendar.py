"""Japan's national holidays (国民の祝日), with their names in Japanese and, for English readers, the Cabinet
Office's English names.

The dates come from `jpholiday`, which follows the 国民の祝日に関する法律: the fixed and Happy Monday days, the
equinoxes, 振替休日 (a holiday falling on a Sunday moves to the next weekday) and 国民の休日 (a day between two
holidays). Nothing here is typed by hand, so a change in the law arrives with an update of the library.
"""

import datetime
from functools import lru_cache

import jpholiday

SUBSTITUTE = "振替休日"

# The Cabinet Office's English names of the holidays (国民の祝日について, English edition), and those of past years.
ENGLISH_NAMES = {
    "元日": "New Year's Day",
    "成人の日": "Coming of Age Day",
    "建国記念の日": "National Foundation Day",
    "天皇誕生日": "The Emperor's Birthday",
    "春分の日": "Vernal Equinox Day",
    "昭和の日": "Showa Day",
    "憲法記念日": "Constitution Memorial Day",
    "みどりの日": "Greenery Day",
    "こどもの日": "Children's Day",
    "海の日": "Marine Day",
    "山の日": "Mountain Day",
    "敬老の日": "Respect for the Aged Day",
    "秋分の日": "Autumnal Equinox Day",
    "スポーツの日": "Sports Day",
    "体育の日": "Health and Sports Day",
    "文化の日": "Culture Day",
    "勤労感謝の日": "Labour Thanksgiving Day",
    SUBSTITUTE: "Substitute holiday",
    "国民の休日": "Citizens' holiday",
    "休日": "Holiday",
}


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


def holiday_name_in(name: str, language: str) -> str:
    """A holiday's name for a reader of `language`: the English name in English, the Japanese one otherwise; a name
    that is no holiday's (a school's own closure reason) is given back as it is."""
    if language.startswith("ja"):
        return name
    return ENGLISH_NAMES.get(name, name)
