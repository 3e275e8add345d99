"""The supporters' pages: the ministry's assignments, each supporter's consortia with what is overdue, and the
consultation and advice threads between a consortium and its supporters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meister import clock
from meister.fiscal import current_fiscal_year, fiscal_year_choices, fiscal_year_from
from meister.scoping import may_change, may_create, save_in_scope
from partners.selectors import get_consortium_for_user
from programme import selectors, services
from programme.forms import AdviceReplyForm, AdviceThreadForm, AssignmentForm
from programme.models import AdviceThread, SupportAssignment


def _fiscal_year(request) -> int:
    return fiscal_year_from(request.GET.get("fy"), default=current_fiscal_year(), lowest=2021, highest=2100)


def _overdue(n: int) -> str:
    """A consortium's overdue follow-ups as its row prints them. The plural is translated here, in Python, where
    makemessages finds it (it finds only `_("…")` in the row's Jinja2 fragment)."""
    return ngettext("%(n)s件 期日超過", "%(n)s件 期日超過", n) % {"n": n}


@login_required
def support_overview(request):
    """The consortia that have supporters this year, each with what waits on whom and what is overdue."""
    fy = _fiscal_year(request)
    context = {
        "fy": fy,
        "years": fiscal_year_choices(),
        "consortia": selectors.supported_consortia(user=request.user, fiscal_year=fy),
        "overdue_label": _overdue,
        "assignments": selectors.assignments_for_user(user=request.user, fiscal_year=fy),
        "may_assign": may_create(request.user, SupportAssignment),
        "may_write_advice": may_create(request.user, AdviceThread),
    }
    state = request.GET.get("state")
    if state in selectors.THREAD_STATES:
        threads = selectors.threads_in_state(user=request.user, state=state, today=clock.today())
        context["state"] = state
        context["state_threads"] = threads.select_related("consortium__prefecture").order_by("follow_up_on", "pk")
    return render(request, "programme/support_overview.html", context)


@login_required
def assignment_create(request):
    if not may_create(request.user, SupportAssignment):
        raise PermissionDenied
    form = AssignmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_in_scope(
            form, lambda: services.assignment_create(user=request.user, assignment=form.save(commit=False))
        )
        if saved:
            messages.success(request, _("%(consortium)sに割り当てました。") % {"consortium": saved.consortium})
            return redirect(f"{request.path}?fy={saved.fiscal_year}")
    fy = _fiscal_year(request)
    context = {"form": form, "fy": fy, "assignments": selectors.assignments_for_user(user=request.user, fiscal_year=fy)}
    return render(request, "programme/assignment_form.html", context)


@login_required
def consortium_advice(request, pk):
    """A consortium's consultations and advice, newest activity first, and the way to open a new one."""
    consortium = get_consortium_for_user(request.user, pk)
    context = {
        "consortium": consortium,
        "threads": selectors.threads_for_user(user=request.user, consortium=consortium),
        "may_open": may_change(request.user, AdviceThread(consortium=consortium)),
    }
    return render(request, "programme/consortium_advice.html", context)


@login_required
def advice_create(request):
    if not may_create(request.user, AdviceThread):
        raise PermissionDenied
    initial = {}
    if request.GET.get("consortium"):
        initial["consortium"] = request.GET["consortium"]
    form = AdviceThreadForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = save_in_scope(
            form,
            lambda: services.advice_thread_open(
                user=request.user, thread=form.save(commit=False), body=form.cleaned_data["body"]
            ),
        )
        if saved:
            messages.success(request, _("記入しました。"))
            return redirect(saved)
    return render(request, "programme/advice_form.html", {"form": form})


@login_required
def advice_detail(request, pk):
    """A thread with its messages; whoever may write answers here, which hands the turn to the other side."""
    thread = selectors.get_thread_for_user(request.user, pk)
    may_answer = may_change(request.user, thread)
    form = AdviceReplyForm(request.POST or None, initial={"follow_up_on": thread.follow_up_on})
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            services.advice_reply(
                user=request.user,
                thread=thread,
                body=data["body"],
                close=data["close"],
                follow_up_on=data["follow_up_on"],
            )
            messages.success(request, _("記入しました。"))
            return redirect(thread)
    context = {
        "thread": thread,
        "thread_messages": thread.messages.select_related("author"),
        "form": form,
        "may_answer": may_answer,
    }
    return render(request, "programme/advice_detail.html", context)
