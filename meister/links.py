"""Absolute links for emails and PDFs: the one place they are built.

Emails are often written outside any request (reminders run on the worker), so links never come from
the request's host: they are SITE_URL (the portal's address as people reach it) followed by the path.
"""

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (from `reverse`, starting with /) as a full address on the portal."""
    return settings.SITE_URL.rstrip("/") + path
