"""School and company calendars in the browser: a fiscal year's national holidays and closed periods, their
entry, editing and removal, the import of a calendar file, and last year's calendar copied to the next."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meister.calendar import holidays_between
from meister.fiscal import current_fiscal_year, fiscal_year_bounds, fiscal_year_label
from meister.importing import Importer
from meister.models import ImportKind
from meister.scoping import OutsideScope, changeable_pks, get_for_user, may_create, visible_to
from meister.validators import plain_int
from partners.forms.calendar import CalendarCopyForm, ClosedPeriodForm
from partners.importers import importer_for
from partners.models import ClosedPeriod
from partners.services import calendar as services_calendar

PAGE_SIZE = 100


def _apply_errors(form, error: ValidationError) -> None:
    if isinstance(error, OutsideScope):
        error.add_to(form)
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def calendar_list(request):
    """A fiscal year's calendar: the national holidays and the closed periods of the schools and companies in scope."""
    user = request.user
    year = plain_int(request.GET.get("year") or "", lowest=2000, highest=2100) or current_fiscal_year()
    rows = visible_to(ClosedPeriod.objects.select_related("school", "company"), user).filter(fiscal_year=year)
    school, company = plain_int(request.GET.get("school")), plain_int(request.GET.get("company"))
    if school:
        rows = rows.filter(school_id=school)
    if company:
        rows = rows.filter(company_id=company)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    changeable = changeable_pks(user, page)
    for closure in page:
        closure.can_change = closure.pk in changeable
    first, last = fiscal_year_bounds(year)
    importer: Importer | None = importer_for(ImportKind.CALENDARS)
    context = {
        "page": page,
        "year": year,
        "year_label": fiscal_year_label(year, request.LANGUAGE_CODE),
        "previous_year": year - 1,
        "next_year": year + 1,
        "holidays": holidays_between(first, last).items(),
        "may_create": may_create(user, ClosedPeriod),
        "can_import": importer is not None and importer.may_import(user),
    }
    return render(request, "partners/calendar_list.html", context)


def _render_form(request, form, title, *, delete_url=None):
    context = {"form": form, "title": title, "cancel_url": reverse("partners:calendar_list"), "delete_url": delete_url}
    return render(request, "partners/closure_form.html", context, status=400 if request.method == "POST" else 200)


def _closure_form(request, closure, title, *, delete_url=None):
    form = ClosedPeriodForm(request.POST or None, instance=closure, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services_calendar.closure_save(user=request.user, closure=form.save(commit=False))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("休業日を保存しました。予定の実習日と未記録の日に反映されます。"))
            return redirect(f"{reverse('partners:calendar_list')}?year={closure.fiscal_year}")
    return _render_form(request, form, title, delete_url=delete_url)


@login_required
def closure_create(request):
    if not may_create(request.user, ClosedPeriod):
        raise PermissionDenied
    return _closure_form(request, ClosedPeriod(), _("休業日を登録"))


@login_required
def closure_edit(request, pk):
    closure = get_for_user(request.user, ClosedPeriod.objects.select_related("school", "company"), change=True, pk=pk)
    delete_url = reverse("partners:closure_delete", args=[closure.pk])
    return _closure_form(request, closure, _("休業日を編集"), delete_url=delete_url)


@login_required
@require_POST
def closure_delete(request, pk):
    closure = get_for_user(request.user, ClosedPeriod.objects.all(), change=True, pk=pk)
    year = closure.fiscal_year
    services_calendar.closure_delete(user=request.user, closure=closure)
    messages.success(request, _("休業日を削除しました。"))
    return redirect(f"{reverse('partners:calendar_list')}?year={year}")


@login_required
def calendar_copy(request):
    """Copy an owner's calendar to the next fiscal year: GET (with the choice) previews, POST adds."""
    user = request.user
    if not may_create(user, ClosedPeriod):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else (request.GET if "from_year" in request.GET else None)
    form = CalendarCopyForm(data, user=user)
    plan = None
    if form.is_bound and form.is_valid():
        owner = {"school": form.cleaned_data.get("school"), "company": form.cleaned_data.get("company")}
        from_year = form.cleaned_data["from_year"]
        if request.method == "POST":
            try:
                plan = services_calendar.calendar_copy(user=user, from_year=from_year, **owner)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                if plan.new:
                    messages.success(
                        request,
                        _("%(count)s件の休業日を%(year)sにコピーしました（登録済みの%(already)s件はそのままです）。")
                        % {
                            "count": len(plan.new),
                            "year": fiscal_year_label(from_year + 1, request.LANGUAGE_CODE),
                            "already": len(plan.already),
                        },
                    )
                else:
                    messages.info(request, _("コピーする休業日はありませんでした。"))
                return redirect(f"{reverse('partners:calendar_list')}?year={from_year + 1}")
        else:
            plan = services_calendar.calendar_copy_plan(user=user, from_year=from_year, **owner)
    context = {"form": form, "plan": plan}
    return render(request, "partners/calendar_copy.html", context, status=400 if form.errors else 200)
