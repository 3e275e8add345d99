"""The Japanese fiscal (school) year, April 1 – March 31, and era (和暦) formatting.

Fiscal year N runs from N-04-01 to (N+1)-03-31. A fiscal year is named after the era in force
when it is officially counted: FY2019 began on 平成31年4月1日 but is 令和元年度, so a fiscal year
takes the latest era that began in or before its calendar year.

The labels never raise: a date or year before 明治 (as an old row or an import may still hold) is written in the
Western calendar instead, so one stored value cannot break a page for everyone who sees it.
"""

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import get_language

from meister import clock

FIRST_FISCAL_YEAR = 2021  # the programme began in 令和3年度
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class Era:
    name: str
    name_en: str
    start: datetime.date


ERAS = (
    Era("明治", "Meiji", datetime.date(1868, 10, 23)),
    Era("大正", "Taisho", datetime.date(1912, 7, 30)),
    Era("昭和", "Showa", datetime.date(1926, 12, 25)),
    Era("平成", "Heisei", datetime.date(1989, 1, 8)),
    Era("令和", "Reiwa", datetime.date(2019, 5, 1)),
)


def fiscal_year(day: datetime.date) -> int:
    """The fiscal year a date falls in: 2025-03-31 → 2024, 2025-04-01 → 2025."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fy: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(fy, 4, 1), datetime.date(fy + 1, 3, 31)


def era_of(day: datetime.date) -> tuple[Era, int]:
    """The era and its year for a date: 2019-04-30 → (平成, 31), 2019-05-01 → (令和, 1)."""
    for era in reversed(ERAS):
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day} is before the Meiji era")


def era_of_fiscal_year(fy: int) -> tuple[Era, int]:
    for era in reversed(ERAS):
        if fy >= era.start.year:
            return era, fy - era.start.year + 1
    raise ValueError(f"FY{fy} is before the Meiji era")


def _era_year(number: int) -> str:
    return "元" if number == 1 else str(number)


def wareki_year(day: datetime.date) -> str:
    """令和6年; a year before 明治 in the Western calendar (1700年)."""
    if day < ERAS[0].start:
        return f"{day.year}年"
    era, number = era_of(day)
    return f"{era.name}{_era_year(number)}年"


def wareki_date(day: datetime.date) -> str:
    """2019-05-01 → 令和元年5月1日; 1700-01-01 → 1700年1月1日."""
    return f"{wareki_year(day)}{day.month}月{day.day}日"


def fiscal_year_label(fy: int, language: str = "ja") -> str:
    """令和6年度 in Japanese, FY2024 in any other language; a year before 明治 as 1700年度."""
    if language.startswith("ja"):
        if fy < ERAS[0].start.year:
            return f"{fy}年度"
        era, number = era_of_fiscal_year(fy)
        return f"{era.name}{_era_year(number)}年度"
    return f"FY{fy}"


def current_fiscal_year(today: datetime.date | None = None) -> int:
    return fiscal_year(today or clock.today())


def programme_years() -> range:
    """The fiscal years of the programme a form offers, newest first: from next year back to the first."""
    return range(current_fiscal_year() + 1, FIRST_FISCAL_YEAR - 1, -1)


def fiscal_year_choices(language: str | None = None) -> list[tuple[int, str]]:
    """The programme's years as choices, labelled in `language` (the active language when not given)."""
    language = language or get_language() or "ja"
    return [(fy, fiscal_year_label(fy, language)) for fy in programme_years()]


def fiscal_year_from(
    value, *, default: int | None = None, lowest: int = 1, highest: int = 9999, strict: bool = False
) -> int | None:
    """The fiscal year a query, form or URL value names, when it plainly is one in [lowest, highest].

    Full-width digits (２０２６, as a Japanese keyboard types them) are the same year. Nothing given answers
    `default`. Anything else (letters, signs, a year out of range, thousands of digits) answers `default` too, so
    that a list filter ignores it, or, when `strict` (a page about one year), raises Http404.
    """
    if value is None or value == "":
        return default
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    text = text.translate(_WIDE_DIGITS) if isinstance(text, str) else ""
    if text.isascii() and text.isdigit() and len(text.lstrip("0")) <= len(str(highest)):
        year = int(text)
        if lowest <= year <= highest:
            return year
    if strict:
        raise Http404
    return default
