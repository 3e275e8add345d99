"""A fiscal year's release kept between reports, for exactly as long as the data it was built from is unchanged.

Building a release (gathering a year's figures at every scope and choosing the hidden cells, `reports.release`)
takes most of a national report's time, and every report of the year needs the same one. So the first report of a
year builds it and keeps it; later reports use the kept one when the year's data version is still the one it was
built at, and build it afresh otherwise.

The data version is kept by PostgreSQL itself: a trigger on every table a release reads (migration reports 0008)
adds a row to `DataChange` for each statement that writes to it, naming the fiscal years it touches (a day log's
year; every year a placement spans, before and after the write) or none, meaning all years. A year's version is
the sum over its rows and the all-years rows, so it moves with every committed write, whether made by a service,
`QuerySet.update()`, a bulk load or plain SQL. The version is read before the first figure is: a write committed
while a release is being built moves the version past the one the release is kept under, so it is never used.

The version also names the threshold and a digest of the reports package's code, so a release built under another
rule or by other code (a changed metric, a changed choice of hidden cells) is not read. The change rows are only
ever folded (`fold_changes`), never deleted: a year's sum must not go back to a value it had before. Without
triggers (SQLite, the embedded first-run database) nothing is kept.
"""

import functools
import pickle
import zlib
from pathlib import Path

from django.db import connections, router
from django.db.models import Max, Q, Sum

from meister.clock import now
from meister.digest import source_digest
from reports.disclosure import threshold
from reports.models import DataChange, KeptRelease


@functools.cache
def code_digest() -> str:
    """A digest of the reports package's code (migrations aside), read once per process."""
    package = Path(__file__).resolve().parent
    return source_digest(package.parent, [package])


def data_version(fy: int) -> str | None:
    """The version of the data `fy`'s release reads, on the database the release would read; None without one."""
    alias = router.db_for_read(DataChange)
    if connections[alias].vendor != "postgresql":
        return None
    total = (
        DataChange.objects.using(alias)
        .filter(Q(fiscal_year__isnull=True) | Q(fiscal_year=fy))
        .aggregate(n=Sum("n"))["n"]
    )
    return f"{code_digest()}:{threshold()}:{total or 0}"


def dashboard_version() -> str | None:
    """The version of every table a release or a dashboard reads (`portal.kept`): the sum over all change rows,
    which only grows, and the newest row's id, which tells apart two histories that reach the same sum (a test's
    writes rolled back and others made); None without triggers."""
    alias = router.db_for_read(DataChange)
    if connections[alias].vendor != "postgresql":
        return None
    row = DataChange.objects.using(alias).aggregate(total=Sum("n"), last=Max("pk"))
    return f"{row['total'] or 0}.{row['last'] or 0}"


def load(fy: int, version: str) -> dict | None:
    """The kept state of `fy`'s release if it was built at `version`."""
    payload = KeptRelease.objects.filter(fiscal_year=fy, version=version).values_list("payload", flat=True).first()
    return None if payload is None else pickle.loads(zlib.decompress(payload))


def keep(fy: int, version: str, state: dict) -> None:
    """Keep `state` (built from data at `version`) for the next report of `fy`, and fold the change rows."""
    payload = zlib.compress(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), 1)
    KeptRelease.objects.update_or_create(
        fiscal_year=fy, defaults={"version": version, "built_at": now(), "payload": payload}
    )
    fold_changes()


def fold_changes() -> int:
    """Fold the change rows into one per fiscal year, keeping each year's sum; returns the rows left. Readers see
    the rows before or after, never between, and a row committed meanwhile is not touched."""
    alias = router.db_for_write(DataChange)
    if connections[alias].vendor != "postgresql":
        return 0
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "WITH folded AS (DELETE FROM reports_datachange RETURNING fiscal_year, n) "
            "INSERT INTO reports_datachange (fiscal_year, n) SELECT fiscal_year, sum(n) FROM folded GROUP BY 1"
        )
        return cursor.rowcount
