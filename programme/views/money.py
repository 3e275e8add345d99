"""Plans and money per designation: the 実施計画書, the 所要経費 estimate, the ledger with its evidence, budget against
actual, the accountant's workbook and the ledger's import from a file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meister.fiscal import fiscal_year_choices
from meister.importing import (
    ImportProblem,
    ImportUploadForm,
    RowStatus,
    get_import_batch_for_user,
    import_batch_commit,
    import_batch_create,
)
from meister.links import row_urls
from meister.models import ImportKind, ImportStatus
from meister.scoping import get_for_user, may_change, save_in_scope, visible_to
from programme import selectors, services
from programme.exporters import LedgerWorkbook
from programme.forms import EstimateFormSet, LedgerEntryForm, PlanForm, PlannedActivityFormSet
from programme.importers import LedgerImporter
from programme.models import EstimateLine, ExpenseCategory, ImplementationPlan, LedgerEntry
from programme.models.money import MONTH_CHOICES
from programme.views import _fiscal_year


@login_required
def money_list(request):
    """The designations in scope for a year, with what each has booked."""
    fy = _fiscal_year(request)
    context = {
        "fy": fy,
        "years": fiscal_year_choices(),
        "designations": selectors.designations_for_user(user=request.user, fiscal_year=fy),
    }
    return render(request, "programme/money_list.html", context)


LEDGER_PAGE_SIZE = 50


@login_required
def designation_money(request, pk):
    designation = selectors.get_designation_for_user(request.user, pk)
    plan = visible_to(ImplementationPlan.objects.filter(designation=designation), request.user).first()
    context = {
        "designation": designation,
        "plan": plan,
        "activities": plan.activities.all() if plan else [],
        "kpi_targets": visible_to(designation.consortium.kpi_targets.select_related("kpi"), request.user).filter(
            kpi__fiscal_year=designation.fiscal_year
        ),
        "summary": selectors.budget_vs_actual(designation=designation),
        "estimate": visible_to(EstimateLine.objects.filter(designation=designation), request.user).select_related(
            "category"
        ),
        # A designation books hundreds of payments a year: a page of them at a time (the workbook has them all).
        "page": _ledger_page(request, designation),
        "may_keep": may_change(request.user, LedgerEntry(designation=designation)),
        "month_labels": MONTH_CHOICES,
    }
    return render(request, "programme/designation_money.html", context)


def _ledger_page(request, designation):
    """A page of the ledger as plain rows, each with what the table prints: a page of fifty payments drawn from
    model objects, two URLs and four filters a row cost more than the rest of the page."""
    entries = selectors.ledger_for(user=request.user, designation=designation).values(
        "pk", "spent_on", "payee", "description", "amount_yen", "evidence", category_name=F("category__name")
    )
    page = Paginator(entries, LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    evidence, edit = row_urls("programme:ledger_evidence"), row_urls("programme:ledger_edit")
    page.object_list = [
        {
            **entry,
            "day": entry["spent_on"].isoformat(),
            "amount": f"{entry['amount_yen']:,}",
            "evidence_url": evidence(entry["pk"]) if entry["evidence"] else "",
            "edit_url": edit(entry["pk"]),
        }
        for entry in page.object_list
    ]
    return page


def _designation_to_keep(request, pk, model):
    designation = selectors.get_designation_for_user(request.user, pk)
    if not may_change(request.user, model(designation=designation)):
        raise PermissionDenied
    return designation


@login_required
def plan_edit(request, pk):
    designation = _designation_to_keep(request, pk, ImplementationPlan)
    plan = ImplementationPlan.objects.filter(designation=designation).first() or ImplementationPlan(
        designation=designation
    )
    form = PlanForm(request.POST or None, instance=plan)
    activities = PlannedActivityFormSet(request.POST or None, instance=plan, prefix="activities")
    if request.method == "POST" and form.is_valid() and activities.is_valid():
        saved = save_in_scope(
            form,
            lambda: services.plan_save(
                user=request.user,
                plan=form.save(commit=False),
                activities=activities.save(commit=False),
                activities_removed=activities.deleted_objects,
            ),
        )
        if saved:
            messages.success(request, _("実施計画書を保存しました。"))
            return redirect("programme:designation_money", pk=designation.pk)
    context = {"form": form, "formset": activities, "designation": designation, "title": _("実施計画書")}
    return render(request, "programme/plan_form.html", context)


@login_required
def estimate_edit(request, pk):
    designation = _designation_to_keep(request, pk, EstimateLine)
    formset = EstimateFormSet(
        request.POST or None,
        instance=designation,
        prefix="lines",
        form_kwargs={
            "fiscal_year": designation.fiscal_year,
            "categories": list(ExpenseCategory.objects.filter(fiscal_year=designation.fiscal_year)),
        },
    )
    if request.method == "POST" and formset.is_valid():
        if not formset.forms:  # no line sent (not even a blank one): nothing to change
            return redirect("programme:designation_money", pk=designation.pk)
        lines = formset.save(commit=False)
        saved = save_in_scope(
            formset.forms[0],
            lambda: services.estimate_save(
                user=request.user, designation=designation, lines=lines, lines_removed=formset.deleted_objects
            ),
        )
        if saved is not None:
            messages.success(request, _("所要経費を保存しました。"))
            return redirect("programme:designation_money", pk=designation.pk)
    context = {"formset": formset, "designation": designation, "title": _("所要経費")}
    return render(request, "programme/estimate_form.html", context)


@login_required
def ledger_create(request, pk):
    designation = _designation_to_keep(request, pk, LedgerEntry)
    return _ledger_form(request, LedgerEntry(designation=designation))


@login_required
def ledger_edit(request, pk):
    entry = get_for_user(request.user, LedgerEntry.objects.select_related("designation"), change=True, pk=pk)
    return _ledger_form(request, entry)


def _ledger_form(request, entry):
    form = LedgerEntryForm(request.POST or None, request.FILES or None, instance=entry, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = request.FILES.get("evidence")
        saved = save_in_scope(
            form,
            lambda: services.ledger_entry_save(user=request.user, entry=form.save(commit=False), evidence=upload),
        )
        if saved:
            messages.success(request, _("支出を記録しました。"))
            return redirect("programme:designation_money", pk=saved.designation_id)
    context = {"form": form, "designation": entry.designation, "title": _("支出の記録")}
    return render(request, "programme/ledger_form.html", context)


@login_required
def ledger_evidence(request, pk):
    """The receipt or invoice of a ledger entry, for whoever sees the entry; served as the type its bytes showed."""
    entry = get_for_user(request.user, LedgerEntry, pk=pk)
    if not entry.evidence:
        raise Http404
    extension = entry.evidence.name.rsplit(".", 1)[-1] if "." in entry.evidence.name else "bin"
    return FileResponse(
        entry.evidence.open("rb"),
        as_attachment=True,
        filename=f"evidence_{entry.pk}.{extension}",
        content_type=entry.evidence_type or "application/octet-stream",
    )


@login_required
def ledger_export(request, pk):
    designation = selectors.get_designation_for_user(request.user, pk)
    return LedgerWorkbook(designation=designation, user=request.user).response("xlsx")


# --- the ledger from a file ---------------------------------------------------------------------------------------


def _importer(request, designation) -> LedgerImporter:
    importer = LedgerImporter(designation=designation)
    if not importer.may_import(request.user) or not may_change(request.user, LedgerEntry(designation=designation)):
        raise PermissionDenied
    return importer


@login_required
def ledger_import(request, pk):
    designation = selectors.get_designation_for_user(request.user, pk)
    importer = _importer(request, designation)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = import_batch_create(
            user=request.user, importer=importer, filename=form.cleaned_data["file"].name, table=form.table
        )
        batch.summary = {**batch.summary, "designation": designation.pk}
        batch.save(update_fields=["summary"])
        return redirect("programme:ledger_import_preview", pk=batch.pk)
    return render(request, "programme/ledger_import.html", {"form": form, "designation": designation})


def _batch_and_designation(request, pk):
    batch = get_import_batch_for_user(request.user, pk)
    if batch.kind != ImportKind.LEDGER:
        raise Http404
    designation = selectors.get_designation_for_user(request.user, batch.summary.get("designation"))
    return batch, designation


@login_required
def ledger_import_preview(request, pk):
    batch, designation = _batch_and_designation(request, pk)
    context = {
        "batch": batch,
        "designation": designation,
        "statuses": RowStatus,
        "may_commit": batch.status == ImportStatus.PREVIEWED
        and batch.error_count == 0
        and batch.summary.get("rows", 0) > 0,
    }
    return render(request, "programme/ledger_import_preview.html", context)


@login_required
@require_POST
def ledger_import_commit(request, pk):
    batch, designation = _batch_and_designation(request, pk)
    importer = _importer(request, designation)
    try:
        result = import_batch_commit(batch=batch, importer=importer, user=request.user)
    except ImportProblem as problem:
        messages.error(request, problem.message)
        return redirect("programme:ledger_import_preview", pk=batch.pk)
    if result.committed:
        messages.success(request, _("支出の記録を取り込みました。"))
        return redirect("programme:designation_money", pk=designation.pk)
    messages.error(request, _("取り込めない行があります。内容を確認してください。"))
    return redirect("programme:ledger_import_preview", pk=batch.pk)
