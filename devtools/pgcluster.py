"""PostgreSQL servers on this machine for the replica tests and `make bench`: a throwaway primary, and a streaming
standby of a running primary (pg_basebackup -R, hot standby). The server binaries refuse root: as root they run
as the `postgres` user."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

# The servers are throwaway: no crash safety, as the test and bench services run.
THROWAWAY = "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(*command) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def bindir() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    if not initdb:
        raise RuntimeError("PostgreSQL server binaries (initdb) not found: run scripts/install-system-packages test")
    return os.path.dirname(initdb)


def run(*command, timeout: float = 600) -> None:
    subprocess.run(as_postgres(*command), check=True, capture_output=True, timeout=timeout)


class Servers:
    """Data directories under one work folder owned by the server user, each started on a port of its own and all
    stopped and removed on `close`."""

    def __init__(self):
        self.bin = bindir()
        self.work = tempfile.mkdtemp(prefix="meister-pg-")
        os.chmod(self.work, 0o755)
        self.socket = os.path.join(self.work, "sock")
        os.makedirs(self.socket)
        if os.geteuid() == 0:
            shutil.chown(self.work, "postgres")
            shutil.chown(self.socket, "postgres")
        self.started: list[str] = []

    def path(self, name: str) -> str:
        return os.path.join(self.work, name)

    def initdb(self, name: str, conf: str = "") -> str:
        datadir = self.path(name)
        run(
            f"{self.bin}/initdb", "-D", datadir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"
        )
        if conf:
            with open(os.path.join(datadir, "postgresql.auto.conf"), "a") as file:
                file.write(conf)
        return datadir

    def base_backup(self, name: str, host: str, port: int) -> str:
        """A copy of the primary at host:port that follows its WAL once started (-R writes standby.signal)."""
        datadir = self.path(name)
        run(f"{self.bin}/pg_basebackup", "-h", host, "-p", str(port), "-U", "postgres", "-D", datadir, "-R")
        return datadir

    def start(self, datadir: str) -> int:
        port = free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {self.socket} {THROWAWAY}"
        run(f"{self.bin}/pg_ctl", "start", "-w", "-D", datadir, "-l", f"{datadir}.log", "-o", options)
        self.started.append(datadir)
        return port

    def close(self) -> None:
        for datadir in reversed(self.started):
            subprocess.run(
                as_postgres(f"{self.bin}/pg_ctl", "stop", "-m", "immediate", "-D", datadir),
                capture_output=True,
                timeout=60,
            )
        time.sleep(0.1)
        shutil.rmtree(self.work, ignore_errors=True)


@contextmanager
def standby_of(database: dict) -> Iterator[str]:
    """Yields the URL of a hot standby of the running primary that Django's `database` entry names (same database
    name), caught up with it; stopped and removed afterwards."""
    servers = Servers()
    try:
        host, port, name = database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432), database["NAME"]
        standby_port = servers.start(servers.base_backup("standby", host, port))
        yield f"postgres://postgres@127.0.0.1:{standby_port}/{name}"
    finally:
        servers.close()
