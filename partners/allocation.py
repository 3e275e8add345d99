"""Dual-system allocation: students with ranked preferences, companies with places.

The allocation is optimal in a strict order: first as many students placed as possible, then the
smallest sum of preference ranks among them (first choices count 1, second 2, …). It is solved as
an assignment problem (SciPy's linear_sum_assignment): one column per company place plus one
"unplaced" column per student whose cost is higher than any possible sum of ranks, so that placing
one more student always beats improving everyone else's rank.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class Preference:
    student: int
    companies: tuple[int, ...]  # best first


@dataclass
class Allocation:
    placed: dict[int, int] = field(default_factory=dict)  # student → company
    unplaced: dict[int, str] = field(default_factory=dict)  # student → why, in words
    rank_sum: int = 0

    @property
    def placed_count(self) -> int:
        return len(self.placed)


def allocate(
    preferences: Sequence[Preference],
    places: Mapping[int, int],
    allowed: Callable[[int, int], bool] | None = None,
) -> Allocation:
    """`places`: company → number of places; `allowed(student, company)` rules out pairs (e.g. a weekday)."""
    slots = [company for company, count in places.items() for _ in range(max(count, 0))]
    n = len(preferences)
    if n == 0:
        return Allocation()
    max_rank = max((len(p.companies) for p in preferences), default=0)
    unplaced_cost = n * max(max_rank, 1) + 1
    forbidden = unplaced_cost * 10
    cost = np.full((n, len(slots) + n), forbidden, dtype=np.int64)
    for row, preference in enumerate(preferences):
        ranks = {}
        for rank, company in enumerate(preference.companies, start=1):
            ranks.setdefault(company, rank)
        for column, company in enumerate(slots):
            if company in ranks and (allowed is None or allowed(preference.student, company)):
                cost[row, column] = ranks[company]
        cost[row, len(slots) + row] = unplaced_cost
    rows, columns = linear_sum_assignment(cost)
    result = Allocation()
    for row, column in zip(rows, columns, strict=True):
        preference = preferences[row]
        if column < len(slots) and cost[row, column] < unplaced_cost:
            result.placed[preference.student] = slots[column]
            result.rank_sum += int(cost[row, column])
        else:
            result.unplaced[preference.student] = _why(preference, places, allowed)
    return result


def _why(preference: Preference, places: Mapping[int, int], allowed) -> str:
    from django.utils.translation import gettext as _

    if not preference.companies:
        return _("希望する企業がありません。")
    possible = [c for c in preference.companies if places.get(c, 0) > 0]
    if not possible:
        return _("希望した企業に受入れ枠がありません。")
    if allowed is not None and not any(allowed(preference.student, c) for c in possible):
        return _("希望した企業の受入れ条件（曜日など）に合いません。")
    return _("希望した企業の枠は、より上位の希望の生徒で埋まりました。")
