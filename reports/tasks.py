"""Celery tasks for report runs: they take an id, re-fetch, and record every outcome on the run."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import ReportRun, RunStatus
from reports.services import report_run_build

logger = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def build_report(self, run_id: int) -> None:
    run = ReportRun.objects.filter(pk=run_id).first()
    if run is None or run.status == RunStatus.DONE:
        return
    try:
        report_run_build(run)
    except OperationalError:
        raise
    except Exception:
        logger.exception("report run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=_(
                "報告書を作成できませんでした。時間をおいて再度お試しください。解決しない場合は運用管理者に連絡してください。"
            ),
        )


@shared_task
def fail_stale_runs() -> int:
    """Mark runs that have waited or run far too long as failed, so nobody watches a bar forever."""
    from datetime import timedelta

    from django.conf import settings

    cutoff = timezone.now() - timedelta(minutes=settings.REPORT_RUN_TIMEOUT_MINUTES)
    return ReportRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING], created_at__lt=cutoff).update(
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        error=_("時間内に作成が終わりませんでした。もう一度作成を開始してください。"),
    )
