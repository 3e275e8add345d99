"""The wide-area network (picture and table), the programme's events, and the continuation plans (自走化)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.translation import gettext as _

from meister.fiscal import fiscal_year_choices
from meister.scoping import get_for_user, may_change, may_create, save_in_scope, visible_to
from partners.selectors import get_consortium_for_user
from programme import selectors, services
from programme.forms import ContinuationPlanForm, ContinuationStatusForm, EventForm, NetworkLinkForm
from programme.models import ContinuationPlan, ContinuationStatus, NetworkLink, ProgrammeEvent
from programme.network import layout
from programme.views import _fiscal_year


@login_required
def network(request):
    fy = _fiscal_year(request)
    links = list(selectors.network_for_user(user=request.user, fiscal_year=fy))
    context = {
        "fy": fy,
        "years": fiscal_year_choices(),
        "links": links,
        # The table under the picture, as text made once a row (a national year holds well over a hundred links).
        "rows": [
            (f"{link.leader}（{link.leader.prefecture}）", link.supported_label, linebreaksbr(link.joint_activities))
            for link in links
        ],
        "picture": layout(links),
        "may_add": may_create(request.user, NetworkLink),
    }
    return render(request, "programme/network.html", context)


@login_required
def network_link_create(request):
    if not may_create(request.user, NetworkLink):
        raise PermissionDenied
    form = NetworkLinkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_in_scope(form, lambda: services.network_link_save(user=request.user, link=form.save(commit=False)))
        if saved:
            messages.success(request, _("広域ネットワークに加えました。"))
            return redirect(f"{reverse('programme:network')}?fy={saved.fiscal_year}")
    return render(request, "programme/simple_form.html", {"form": form, "title": _("広域ネットワークの追加")})


@login_required
def event_list(request):
    fy = _fiscal_year(request)
    context = {
        "fy": fy,
        "years": fiscal_year_choices(),
        "events": selectors.events_for_user(user=request.user, fiscal_year=fy),
        "may_add": may_create(request.user, ProgrammeEvent),
    }
    return render(request, "programme/event_list.html", context)


@login_required
def event_detail(request, pk):
    event = get_for_user(request.user, ProgrammeEvent, pk=pk)
    context = {
        "event": event,
        "consortia": visible_to(event.consortia.select_related("prefecture"), request.user),
        "may_edit": may_change(request.user, event),
    }
    return render(request, "programme/event_detail.html", context)


@login_required
def event_create(request):
    if not may_create(request.user, ProgrammeEvent):
        raise PermissionDenied
    return _event_form(request, ProgrammeEvent())


@login_required
def event_edit(request, pk):
    return _event_form(request, get_for_user(request.user, ProgrammeEvent, change=True, pk=pk))


def _event_form(request, event):
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_in_scope(
            form,
            lambda: services.event_save(
                user=request.user, event=form.save(commit=False), consortia=form.cleaned_data["consortia"]
            ),
        )
        if saved:
            messages.success(request, _("保存しました。"))
            return redirect(saved)
    return render(request, "programme/simple_form.html", {"form": form, "title": _("事業の行事")})


@login_required
def continuation_edit(request, pk):
    consortium = get_consortium_for_user(request.user, pk)
    plan = ContinuationPlan.objects.filter(consortium=consortium).first() or ContinuationPlan(consortium=consortium)
    if not may_change(request.user, plan):
        raise PermissionDenied
    form = ContinuationPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        saved = save_in_scope(form, lambda: services.continuation_save(user=request.user, plan=form.save(commit=False)))
        if saved:
            messages.success(request, _("自走化の計画を保存しました。"))
            return redirect("programme:continuation_edit", pk=consortium.pk)
    context = {
        "form": form,
        "title": _("自走化の計画"),
        "target": consortium,
        "years": plan.years.order_by("fiscal_year") if plan.pk else [],
        "may_record_year": plan.pk is not None,
    }
    return render(request, "programme/continuation_form.html", context)


@login_required
def continuation_year(request, pk):
    """Record, year by year after the designation, whether the consortium's work went on."""
    consortium = get_consortium_for_user(request.user, pk)
    plan = ContinuationPlan.objects.filter(consortium=consortium).first()
    if plan is None:
        raise Http404
    status = ContinuationStatus(plan=plan)
    if not may_change(request.user, status):
        raise PermissionDenied
    form = ContinuationStatusForm(request.POST or None, instance=status)
    if request.method == "POST" and form.is_valid():
        saved = save_in_scope(
            form, lambda: services.continuation_year_record(user=request.user, status=form.save(commit=False))
        )
        if saved:
            messages.success(request, _("継続の状況を記録しました。"))
            return redirect("programme:continuation_edit", pk=consortium.pk)
    context = {"form": form, "title": _("自走化の状況（年度ごと）"), "target": consortium}
    return render(request, "programme/simple_form.html", context)
