"""A cohort's allocation to company places: preferences in, an optimal proposal out, placements at the end.

The proposal works on the places really left (`allocation_places`), leaves out the students who already have a
placement on the round's weekdays, breaks ties by the round's lottery and says, for every student not placed or
placed below a better choice, exactly why (`partners.allocation.Contest`). Confirming keeps the result
(`AllocationOutcome`), so the round shows who went where after its placements exist.
"""

from dataclasses import asdict, dataclass, field
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from curricula.models import (
    AllocationChoice,
    AllocationOutcome,
    AllocationRound,
    AllocationStatus,
    Placement,
    Student,
)
from curricula.services.allocation_places import Host, busy_students, cohort, hosts, lottery_order
from curricula.tallies import tallies_recount
from meister.scoping import may_change, saving_in_scope
from partners.allocation import Allocation, Contest, Preference, allocate
from partners.models import Company, Person, PersonRole

RANKS = (1, 2, 3)

__all__ = [
    "RANKS",
    "Proposal",
    "allocation_confirm",
    "allocation_propose",
    "allocation_round_create",
    "choices_save",
    "cohort",
    "hosts",
    "outcome_rows",
    "proposal_rows",
]


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
    places = {pk for pk, host in hosts(user=user, round=round).items() if host.available}
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
    hosts: dict[int, Host]
    busy: dict[int, Placement] = field(default_factory=dict)  # already placed on these weekdays: left out
    preferences: dict[int, Preference] = field(default_factory=dict)

    @property
    def places(self) -> dict[int, int]:
        return {pk: host.free for pk, host in self.hosts.items() if host.available}

    @property
    def free_total(self) -> int:
        return sum(self.places.values())

    @property
    def allocatable(self) -> int:
        return len(self.students) - len(self.busy)

    @property
    def shortfall(self) -> str:
        """Why fewer students are placed than take part, in words (empty when everyone is placed)."""
        left = self.allocatable - self.allocation.placed_count
        if left <= 0:
            return ""
        reasons = []
        if self.free_total < self.allocatable:
            reasons.append(
                _("使える受入れ枠は合わせて%(free)s人分で、割り当てる生徒%(n)s人より少ない。")
                % {"free": self.free_total, "n": self.allocatable}
            )
        unplaced = [p for s, p in self.preferences.items() if s in self.allocation.unplaced]
        no_choice = sum(1 for p in unplaced if not p.companies)
        if no_choice:
            reasons.append(_("希望が未入力の生徒が%(n)s人いる。") % {"n": no_choice})
        if len(unplaced) > no_choice:
            reasons.append(
                _("希望した企業に使える空きが残っていない生徒が%(n)s人いる（生徒ごとの理由を参照）。")
                % {"n": len(unplaced) - no_choice}
            )
        return _("%(n)s人は割り当てられません：") % {"n": left} + "".join(reasons)


def allocation_propose(*, user, round: AllocationRound) -> Proposal:
    """The best allocation of the students not yet placed on these weekdays to the places left."""
    found = hosts(user=user, round=round)
    students = list(cohort(round))
    busy = busy_students(round, students)
    ranked: dict[int, list[int]] = {s.pk: [] for s in students if s.pk not in busy}
    for choice in round.choices.order_by("student", "rank"):
        if choice.student_id in ranked:
            ranked[choice.student_id].append(choice.company_id)
    preferences = {pk: Preference(pk, tuple(companies)) for pk, companies in ranked.items()}
    proposal = Proposal(allocation=Allocation(), students=students, hosts=found, busy=busy, preferences=preferences)
    proposal.allocation = allocate(
        list(preferences.values()), proposal.places, lottery=lottery_order(round, list(preferences))
    )
    return proposal


def _snapshot(contest: Contest, found: dict[int, Host], names: dict[int, str]) -> dict:
    """A contest with what its words need, as numbers, so the words can be written again in any language."""
    row = asdict(contest)
    host = found.get(contest.company)
    row["name"] = host.company.name if host else names.get(contest.company, "")
    if host and (not contest.allowed or not contest.places or not host.available):
        row["host"] = {
            "capacity": host.capacity,
            "capacity_known": host.capacity_known,
            "occupied": {str(d): n for d, n in host.occupied.items()},
            "days": host.days,
            "hours": str(host.hours),
            "required": str(host.required),
            "weekdays": host.weekdays,
            "company_weekdays": list(host.company.weekdays or []),
            "problem": host.problem or "full",
            "free": host.free,
            "offered": host.offered,
        }
    return row


def _host_from(name: str, data: dict) -> Host:
    return Host(
        company=SimpleNamespace(name=name, weekdays=data["company_weekdays"]),
        capacity=data["capacity"],
        capacity_known=data["capacity_known"],
        occupied={int(d): n for d, n in data["occupied"].items()},
        days=data["days"],
        hours=data["hours"],
        required=data["required"],
        weekdays=data["weekdays"],
        problem=data["problem"],
        free=data["free"],
        offered=data.get("offered"),
    )


def explain(contests: list[dict], *, placed: bool, lottery: int) -> list[str]:
    """The reasons in words, one per choice: every figure is the proposal's own (see partners.allocation)."""
    if not contests:
        return [] if placed else [_("希望が入力されていません。")]
    words = []
    for c in contests:
        label = _("第%(rank)s希望の%(name)s") % {"rank": c["rank"], "name": c["name"]}
        if "host" in c:
            words.append(_host_from(c["name"], c["host"]).why)
        elif not c["allowed"] or not c["places"]:
            words.append(_("%(choice)sは今回の受入れ先にありません。") % {"choice": label})
        elif placed:
            words.append(
                _(
                    "%(choice)sは空き%(places)s人がすべて他の生徒に割り当てられています"
                    "（できるだけ多くの生徒を、できるだけ上位の希望に割り当てた結果）。"
                )
                % {"choice": label, "places": c["places"]}
            )
        elif c["tied"] and not c["higher"]:
            words.append(
                _(
                    "%(choice)sは空き%(places)s人を、同じ第%(rank)s希望で抽選順が先の生徒に割り当てました"
                    "（この生徒の抽選順は%(lottery)s番）。"
                )
                % {**c, "choice": label, "lottery": lottery}
            )
        elif c["tied"]:
            words.append(
                _(
                    "%(choice)sは空き%(places)s人のうち%(higher)s人をより上位の希望で選んだ生徒に、"
                    "%(tied)s人を同じ第%(rank)s希望で抽選順が先の生徒に割り当てました（この生徒の抽選順は%(lottery)s番）。"
                )
                % {**c, "choice": label, "lottery": lottery}
            )
        else:
            words.append(
                _("%(choice)sは空き%(places)s人がすべて、より上位の希望で選んだ生徒で埋まりました。")
                % {"choice": label, "places": c["places"]}
            )
    return words


@transaction.atomic
def allocation_confirm(*, user, round: AllocationRound, assignments: dict[int, int]) -> list[Placement]:
    """Turn the (possibly adjusted) allocation into placements and keep the result; refused whole if any student
    is already placed on these weekdays, any company has no place left, or nobody is placed."""
    round = AllocationRound.objects.select_for_update().get(pk=round.pk)
    if not may_change(user, round):
        raise PermissionDenied
    if round.status != AllocationStatus.OPEN:
        raise ValidationError(_("この割り当ては既に確定しています。"))
    if not assignments:
        raise ValidationError(_("割り当てる生徒がいません。登録する実習はありません。"))
    # Two rounds filling the same companies at once would both see the same free places: take turns.
    list(Company.objects.select_for_update().filter(pk__in=set(assignments.values())).values_list("pk"))
    proposal = allocation_propose(user=user, round=round)
    students = {s.pk: s for s in proposal.students}
    used: dict[int, int] = {}
    for student, company in assignments.items():
        if student not in students or company not in proposal.hosts:
            raise ValidationError(_("選べない生徒または企業が含まれています。"))
        if student in proposal.busy:
            raise ValidationError(
                _("%(student)sは既に同じ曜日の実習があります。") % {"student": students[student].kana_name}
            )
        used[company] = used.get(company, 0) + 1
    over = [
        _("%(name)s（空き%(free)s人に%(n)s人）")
        % {"name": proposal.hosts[c].company.name, "free": max(proposal.hosts[c].free, 0), "n": n}
        for c, n in used.items()
        if not proposal.hosts[c].available or n > proposal.hosts[c].free
    ]
    if over:
        raise ValidationError(_("受入れ枠を超えています：%(names)s") % {"names": "、".join(over)})
    mentors = {}
    for person in Person.objects.filter(company__in=used, role=PersonRole.MENTOR).order_by("pk"):
        mentors.setdefault(person.company_id, person)
    made = {}
    for student, company in assignments.items():
        placement = Placement(
            student=students[student],
            company=proposal.hosts[company].company,
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
        made[student] = placement
    tallies_recount(school_ids={students[student].school_id for student in made})
    allocation = proposal.allocation
    outcomes = []
    for student, preference in proposal.preferences.items():
        company = assignments.get(student)
        adjusted = company != allocation.placed.get(student)
        if company is None:
            contests = allocation.unplaced.get(student, ()) if not adjusted else ()
        else:
            contests = allocation.passed_over.get(student, ()) if not adjusted else ()
        outcomes.append(
            AllocationOutcome(
                round=round,
                student_id=student,
                company_id=company,
                placement=made.get(student),
                rank=preference.rank_of(company) if company else None,
                lottery=allocation.lottery[student],
                adjusted=adjusted,
                contests=[_snapshot(c, proposal.hosts, {}) for c in contests],
            )
        )
    AllocationOutcome.objects.bulk_create(outcomes)
    round.status = AllocationStatus.CONFIRMED
    round.save(update_fields=["status"])
    return list(made.values())


def proposal_rows(proposal: Proposal) -> dict[int, dict]:
    """Each student's place in the proposal with the words of its reasons: student id → row."""
    allocation, rows = proposal.allocation, {}
    for student in proposal.preferences:
        company = allocation.placed.get(student)
        contests = allocation.passed_over.get(student, ()) if company else allocation.unplaced.get(student, ())
        rows[student] = {
            "proposed": company,
            "rank": proposal.preferences[student].rank_of(company) if company else None,
            "lottery": allocation.lottery[student],
            "why": explain(
                [_snapshot(c, proposal.hosts, {}) for c in contests],
                placed=company is not None,
                lottery=allocation.lottery[student],
            ),
        }
    return rows


def outcome_rows(round: AllocationRound) -> list[dict]:
    """The confirmed result, student by student, with the words of each reason."""
    rows = []
    for outcome in round.outcomes.select_related("student", "company", "placement"):
        if outcome.adjusted:
            why = [_("担当者が提案から調整しました。")]
        else:
            why = explain(outcome.contests, placed=outcome.company_id is not None, lottery=outcome.lottery)
        rows.append({"outcome": outcome, "student": outcome.student, "why": why})
    return rows
