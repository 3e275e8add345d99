"""Allocation of a cohort to company places: preferences, the optimal proposal, adjustments, confirmation.

Every page that cannot go on says why and links to the step that fixes it: add students, or register a partner
company's places and weekdays (the company form comes back here when saved).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from curricula.forms import AllocationRoundForm
from curricula.models import AllocationRound, AllocationStatus, Student
from curricula.services import allocation as services
from meister.scoping import (
    get_for_user,
    may_change,
    may_create,
    may_see_full_names,
    may_see_named_students,
    save_in_scope,
    visible_to,
)
from meister.validators import plain_int
from partners.models import Company


def _ids(values) -> list[int | None]:
    return [plain_int(v) for v in values]


def _fixes(user, school_id, back: str, *, students=False, companies=False, calendar=False) -> dict:
    """The steps that unblock a round: adding students, editing the partner companies the user may change (the
    company form comes back to `back`), the school calendar."""
    edit = []
    if companies:
        partners = visible_to(Company.objects.filter(consortia__schools=school_id).distinct(), user)
        edit = [
            (company, f"{reverse('partners:company_edit', args=[company.pk])}?{urlencode({'next': back})}")
            for company in partners.order_by("kana", "name")
            if may_change(user, company)
        ]
    return {
        "students": students,
        "add_students": may_create(user, Student),
        "companies": companies,
        "edit_companies": edit,
        "calendar": calendar,
    }


@login_required
def allocation_list(request):
    rounds = visible_to(AllocationRound.objects.select_related("school"), request.user)
    return render(
        request,
        "curricula/allocation_list.html",
        {"rounds": rounds, "may_create": may_create(request.user, AllocationRound)},
    )


@login_required
def allocation_create(request):
    if not may_create(request.user, AllocationRound):
        raise PermissionDenied
    form = AllocationRoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        round = save_in_scope(
            form, lambda: services.allocation_round_create(user=request.user, round=form.save(commit=False))
        )
        if round:
            messages.success(request, _("割り当てを作成しました。生徒ごとの希望を入力してください。"))
            return redirect(round)
    school = form.cleaned_data.get("school") if form.is_bound and hasattr(form, "cleaned_data") else None
    return render(
        request,
        "curricula/allocation_form.html",
        {
            "form": form,
            "title": _("受入れ先の割り当てを作成"),
            "cancel_url": reverse("curricula:allocation_list"),
            "problems": form.problems,
            "fixes": _fixes(
                request.user,
                school.pk,
                request.get_full_path(),
                students="entry_year" in form.problems,
                companies="weekday_set" in form.problems,
                calendar="required_hours" in form.problems or "weekday_set" in form.problems,
            )
            if school and form.problems
            else None,
        },
    )


def _assignments(post) -> dict[int, int]:
    assignments = {}
    for key, value in post.items():
        if key.startswith("assign-") and value:
            student, company = _ids([key.removeprefix("assign-"), value])
            if student and company:
                assignments[student] = company
    return assignments


@login_required
def allocation_detail(request, pk):
    user = request.user
    round = get_for_user(user, AllocationRound.objects.select_related("school", "subject"), pk=pk)
    if not may_see_named_students(user):
        raise PermissionDenied  # the grid names students
    can_change = may_change(user, round) and round.status == AllocationStatus.OPEN
    context = {"round": round, "full_names": may_see_full_names(user, Student), "can_change": can_change}
    if round.status == AllocationStatus.CONFIRMED:
        context["outcomes"] = services.outcome_rows(round)
        context["placed_count"] = sum(1 for row in context["outcomes"] if row["outcome"].company_id)
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "curricula/allocation_detail.html", context)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "confirm":
                created = services.allocation_confirm(user=user, round=round, assignments=_assignments(request.POST))
                messages.success(request, _("%(n)s人の実習を登録しました。") % {"n": len(created)})
                return redirect(round)
            students = services.cohort(round).values_list("pk", flat=True)
            choices = {s: _ids(request.POST.getlist(f"choice-{s}")) for s in students}
            services.choices_save(user=user, round=round, choices=choices)
            messages.success(request, _("希望を保存しました。"))
            return redirect(f"{round.get_absolute_url()}?propose=1")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    proposal = services.allocation_propose(user=user, round=round)
    shown = request.GET.get("propose") or request.method == "POST"
    proposed = services.proposal_rows(proposal) if shown else {}
    chosen = {}
    for choice in round.choices.all():
        chosen.setdefault(choice.student_id, {})[choice.rank] = choice.company_id
    rows = []
    # The grid lists students by ふりがな, with class and number to tell namesakes apart.
    by_kana = sorted(proposal.students, key=lambda s: (s.kana_name, s.class_name, s.number, s.pk))
    for student in by_kana:
        rows.append(
            {
                "student": student,
                "busy": proposal.busy.get(student.pk),
                "choices": [(rank, chosen.get(student.pk, {}).get(rank)) for rank in services.RANKS],
                **proposed.get(student.pk, {}),
            }
        )
    hosts = list(proposal.hosts.values())
    available = [h for h in hosts if h.available]
    stuck = not proposal.students or not available or not proposal.allocatable
    context.update(
        {
            "rows": rows,
            "hosts": hosts,
            "available": available,
            "proposal": proposal if shown else None,
            "lottery_seed": round.lottery_seed,
            "stuck": stuck,
            "fixes": _fixes(
                user, round.school_id, round.get_absolute_url(), students=not proposal.students, companies=True
            )
            if stuck
            else None,
        }
    )
    return render(request, "curricula/allocation_detail.html", context)
