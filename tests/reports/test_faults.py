"""Report runs under faults, with real processes: a worker killed mid-report, Redis restarted during a run.

Each test has a Redis server of its own (so restarting it disturbs nothing else) and real Celery workers on the test
database. Reports pause a second at each step (REPORT_STEP_DELAY_SECONDS) so the fault lands in the middle.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.conf import settings

from meister.celery import app
from reports.models import ReportKind, ReportRun, RunStatus
from reports.tasks import report_run_build
from tests.conftest import spawn_worker
from tests.pdf import pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    def __init__(self, folder):
        self.folder = folder
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed: run scripts/install-system-packages test")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(redis_url, **env):
        process = spawn_worker(
            tmp_path / "workers.log",
            REDIS_URL=redis_url,
            REPORT_STEP_DELAY_SECONDS="1",
            CELERY_VISIBILITY_TIMEOUT="4",
            **env,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
    print((tmp_path / "workers.log").read_text())


def _queue(run, redis_url):
    with app.connection_for_write(redis_url) as connection:
        report_run_build.apply_async((run.pk,), connection=connection)


def _wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _files_of(run):
    folder = os.path.join(settings.MEDIA_ROOT, "reports", str(run.fiscal_year))
    prefix = f"{run.kind}-{run.fiscal_year}-{run.pk}-"
    return sorted(name for name in os.listdir(folder) if name.startswith(prefix)) if os.path.isdir(folder) else []


def test_a_worker_killed_mid_report_still_ends_with_exactly_one_finished_report(demo, redis, workers):
    run = ReportRun.objects.create(kind=ReportKind.ANNUAL, fiscal_year=2024, requested_by=demo.users["ministry"])
    first = workers(redis.url)
    _queue(run, redis.url)
    _wait(
        lambda: ReportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, progress__gte=15).exists(),
        90,
        "the first worker to be in the middle of the report",
    )
    os.kill(first.pid, signal.SIGKILL)  # no goodbye: the task is neither finished nor acknowledged
    first.wait(timeout=10)
    assert ReportRun.objects.get(pk=run.pk).status == RunStatus.RUNNING

    workers(redis.url)  # the message comes back once its visibility timeout has passed
    finished = _wait(
        lambda: ReportRun.objects.filter(pk=run.pk, status__in=[RunStatus.DONE, RunStatus.FAILED]).first(),
        150,
        "the second worker to finish the report",
    )
    assert (finished.status, finished.progress, finished.error) == (RunStatus.DONE, 100, "")
    assert finished.attempt == 2, "taken up again, once"
    assert _files_of(finished) == [f"annual-2024-{run.pk}-2.pdf", f"annual-2024-{run.pk}-2.xlsx"]
    assert "年次報告書" in pdf_text(finished.pdf.open("rb").read())
    time.sleep(6)  # past another visibility timeout: nothing is delivered a third time
    again = ReportRun.objects.get(pk=run.pk)
    assert (again.attempt, again.status, again.pdf.name) == (2, RunStatus.DONE, finished.pdf.name)


def test_redis_restarted_during_a_run(demo, redis, workers):
    run = ReportRun.objects.create(kind=ReportKind.FACT_FINDING, fiscal_year=2024, requested_by=demo.users["ministry"])
    workers(redis.url)
    _queue(run, redis.url)
    _wait(
        lambda: ReportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).exists(),
        90,
        "the worker to start the report",
    )
    redis.stop()
    time.sleep(1)
    redis.start()  # a fresh, empty Redis on the same port, as after a restart without persistence
    finished = _wait(
        lambda: ReportRun.objects.filter(pk=run.pk, status__in=[RunStatus.DONE, RunStatus.FAILED]).first(),
        120,
        "the run to finish",
    )
    assert (finished.status, finished.attempt) == (RunStatus.DONE, 1)
    assert "実態調査報告書" in pdf_text(finished.pdf.open("rb").read())

    # The worker found its way back to Redis: the next run is built as usual.
    second = ReportRun.objects.create(kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026)
    _queue(second, redis.url)
    done = _wait(
        lambda: ReportRun.objects.filter(pk=second.pk, status=RunStatus.DONE).first(),
        120,
        "the worker to take the next run after the restart",
    )
    assert done.pdf and done.xlsx
