"""Celery tasks for report runs, each named after the service it calls: they take an id and leave the rest to it.

The names the broker knows stay those the queued messages and the beat schedule were written with.
"""

from celery import Task, shared_task
from django.db import OperationalError

from reports import kept, services


class ReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries for a lost database connection ran out: say so instead of leaving "running".
        if args:
            services.report_run_fail(args[0], "build_failed")


@shared_task(
    name="reports.tasks.build_report",
    base=ReportTask,
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def report_run_build(self, run_id: int) -> None:
    """Idempotent: a finished run is left alone, and a run whose worker died is taken up again from the start."""
    # Failures are recorded on the run by the attempt that had them; a lost database connection is retried.
    services.report_run_build(run_id)


@shared_task(name="reports.tasks.keep_releases_current")
def releases_keep_current() -> list[int]:
    return services.releases_keep_current()


@shared_task(name="reports.tasks.fold_data_changes")
def data_changes_fold() -> int:
    """Every write statement adds a change row; folding them keeps the version read by every dashboard visit a
    sum over a few rows (`reports.kept`)."""
    return kept.fold_changes()


@shared_task(name="reports.tasks.fail_stale_runs")
def report_runs_fail_stale() -> int:
    return services.report_runs_fail_stale()
