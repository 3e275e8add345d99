"""Shared fixtures: the demo data and one persona per role (plus outsiders in the other case).

Time is an input here. The suite runs as if on its day: `MEISTER_TEST_TODAY=YYYY-MM-DD`, else the real date.
The demo is laid out around a day of its own in that day's fiscal year (`demo_day`: a Thursday in late
November, with weeks of practice behind it), and every test that uses the `demo` fixture runs with the clock
on that day, so what a test sees never depends on when it runs. Tests about dates move the clock
themselves with `travel` (1 April, 31 March, the summer break, 29 February...).
"""

import datetime
import os
import subprocess
import sys
import time
import uuid
from smtplib import SMTPRecipientsRefused
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection

from meister.models import User
from partners.models import Company, Consortium, School

TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def suite_start() -> datetime.datetime | None:
    """The moment the suite starts at when MEISTER_TEST_TODAY is set: 09:00 in Tokyo on that day."""
    value = os.environ.get("MEISTER_TEST_TODAY", "")
    if not value:
        return None
    return datetime.datetime.combine(datetime.date.fromisoformat(value), datetime.time(9), tzinfo=TOKYO)


def suite_day() -> datetime.date:
    start = suite_start()
    return start.date() if start else datetime.datetime.now(TOKYO).date()


def demo_day(day: datetime.date) -> datetime.date:
    """The demo's own day in the fiscal year of `day`: the first Thursday on or after 18 November."""
    fy = day.year if day.month >= 4 else day.year - 1
    anchor = datetime.date(fy, 11, 18)
    return anchor + datetime.timedelta(days=(3 - anchor.weekday()) % 7)


def at_nine(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=TOKYO)


DEMO_DAY = demo_day(suite_day())

_suite_traveller = None


def pytest_configure(config):
    global _suite_traveller
    start = suite_start()
    if start is not None:
        _suite_traveller = time_machine.travel(start, tick=True)
        _suite_traveller.start()


def pytest_report_header(config):
    start = suite_start()
    source = "MEISTER_TEST_TODAY" if start else "the real date"
    return f"clock: {suite_day():%Y-%m-%d} ({source}); the demo's day: {DEMO_DAY:%Y-%m-%d}"


def pytest_unconfigure(config):
    if _suite_traveller is not None:
        _suite_traveller.stop()


@pytest.fixture(autouse=True)
def nothing_kept_on_the_dashboards(monkeypatch):
    """Each test starts with no dashboard figures kept, as after a deploy: a test's writes are rolled back, so two
    tests can reach the same data version with different data."""
    from portal import kept

    token = uuid.uuid4().hex[:16]
    monkeypatch.setattr(kept, "code_digest", lambda: token)


@pytest.fixture
def travel():
    """`travel(day)` stops the clock at 09:00 in Tokyo on `day` until the test ends."""
    travellers = []

    def move(day: datetime.date, hour: int = 9):
        moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=TOKYO)
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield move
    for traveller in reversed(travellers):
        traveller.stop()


PERSONAS = (
    "ministry",
    "prefecture",
    "coordinator",
    "teacher",
    "company",
    "admin",
    "supporter",
    "surveyor",
    "prefecture-niigata",
    "coordinator-niigata",
    "teacher-niigata",
    "company-niigata",
    # A Hikone student whose account is linked to their roster row, and a Kaiyo student: outsiders to each other.
    "student",
    "student-niigata",
    "supporter-niigata",
)
STUDENTS = ("student", "student-niigata")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo once into the test database; each test's transaction is rolled back over it."""
    # An hour before the tests' own moment, so that whatever a test changes is newer than the demo.
    seeded_at = at_nine(DEMO_DAY) - datetime.timedelta(hours=1)
    with django_db_blocker.unblock(), time_machine.travel(seeded_at, tick=True):
        call_command("seed_demo", today=DEMO_DAY, verbosity=0)


@pytest.fixture
def demo(db):
    """The demo as `seed_demo` loads it, with the Shiga case's objects by name; the clock on the demo's day."""
    traveller = time_machine.travel(at_nine(DEMO_DAY), tick=True)
    traveller.start()
    if not User.objects.filter(username="ministry").exists():
        # A transactional test (worker, browser) empties the database when it ends: load it again.
        call_command("seed_demo", today=DEMO_DAY, verbosity=0)
    users = {user.username: user for user in User.objects.filter(username__in=PERSONAS)}
    yield SimpleNamespace(
        today=DEMO_DAY,
        users=users,
        hikone=School.objects.get(name="滋賀県立彦根工業高等学校"),
        kaiyo=School.objects.get(name="新潟県立海洋高等学校"),
        kotoh=Company.objects.get(name="株式会社湖東精機"),
        nosui=Company.objects.get(name="株式会社能水商店"),
        shiga_consortium=Consortium.objects.get(prefecture__code="25"),
        niigata_consortium=Consortium.objects.get(prefecture__code="15"),
    )
    traveller.stop()


def spawn_worker(log_path, **extra_env) -> subprocess.Popen:
    """Start a Celery worker process on the test database; `extra_env` overrides its settings."""
    db = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="meister.test_settings",
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        # The worker keeps the suite's clock: it starts at the moment this test process has reached.
        MEISTER_WORKER_CLOCK=datetime.datetime.now(TOKYO).isoformat(),
        **extra_env,
    )
    assert env.get("REDIS_URL"), "the worker test needs Redis (make test starts one)"
    log = open(log_path, "a")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.clocked_worker",
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


class RefusingEmailBackend(locmem.EmailBackend):
    """The test outbox, except that the mail server refuses the addresses in `REFUSED`, as an SMTP server would."""

    REFUSED: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            refused = {address: (550, b"refused") for address in message.recipients() if address in self.REFUSED}
            if refused:
                raise SMTPRecipientsRefused(refused)
        return super().send_messages(messages)


@pytest.fixture
def refused_mail(settings):
    """Addresses added to the returned set are refused by the mail server for the rest of the test."""
    settings.EMAIL_BACKEND = "tests.conftest.RefusingEmailBackend"
    RefusingEmailBackend.REFUSED.clear()
    yield RefusingEmailBackend.REFUSED
    RefusingEmailBackend.REFUSED.clear()


@pytest.fixture(autouse=True)
def portal_language_after_each_test():
    """A test that switched the language (an English page, a mail to an English reader) leaves the portal's own
    language behind it, so the next test in the same process reads Japanese whatever ran before."""
    yield
    from django.utils import translation

    translation.deactivate()
