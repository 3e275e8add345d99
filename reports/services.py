"""Starting report runs and building their files."""

import logging
import os
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from meister.clock import today
from meister.fiscal import fiscal_year
from meister.replica import replica_reads
from meister.scoping import ScopeKind, may_change_some, saving_in_scope, visible_to
from partners.models import Consortium
from reports import kept
from reports.documents import ReportScope
from reports.models import KIND_SCOPES, KeptRelease, Kpi, KpiTarget, PdcaReview, ReportRun, RunStatus
from reports.rendering import build_report_files


def report_run_start(
    *, user, kind: str, fiscal_year: int, enqueue: Callable[[int], object], prefecture=None, consortium=None
) -> ReportRun:
    """Record a run for a scope inside the user's own and queue it once the record is committed.

    `enqueue` hands the run's id to a worker (the view passes the build task's `delay`); it is called only after
    the commit, so the worker never misses the row it was given.

    With no prefecture or consortium given, the run covers the user's own scope. A national user may narrow it to
    one prefecture or consortium, a prefecture user to one of its consortia; the kind decides which scopes fit.
    """
    if not may_change_some(user, ReportRun):
        raise PermissionDenied
    kind_of_scope, ident = user.scope
    if kind_of_scope != ScopeKind.NATIONAL and ident is None:
        # A prefecture or coordinator account without its scope must not fall back to national.
        raise PermissionDenied
    run = ReportRun(kind=kind, fiscal_year=fiscal_year, requested_by=user)
    if kind_of_scope == ScopeKind.PREFECTURE:
        run.prefecture_id = user.prefecture_id
    elif kind_of_scope == ScopeKind.CONSORTIUM:
        run.consortium_id = user.consortium_id
    elif kind_of_scope != ScopeKind.NATIONAL:
        raise PermissionDenied
    if consortium is not None:
        if not visible_to(Consortium.objects.filter(pk=consortium.pk), user).exists():
            raise PermissionDenied
        run.prefecture_id, run.consortium_id = None, consortium.pk
    elif prefecture is not None:
        if kind_of_scope != ScopeKind.NATIONAL and prefecture.pk != user.prefecture_id:
            raise PermissionDenied
        run.prefecture_id, run.consortium_id = prefecture.pk, None
    if run.scope[0] not in KIND_SCOPES[kind]:
        raise ValidationError(_("この種類の報告書は、この対象では作成できません。"))
    run.full_clean()
    run.save()
    transaction.on_commit(lambda: enqueue(run.pk))
    return run


# --- PDCA: the KPI list, each consortium's targets and notes ---------------------------------------------------------


@transaction.atomic
def pdca_save(*, user, targets: list[KpiTarget], review: PdcaReview) -> PdcaReview:
    """Save a consortium's targets for a year's KPIs and its PDCA notes, all or none, as written by `user`."""
    for record in [*targets, review]:
        record.updated_by = user
        with saving_in_scope(user, record):
            record.save()
    return review


def kpi_save(*, user, kpi: Kpi) -> Kpi:
    with saving_in_scope(user, kpi):
        kpi.save()
    return kpi


def kpi_copy_previous_year(*, fiscal_year: int) -> list[Kpi]:
    """Start a year's KPI list from the previous year's; refused when the year has its list already."""
    taken = ValidationError(_("この年度のKPIはすでに登録されています。"))
    if Kpi.objects.filter(fiscal_year=fiscal_year).exists():
        raise taken
    previous = list(Kpi.objects.filter(fiscal_year=fiscal_year - 1))
    for kpi in previous:
        kpi.pk = None
        kpi.fiscal_year = fiscal_year
    try:
        with transaction.atomic():
            return Kpi.objects.bulk_create(previous)
    except IntegrityError:  # the same copy sent twice at once
        raise taken from None


logger = logging.getLogger(__name__)


class NoData(Exception):
    """The year and scope have nothing to report."""


def _store(run: ReportRun, field: str, path: str, suffix: str) -> str:
    name = f"reports/{run.fiscal_year}/{run.kind}-{run.fiscal_year}-{run.pk}-{run.attempt}.{suffix}"
    if default_storage.exists(name):
        default_storage.delete(name)
    with open(path, "rb") as handle:
        return default_storage.save(name, File(handle))


def report_run_build(run_id: int) -> ReportRun | None:
    """Take the run up, write its PDF and workbook, and finish it, unless a later attempt has taken it over.

    Safe to run twice for the same id (a task re-delivered after its worker died): a finished run is left alone,
    each attempt writes files of its own, and only the latest attempt may mark the run done.
    """
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.is_finished:
            return run
        run.attempt += 1
        run.status, run.started_at, run.progress, run.error = RunStatus.RUNNING, timezone.now(), 5, ""
        run.save(update_fields=["attempt", "status", "started_at", "progress", "error"])
    attempt = run.attempt
    pause = settings.REPORT_STEP_DELAY_SECONDS

    def progress(percent: int) -> None:
        if pause:
            time.sleep(pause)
        ReportRun.objects.filter(pk=run.pk, attempt=attempt, status=RunStatus.RUNNING).update(progress=percent)

    folder = tempfile.mkdtemp(prefix="report-")
    pdf_path, xlsx_path = os.path.join(folder, "report.pdf"), os.path.join(folder, "report.xlsx")
    stored = []
    try:
        context = build_report_files(
            run.kind, run.fiscal_year, ReportScope.of(run), pdf_path=pdf_path, xlsx_path=xlsx_path, progress=progress
        )
        if context.get("empty"):
            raise NoData
        stored = [_store(run, "pdf", pdf_path, "pdf"), _store(run, "xlsx", xlsx_path, "xlsx")]
        finished = ReportRun.objects.filter(pk=run.pk, attempt=attempt, status=RunStatus.RUNNING).update(
            pdf=stored[0],
            xlsx=stored[1],
            status=RunStatus.DONE,
            progress=100,
            finished_at=timezone.now(),
            error="",
            data_as_of=context.get("data_as_of"),
        )
        if finished:
            stored = []
    except OperationalError:
        raise  # the database went away: the task retries, and the next attempt takes the run up again
    except Exception as error:
        # Recorded only while this attempt still holds the run: a later attempt may be finishing it right now.
        if not isinstance(error, NoData):
            logger.exception("report run %s (attempt %s) failed", run.pk, attempt)
        ReportRun.objects.filter(pk=run.pk, attempt=attempt, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error="no_data" if isinstance(error, NoData) else "build_failed",
        )
    finally:
        for name in stored:  # another attempt took the run over: its files are the ones kept
            default_storage.delete(name)
        for path in (pdf_path, xlsx_path):
            if os.path.exists(path):
                os.unlink(path)
        os.rmdir(folder)
    run.refresh_from_db()
    return run


def report_run_fail(run_id: int, code: str) -> None:
    """Mark a run failed with the code of its error, unless it is done."""
    ReportRun.objects.filter(pk=run_id).exclude(status=RunStatus.DONE).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), error=code
    )


def report_runs_fail_stale() -> int:
    """Mark runs that have waited or run far too long as failed, so nobody watches a bar forever."""
    cutoff = timezone.now() - timedelta(minutes=settings.REPORT_RUN_TIMEOUT_MINUTES)
    # A running report is given the time a dead worker's task needs to come back (the visibility timeout) on top.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 0)
    running_cutoff = cutoff - timedelta(seconds=visibility)
    stale = ReportRun.objects.filter(
        Q(status=RunStatus.QUEUED, created_at__lt=cutoff) | Q(status=RunStatus.RUNNING, started_at__lt=running_cutoff)
    )
    return stale.update(status=RunStatus.FAILED, finished_at=timezone.now(), error="timed_out")


def releases_keep_current() -> list[int]:
    """Build and keep the releases of this fiscal year and the years before it that the annual report's trends read,
    where their data changed since they were kept, so that the day's first report reads one; then fold the change
    rows. Returns the years built. Nothing is kept without triggers (SQLite): nothing to do."""
    from reports.documents.headline import TREND_YEARS
    from reports.release import release_for

    built, years = [], TREND_YEARS
    this = fiscal_year(today())
    with replica_reads():  # a report builder's reads, the replica's when there is one
        for fy in range(this - years + 1, this + 1):
            version = kept.data_version(fy)
            if version is None:
                return []
            if not KeptRelease.objects.filter(fiscal_year=fy, version=version).exists():
                release_for(fy)
                built.append(fy)
    kept.fold_changes()
    return built


def render_report(kind: str, fy: int, scope: ReportScope, fmt: str, out: str) -> dict:
    """The command line's way in: the same code as a run, written straight to a path."""
    if fmt == "pdf":
        return build_report_files(kind, fy, scope, pdf_path=out)
    return build_report_files(kind, fy, scope, xlsx_path=out)
