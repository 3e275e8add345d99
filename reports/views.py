"""Report runs: start one, watch its progress, download its file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meister.scoping import get_for_user, may_change, visible_to
from reports.forms import ReportRunForm
from reports.models import ReportRun
from reports.services import report_run_start


def get_run_for_user(user, pk) -> ReportRun:
    return get_for_user(user, ReportRun.objects.select_related("prefecture", "consortium", "requested_by"), pk=pk)


def _may_start(user) -> bool:
    return may_change(user, ReportRun())


@login_required
def run_list(request):
    runs = visible_to(ReportRun.objects.select_related("prefecture", "consortium", "requested_by"), request.user)
    return render(
        request,
        "reports/run_list.html",
        {"runs": runs[:100], "may_start": _may_start(request.user), "form": ReportRunForm(language=get_language())},
    )


@login_required
def run_create(request):
    if not _may_start(request.user):
        raise PermissionDenied
    form = ReportRunForm(request.POST or None, language=get_language())
    if request.method == "POST" and form.is_valid():
        run = report_run_start(
            user=request.user, kind=form.cleaned_data["kind"], fiscal_year=form.cleaned_data["fiscal_year"]
        )
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


@login_required
def run_download(request, pk):
    run = get_run_for_user(request.user, pk)
    if not run.pdf:
        raise Http404
    filename = f"{run.get_kind_display()}_{run.fiscal_year}_{run.pk}.pdf"
    return FileResponse(run.pdf.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
