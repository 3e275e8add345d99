"""Template filters for Japanese dates and fiscal years, following the active language."""

import datetime

from django import template
from django.utils import formats
from django.utils.translation import get_language

from meister import calendar, fiscal

register = template.Library()


def _japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


@register.filter
def fiscal_year(value) -> str:
    """2024 → 令和6年度 (ja) / FY2024 (en); what is not a year is shown as it is."""
    if value in (None, ""):
        return ""
    text = str(value)
    if not (text.isascii() and text.lstrip("-").isdigit() and len(text) <= 6):
        return text
    return fiscal.fiscal_year_label(int(text), get_language() or "ja")


@register.filter
def wareki(value) -> str:
    """A date as 令和6年4月1日 in Japanese, the locale's date format otherwise; never raises on a stored value."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, datetime.date):
        return str(value)
    if _japanese():
        return fiscal.wareki_date(value)
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def holiday(name) -> str:
    """A national holiday's name in the reader's language (文化の日 → Culture Day); other text as it is."""
    if not name:
        return ""
    return calendar.holiday_name_in(str(name), get_language() or "ja")
