"""Small typed readers for settings that come from the environment.

Each reader refuses a malformed value with ImproperlyConfigured naming the variable, so a
typo in a deployment fails at start-up instead of silently running with a default.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, environ=None) -> str | None:
    environ = os.environ if environ is None else environ
    value = environ.get(name)
    file_name = environ.get(f"{name}_FILE")
    if value is not None and file_name is not None:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if file_name is not None:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc.strerror}") from exc
    return value


def env_str(name: str, default: str | None = None, *, environ=None) -> str | None:
    value = _raw(name, environ)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool, *, environ=None) -> bool:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None, environ=None) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}.")
    return number


def env_float(name: str, default: float, *, minimum: float | None = None, environ=None) -> float:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = float(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ImproperlyConfigured(f"{name} must be a finite number, got {value!r}.")
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}.")
    return number


def env_list(name: str, default: list[str], *, choices=None, environ=None) -> list[str]:
    """Comma-separated items; with `choices`, an item outside them stops start-up (a typo must not drop a role)."""
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(f"{name} has an empty item: {value!r}.")
    unknown = [item for item in items if choices is not None and item not in choices]
    if unknown:
        raise ImproperlyConfigured(f"{name} names {', '.join(unknown)}: each item must be one of {', '.join(choices)}.")
    return items


# Join orders the planner may search for one query; below PostgreSQL's GEQO threshold (12), so plans stay exact.
PLANNER_OPTIONS = "-c from_collapse_limit=11 -c join_collapse_limit=11"


def env_database(name: str, default: str, *, environ=None) -> dict:
    """Parse a database URL (postgres://… or sqlite:///…) into Django's DATABASES entry."""
    import dj_database_url

    url = env_str(name, default, environ=environ)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"{name} must be a postgres://… or sqlite:///… URL, got scheme {scheme or 'none'!r}."
        )
    config = dj_database_url.parse(url, conn_max_age=60 if scheme != "sqlite" else 0)
    if scheme != "sqlite" and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database: {url!r}.")
    if scheme != "sqlite":
        # The scope of a list is a subquery of up to five tables under a page query that joins up to seven: with
        # PostgreSQL's default limit of 8 the planner keeps the written join order and joins every row in the
        # country before it applies the scope (a coordinator's placement list took 490 ms instead of 13).
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} {PLANNER_OPTIONS}".strip()
    return config


def env_redis(name: str, *, environ=None) -> str | None:
    url = env_str(name, None, environ=environ)
    if url is not None and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name} must be a redis://… URL, got {url!r}.")
    return url


def load_local_env(path: Path) -> bool:
    """Read a developer's local settings file (KEY=value lines) under the real environment.

    Values already in the environment win, so a variable set by hand or by a deployment is never
    overridden. Returns whether the file was there.
    """
    from dotenv import dotenv_values

    if not path.is_file():
        return False
    for name, value in dotenv_values(path).items():
        if value is not None:
            os.environ.setdefault(name, value)
    return True
