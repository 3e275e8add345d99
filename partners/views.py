"""Registry pages: lists and details within the user's scope, and edits for those allowed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from meister.scoping import may_change, visible_to
from partners import selectors
from partners.forms import CompanyForm, SchoolForm

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def school_list(request):
    q = request.GET.get("q", "")
    page = _page(request, selectors.schools_for_user(user=request.user, q=q))
    return render(request, "partners/school_list.html", {"page": page, "q": q})


@login_required
def school_detail(request, pk):
    school = selectors.get_school_for_user(request.user, pk)
    context = {
        "school": school,
        "departments": school.departments.all(),
        "consortia": visible_to(school.consortia.select_related("prefecture"), request.user),
        "can_change": may_change(request.user, school),
    }
    return render(request, "partners/school_detail.html", context)


@login_required
def school_edit(request, pk):
    school = selectors.get_school_for_user(request.user, pk, change=True)
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("学校の情報を保存しました。"))
        return redirect("partners:school_detail", pk=school.pk)
    return render(request, "partners/edit.html", {"form": form, "object": school})


@login_required
def company_list(request):
    q = request.GET.get("q", "")
    page = _page(request, selectors.companies_for_user(user=request.user, q=q))
    return render(request, "partners/company_list.html", {"page": page, "q": q})


@login_required
def company_detail(request, pk):
    company = selectors.get_company_for_user(request.user, pk)
    context = {
        "company": company,
        "consortia": visible_to(company.consortia.select_related("prefecture"), request.user),
        "can_change": may_change(request.user, company),
    }
    return render(request, "partners/company_detail.html", context)


@login_required
def company_edit(request, pk):
    company = selectors.get_company_for_user(request.user, pk, change=True)
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("企業の情報を保存しました。"))
        return redirect("partners:company_detail", pk=company.pk)
    return render(request, "partners/edit.html", {"form": form, "object": company})


@login_required
def consortium_list(request):
    q = request.GET.get("q", "")
    page = _page(request, selectors.consortia_for_user(user=request.user, q=q))
    return render(request, "partners/consortium_list.html", {"page": page, "q": q})


@login_required
def consortium_detail(request, pk):
    consortium = selectors.get_consortium_for_user(request.user, pk)
    user = request.user
    context = {
        "consortium": consortium,
        "schools": visible_to(consortium.schools.select_related("prefecture"), user),
        "companies": visible_to(consortium.companies.select_related("prefecture", "industry"), user),
        "organisations": consortium.organisations.all(),
        "designations": consortium.designations.all(),
    }
    return render(request, "partners/consortium_detail.html", context)
