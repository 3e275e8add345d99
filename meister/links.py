"""Absolute links for emails and PDFs: the one place they are built.

Emails are often written outside any request (reminders run on the worker), so links never come from
the request's host: they are SITE_URL (the portal's address as people reach it) followed by the path.

Also the paths pages link to many times over, reversed once per process: a list's rows (`row_urls`, and the
`row_url` template filter; `day_urls` for pages taking a date) and the menu's entries (`page_url`).
"""

import datetime
from functools import lru_cache

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (from `reverse`, starting with /) as a full address on the portal."""
    return settings.SITE_URL.rstrip("/") + path


_ROW = 2_147_483_647  # a key no row has, reversed once and then replaced by each row's
_DAY = datetime.date(9999, 12, 31)  # a day no row has, likewise


@lru_cache(maxsize=256)
def _pattern(name: str, prefix: str, urlconf, marker=_ROW) -> str:
    from django.urls import reverse

    return reverse(name, args=[marker], urlconf=urlconf)


@lru_cache(maxsize=256)
def _plain(name: str, prefix: str, urlconf) -> str:
    from django.urls import reverse

    return reverse(name, urlconf=urlconf)


def page_url(name: str) -> str:
    """`reverse(name)` for a page that takes no argument, reversed once per process: the menu names thirty of them
    on every page."""
    from django.urls import get_script_prefix, get_urlconf

    return _plain(name, get_script_prefix(), get_urlconf())


def row_urls(name: str):
    """The address of one named page (taking one key) for each row of a list: the URL pattern is reversed once per
    process and then each row's key is put in. A `{% url %}` per row of a 130-row table cost 2.7 ms of a 20 ms page;
    in a template, the `row_url` filter (meister/templatetags/rows.py) does the same."""
    from django.urls import get_script_prefix, get_urlconf

    pattern, marker = _pattern(name, get_script_prefix(), get_urlconf()), str(_ROW)
    return lambda pk: pattern.replace(marker, str(int(pk)))


def day_urls(name: str):
    """`row_urls` for a page that takes one date (`<isodate:day>`): each row's day put in as 2026-04-01."""
    from django.urls import get_script_prefix, get_urlconf

    pattern, marker = _pattern(name, get_script_prefix(), get_urlconf(), _DAY), _DAY.isoformat()
    return lambda day: pattern.replace(marker, day.isoformat())
