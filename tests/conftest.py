"""Shared fixtures: the demo data and one persona per role (plus outsiders in the other case)."""

import os
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from meister.models import User
from partners.models import Company, Consortium, School

PERSONAS = (
    "ministry",
    "prefecture",
    "coordinator",
    "teacher",
    "company",
    "admin",
    "prefecture-niigata",
    "coordinator-niigata",
    "teacher-niigata",
    "company-niigata",
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo once into the test database; each test's transaction is rolled back over it."""
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)


@pytest.fixture
def demo(db):
    """The demo as `seed_demo` loads it, with the Shiga case's objects by name."""
    if not User.objects.filter(username="ministry").exists():
        # A transactional test (worker, browser) empties the database when it ends: load it again.
        call_command("seed_demo", verbosity=0)
    users = {user.username: user for user in User.objects.filter(username__in=PERSONAS)}
    return SimpleNamespace(
        users=users,
        hikone=School.objects.get(name="滋賀県立彦根工業高等学校"),
        kaiyo=School.objects.get(name="新潟県立海洋高等学校"),
        kotoh=Company.objects.get(name="株式会社湖東精機"),
        nosui=Company.objects.get(name="株式会社能水商店"),
        shiga_consortium=Consortium.objects.get(prefecture__code="25"),
        niigata_consortium=Consortium.objects.get(prefecture__code="15"),
    )


def spawn_worker(log_path, **extra_env) -> subprocess.Popen:
    """Start a Celery worker process on the test database; `extra_env` overrides its settings."""
    db = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="meister.test_settings",
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        **extra_env,
    )
    assert env.get("REDIS_URL"), "the worker test needs Redis (make test starts one)"
    log = open(log_path, "a")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "meister",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--queues=celery,reports",
            "--loglevel=INFO",
            "--hostname",
            f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def worker(tmp_path):
    """A Celery worker process on the test database (use with transactional tests)."""
    process = spawn_worker(tmp_path / "worker.log")
    yield process
    process.terminate()
    process.wait(timeout=30)
    print((tmp_path / "worker.log").read_text())
