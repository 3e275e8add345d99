"""Dual-system allocation: students with ranked preferences, companies with places.

The allocation is optimal in a strict order: first as many students placed as possible, then the
smallest sum of preference ranks among them (first choices count 1, second 2, …). It is solved as
an assignment problem (SciPy's linear_sum_assignment): one column per company place plus one
"unplaced" column per student whose cost is higher than any possible sum of ranks, so that placing
one more student always beats improving everyone else's rank.

Ties are broken by a lottery: a fixed order of the students (`lottery`, earliest first), derived by the
caller from a stored seed, so the same inputs always give the same plan. Among equally good plans, a
student who wanted a company at the same rank as a student placed there, and who comes earlier in the
lottery, takes the place instead. So an unplaced student's reason is always one of: no choice, no place
left at the companies chosen, or every place there went to a student who ranked it higher or ranked it
the same and came earlier in the lottery (`Contest` counts both); `contests_hold` checks that it is so.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class Preference:
    student: int
    companies: tuple[int, ...]  # best first

    def rank_of(self, company: int) -> int | None:
        return self.companies.index(company) + 1 if company in self.companies else None


@dataclass(frozen=True)
class Contest:
    """One company a student chose but was not given: its places and who holds them, by how they ranked it."""

    company: int
    rank: int  # the student's own rank of the company
    places: int  # the company's free places in this allocation (0: none to give)
    allowed: bool = True  # False: the company cannot take this student at all (weekdays, calendar…)
    higher: int = 0  # places given to students who ranked it better
    tied: int = 0  # … who ranked it the same and came earlier in the lottery
    lower: int = 0  # … who ranked it worse (only for a student placed elsewhere: more students placed overall)


@dataclass
class Allocation:
    placed: dict[int, int] = field(default_factory=dict)  # student → company
    unplaced: dict[int, tuple[Contest, ...]] = field(default_factory=dict)  # student → each choice and who won it
    passed_over: dict[int, tuple[Contest, ...]] = field(default_factory=dict)  # placed below a better choice
    lottery: dict[int, int] = field(default_factory=dict)  # student → place in the lottery, from 1
    rank_sum: int = 0

    @property
    def placed_count(self) -> int:
        return len(self.placed)


def free_places(
    capacity: int, accepted: Sequence[int], occupied: Sequence[Sequence[int]], weekdays: Sequence[int]
) -> int:
    """Places left for students who come on every one of `weekdays`.

    `capacity`: students the company takes on any one day; `accepted`: its weekdays (empty: any day);
    `occupied`: the weekdays of each placement already there in the period. A weekday the company does not
    take leaves no place; otherwise the fullest of the weekdays decides.
    """
    if accepted and any(day not in accepted for day in weekdays):
        return 0
    used = max((sum(day in days for days in occupied) for day in weekdays), default=0)
    return max(capacity - used, 0)


def allocate(
    preferences: Sequence[Preference],
    places: Mapping[int, int],
    allowed: Callable[[int, int], bool] | None = None,
    lottery: Sequence[int] | None = None,
) -> Allocation:
    """`places`: company → free places; `allowed(student, company)` rules out pairs; `lottery`: the students,
    earliest first (default: the order of `preferences`)."""
    order = {student: position for position, student in enumerate(lottery or [p.student for p in preferences], 1)}
    preferences = sorted(preferences, key=lambda p: order.get(p.student, len(order) + 1))
    result = Allocation(lottery={p.student: order.get(p.student, len(order) + 1) for p in preferences})
    n = len(preferences)
    if n == 0:
        return result

    def pair_allowed(student, company):
        return allowed is None or allowed(student, company)

    def may(student, company):
        return places.get(company, 0) > 0 and pair_allowed(student, company)

    # A company's places are neighbouring columns, so a choice fills its company's columns in one step.
    slots, columns_of = [], {}
    for company, count in places.items():
        if count > 0:
            columns_of[company] = (len(slots), len(slots) + count)
            slots += [company] * count
    max_rank = max((len(p.companies) for p in preferences), default=0)
    unplaced_cost = n * max(max_rank, 1) + 1
    forbidden = unplaced_cost * 10
    cost = np.full((n, len(slots) + n), forbidden, dtype=np.int64)
    for row, preference in enumerate(preferences):
        for rank, company in reversed(list(enumerate(preference.companies, start=1))):  # the best rank wins
            if company in columns_of and pair_allowed(preference.student, company):
                first, last = columns_of[company]
                cost[row, first:last] = rank
        cost[row, len(slots) + row] = unplaced_cost
    rows, columns = linear_sum_assignment(cost)
    placed = {}
    for row, column in zip(rows, columns, strict=True):
        if column < len(slots) and cost[row, column] < unplaced_cost:
            placed[preferences[row].student] = slots[column]
    _break_ties_by_lottery(preferences, placed, result.lottery, may)
    result.placed = placed
    by_student = {p.student: p for p in preferences}
    result.rank_sum = sum(by_student[s].rank_of(c) for s, c in placed.items())
    holders: dict[int, list[int]] = {}
    for student, company in placed.items():
        holders.setdefault(company, []).append(student)
    for preference in preferences:
        student = preference.student
        if student in placed:
            own = preference.rank_of(placed[student])
            better = preference.companies[: own - 1]
            if better:
                result.passed_over[student] = _contests(
                    preference, better, places, holders, by_student, result, pair_allowed
                )
        else:
            result.unplaced[student] = _contests(
                preference, preference.companies, places, holders, by_student, result, pair_allowed
            )
    return result


def _break_ties_by_lottery(preferences, placed, lottery, may) -> None:
    """Give a place held by a later student to an earlier unplaced one who ranked it the same (the plan stays
    as good: as many placed, the same rank sum); repeat until no such pair is left."""
    ranks = {p.student: {c: p.rank_of(c) for c in p.companies} for p in preferences}
    changed = True
    while changed:
        changed = False
        holders: dict[int, list[int]] = {}
        for student, company in placed.items():
            holders.setdefault(company, []).append(student)
        for preference in preferences:  # in lottery order
            student = preference.student
            if student in placed:
                continue
            for company in preference.companies:
                if not may(student, company):
                    continue
                rank = ranks[student][company]
                later = [
                    h for h in holders.get(company, ()) if ranks[h][company] == rank and lottery[h] > lottery[student]
                ]
                if later:
                    loser = max(later, key=lottery.__getitem__)
                    del placed[loser]
                    placed[student] = company
                    changed = True
                    break
            if changed:
                break


def _contests(preference, companies, places, holders, by_student, result, pair_allowed) -> tuple[Contest, ...]:
    student = preference.student
    contests = []
    for company in dict.fromkeys(companies):
        rank = preference.rank_of(company)
        free, allowed = max(places.get(company, 0), 0), pair_allowed(student, company)
        if not free or not allowed:
            contests.append(Contest(company, rank, free, allowed=allowed))
            continue
        higher = tied = lower = 0
        for holder in holders.get(company, ()):
            theirs = by_student[holder].rank_of(company)
            if theirs < rank:
                higher += 1
            elif theirs > rank:
                lower += 1
            elif result.lottery[holder] < result.lottery[student]:
                tied += 1
            else:
                lower += 1  # same rank, later in the lottery: only a student placed elsewhere meets this
        contests.append(Contest(company, rank, free, True, higher, tied, lower))
    return tuple(contests)


def contests_hold(
    result: Allocation, preferences: Sequence[Preference], places: Mapping[int, int], allowed=None
) -> list[str]:
    """Every way the stated reasons of `result` could be false; an empty list when each is true."""
    wrong = []
    by_student = {p.student: p for p in preferences}
    for student, contests in result.unplaced.items():
        preference = by_student[student]
        if tuple(c.company for c in contests) != tuple(dict.fromkeys(preference.companies)):
            wrong.append(f"{student}: the reasons do not cover exactly the choices")
        for contest in contests:
            holders = [s for s, c in result.placed.items() if c == contest.company]
            if contest.allowed != (allowed is None or allowed(student, contest.company)):
                wrong.append(f"{student}: {contest.company} said {'open' if contest.allowed else 'closed'}")
            if contest.places != max(places.get(contest.company, 0), 0):
                wrong.append(f"{student}: {contest.company} said {contest.places} places")
            if not contest.allowed or not contest.places:
                continue
            if len(holders) != places[contest.company] or contest.higher + contest.tied != len(holders):
                wrong.append(f"{student}: {contest.company} was not full of better-placed students")
            for holder in holders:
                theirs = by_student[holder].rank_of(contest.company)
                if theirs > contest.rank or (
                    theirs == contest.rank and result.lottery[holder] > result.lottery[student]
                ):
                    wrong.append(f"{student}: {holder} holds {contest.company} with a weaker claim")
    for student, contests in result.passed_over.items():
        for contest in contests:
            holders = [s for s, c in result.placed.items() if c == contest.company]
            if contest.allowed and contest.places and len(holders) != contest.places:
                wrong.append(f"{student}: a better choice {contest.company} had a place left")
            if contest.allowed and contest.higher + contest.tied + contest.lower != len(holders):
                wrong.append(f"{student}: {contest.company}'s holders miscounted")
    return wrong
