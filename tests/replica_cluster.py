"""A real PostgreSQL primary with a streaming standby (pg_basebackup + standby mode), for the replica tests."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*command) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _bindir() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    if not initdb:
        raise RuntimeError("PostgreSQL server binaries (initdb) not found: run scripts/install-system-packages test")
    return os.path.dirname(initdb)


@contextmanager
def primary_and_standby():
    """Yields (primary URL, standby URL); both servers are stopped and removed afterwards."""
    bindir = _bindir()
    work = tempfile.mkdtemp(prefix="meister-replica-")
    os.chmod(work, 0o755)
    primary, standby, sock = (os.path.join(work, name) for name in ("primary", "standby", "sock"))
    os.makedirs(sock)
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
        shutil.chown(sock, "postgres")
    ports = {primary: _free_port(), standby: _free_port()}
    started = []

    def run(*command):
        subprocess.run(_as_postgres(*command), check=True, capture_output=True, timeout=120)

    def start(datadir):
        options = f"-c listen_addresses=127.0.0.1 -p {ports[datadir]} -k {sock} -c fsync=off -c full_page_writes=off"
        run(f"{bindir}/pg_ctl", "start", "-w", "-D", datadir, "-l", f"{datadir}.log", "-o", options)
        started.append(datadir)

    try:
        run(f"{bindir}/initdb", "-D", primary, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
        with open(os.path.join(primary, "postgresql.auto.conf"), "a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nsynchronous_commit = off\n")
        start(primary)
        # The standby starts from a base backup of the primary and follows its WAL (-R writes standby.signal).
        run(
            f"{bindir}/pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(ports[primary]),
            "-U",
            "postgres",
            "-D",
            standby,
            "-R",
        )
        start(standby)
        yield tuple(f"postgres://postgres@127.0.0.1:{ports[d]}/postgres" for d in (primary, standby))
    finally:
        for datadir in reversed(started):
            subprocess.run(
                _as_postgres(f"{bindir}/pg_ctl", "stop", "-m", "immediate", "-D", datadir),
                capture_output=True,
                timeout=60,
            )
        time.sleep(0.1)
        shutil.rmtree(work, ignore_errors=True)
