"""Allocation of a cohort to company places: preferences, the optimal proposal, adjustments, confirmation."""

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


def _ids(values) -> list[int | None]:
    return [plain_int(v) for v in values]


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
    return render(
        request,
        "curricula/form.html",
        {
            "form": form,
            "title": _("受入れ先の割り当てを作成"),
            "cancel_url": reverse("curricula:allocation_list"),
        },
    )


@login_required
def allocation_detail(request, pk):
    user = request.user
    round = get_for_user(user, AllocationRound.objects.select_related("school", "subject"), pk=pk)
    if not may_see_named_students(user):
        raise PermissionDenied  # the grid names students
    can_change = may_change(user, round) and round.status == AllocationStatus.OPEN
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "confirm":
                assignments = {}
                for key, value in request.POST.items():
                    if key.startswith("assign-") and value:
                        student, company = _ids([key.removeprefix("assign-"), value])
                        if student and company:
                            assignments[student] = company
                created = services.allocation_confirm(user=user, round=round, assignments=assignments)
                messages.success(request, _("%(n)s人の実習を登録しました。") % {"n": len(created)})
                return redirect("curricula:placement_list")
            students = services.cohort(round).values_list("pk", flat=True)
            choices = {s: _ids(request.POST.getlist(f"choice-{s}")) for s in students}
            services.choices_save(user=user, round=round, choices=choices)
            messages.success(request, _("希望を保存しました。"))
            return redirect(f"{round.get_absolute_url()}?propose=1")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    places = services.offered_places(user=user, round=round)
    students = list(services.cohort(round))
    chosen = {}
    for choice in round.choices.all():
        chosen.setdefault(choice.student_id, {})[choice.rank] = choice.company_id
    proposal = services.allocation_propose(user=user, round=round) if request.GET.get("propose") else None
    rows = []
    for student in students:
        rows.append(
            {
                "student": student,
                "choices": [(rank, chosen.get(student.pk, {}).get(rank)) for rank in services.RANKS],
                "proposed": proposal.allocation.placed.get(student.pk) if proposal else None,
                "why": proposal.allocation.unplaced.get(student.pk) if proposal else "",
            }
        )
    return render(
        request,
        "curricula/allocation_detail.html",
        {
            "round": round,
            "rows": rows,
            "places": places,
            "proposal": proposal,
            "can_change": can_change,
            "full_names": may_see_full_names(user, Student),
        },
    )
