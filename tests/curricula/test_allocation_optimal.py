"""The allocation is optimal and its reasons are true: checked against every possible allocation on small cases."""

import itertools
import random
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest

from curricula.services.allocation import _snapshot, explain
from curricula.services.allocation_places import Host
from partners.allocation import Preference, allocate, contests_hold, free_places


def brute_force(preferences, places, allowed=None):
    """The best (most placed, then smallest rank sum) over every way to place or not place each student."""
    best = (-1, 0)
    options = []
    for p in preferences:
        choices = [None] + [c for c in dict.fromkeys(p.companies) if allowed is None or allowed(p.student, c)]
        options.append(choices)
    for combination in itertools.product(*options):
        used = {}
        for company in combination:
            if company is not None:
                used[company] = used.get(company, 0) + 1
        if any(count > places.get(company, 0) for company, count in used.items()):
            continue
        placed = sum(c is not None for c in combination)
        ranks = sum(p.companies.index(c) + 1 for p, c in zip(preferences, combination, strict=True) if c is not None)
        if (placed, -ranks) > (best[0], -best[1]):
            best = (placed, ranks)
    return best


def brute_force_by_day(preferences, companies, existing, weekdays):
    """The best over every combination, checking each company's students day by day: those already placed
    there on that weekday plus the new ones (who come every round weekday) within its capacity, and no new
    student at a company that does not take one of the round's weekdays."""
    best = (-1, 0)
    options = [[None, *dict.fromkeys(p.companies)] for p in preferences]
    for combination in itertools.product(*options):
        new = {}
        for company in combination:
            if company is not None:
                new[company] = new.get(company, 0) + 1
        fits = True
        for company, n in new.items():
            capacity, accepted = companies[company]
            if accepted and any(d not in accepted for d in weekdays):
                fits = False
            for day in weekdays:
                if sum(day in days for days in existing.get(company, [])) + n > capacity:
                    fits = False
        if not fits:
            continue
        placed = sum(c is not None for c in combination)
        ranks = sum(p.rank_of(c) for p, c in zip(preferences, combination, strict=True) if c is not None)
        if (placed, -ranks) > (best[0], -best[1]):
            best = (placed, ranks)
    return best


def check(result, preferences, places, allowed=None):
    counts = {}
    for student, company in result.placed.items():
        counts[company] = counts.get(company, 0) + 1
        preference = next(p for p in preferences if p.student == student)
        assert company in preference.companies
        assert allowed is None or allowed(student, company)
    assert all(count <= places[company] for company, count in counts.items())
    assert set(result.placed) | set(result.unplaced) == {p.student for p in preferences}
    assert not set(result.placed) & set(result.unplaced)
    assert contests_hold(result, preferences, places, allowed) == []


@pytest.mark.parametrize("seed", range(60))
def test_optimal_against_brute_force(seed):
    rng = random.Random(seed)
    companies = list(range(100, 100 + rng.randint(1, 4)))
    places = {c: rng.randint(0, 2) for c in companies}
    preferences = [
        Preference(student=s, companies=tuple(rng.sample(companies, rng.randint(0, len(companies)))))
        for s in range(rng.randint(1, 6))
    ]
    banned = {(p.student, c) for p in preferences for c in companies if rng.random() < 0.15}

    def allowed(student, company):
        return (student, company) not in banned

    result = allocate(preferences, places, allowed)
    check(result, preferences, places, allowed)
    assert (result.placed_count, result.rank_sum) == brute_force(preferences, places, allowed)


def random_instance(rng):
    """Companies with a capacity and accepted weekdays, placements already there, a round's weekdays, choices."""
    weekdays = sorted(rng.sample(range(5), rng.randint(1, 2)))
    companies, existing = {}, {}
    for company in range(100, 100 + rng.randint(1, 4)):
        accepted = sorted(rng.sample(range(5), rng.randint(1, 5))) if rng.random() < 0.5 else []
        companies[company] = (rng.randint(0, 3), accepted)
        existing[company] = [set(rng.sample(range(5), rng.randint(1, 2))) for _ in range(rng.randint(0, 3))]
    preferences = [
        Preference(s, tuple(rng.sample(list(companies), rng.randint(0, min(3, len(companies))))))
        for s in range(rng.randint(1, 6))
    ]
    return weekdays, companies, existing, preferences


@pytest.mark.parametrize("seed", range(80))
def test_places_already_taken_and_weekdays_against_brute_force(seed):
    rng = random.Random(seed)
    weekdays, companies, existing, preferences = random_instance(rng)
    places = {c: free_places(cap, accepted, existing[c], weekdays) for c, (cap, accepted) in companies.items()}
    lottery = [p.student for p in preferences]
    rng.shuffle(lottery)
    result = allocate(preferences, places, lottery=lottery)
    check(result, preferences, places)
    assert (result.placed_count, result.rank_sum) == brute_force_by_day(preferences, companies, existing, weekdays)
    # The lottery decides between equal claims: nobody unplaced ranked a company as a later student placed there.
    for student, contests in result.unplaced.items():
        for contest in contests:
            for holder, company in result.placed.items():
                if company == contest.company:
                    theirs = next(p for p in preferences if p.student == holder).rank_of(company)
                    assert theirs < contest.rank or result.lottery[holder] < result.lottery[student]


def _host(company, capacity, accepted, existing, weekdays):
    """The Host the round's page would show for this company (every day open)."""
    host = Host(
        company=SimpleNamespace(pk=company, name=f"企業{company}", weekdays=accepted),
        capacity=capacity,
        capacity_known=True,
        occupied={d: sum(d in days for days in existing) for d in weekdays},
        days=10,
        hours=Decimal("60"),
        required=Decimal("0"),
        weekdays=weekdays,
    )
    host.free = free_places(capacity, accepted, existing, weekdays)
    host.problem = "weekday" if accepted and any(d not in accepted for d in weekdays) else "" if host.free else "full"
    return host


@pytest.mark.parametrize("seed", range(80))
def test_every_reason_in_words_matches_its_instance(seed):
    rng = random.Random(1000 + seed)
    weekdays, companies, existing, preferences = random_instance(rng)
    found = {c: _host(c, cap, accepted, existing[c], weekdays) for c, (cap, accepted) in companies.items()}
    places = {c: h.free for c, h in found.items() if h.available}
    lottery = [p.student for p in preferences]
    rng.shuffle(lottery)
    result = allocate(preferences, places, lottery=lottery)
    by_student = {p.student: p for p in preferences}
    for student, contests in result.unplaced.items():
        words = explain([_snapshot(c, found, {}) for c in contests], placed=False, lottery=result.lottery[student])
        if not by_student[student].companies:
            assert words == ["希望が入力されていません。"]
            continue
        assert len(words) == len(by_student[student].companies)
        for company, text in zip(by_student[student].companies, words, strict=True):
            capacity, accepted = companies[company]
            rank = by_student[student].rank_of(company)
            holders = [h for h, c in result.placed.items() if c == company]
            if accepted and any(d not in accepted for d in weekdays):
                assert "曜日に受け入れていません" in text and f"企業{company}" in text
                continue
            used = max(sum(d in days for days in existing[company]) for d in weekdays)
            if capacity - used <= 0:
                assert f"受入れ枠{capacity}人" in text and "空き0人" in text
                if used:
                    assert f"既に{used}人" in text
                continue
            assert f"第{rank}希望の企業{company}" in text and f"空き{capacity - used}人" in text
            assert len(holders) == capacity - used
            higher = sum(by_student[h].rank_of(company) < rank for h in holders)
            tied = sum(by_student[h].rank_of(company) == rank for h in holders)
            assert higher + tied == len(holders)
            if tied:
                assert f"抽選順が先の生徒に割り当てました（この生徒の抽選順は{result.lottery[student]}番）" in text
                assert all(
                    result.lottery[h] < result.lottery[student]
                    for h in holders
                    if by_student[h].rank_of(company) == rank
                )
                numbers = re.findall(r"(\d+)人", text)
                assert numbers[:3] == [str(capacity - used), str(higher), str(tied)] if higher else True
            else:
                assert "より上位の希望で選んだ生徒で埋まりました" in text


def test_more_students_placed_beats_better_ranks():
    # Giving A their first choice would leave B unplaced; the allocation places both.
    preferences = [Preference(1, (10, 20)), Preference(2, (10,))]
    result = allocate(preferences, {10: 1, 20: 1})
    assert result.placed == {1: 20, 2: 10}


def test_a_tie_goes_to_the_earlier_in_the_lottery_whatever_the_input_order():
    preferences = [Preference(1, (10,)), Preference(2, (10,)), Preference(3, (10,))]
    for lottery in ([3, 1, 2], [2, 3, 1]):
        for order in (preferences, preferences[::-1]):
            result = allocate(order, {10: 1}, lottery=lottery)
            assert result.placed == {lottery[0]: 10}
            assert {s: c[0].tied for s, c in result.unplaced.items()} == {lottery[1]: 1, lottery[2]: 1}


def test_reasons_for_the_unplaced():
    preferences = [
        Preference(1, (10,)),
        Preference(2, (10,)),
        Preference(3, ()),
        Preference(4, (30,)),
        Preference(5, (20,)),
    ]
    result = allocate(preferences, {10: 1, 20: 1, 30: 0}, allowed=lambda s, c: not (s == 5 and c == 20))
    assert result.placed == {1: 10}  # 1 and 2 tie; 1 comes first in the default lottery
    unplaced = result.unplaced
    assert unplaced[3] == ()
    assert unplaced[4][0].places == 0
    assert unplaced[5][0].allowed is False
    assert (unplaced[2][0].higher, unplaced[2][0].tied) == (0, 1)


def test_free_places_per_weekday():
    assert free_places(3, [2], [{2}, {2}, {2}], [2]) == 0
    assert free_places(5, [2], [{2}, {2}, {2}], [2]) == 2
    assert free_places(3, [1, 3], [], [2]) == 0  # does not take Wednesdays
    assert free_places(2, [], [{1}, {3}, {1, 3}], [1, 3]) == 0  # the fuller weekday decides
    assert free_places(2, [], [{4}], [1, 3]) == 2


def test_500_students_and_300_companies():
    rng = random.Random(7)
    companies = list(range(300))
    places = {c: rng.randint(1, 3) for c in companies}
    preferences = [Preference(s, tuple(rng.sample(companies, 3))) for s in range(500)]
    result = allocate(preferences, places)
    check(result, preferences, places)
    assert result.placed_count > 400
