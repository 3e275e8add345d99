"""A cohort's allocation to company places: preferences in, an optimal proposal out, placements at the end."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from curricula.models import AllocationChoice, AllocationRound, AllocationStatus, Placement, Student
from meister.scoping import may_change, saving_in_scope, visible_to
from partners.allocation import Allocation, Preference, allocate
from partners.models import Company, CompanyOffer, Person, PersonRole

RANKS = (1, 2, 3)


def cohort(round: AllocationRound) -> QuerySet:
    return Student.objects.filter(school=round.school_id, entry_year=round.entry_year, anonymised_on__isnull=True)


def offered_places(*, user, round: AllocationRound) -> dict[int, tuple[Company, int]]:
    """Companies partnered with the school that offer this kind of place, with their number of places."""
    partners = Company.objects.filter(consortia__schools=round.school_id).values("pk")
    offers = CompanyOffer.objects.filter(kind=round.kind, company__in=partners).select_related("company")
    visible = set(visible_to(Company.objects.filter(pk__in=partners), user).values_list("pk", flat=True))
    return {o.company_id: (o.company, o.capacity or 1) for o in offers if o.company_id in visible}


def _fits_days(company: Company, round: AllocationRound) -> bool:
    days = [int(d) for d in round.weekdays]
    return not company.weekdays or all(d in company.weekdays for d in days)


def allocation_round_create(*, user, round: AllocationRound) -> AllocationRound:
    """Open a round for a school's cohort; its preferences come next."""
    round.full_clean()
    with saving_in_scope(user, round):
        round.save()
    return round


@transaction.atomic
def choices_save(*, user, round: AllocationRound, choices: dict[int, list[int | None]]) -> None:
    """Replace the round's preferences: student id → company ids best first (None for an empty rank)."""
    if not may_change(user, round) or round.status != AllocationStatus.OPEN:
        raise PermissionDenied
    places = offered_places(user=user, round=round)
    students = set(cohort(round).values_list("pk", flat=True))
    rows = []
    for student, companies in choices.items():
        picked = [c for c in companies if c]
        if student not in students or any(c not in places for c in picked):
            raise ValidationError(_("選べない生徒または企業が含まれています。"))
        if len(set(picked)) != len(picked):
            raise ValidationError(_("同じ生徒が同じ企業を2回以上希望しています。"))
        rows += [
            AllocationChoice(round=round, student_id=student, rank=rank, company_id=company)
            for rank, company in enumerate(picked, start=1)
        ]
    round.choices.all().delete()
    AllocationChoice.objects.bulk_create(rows)


@dataclass
class Proposal:
    allocation: Allocation
    students: list[Student]
    places: dict[int, tuple[Company, int]]


def allocation_propose(*, user, round: AllocationRound) -> Proposal:
    places = offered_places(user=user, round=round)
    students = list(cohort(round))
    ranked: dict[int, list[int]] = {s.pk: [] for s in students}
    for choice in round.choices.order_by("student", "rank"):
        ranked.setdefault(choice.student_id, []).append(choice.company_id)
    preferences = [Preference(s.pk, tuple(ranked[s.pk])) for s in students]
    allocation = allocate(
        preferences,
        {company_id: count for company_id, (_company, count) in places.items()},
        allowed=lambda student, company: company in places and _fits_days(places[company][0], round),
    )
    return Proposal(allocation=allocation, students=students, places=places)


@transaction.atomic
def allocation_confirm(*, user, round: AllocationRound, assignments: dict[int, int]) -> list[Placement]:
    """Turn the (possibly adjusted) allocation into placements; refused whole if any place is over-filled."""
    round = AllocationRound.objects.select_for_update().get(pk=round.pk)
    if not may_change(user, round):
        raise PermissionDenied
    if round.status != AllocationStatus.OPEN:
        raise ValidationError(_("この割り当ては既に確定しています。"))
    places = offered_places(user=user, round=round)
    students = {s.pk: s for s in cohort(round)}
    used: dict[int, int] = {}
    for student, company in assignments.items():
        if student not in students or company not in places:
            raise ValidationError(_("選べない生徒または企業が含まれています。"))
        used[company] = used.get(company, 0) + 1
    over = [places[c][0].name for c, n in used.items() if n > places[c][1]]
    if over:
        raise ValidationError(_("受入れ枠を超えています：%(names)s") % {"names": "、".join(over)})
    mentors = {}
    for person in Person.objects.filter(company__in=used, role=PersonRole.MENTOR).order_by("pk"):
        mentors.setdefault(person.company_id, person)
    created = []
    for student, company in assignments.items():
        placement = Placement(
            student=students[student],
            company=places[company][0],
            mentor=mentors.get(company),
            subject=round.subject,
            kind=round.kind,
            starts_on=round.starts_on,
            ends_on=round.ends_on,
            weekdays=round.weekdays,
            hours_per_day=round.hours_per_day,
            required_hours=round.required_hours,
        )
        placement.full_clean()
        placement.save()
        created.append(placement)
    round.status = AllocationStatus.CONFIRMED
    round.save(update_fields=["status"])
    return created
