"""One validation vocabulary for everything a person types, an office imports or a service saves.

The rules sit on the model fields (and in `clean()` where two fields meet), so a form, an import and a service's
`full_clean()` refuse the same values with the same words. What must never break a page, an e-mail or a job:
- dates within the programme's age: from 1989-01-08 (the first day of 平成, before any record this portal keeps)
  to a few fiscal years ahead, never a year no era or no calendar of ours can name;
- hours within a day (0 < h ≤ 24, or the tighter bound of a practice day);
- a placement inside one fiscal year (April–March): its expected days are counted, logged and reminded;
- single-line text (titles, names) without line breaks, control characters, bidi overrides or zero-width characters,
  which would split an e-mail header or make a name read as something else;
- e-mail headers built only from such cleaned text (`one_line`), whatever an old row holds.

Names keep their characters (㈱, ①, full-width brackets): like the imports' `keep_text`, only the checks here apply,
because NFKC would rewrite official names. Codes and kana are NFKC-normalised where they are read (imports, forms).
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from meister.fiscal import current_fiscal_year, fiscal_year, fiscal_year_bounds

# The first day of 平成: the programme's records, and anything a school keeps about its current students, are later.
EARLIEST_DATE = datetime.date(1989, 1, 8)
EARLIEST_FISCAL_YEAR = 1989
# How far ahead plans may reach: agreements and designations are made a few fiscal years at most in advance.
YEARS_AHEAD = 5

HOURS_IN_A_DAY = Decimal("24")
# A school or practice day (a lesson with industry, a dual-system day) as the day logs record it: at most 12 hours.
HOURS_IN_A_SCHOOL_DAY = Decimal("12")


# --- dates --------------------------------------------------------------------------------------------------------


def latest_date(today: datetime.date | None = None) -> datetime.date:
    """The last day a record may name: the end of the fiscal year YEARS_AHEAD after the current one."""
    return fiscal_year_bounds(current_fiscal_year(today) + YEARS_AHEAD)[1]


def latest_fiscal_year(today: datetime.date | None = None) -> int:
    return current_fiscal_year(today) + YEARS_AHEAD


def validate_record_date(value: datetime.date) -> None:
    """A date of the programme's age: not before 1989-01-08, not past the fiscal years being planned."""
    if value is None:
        return
    if value < EARLIEST_DATE:
        raise ValidationError(
            _("%(earliest)s以降の日付を入力してください。"),
            code="date_too_early",
            params={"earliest": EARLIEST_DATE.isoformat()},
        )
    latest = latest_date()
    if value > latest:
        raise ValidationError(
            _("%(latest)s以前の日付を入力してください。"), code="date_too_late", params={"latest": latest.isoformat()}
        )


def validate_fiscal_year(value: int) -> None:
    if value is None:
        return
    latest = latest_fiscal_year()
    if not EARLIEST_FISCAL_YEAR <= value <= latest:
        raise ValidationError(
            _("年度は%(earliest)s〜%(latest)sの範囲で入力してください。"),
            code="fiscal_year_range",
            params={"earliest": EARLIEST_FISCAL_YEAR, "latest": latest},
        )


def period_errors(starts_on, ends_on, *, start_field: str, end_field: str, one_fiscal_year: bool = False) -> dict:
    """Errors by field for a period: the end not before the start and, when asked, both in one fiscal year."""
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        return {}
    if ends_on < starts_on:
        return {end_field: _("終了日は開始日以降にしてください。")}
    if one_fiscal_year and fiscal_year(starts_on) != fiscal_year(ends_on):
        return {end_field: _("期間は一つの年度（4月1日〜3月31日）の中にしてください。")}
    return {}


# --- hours --------------------------------------------------------------------------------------------------------


@deconstructible
class HoursInADay:
    """0 < hours ≤ `most` (24 unless the domain says less); 0 itself only where `zero_allowed` (an absent day)."""

    def __init__(self, most: Decimal = HOURS_IN_A_DAY, zero_allowed: bool = False):
        self.most = Decimal(most)
        self.zero_allowed = zero_allowed

    def __call__(self, value) -> None:
        if value is None:
            return
        try:
            hours = Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            hours = None
        lowest_ok = hours is not None and hours.is_finite() and (hours >= 0 if self.zero_allowed else hours > 0)
        if not lowest_ok or hours > self.most:
            raise ValidationError(
                _("時間数は%(least)s〜%(most)sの範囲で入力してください。"),
                code="hours_in_a_day",
                params={"least": "0" if self.zero_allowed else "0.5", "most": f"{self.most.normalize():f}"},
            )

    def __eq__(self, other):
        return isinstance(other, HoursInADay) and (self.most, self.zero_allowed) == (other.most, other.zero_allowed)


validate_hours_in_a_day = HoursInADay()
validate_school_day_hours = HoursInADay(HOURS_IN_A_SCHOOL_DAY)


def validate_positive(value) -> None:
    if value is not None and not value > 0:
        raise ValidationError(_("0より大きい数を入力してください。"), code="not_positive")


# --- text ---------------------------------------------------------------------------------------------------------

# Bidi embeddings, overrides and isolates, and the marks: they reorder what a reader sees.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Categories that never belong in a single line of text: controls (line breaks, tabs, escapes), invisible format
# characters (zero-width spaces and joiners, BOM, soft hyphen, bidi controls), line and paragraph separators,
# and lone surrogates.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def unsafe_characters(value: str) -> list[str]:
    """The characters of `value` (and of its NFKC form) that a single line of text must not hold."""
    found = []
    for character in dict.fromkeys(value + unicodedata.normalize("NFKC", value)):
        if unicodedata.category(character) in _UNSAFE_CATEGORIES or character in BIDI_CONTROLS:
            found.append(character)
    return found


def _describe(character: str) -> str:
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name}" if name else "")


def validate_text_line(value: str) -> None:
    """A title, name or other single line: no line breaks, control characters, bidi overrides or zero-width ones."""
    if not value:
        return
    found = unsafe_characters(str(value))
    if found:
        raise ValidationError(
            _("改行・制御文字・表示順を変える文字・幅のない文字は使えません（%(characters)s）。"),
            code="unsafe_characters",
            params={"characters": "、".join(_describe(c) for c in found[:3])},
        )


_SPACES = re.compile(r"\s+")


def one_line(value, limit: int = 150) -> str:
    """One line fit for an e-mail header or a title, from any stored text: unsafe characters become spaces."""
    text = "".join(" " if unsafe_characters(c) else c for c in str(value or ""))
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- numbers from a request ---------------------------------------------------------------------------------------

# The largest value an integer column holds (PostgreSQL's integer; SQLite would overflow past its own 2⁶³).
LARGEST_ID = 2**31 - 1


def plain_int(value, *, lowest: int = 1, highest: int = LARGEST_ID) -> int | None:
    """A query or form value as a number when it plainly is one in [lowest, highest], else None.

    Over-long runs of digits (past any column, or past what int() reads), signs, full-width digits and anything else
    give None, so a filter ignores what no row can match instead of failing on it.
    """
    text = value if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > len(str(highest)):
        return None
    number = int(text)
    return number if lowest <= number <= highest else None
