"""The public showcase (no login): an index by prefecture and field, consortium pages and company profiles.

A draft answers 404 to visitors and outsiders; those who may change it see it with a draft banner, so the
page they publish is the page they saw. Owners keep their page or profile here too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meister.middleware import for_students
from meister.scoping import get_for_user, may_change, may_create, save_in_scope
from partners.models import Company, Consortium, CourseCategory
from showcase import selectors, services
from showcase.forms import CompanyProfileForm, ConsortiumPageForm
from showcase.models import CompanyProfile, ConsortiumPage


@for_students  # published for everyone, students too
def index(request):
    prefecture = request.GET.get("prefecture", "")
    prefecture = prefecture if prefecture.isascii() and prefecture.isdigit() and len(prefecture) == 2 else ""
    category = request.GET.get("category", "")
    category = category if category in CourseCategory.values else ""
    # The cards' summaries cut as `truncatechars` cuts them (the cards are drawn by Jinja2 fragments).
    pages = list(selectors.published_consortium_pages(prefecture=prefecture, category=category))
    for page in pages:
        page.introduction_summary = Truncator(page.introduction_shown).chars(120)
    profiles = list(selectors.published_company_profiles(prefecture=prefecture, category=category))
    for profile in profiles:
        profile.what_students_learn_summary = Truncator(profile.what_students_learn_shown).chars(100)
    context = {
        "pages": pages,
        "profiles": profiles,
        "prefectures": selectors.prefectures_with_pages(),
        **selectors.published_map(),
        "categories": CourseCategory.choices,
        "prefecture": prefecture,
        "category": category,
    }
    return render(request, "showcase/index.html", context)


@for_students  # published for everyone, students too
def consortium_page(request, pk):
    page = selectors.get_readable(request.user, ConsortiumPage.objects.select_related("consortium__prefecture"), pk=pk)
    context = selectors.consortium_page_context(page)
    context["can_change"] = request.user.is_authenticated and may_change(request.user, page)
    return render(request, "showcase/consortium.html", context)


@for_students  # published for everyone, students too
def company_profile(request, pk):
    profile = selectors.get_readable(
        request.user, CompanyProfile.objects.select_related("company__prefecture", "company__industry"), pk=pk
    )
    context = selectors.company_profile_context(profile)
    context["can_change"] = request.user.is_authenticated and may_change(request.user, profile)
    return render(request, "showcase/company.html", context)


@login_required
def manage(request):
    consortia, companies = selectors.pages_to_manage(request.user)
    rows = [(c, getattr(c, "public_page", None)) for c in consortia]
    company_rows = [(c, getattr(c, "public_profile", None)) for c in companies]
    context = {
        "consortium_rows": rows,
        "company_rows": company_rows,
        "can_keep_pages": may_create(request.user, ConsortiumPage),
        "can_keep_profiles": may_create(request.user, CompanyProfile),
    }
    return render(request, "showcase/manage.html", context)


def _history_context(request, obj):
    if obj is None or obj.pk is None or not selectors.may_see_history(request.user, obj):
        return []
    return selectors.publication_events(obj)


@login_required
def consortium_page_edit(request, consortium_pk):
    consortium = get_for_user(request.user, Consortium, pk=consortium_pk)
    page = ConsortiumPage.objects.filter(consortium=consortium).first() or ConsortiumPage(consortium=consortium)
    if not may_change(request.user, page):
        raise PermissionDenied
    if page.pk is None and not page.introduction:
        page.introduction = consortium.summary
    form = ConsortiumPageForm(request.POST or None, instance=page, consortium=consortium, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_in_scope(
            form,
            lambda: services.record_save(
                user=request.user,
                obj=form.save(commit=False),
                projects=form.cleaned_data["projects"],
                engagements=form.cleaned_data["engagements"],
            ),
        )
        if saved:
            messages.success(request, _("公開ページを保存しました。公開するまで一般には表示されません。"))
            return redirect("showcase:consortium_page_edit", consortium_pk=consortium.pk)
    context = {
        "form": form,
        "owner": consortium,
        "record": page,
        "title": _("公開ページの編集"),
        "events": _history_context(request, page),
        "publish_url": "showcase:consortium_page_publish",
    }
    return render(request, "showcase/edit.html", context, status=400 if form.errors else 200)


@login_required
def company_profile_edit(request, company_pk):
    company = get_for_user(request.user, Company, pk=company_pk)
    profile = CompanyProfile.objects.filter(company=company).first() or CompanyProfile(company=company)
    if not may_change(request.user, profile):
        raise PermissionDenied
    if profile.pk is None and not profile.what_we_do:
        profile.what_we_do = company.description
    form = CompanyProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        if save_in_scope(form, lambda: services.record_save(user=request.user, obj=form.save(commit=False))):
            messages.success(request, _("企業プロフィールを保存しました。公開するまで一般には表示されません。"))
            return redirect("showcase:company_profile_edit", company_pk=company.pk)
    context = {
        "form": form,
        "owner": company,
        "record": profile,
        "title": _("企業プロフィールの編集"),
        "events": _history_context(request, profile),
        "publish_url": "showcase:company_profile_publish",
    }
    return render(request, "showcase/edit.html", context, status=400 if form.errors else 200)


def _publish(request, obj, redirect_to):
    published = request.POST.get("action") == "publish"
    services.publication_set(user=request.user, obj=obj, published=published)
    if published:
        messages.success(request, _("公開しました。ログインしていない人にも表示されます。"))
    else:
        messages.success(request, _("公開を取り下げました。"))
    return redirect_to


@login_required
@require_POST
def consortium_page_publish(request, consortium_pk):
    consortium = get_for_user(request.user, Consortium, pk=consortium_pk)
    page = get_for_user(request.user, ConsortiumPage, change=True, consortium=consortium)
    return _publish(request, page, redirect("showcase:consortium_page_edit", consortium_pk=consortium.pk))


@login_required
@require_POST
def company_profile_publish(request, company_pk):
    company = get_for_user(request.user, Company, pk=company_pk)
    profile = get_for_user(request.user, CompanyProfile, change=True, company=company)
    return _publish(request, profile, redirect("showcase:company_profile_edit", company_pk=company.pk))
