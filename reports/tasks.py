"""Celery tasks for report runs: they take an id, re-fetch, and record every outcome on the run."""

import logging

from celery import Task, shared_task
from django.db import OperationalError
from django.utils import timezone

from reports.models import ReportRun, RunStatus
from reports.services import report_run_build

logger = logging.getLogger(__name__)


def _mark_failed(run_id, code: str) -> None:
    ReportRun.objects.filter(pk=run_id).exclude(status=RunStatus.DONE).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), error=code
    )


class ReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries for a lost database connection ran out: say so instead of leaving "running".
        if args:
            _mark_failed(args[0], "build_failed")


@shared_task(
    base=ReportTask,
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def build_report(self, run_id: int) -> None:
    """Idempotent: a finished run is left alone, and a run whose worker died is taken up again from the start."""
    # Failures are recorded on the run by the attempt that had them; a lost database connection is retried.
    report_run_build(run_id)


@shared_task
def fail_stale_runs() -> int:
    """Mark runs that have waited or run far too long as failed, so nobody watches a bar forever."""
    from datetime import timedelta

    from django.conf import settings
    from django.db.models import Q

    cutoff = timezone.now() - timedelta(minutes=settings.REPORT_RUN_TIMEOUT_MINUTES)
    # A running report is given the time a dead worker's task needs to come back (the visibility timeout) on top.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 0)
    running_cutoff = cutoff - timedelta(seconds=visibility)
    stale = ReportRun.objects.filter(
        Q(status=RunStatus.QUEUED, created_at__lt=cutoff) | Q(status=RunStatus.RUNNING, started_at__lt=running_cutoff)
    )
    return stale.update(status=RunStatus.FAILED, finished_at=timezone.now(), error="timed_out")
