"""Starting report runs and building their files."""

import os
import tempfile

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from meister.fiscal import fiscal_year_label, wareki_date
from meister.scoping import ScopeKind, within_scope
from partners.models import Company, Consortium, Designation, Prefecture, School
from reports.models import ReportKind, ReportRun, RunStatus


def report_run_start(*, user, kind: str, fiscal_year: int) -> ReportRun:
    """Record a run for the user's own scope and queue it once the record is committed."""
    if user.role not in ReportRun.change_roles and not user.is_superuser:
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
    run.full_clean()
    run.save()

    from reports.tasks import build_report

    transaction.on_commit(lambda: build_report.delay(run.pk))
    return run


def _run_scope(run: ReportRun) -> tuple[str, int | None]:
    if run.consortium_id:
        return ScopeKind.CONSORTIUM, run.consortium_id
    if run.prefecture_id:
        return ScopeKind.PREFECTURE, run.prefecture_id
    return ScopeKind.NATIONAL, None


def registry_summary_rows(run: ReportRun) -> list[dict]:
    """Per prefecture within the run's scope: schools, companies, consortia and designations."""
    kind, ident = _run_scope(run)
    schools = within_scope(School.objects.all(), kind, ident)
    companies = within_scope(Company.objects.all(), kind, ident)
    consortia = within_scope(Consortium.objects.all(), kind, ident)
    designations = within_scope(Designation.objects.filter(fiscal_year=run.fiscal_year), kind, ident)
    figures = {}
    for name, queryset, field in (
        ("schools", schools, "prefecture"),
        ("companies", companies, "prefecture"),
        ("consortia", consortia, "prefecture"),
        ("designations", designations, "consortium__prefecture"),
    ):
        for row in queryset.values(field).annotate(n=Count("pk")):
            figures.setdefault(row[field], {})[name] = row["n"]
    without_number = companies.filter(Q(corporate_number__isnull=True)).values("prefecture").annotate(n=Count("pk"))
    for row in without_number:
        figures.setdefault(row["prefecture"], {})["companies_without_number"] = row["n"]
    prefectures = Prefecture.objects.filter(pk__in=figures.keys())
    return [
        {
            "prefecture": prefecture,
            **{
                key: figures[prefecture.pk].get(key, 0)
                for key in ("schools", "companies", "companies_without_number", "consortia", "designations")
            },
        }
        for prefecture in prefectures
    ]


def render_registry_summary_pdf(run: ReportRun, path: str, progress) -> None:
    from weasyprint import HTML

    rows = registry_summary_rows(run)
    progress(40)
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("schools", "companies", "companies_without_number", "consortia", "designations")
    }
    with translation.override("ja"):
        html = render_to_string(
            "print/registry_summary.html",
            {
                "run": run,
                "rows": rows,
                "totals": totals,
                "fiscal_year_label": fiscal_year_label(run.fiscal_year, "ja"),
                "generated_on": wareki_date(timezone.localdate()),
            },
        )
    progress(60)
    HTML(string=html).write_pdf(path)


RENDERERS = {ReportKind.REGISTRY_SUMMARY: render_registry_summary_pdf}


def report_run_build(run: ReportRun) -> None:
    """Write the run's PDF to a temporary file, then move it into storage and mark the run done."""

    def progress(percent: int) -> None:
        ReportRun.objects.filter(pk=run.pk).update(progress=percent)

    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(), progress=5)
    handle, path = tempfile.mkstemp(suffix=".pdf")
    os.close(handle)
    try:
        RENDERERS[run.kind](run, path, progress)
        progress(90)
        with open(path, "rb") as pdf:
            run.pdf.save(f"{run.kind}-{run.fiscal_year}-{run.pk}.pdf", File(pdf), save=False)
        ReportRun.objects.filter(pk=run.pk).update(
            pdf=run.pdf.name, status=RunStatus.DONE, progress=100, finished_at=timezone.now(), error=""
        )
    finally:
        os.unlink(path)
