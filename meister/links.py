"""Absolute links for emails, which are written outside any request (reminders run on the worker)."""

from django.conf import settings


def portal_base_url() -> str:
    """PORTAL_BASE_URL when set, otherwise the first allowed host name."""
    if settings.PORTAL_BASE_URL:
        return settings.PORTAL_BASE_URL.rstrip("/")
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in {"*", ""} and not h.startswith(".")]
    host = hosts[0] if hosts else "127.0.0.1:8000"
    if settings.DEBUG and host in {"127.0.0.1", "localhost"}:
        host += ":8000"
    return f"{'http' if settings.DEBUG else 'https'}://{host}"
