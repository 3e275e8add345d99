"""Faults with real processes: the database drops gunicorn's kept connections, as a PostgreSQL restart does."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.faults


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    db = connection.settings_dict
    port = _free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="meister.test_settings",
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    )
    log = open(tmp_path / "gunicorn.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "meister.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=5).close()
            break
        except OSError:  # not listening yet (URLError, ConnectionError) or too slow to answer (TimeoutError)
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=30)
    log.close()
    print((tmp_path / "gunicorn.log").read_text())


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_web_server_recovers_when_the_database_drops_its_connections(gunicorn):
    assert _status(gunicorn + "/healthz") == 200  # gunicorn's worker now keeps a connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1
    assert _status(gunicorn + "/healthz") == 200
    assert _status(gunicorn + "/accounts/login/") == 200
