"""A real Celery worker process, on the same PostgreSQL and Redis as the test run."""

import time

import pytest
from django.urls import reverse

from reports.models import ReportKind, ReportRun, RunStatus
from tests.pdf import pdf_text


def _wait_until_finished(run_id, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = ReportRun.objects.get(pk=run_id)
        if run.is_finished:
            return run
        time.sleep(0.25)
    return ReportRun.objects.get(pk=run_id)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_report_is_built_by_the_worker_not_the_request(client, demo, worker):
    client.force_login(demo.users["ministry"])
    response = client.post(reverse("reports:run_create"), {"kind": ReportKind.REGISTRY_SUMMARY, "fiscal_year": 2025})
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert run.status == RunStatus.QUEUED, "the web request only queues the job"

    run = _wait_until_finished(run.pk)
    assert worker.poll() is None, "the worker is still running"
    assert (run.status, run.progress) == (RunStatus.DONE, 100)
    assert run.started_at and run.finished_at and run.started_at <= run.finished_at

    detail = client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    assert 'data-status="done"' in detail and reverse("reports:run_download", args=[run.pk]) in detail
    data = b"".join(client.get(reverse("reports:run_download", args=[run.pk])).streaming_content)
    text = pdf_text(data)
    assert "連携先登録状況 令和7年度" in text and "対象：全国" in text
