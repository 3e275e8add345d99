"""A digest of the portal's own source code: what a kept result (a release, a dashboard's figures) was worked out by,
so that one worked out by other code is not read after a deploy."""

import hashlib
from collections.abc import Iterable
from pathlib import Path


def source_digest(base: Path, packages: Iterable[Path]) -> str:
    """The packages' Python files (migrations aside), each named by its path under `base`, in 16 hex digits."""
    digest = hashlib.sha256()
    for package in sorted(packages):
        for path in sorted(package.rglob("*.py")):
            if "migrations" not in path.relative_to(package).parts:
                digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
