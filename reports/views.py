"""Report runs (start one, watch its progress, download its files) and the PDCA figures they are built from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meister.fiscal import current_fiscal_year, fiscal_year_from, fiscal_year_label, programme_years
from meister.scoping import (
    get_for_user,
    may_change,
    may_create,
    may_work_on_pdca,
    save_in_scope,
    visible_to,
)
from partners.models import Consortium
from reports import tasks
from reports.documents import ReportScope
from reports.forms import KpiForm, KpiTargetForm, PdcaReviewForm, ReportRunForm
from reports.metrics import METRICS, TOTAL
from reports.models import Kpi, KpiSource, KpiTarget, PdcaReview, ReportRun
from reports.services import kpi_copy_previous_year, kpi_save, pdca_save, report_run_start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_run_for_user(user, pk) -> ReportRun:
    return get_for_user(user, ReportRun.objects.select_related("prefecture", "consortium", "requested_by"), pk=pk)


def _may_start(user) -> bool:
    return may_change(user, ReportRun())


@login_required
def run_list(request):
    runs = visible_to(ReportRun.objects.select_related("prefecture", "consortium", "requested_by"), request.user)
    form = ReportRunForm(language=get_language(), user=request.user) if _may_start(request.user) else None
    return render(request, "reports/run_list.html", {"runs": runs[:100], "may_start": form is not None, "form": form})


@login_required
def run_create(request):
    if not _may_start(request.user):
        raise PermissionDenied
    form = ReportRunForm(request.POST or None, language=get_language(), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            run = report_run_start(
                user=request.user,
                kind=form.cleaned_data["kind"],
                fiscal_year=form.cleaned_data["fiscal_year"],
                prefecture=form.cleaned_data["prefecture"],
                consortium=form.cleaned_data["consortium"],
                enqueue=tasks.report_run_build.delay,
            )
        except ValidationError as error:
            form.add_error("target", error)
        else:
            messages.info(request, _("報告書の作成を受け付けました。完了するとダウンロードできます。"))
            return redirect("reports:run_detail", pk=run.pk)
    return render(request, "reports/run_create.html", {"form": form})


@login_required
def run_detail(request, pk):
    run = get_run_for_user(request.user, pk)
    return render(request, "reports/run_detail.html", {"run": run})


@login_required
def run_progress(request, pk):
    run = get_run_for_user(request.user, pk)
    return render(request, "reports/_progress.html", {"run": run})


def _filename(run: ReportRun, suffix: str) -> str:
    return f"{run.title}_{fiscal_year_label(run.fiscal_year, 'ja')}_{run.pk}.{suffix}"


@login_required
def run_download(request, pk):
    run = get_run_for_user(request.user, pk)
    if not run.pdf:
        raise Http404
    return FileResponse(
        run.pdf.open("rb"), as_attachment=True, filename=_filename(run, "pdf"), content_type="application/pdf"
    )


@login_required
def run_download_xlsx(request, pk):
    run = get_run_for_user(request.user, pk)
    if not run.xlsx:
        raise Http404
    return FileResponse(run.xlsx.open("rb"), as_attachment=True, filename=_filename(run, "xlsx"), content_type=XLSX)


# --- PDCA: the KPI list, each consortium's targets and notes ---------------------------------------------------------


def _fiscal_year(value) -> int:
    """The year a PDCA page is about: this year when none is given, a 404 for one outside the programme's."""
    years = programme_years()
    return fiscal_year_from(value, default=current_fiscal_year(), lowest=years[-1], highest=years[0], strict=True)


def _year_links(fy: int) -> list[tuple[int, str, bool]]:
    language = get_language()
    return [(year, fiscal_year_label(year, language), year == fy) for year in programme_years()]


def _require_pdca_role(user) -> None:
    if not may_work_on_pdca(user):
        raise PermissionDenied


@login_required
def pdca_list(request):
    _require_pdca_role(request.user)
    fy = _fiscal_year(request.GET.get("fy"))
    consortia = visible_to(Consortium.objects.select_related("prefecture"), request.user).order_by(
        "prefecture__code", "name"
    )
    filled = set(
        visible_to(KpiTarget.objects.filter(kpi__fiscal_year=fy), request.user)
        .exclude(target=None)
        .values_list("consortium_id", flat=True)
    )
    unfilled_only = request.GET.get("state") == "unfilled"
    if unfilled_only:
        # The dashboards' "targets still to set": consortia designated this year whose targets are not in yet.
        consortia = consortia.filter(designations__fiscal_year=fy).exclude(pk__in=filled)
    return render(
        request,
        "reports/pdca_list.html",
        {
            "fy": fy,
            "years": _year_links(fy),
            "rows": [(c, c.pk in filled) for c in consortia],
            "unfilled_only": unfilled_only,
            "kpi_count": visible_to(Kpi.objects.filter(fiscal_year=fy), request.user).count(),
        },
    )


@login_required
def pdca_edit(request, pk, fy):
    _require_pdca_role(request.user)
    consortium = get_for_user(request.user, Consortium.objects.select_related("prefecture"), pk=pk)
    fy = _fiscal_year(fy)
    editable = may_change(request.user, KpiTarget(consortium=consortium))
    if request.method == "POST" and not editable:
        raise PermissionDenied
    kpis = list(visible_to(Kpi.objects.filter(fiscal_year=fy).select_related("instrument"), request.user))
    targets = {t.kpi_id: t for t in KpiTarget.objects.filter(consortium=consortium, kpi__in=kpis)}
    reviews = {r.fiscal_year: r for r in PdcaReview.objects.filter(consortium=consortium, fiscal_year__in=[fy - 1, fy])}
    data = request.POST if request.method == "POST" else None
    rows = []
    schools = ReportScope("consortium", consortium.pk).schools()
    for kpi in kpis:
        instance = targets.get(kpi.pk) or KpiTarget(consortium=consortium, kpi=kpi)
        form = KpiTargetForm(data, instance=instance, kpi=kpi, prefix=f"kpi-{kpi.pk}")
        actual = None
        if kpi.source == KpiSource.COMPUTED and kpi.metric in METRICS:
            actual = (
                METRICS[kpi.metric]
                .compute(fy, TOTAL, schools, instrument=kpi.instrument, subscale=kpi.subscale)
                .get(None)
            )
        rows.append({"kpi": kpi, "form": form, "computed": actual})
    review_form = PdcaReviewForm(
        data, instance=reviews.get(fy) or PdcaReview(consortium=consortium, fiscal_year=fy), prefix="review"
    )
    if request.method == "POST":
        if all(row["form"].is_valid() for row in rows) and review_form.is_valid():
            saved = save_in_scope(
                review_form,
                lambda: pdca_save(
                    user=request.user,
                    targets=[row["form"].save(commit=False) for row in rows],
                    review=review_form.save(commit=False),
                ),
            )
            if saved:
                messages.success(request, _("PDCAの目標と記述を保存しました。"))
                return redirect("reports:pdca_edit", pk=consortium.pk, fy=fy)
        messages.error(
            request, _("入力に誤りがあります。赤字の項目を確認してください。入力した内容はそのまま残っています。")
        )
    previous = reviews.get(fy - 1)
    return render(
        request,
        "reports/pdca_edit.html",
        {
            "consortium": consortium,
            "fy": fy,
            "years": _year_links(fy),
            "rows": rows,
            "review_form": review_form,
            "previous_act": previous.act_note if previous else "",
            "editable": editable,
        },
    )


@login_required
def kpi_list(request):
    _require_pdca_role(request.user)
    fy = _fiscal_year(request.GET.get("fy"))
    kpis = visible_to(Kpi.objects.filter(fiscal_year=fy).select_related("instrument"), request.user)
    return render(
        request,
        "reports/kpi_list.html",
        {
            "fy": fy,
            "years": _year_links(fy),
            "kpis": kpis,
            "may_edit": may_create(request.user, Kpi),
            "previous_count": visible_to(Kpi.objects.filter(fiscal_year=fy - 1), request.user).count(),
            "metrics": METRICS,
        },
    )


def _kpi_form_view(request, kpi: Kpi | None):
    if not may_create(request.user, Kpi):
        raise PermissionDenied
    form = KpiForm(request.POST or None, instance=kpi, language=get_language())
    if request.method == "POST" and form.is_valid():
        saved = save_in_scope(form, lambda: kpi_save(user=request.user, kpi=form.save(commit=False)))
        if saved:
            messages.success(request, _("KPIを保存しました。"))
            return redirect(_kpi_list_url(saved.fiscal_year))
    return render(request, "reports/kpi_form.html", {"form": form, "kpi": kpi})


def _kpi_list_url(fy: int) -> str:
    from django.urls import reverse

    return f"{reverse('reports:kpi_list')}?fy={fy}"


@login_required
def kpi_create(request):
    return _kpi_form_view(request, None)


@login_required
def kpi_edit(request, pk):
    _require_pdca_role(request.user)
    return _kpi_form_view(request, get_for_user(request.user, Kpi, change=True, pk=pk))


@login_required
@require_POST
def kpi_copy(request):
    """Start a year's list from the previous year's: the ministry then renames, adds or removes."""
    if not may_create(request.user, Kpi):
        raise PermissionDenied
    fy = _fiscal_year(request.POST.get("fy"))
    try:
        copied = kpi_copy_previous_year(fiscal_year=fy)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("前年度のKPIを%(n)d件コピーしました。") % {"n": len(copied)})
    return redirect(_kpi_list_url(fy))
