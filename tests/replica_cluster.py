"""A real PostgreSQL primary with a streaming standby (pg_basebackup + standby mode), for the replica tests."""

from contextlib import contextmanager

from devtools.pgcluster import Servers


@contextmanager
def primary_and_standby():
    """Yields (primary URL, standby URL); both servers are stopped and removed afterwards."""
    servers = Servers()
    try:
        primary = servers.initdb("primary", "wal_level = replica\nmax_wal_senders = 4\n")
        primary_port = servers.start(primary)
        standby_port = servers.start(servers.base_backup("standby", "127.0.0.1", primary_port))
        yield tuple(f"postgres://postgres@127.0.0.1:{port}/postgres" for port in (primary_port, standby_port))
    finally:
        servers.close()
