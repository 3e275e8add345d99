"""What the curricula models share: the scope paths through a student's school, the weekday pattern."""

from meister.scoping import ScopeKind

SCHOOL_PATHS = {
    ScopeKind.PREFECTURE: ("school__prefecture",),
    ScopeKind.CONSORTIUM: ("school__consortia",),
    ScopeKind.SCHOOL: ("school",),
}


def _prefixed(prefix: str, paths: dict) -> dict:
    return {kind: tuple(f"{prefix}__{path}" for path in values) for kind, values in paths.items()}


def valid_weekdays(digits: str | None) -> bool:
    """A weekday pattern: one or more distinct digits 0 (Monday) … 6 (Sunday)."""
    digits = digits or ""
    return bool(digits) and all(c in "0123456" for c in digits) and len(set(digits)) == len(digits)
