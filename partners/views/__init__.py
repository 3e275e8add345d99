"""Registry pages: scoped lists with filters and exports, details with their relations, and edits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from meister import clock
from meister.fiscal import current_fiscal_year
from meister.scoping import may_change, may_create, save_in_scope, speaks_for_company, visible_to
from partners import exporters, selectors, services
from partners.filters import CompanyFilter, ConsortiumFilter, PersonFilter, SchoolFilter
from partners.forms import CompanyForm, ContactLogForm, OfferFormSet, PersonForm, SchoolForm
from partners.models import (
    MONTHS,
    WEEKDAYS,
    Company,
    ContactLog,
    Designation,
    Meeting,
    Person,
    PractitionerTeaching,
    School,
)
from partners.rows import school_rows

PAGE_SIZE = 50


def registry_list(request, *, filterset, template, exporter=None, extra=None, shown=None):
    """A filtered, paginated list; `?export=csv|xlsx` downloads the same filtered rows. `shown`, when given, makes
    the page's rows into what the template prints (context `rows`)."""
    rows = filterset.qs
    export = request.GET.get("export")
    if exporter is not None and export in {"csv", "xlsx"}:
        return exporter(rows).response(export)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, **(extra or {})}
    if shown is not None:
        context["rows"] = shown(page.object_list)
    return render(request, template, context)


@login_required
def school_list(request):
    filterset = SchoolFilter(request.GET, queryset=selectors.schools_for_user(user=request.user))
    return registry_list(
        request,
        filterset=filterset,
        template="partners/school_list.html",
        exporter=exporters.SchoolExporter,
        extra={"may_create": may_create(request.user, School), "fiscal_year": current_fiscal_year()},
        shown=school_rows,
    )


@login_required
def school_detail(request, pk):
    user = request.user
    school = selectors.get_school_for_user(user, pk)
    context = {
        "school": school,
        "departments": selectors.departments_with_years(school=school),
        "consortia": visible_to(school.consortia.select_related("prefecture"), user),
        "companies": selectors.partner_companies(user=user, school=school),
        "agreements": visible_to(school.agreements.all(), user),
        "people": visible_to(school.people.all(), user),
        "contacts": selectors.contact_history(user=user, school=school)[:20],
        "teaching": selectors.practitioner_teaching(user=user, school=school),
        "can_change": may_change(user, school),
        "can_log": may_change(user, ContactLog()),
        "can_record_teaching": may_change(user, PractitionerTeaching(school=school)),
    }
    return render(request, "partners/school_detail.html", context)


@login_required
def school_create(request):
    if not may_create(request.user, School):
        raise PermissionDenied
    return _school_form(request, School())


@login_required
def school_edit(request, pk):
    return _school_form(request, selectors.get_school_for_user(request.user, pk, change=True))


def _school_form(request, school):
    form = SchoolForm(request.POST or None, instance=school, user=request.user)
    if request.method == "POST" and form.is_valid():
        if save_in_scope(form, lambda: services.school_save(user=request.user, school=form.save(commit=False))):
            messages.success(request, _("学校の情報を保存しました。"))
            return redirect("partners:school_detail", pk=school.pk)
    return render(
        request, "partners/edit.html", {"form": form, "object": school if school.pk else None, "kind": _("学校")}
    )


@login_required
def company_list(request):
    filterset = CompanyFilter(request.GET, queryset=selectors.companies_for_user(user=request.user))
    return registry_list(
        request,
        filterset=filterset,
        template="partners/company_list.html",
        exporter=exporters.CompanyExporter,
        extra={"may_create": may_create(request.user, Company)},
    )


@login_required
def company_detail(request, pk):
    user = request.user
    company = selectors.get_company_for_user(user, pk)
    can_log = may_change(user, ContactLog())
    context = {
        "company": company,
        "offers": company.offers.all(),
        "consortia": visible_to(company.consortia.select_related("prefecture"), user),
        "people": visible_to(company.people.all(), user),
        "contacts": selectors.contact_history(user=user, company=company),
        "agreements": visible_to(company.agreements.all(), user),
        "teaching": selectors.practitioner_teaching(user=user, company=company),
        "can_change": may_change(user, company),
        "can_log": can_log,
        "can_add_person": may_change(user, Person()),
        "weekday_labels": "、".join(str(label) for day, label in WEEKDAYS if day in (company.weekdays or [])),
        "busy_month_labels": "、".join(str(label) for month, label in MONTHS if month in (company.busy_months or [])),
    }
    return render(request, "partners/company_detail.html", context)


@login_required
def company_create(request):
    if not may_create(request.user, Company):
        raise PermissionDenied
    return _company_form(request, Company())


@login_required
def company_edit(request, pk):
    return _company_form(request, selectors.get_company_for_user(request.user, pk, change=True))


def _company_form(request, company):
    form = CompanyForm(request.POST or None, instance=company, user=request.user)
    offers = OfferFormSet(request.POST or None, instance=company, prefix="offers")
    if request.method == "POST" and form.is_valid() and offers.is_valid():
        saved = save_in_scope(
            form,
            lambda: services.company_save(
                user=request.user,
                company=form.save(commit=False),
                offers=offers.save(commit=False),
                offers_removed=offers.deleted_objects,
            ),
        )
        if saved:
            messages.success(request, _("企業の情報を保存しました。"))
            back = request.GET.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
                return redirect(back)  # the page that sent the user here to register this company's places
            return redirect("partners:company_detail", pk=company.pk)
    return render(request, "partners/company_form.html", {"form": form, "offers": offers, "object": company})


@login_required
def company_contact_create(request, pk):
    company = selectors.get_company_for_user(request.user, pk)
    return _contact_form(request, ContactLog(company=company), company.people.all(), company)


@login_required
def school_contact_create(request, pk):
    school = selectors.get_school_for_user(request.user, pk)
    # A company's contact with a school is the company's record too: it names the company, so the company keeps it.
    log = ContactLog(school=school, company=request.user.company if speaks_for_company(request.user) else None)
    return _contact_form(request, log, school.people.all(), school)


def _contact_form(request, log, people, target):
    if not may_change(request.user, log):
        raise PermissionDenied
    form = ContactLogForm(request.POST or None, instance=log, people=people, user=request.user)
    if request.method == "POST" and form.is_valid():
        if save_in_scope(form, lambda: services.contact_log_record(user=request.user, log=form.save(commit=False))):
            messages.success(request, _("連絡記録を追加しました。"))
            return redirect(target.get_absolute_url() + "#contacts")
    return render(request, "partners/contact_form.html", {"form": form, "target": target})


@login_required
def company_person_create(request, pk):
    company = selectors.get_company_for_user(request.user, pk)
    if not may_change(request.user, Person(company=company)):
        raise PermissionDenied
    form = PersonForm(request.POST or None, instance=Person(company=company))
    if request.method == "POST" and form.is_valid():
        if save_in_scope(form, lambda: services.person_add(user=request.user, person=form.save(commit=False))):
            messages.success(request, _("担当者を追加しました。"))
            return redirect(company.get_absolute_url() + "#people")
    return render(request, "partners/person_form.html", {"form": form, "target": company})


@login_required
def consortium_list(request):
    filterset = ConsortiumFilter(request.GET, queryset=selectors.consortia_for_user(user=request.user))
    return registry_list(
        request, filterset=filterset, template="partners/consortium_list.html", exporter=exporters.ConsortiumExporter
    )


@login_required
def consortium_detail(request, pk):
    user = request.user
    consortium = selectors.get_consortium_for_user(user, pk)
    context = {
        "consortium": consortium,
        "schools": visible_to(consortium.schools.select_related("prefecture"), user),
        "companies": visible_to(consortium.companies.select_related("prefecture", "industry"), user),
        "organisations": consortium.organisations.all(),
        "coordinators": consortium.coordinators.all(),
        "designations": visible_to(consortium.designations.all(), user),
        "stages": consortium.stages.all(),
        "agreements": visible_to(consortium.agreements.all(), user),
        **_meetings_shown(consortium, request.GET.get("meetings")),
        "consultations": consortium.consultations.select_related("advisor"),
        "can_record": may_change(user, Meeting(consortium=consortium)),
        "can_designate": may_change(user, Designation(consortium=consortium)),
    }
    return render(request, "partners/consortium_detail.html", context)


def _meetings_shown(consortium, shown) -> dict:
    """All the consortium's meetings, or (`?meetings=upcoming`) those coming up, or (`?meetings=due`) those with
    action items due, each showing only those items: the lists behind the coordinator's dashboard."""
    today = clock.today()
    meetings = consortium.meetings.all()
    if shown == "upcoming":
        meetings = selectors.upcoming_meetings(meetings, today).prefetch_related("action_items")
        return {"meetings": meetings, "meetings_filter": _("30日以内の会議")}
    if shown == "due":
        items = selectors.due_action_items(today)
        meetings = meetings.filter(pk__in=items.values("meeting")).prefetch_related(
            Prefetch("action_items", queryset=items)
        )
        return {"meetings": meetings, "meetings_filter": _("期限が2週間以内のアクション項目")}
    return {"meetings": meetings.prefetch_related("action_items"), "meetings_filter": ""}


@login_required
def person_list(request):
    filterset = PersonFilter(request.GET, queryset=selectors.people_for_user(user=request.user))
    return registry_list(
        request,
        filterset=filterset,
        template="partners/person_list.html",
        exporter=exporters.PersonExporter,
        extra={"may_create": may_create(request.user, Person)},
    )
