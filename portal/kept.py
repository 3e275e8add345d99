"""A dashboard's figures kept between requests, for exactly as long as the data behind them is unchanged.

A dashboard counts over every row in the user's scope (a prefecture's placements, day logs and diaries; a
consortium's needs, proposals and meetings), and people open it many times a day. So the figures one request works
out are kept in the cache with the data's version (`reports.kept.dashboard_version`: PostgreSQL triggers count every
write to every table a dashboard reads), under a key naming everything else they depend on: the database, the user,
their role and scope, the language, the day and the portal's code. The next request asks for the version first (one
query) and takes the kept figures when they were worked out at that version; any write, however it is made, moves
the version, so a kept figure is never an old one. Each key holds one version's figures, the newest worked out, so
the cache holds at most one entry per person, language and day. Without triggers (SQLite, the embedded first-run
database) or without a working cache, every request works its figures out, as before.
"""

import functools
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.utils.translation import get_language
from redis.exceptions import RedisError

from meister import clock
from meister.digest import source_digest
from reports.kept import dashboard_version
from reports.models import DataChange

log = logging.getLogger(__name__)

# A key names its day, so its entry is of no use the next day: the cache lets it go after a working day's hours.
KEPT_SECONDS = 12 * 3600


@functools.cache
def code_digest() -> str:
    """A digest of the portal's own Python code (tests and migrations aside), read once per process: figures kept
    by other code are not read after a deploy."""
    base = Path(settings.BASE_DIR)
    packages = [init.parent for init in base.glob("*/__init__.py") if init.parent.name != "tests"]
    return source_digest(base, packages)


def _key(user) -> str:
    database = connections[router.db_for_read(DataChange)].settings_dict["NAME"]
    kind, ident = user.scope
    language = get_language() or settings.LANGUAGE_CODE
    return ":".join(
        str(part)
        for part in (
            "dashboard",
            code_digest(),
            database,
            user.pk,
            user.role,
            kind,
            ident,
            language,
            clock.today().isoformat(),
        )
    )


def kept_figures(user, build: Callable[[], dict]) -> dict:
    """The dashboard figures `build` works out for `user`, from the cache while the data is unchanged."""
    version = dashboard_version()
    if version is None:
        return build()
    key = _key(user)
    try:
        found = cache.get(key)
    except (RedisError, OSError):  # a cache that does not answer must not take the dashboard with it
        log.warning("The cache did not answer; the dashboard works its figures out.", exc_info=True)
        return build()
    if found is not None and found[0] == version:
        return found[1]
    figures = build()
    try:
        cache.set(key, (version, figures), KEPT_SECONDS)
    except (RedisError, OSError):
        log.warning("The cache did not keep the dashboard's figures.", exc_info=True)
    return figures
