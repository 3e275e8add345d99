"""The allocation is optimal: checked against every possible allocation on small cases."""

import itertools
import random

import pytest

from partners.allocation import Preference, allocate


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


def test_more_students_placed_beats_better_ranks():
    # Giving A their first choice would leave B unplaced; the allocation places both.
    preferences = [Preference(1, (10, 20)), Preference(2, (10,))]
    result = allocate(preferences, {10: 1, 20: 1})
    assert result.placed == {1: 20, 2: 10}


def test_reasons_for_the_unplaced():
    preferences = [
        Preference(1, (10,)),
        Preference(2, (10,)),
        Preference(3, ()),
        Preference(4, (30,)),
        Preference(5, (20,)),
    ]
    result = allocate(preferences, {10: 1, 20: 1, 30: 0}, allowed=lambda s, c: not (s == 5 and c == 20))
    assert len(result.placed) == 1 and result.placed.get(1, result.placed.get(2)) == 10
    unplaced = result.unplaced
    assert unplaced[3] == "希望する企業がありません。"
    assert unplaced[4] == "希望した企業に受入れ枠がありません。"
    assert unplaced[5] == "希望した企業の受入れ条件（曜日など）に合いません。"
    assert "より上位の希望の生徒で埋まりました" in unplaced[1 if 2 in result.placed else 2]


def test_500_students_and_300_companies():
    rng = random.Random(7)
    companies = list(range(300))
    places = {c: rng.randint(1, 3) for c in companies}
    preferences = [Preference(s, tuple(rng.sample(companies, 3))) for s in range(500)]
    result = allocate(preferences, places)
    check(result, preferences, places)
    assert result.placed_count > 400
