"""Class sessions with industry (出前授業, visits, practicals, meetings, training) and joint projects.

Teachers keep their school's records and coordinators those of the consortium's schools; everyone
else in scope reads them. No student is named here, so the ministry sees the lists as well.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from curricula.forms.sessions import ClassSessionForm, JointProjectForm
from curricula.models import ClassSession, JointProject, ProjectKind, SessionKind
from curricula.services import sessions as services
from meister.fiscal import fiscal_year_bounds, fiscal_year_from
from meister.scoping import get_for_user, may_change, may_create, save_in_scope, visible_to

PAGE_SIZE = 50


def _year(request) -> int | None:
    return fiscal_year_from(request.GET.get("year"), lowest=2000, highest=2100)


def _render_form(request, form, title, cancel_url, *, delete_url=None):
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "cancel_url": cancel_url, "delete_url": delete_url}
    return render(request, "curricula/record_form.html", context, status=status)


# --- class sessions ------------------------------------------------------------------------------


@login_required
def class_session_list(request):
    user = request.user
    sessions = visible_to(ClassSession.objects.select_related("subject", "subject__school", "company", "person"), user)
    kind, year = request.GET.get("kind"), _year(request)
    if kind in SessionKind.values:
        sessions = sessions.filter(kind=kind)
    if year:
        first, last = fiscal_year_bounds(year)
        sessions = sessions.filter(held_on__gte=first, held_on__lte=last)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    for session in page:
        session.can_change = may_change(user, session)
    context = {
        "page": page,
        "kinds": SessionKind.choices,
        "kind": kind,
        "year": year,
        "may_create": may_create(user, ClassSession),
    }
    return render(request, "curricula/class_session_list.html", context)


@login_required
def class_session_create(request):
    if not may_create(request.user, ClassSession):
        raise PermissionDenied
    return _session_form(request, ClassSession(), _("産業界と連携した授業を記録"))


@login_required
def class_session_edit(request, pk):
    session = get_for_user(request.user, ClassSession.objects.select_related("subject"), change=True, pk=pk)
    delete_url = reverse("curricula:class_session_delete", args=[session.pk])
    return _session_form(request, session, _("産業界と連携した授業を編集"), delete_url=delete_url)


def _session_form(request, session, title, *, delete_url=None):
    form = ClassSessionForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_in_scope(
            form, lambda: services.class_session_save(user=request.user, session=form.save(commit=False))
        )
        if saved:
            messages.success(request, _("授業の記録を保存しました。"))
            return redirect("curricula:class_session_list")
    return _render_form(request, form, title, reverse("curricula:class_session_list"), delete_url=delete_url)


@login_required
@require_POST
def class_session_delete(request, pk):
    session = get_for_user(request.user, ClassSession.objects.select_related("subject"), change=True, pk=pk)
    services.class_session_delete(user=request.user, session=session)
    messages.success(request, _("授業の記録を削除しました。"))
    return redirect("curricula:class_session_list")


# --- joint projects ------------------------------------------------------------------------------


@login_required
def joint_project_list(request):
    user = request.user
    projects = visible_to(
        JointProject.objects.select_related("school").prefetch_related("companies", "organisations"), user
    )
    kind, year = request.GET.get("kind"), _year(request)
    if kind in ProjectKind.values:
        projects = projects.filter(kind=kind)
    if year:
        projects = projects.filter(fiscal_year=year)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    for project in page:
        project.can_change = may_change(user, project)
    context = {
        "page": page,
        "kinds": ProjectKind.choices,
        "kind": kind,
        "year": year,
        "may_create": may_create(user, JointProject),
    }
    return render(request, "curricula/joint_project_list.html", context)


@login_required
def joint_project_create(request):
    if not may_create(request.user, JointProject):
        raise PermissionDenied
    return _project_form(request, JointProject(), _("共同プロジェクトを登録"))


@login_required
def joint_project_edit(request, pk):
    project = get_for_user(request.user, JointProject.objects.select_related("school"), change=True, pk=pk)
    return _project_form(request, project, _("共同プロジェクトを編集"))


def _project_form(request, project, title):
    form = JointProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_in_scope(
            form,
            lambda: services.joint_project_save(
                user=request.user,
                project=form.save(commit=False),
                companies=data["companies"],
                organisations=data["organisations"],
            ),
        )
        if saved:
            messages.success(request, _("共同プロジェクトを保存しました。"))
            return redirect("curricula:joint_project_list")
    return _render_form(request, form, title, reverse("curricula:joint_project_list"))
