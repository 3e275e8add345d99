"""Reads spread onto a PostgreSQL streaming replica, when one is configured (`DATABASE_REPLICA_URL`).

Only reads that ask for it go there: report builds, downloads (`meister.exporting`) and the heavy aggregate
pages run inside `replica_reads()` (or behind the `reads_replica` view decorator, or `on_replica` for a stream);
everything else, and every write, uses the primary. Only the domain apps' tables are read from the replica
(`REPLICA_APPS`): users, sessions and two-factor devices are always read from the primary.

Read your own writes: after a request that may have written (any method but GET/HEAD/OPTIONS), the primary's
WAL position is kept in the session; until the replica has replayed up to it, that person's reads stay on the
primary. So a teacher's save is on the next page even while the replica lags; someone else may see the replica's
slightly older state, for which a report prints "data as of" the replica's replay time.
"""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

REPLICA = "replica"
SESSION_KEY = "meister.replica_pin"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_reading = ContextVar("meister_replica_reads", default=False)
_pinned = ContextVar("meister_replica_pinned", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Reads of the domain apps inside the block go to the replica (when there is one and it has caught up)."""
    token = _reading.set(configured() and not _pinned.get())
    try:
        yield
    finally:
        _reading.reset(token)


def reads_replica(view):
    """A view whose reads may come from the replica: for pages that only show aggregates or lists."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_reads():
            response = view(request, *args, **kwargs)
            render = getattr(response, "render", None)
            if callable(render) and not getattr(response, "is_rendered", True):
                response = render()  # a template response renders here, still inside the block
            return response

    return wrapped


def on_replica(iterable):
    """Iterate `iterable` (a streamed download's chunks) reading as `replica_reads` would right now: the choice is
    made while the request, and so whether the person's reads are held on the primary, is still known."""
    wanted = configured() and not _pinned.get()

    def chunks():
        token = _reading.set(wanted)
        try:
            yield from iterable
        finally:
            try:
                _reading.reset(token)
            except ValueError:  # closed from another context: nothing of this iteration's is left there
                pass

    return chunks()


def active_alias() -> str:
    """Where the domain apps' reads go right now."""
    return REPLICA if _reading.get() else "default"


def data_as_of() -> datetime.datetime:
    """The moment the data being read stands at: now on the primary, the replica's replay point on the replica."""
    now = timezone.now()
    if active_alias() != REPLICA:
        return now
    with connections[REPLICA].cursor() as cursor:
        # Fully replayed: the replica is as current as the WAL it has received, i.e. now (give or take milliseconds).
        cursor.execute("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), pg_last_xact_replay_timestamp()")
        caught_up, replayed_at = cursor.fetchone()
    if caught_up or replayed_at is None:
        return now
    return min(now, replayed_at)


class ReplicaRouter:
    """Routes the domain apps' reads inside `replica_reads()` to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        if _reading.get() and model._meta.app_label in settings.REPLICA_APPS:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: rows from either relate

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


def _primary_position() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cursor.fetchone()[0]


def _replica_has_replayed(position: str) -> bool:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [position])
        return bool(cursor.fetchone()[0])


class ReplicaPinMiddleware:
    """Keeps a person's reads on the primary until the replica has replayed their last write (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        session = getattr(request, "session", None)
        pin = session.get(SESSION_KEY) if session is not None else None
        pinned = False
        if pin:
            try:
                pinned = not _replica_has_replayed(pin)
            except DatabaseError:
                pinned = True  # the replica cannot answer: read the primary
            if not pinned:
                del session[SESSION_KEY]
        token = _pinned.set(pinned)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if request.method not in SAFE_METHODS and session is not None:
            session[SESSION_KEY] = _primary_position()
        return response
