"""What a round's hosts can really give: places per weekday in the period, less the placements already there.

A company's places are its offer of this kind (within its own maximum of students at once), taken per day: a
company with 3 dual-system places takes 3 students each day it hosts. A placement at the company whose period
overlaps the round's and which comes on one of the round's weekdays uses one of that weekday's places, whichever
school sent it. A round's student comes on every weekday of the round, so the fullest of them decides. A company
that does not take one of those weekdays, or whose open days in the period (less holidays, the school's and the
company's closed days: `curricula.schedule.open_days`) cannot give the required hours, has no place at all.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from curricula.models import AllocationRound, Enrolment, EnrolmentStatus, Placement, PlacementKind, Student
from curricula.schedule import open_days
from meister.fiscal import fiscal_year
from meister.scoping import visible_to
from partners.allocation import free_places
from partners.models import WEEKDAYS, Company, CompanyOffer, OfferKind

OFFER_OF = {
    PlacementKind.DUAL_SYSTEM: OfferKind.DUAL_SYSTEM,
    PlacementKind.LONG_INTERNSHIP: OfferKind.INTERNSHIP,
    PlacementKind.SHORT_INTERNSHIP: OfferKind.INTERNSHIP,
}
UNKNOWN_CAPACITY = 1  # an offer without a number is taken as one place, and the page says so


def plain(number) -> str:
    """A number of hours as people write it: 48, 7.5 (not 48.0)."""
    return f"{Decimal(number).normalize():f}"


def weekday_labels(days) -> str:
    labels = dict(WEEKDAYS)
    return "・".join(str(labels[int(d)]) for d in sorted({int(d) for d in days}))


def round_weekdays(round: AllocationRound) -> list[int]:
    return sorted({int(d) for d in round.weekdays})


@dataclass
class Host:
    """A partner company offering this kind of place, and what it can give this round."""

    company: Company
    capacity: int
    capacity_known: bool
    occupied: dict[int, int]  # weekday → students already there in the period
    days: int  # open days in the period on the round's weekdays
    hours: Decimal
    required: Decimal
    weekdays: list[int]  # of the round
    problem: str = ""  # "", "weekday", "calendar" or "full"
    free: int = 0
    offered: int | None = None  # the offer's own number, when the company's maximum at once is lower

    @property
    def hours_label(self) -> str:
        return plain(self.hours)

    @property
    def available(self) -> bool:
        return not self.problem

    @property
    def why(self) -> str:
        """The company's places in words: the arithmetic behind `free`, or why there is none."""
        name = self.company.name
        if self.problem == "weekday":
            return _("%(name)sは%(asked)s曜日に受け入れていません（受入れ可能：%(days)s曜日）。") % {
                "name": name,
                "asked": weekday_labels(d for d in self.weekdays if d not in self.company.weekdays),
                "days": weekday_labels(self.company.weekdays),
            }
        if self.problem == "calendar":
            return _(
                "%(name)sは休業日・祝日を除くと期間中の実習日が%(days)s日（%(hours)s時間）で、必要な%(required)s時間に足りません。"
            ) % {"name": name, "days": self.days, "hours": self.hours_label, "required": plain(self.required)}
        used = max(self.occupied.values(), default=0)
        busiest = [d for d, n in self.occupied.items() if n == used and n]
        if self.offered is not None:
            capacity = _("受入れ枠%(offered)s人のうち一度に受け入れられるのは%(n)s人") % {
                "offered": self.offered,
                "n": self.capacity,
            }
        elif self.capacity_known:
            capacity = _("受入れ枠%(n)s人") % {"n": self.capacity}
        else:
            capacity = _("受入れ人数が未登録のため%(n)s人") % {"n": self.capacity}
        if not used:
            return _("%(name)s：%(capacity)s、空き%(free)s人。") % {
                "name": name,
                "capacity": capacity,
                "free": self.free,
            }
        return _("%(name)s：%(capacity)s、%(days)s曜日は期間の重なる実習で既に%(used)s人、空き%(free)s人。") % {
            "name": name,
            "capacity": capacity,
            "days": weekday_labels(busiest),
            "used": used,
            "free": self.free,
        }


def cohort(round: AllocationRound):
    """The round's students: its school's intake year, still at the school in the round's fiscal year."""
    students = Student.objects.filter(school=round.school_id, entry_year=round.entry_year, anonymised_on__isnull=True)
    if round.starts_on:
        gone = Enrolment.objects.filter(fiscal_year=fiscal_year(round.starts_on)).exclude(
            status=EnrolmentStatus.ENROLLED
        )
        students = students.exclude(pk__in=gone.values("student"))
    return students.order_by("class_name", "number", "pk")


def busy_students(round: AllocationRound, students) -> dict[int, Placement]:
    """Students who already have a placement on one of the round's weekdays in its period (the first of them)."""
    days = Q()
    for day in round_weekdays(round):
        days |= Q(weekdays__contains=str(day))
    placements = Placement.objects.filter(
        days, student__in=[s.pk for s in students], starts_on__lte=round.ends_on, ends_on__gte=round.starts_on
    ).select_related("company")
    if round.pk:
        placements = placements.exclude(pk__in=round.outcomes.exclude(placement=None).values("placement"))
    found = {}
    for placement in placements.order_by("starts_on", "pk"):
        found.setdefault(placement.student_id, placement)
    return found


def lottery_order(round: AllocationRound, student_ids) -> list[int]:
    """The students in lottery order: by SHA-256 of "seed:student id", which anyone can recompute."""
    return sorted(student_ids, key=lambda pk: hashlib.sha256(f"{round.lottery_seed}:{pk}".encode()).hexdigest())


def hosts(*, user, round: AllocationRound, exclude_round: bool = True) -> dict[int, Host]:
    """Partner companies of the school, in the user's scope, offering this kind of place: company id → Host."""
    partners = Company.objects.filter(consortia__schools=round.school_id).values("pk")
    visible = visible_to(Company.objects.filter(pk__in=partners), user).values("pk")
    offers = list(
        CompanyOffer.objects.filter(kind=OFFER_OF.get(round.kind), company__in=visible)
        .select_related("company")
        .order_by("company__kana", "company__name", "pk")
    )
    if not offers:
        return {}
    weekdays = round_weekdays(round)
    kinds = [kind for kind, offer in OFFER_OF.items() if offer == OFFER_OF.get(round.kind)]
    overlapping = Placement.objects.filter(
        company__in=[o.company_id for o in offers],
        kind__in=kinds,
        starts_on__lte=round.ends_on,
        ends_on__gte=round.starts_on,
    )
    if exclude_round and round.pk:
        overlapping = overlapping.exclude(pk__in=round.outcomes.exclude(placement=None).values("placement"))
    occupied: dict[int, list[list[int]]] = {}
    for company_id, days in overlapping.values_list("company_id", "weekdays"):
        occupied.setdefault(company_id, []).append([int(d) for d in days])
    _school_days, company_days = open_days(
        school_id=round.school_id,
        company_ids=[o.company_id for o in offers],
        starts_on=round.starts_on,
        ends_on=round.ends_on,
        weekdays=weekdays,
    )
    found = {}
    for offer in offers:
        company = offer.company
        numbers = [n for n in (offer.capacity, company.max_students) if n is not None]
        capacity = min(numbers) if numbers else UNKNOWN_CAPACITY
        there = occupied.get(company.pk, [])
        days = len(company_days.get(company.pk, []))
        hours = days * Decimal(round.hours_per_day or 0)
        host = Host(
            company=company,
            capacity=capacity,
            capacity_known=bool(numbers),
            occupied={d: sum(d in p for p in there) for d in weekdays},
            days=days,
            hours=hours,
            required=Decimal(round.required_hours or 0),
            weekdays=weekdays,
            offered=offer.capacity
            if offer.capacity is not None and company.max_students is not None and company.max_students < offer.capacity
            else None,
        )
        host.free = free_places(capacity, company.weekdays or [], there, weekdays)
        if company.weekdays and any(d not in company.weekdays for d in weekdays):
            host.problem = "weekday"
        elif hours < host.required:
            host.problem = "calendar"
        elif host.free <= 0:
            host.problem = "full"
        found[company.pk] = host
    return found


def round_problems(*, user, round: AllocationRound) -> dict[str, str]:
    """What makes a round impossible before anything runs, in words by form field (empty: it can run)."""
    problems = {}
    if not cohort(round).exists():
        problems["entry_year"] = _("%(school)sに%(year)s年度入学の在籍生徒がいません。") % {
            "school": round.school,
            "year": round.entry_year,
        }
    weekdays = round_weekdays(round)
    school_days, _companies = open_days(
        school_id=round.school_id, company_ids=[], starts_on=round.starts_on, ends_on=round.ends_on, weekdays=weekdays
    )
    hours = len(school_days) * Decimal(round.hours_per_day or 0)
    if not school_days:
        problems["weekday_set"] = _("期間中の%(days)s曜日はすべて祝日か学校の休業日です。") % {
            "days": weekday_labels(weekdays)
        }
    elif hours < Decimal(round.required_hours or 0):
        problems["required_hours"] = _(
            "期間中の%(days)s曜日は祝日・学校の休業日を除いて%(n)s日（%(hours)s時間）で、必要時間数に足りません。"
        ) % {"days": weekday_labels(weekdays), "n": len(school_days), "hours": plain(hours)}
    found = hosts(user=user, round=round)
    if found and all(h.problem == "weekday" for h in found.values()) and "weekday_set" not in problems:
        problems["weekday_set"] = _("%(days)s曜日に受け入れる企業がありません。%(hosts)s") % {
            "days": weekday_labels(weekdays),
            "hosts": " ".join(
                _("%(name)s：%(days)s曜日") % {"name": h.company.name, "days": weekday_labels(h.company.weekdays)}
                for h in found.values()
            ),
        }
    return problems
