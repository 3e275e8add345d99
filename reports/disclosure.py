"""Disclosure control: the one rule for every figure the reports publish, and the audit that proves it holds.

The rule
--------
* **Threshold.** `THRESHOLD` (the setting `ASSESSMENTS_SUPPRESSION_THRESHOLD`, 10 by default).
* **Counts of people** — students, graduates, survey recipients and respondents — from 1 to THRESHOLD − 1 are
  hidden (primary suppression). Zero is shown: it describes nobody.
* **Statistics of a small group** are hidden with the group: a figure that describes people (confirmed practice
  hours of the students placed, 地元就職率 of the employed graduates, the mean change of the students who answered
  twice, the required and confirmed hours of a row of placements) is hidden whenever the count of the people it
  describes is hidden — under the threshold, or hidden to protect another cell. The count is the statistic's *base*.
* **Secondary suppression.** Further cells are hidden until no hidden cell can be pinned down. For a hidden cell, the
  *feasible interval* is [min, max] of its value over every assignment of the hidden cells that reproduces every
  published figure (within its printed rounding) and every identity between figures — sums and subtotals, parts of
  a whole, averages times counts, and the same figure printed in two reports of the same fiscal year (cells of
  different reports share one key, so they are one unknown). Values are non-negative (signed figures excepted) and
  integers are relaxed, as τ-ARGUS and sdcTable audit.
* **Protection interval.** The feasible interval of every hidden cell must be at least
  `max(THRESHOLD, PROTECTION_SHARE × value)` wide, in the cell's own unit (people, hours, percentage points).
  A hidden count can therefore never be narrowed below the threshold's own width.

Everything a user can download for one fiscal year — every report kind, every scope, every sheet — is one *release*
(`reports.release`): its cells are registered in one `Ledger`, suppressed once by `protect`, and every report reads
its hidden marks from there. `audit` computes every hidden cell's interval with linear programming (HiGHS, through
`highspy`) and returns the cells whose interval is too narrow; the tests run it on generated data.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.conf import settings

PROTECTION_SHARE = 0.2

COUNT, MAGNITUDE, RATE, SIGNED = "count", "magnitude", "rate", "signed"


def threshold() -> int:
    return settings.ASSESSMENTS_SUPPRESSION_THRESHOLD


def rule_text() -> str:
    """The rule as the reports' notes print it."""
    t = threshold()
    return (
        f"{t}未満の人数（生徒・卒業生・調査の依頼先と回答者）は「x」で秘匿しています（0は表示）。"
        f"人数が秘匿された集団の統計（確認済み実習時間、地元就職率、生徒の変容など）も併せて秘匿します。"
        "合計・内訳・平均×人数・他の報告書の同じ値から逆算できないよう、他の値も秘匿しています（二次秘匿）。"
        f"秘匿した値は、公表されたすべての値と関係式から求められる範囲が{t}（値の{round(PROTECTION_SHARE * 100)}%の方が"
        "大きければその幅）以上になるよう選び、線形計画法による監査で確かめています。"
    )


@dataclass
class Cell:
    value: float
    kind: str = COUNT
    base: Hashable | None = None  # the count of the people this statistic describes
    digits: int = 0  # as printed: the published value is known to within half its last digit
    primary: bool = False
    published: bool = True  # False: a figure no report prints, an unknown linking those that are

    @property
    def lower(self) -> float | None:
        return None if self.kind == SIGNED else 0.0

    @property
    def upper(self) -> float | None:
        return None  # not even rates: enrolment may exceed capacity

    @property
    def protection(self) -> float:
        return self.protection_at(threshold())

    def protection_at(self, threshold_now: int) -> float:
        """The protection interval with the threshold read once by the caller (the audit asks for it per cell)."""
        return max(threshold_now, PROTECTION_SHARE * abs(self.value))


@dataclass
class Finding:
    key: Hashable
    value: float
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass
class Ledger:
    """The cells of a release, the identities between them, and (after `protect`) which are hidden."""

    cells: dict = field(default_factory=dict)
    identities: list = field(default_factory=list)  # each {key: coefficient}, meaning Σ coefficient × cell = 0
    hidden: set = field(default_factory=set)

    def add(
        self, key, value, kind=COUNT, *, base=None, digits=0, small_group: bool | None = None, published=True
    ) -> Hashable:
        """Register a published cell. A count is hidden by the primary rule when it is 1…threshold − 1; another
        statistic when `small_group` says so or its base count is under the threshold."""
        value = float(value or 0)
        if kind == COUNT:
            primary = 0 < value < threshold()
        elif small_group is not None:
            primary = small_group
        else:
            primary = base is not None and 0 < self.cells[base].value < threshold()
        known = self.cells.get(key)
        if known is not None:
            if abs(known.value - value) > 0.5 * 10 ** (-digits):
                raise ValueError(f"{key!r} is published as {known.value} and as {value}")
            return key
        self.cells[key] = Cell(value, kind, base, digits, primary and published, published)
        return key

    def total(self, total, members: Iterable[Hashable]) -> None:
        """total = Σ members, where it holds (the ledger holds true values, so a sum that does not hold is no
        identity a reader could use); members not in the ledger are zero."""
        members = [member for member in members if member in self.cells]
        if total not in self.cells or not members:
            return
        if abs(self.cells[total].value - sum(self.cells[key].value for key in members)) <= 1e-6:
            identity = {total: -1.0}
            for member in members:
                identity[member] = identity.get(member, 0.0) + 1.0
            self.identities.append(identity)

    def relation(self, coefficients: dict) -> None:
        """Σ coefficient × cell = 0, where it holds; cells not in the ledger are zero."""
        coefficients = {key: c for key, c in coefficients.items() if key in self.cells}
        if coefficients and abs(sum(c * self.cells[key].value for key, c in coefficients.items())) <= 1e-6:
            self.identities.append(coefficients)

    def equal(self, one, other) -> None:
        if one == other or one not in self.cells or other not in self.cells:
            return
        if abs(self.cells[one].value - self.cells[other].value) <= 1e-6:
            self.identities.append({one: 1.0, other: -1.0})

    def is_hidden(self, key) -> bool:
        return key in self.hidden

    def shown(self, key, mark="x"):
        """The value to print for `key`: the mark when hidden."""
        if key in self.hidden:
            return mark
        return self.cells[key].value


# --- suppression -----------------------------------------------------------------------------------------------------


def protect(ledger: Ledger, *, rounds: int = 200) -> set:
    """Choose the hidden cells: the primary ones, the statistics of hidden groups, then secondary cells until the
    audit finds nothing. Returns (and stores in `ledger.hidden`) the set of hidden keys.

    The same figures give the same hidden cells in every process: nothing here follows the order of a set, which
    changes with Python's string hashing from one process to the next. Two report runs of one year that hid
    different cells would together give away what each hid."""
    hidden = {key for key, cell in ledger.cells.items() if cell.primary}
    unpublished = {key for key, cell in ledger.cells.items() if not cell.published}
    by_cell: dict = {}
    for index, identity in enumerate(ledger.identities):
        for key in identity:
            by_cell.setdefault(key, []).append(index)
    statistics_of: dict = {}
    for key, cell in ledger.cells.items():
        if cell.base is not None:
            statistics_of.setdefault(cell.base, []).append(key)

    def hide(key) -> None:
        stack = [key]
        while stack:
            current = stack.pop()
            if current in hidden or current in unpublished:
                continue
            hidden.add(current)
            stack.extend(statistics_of.get(current, ()))

    for key in list(hidden):
        hidden.discard(key)
        hide(key)

    def cheapest(identity) -> Hashable | None:
        shown = [key for key in identity if key not in hidden and key not in unpublished]
        if not shown:
            return None
        # The smallest count that is not zero protects best and costs least; a zero only when nothing else is left.
        return min(shown, key=lambda key: (not ledger.cells[key].value, abs(ledger.cells[key].value), str(key)))

    def too_narrow(identity) -> bool:
        """One hidden term alone, or hidden terms all of one sign whose values add up to less than one of them
        must be protected by: then no solver is needed to see the identity pins them."""
        unknown = [key for key in identity if key in hidden or key in unpublished]
        if len(unknown) == 1:
            return True
        if not unknown or any(key in unpublished for key in unknown) or len({identity[k] > 0 for k in unknown}) > 1:
            return False
        if any(ledger.cells[key].lower is None for key in unknown):
            return False
        spread = sum(abs(identity[key]) * ledger.cells[key].value for key in unknown)
        return any(spread < abs(identity[key]) * ledger.cells[key].protection for key in unknown)

    changed = True
    while changed:  # the rules of thumb first, then the solver
        changed = False
        for identity in ledger.identities:
            if too_narrow(identity):
                pick = cheapest(identity)
                if pick is not None:
                    hide(pick)
                    changed = True
    cache: dict = {}
    for _round in range(rounds):  # then whatever the solver can still pin down
        findings = audit(ledger, hidden, cache=cache)
        if not findings:
            break
        before = len(hidden)
        for finding in findings:
            options = [ledger.identities[index] for index in by_cell.get(finding.key, ())]
            options = [identity for identity in options if cheapest(identity) is not None]
            if not options:  # every term beside it is hidden already: look one identity further
                near = {key for index in by_cell.get(finding.key, ()) for key in ledger.identities[index]}
                options = [ledger.identities[i] for key in sorted(near, key=str) for i in by_cell.get(key, ())]
                options = [identity for identity in options if cheapest(identity) is not None]
            if not options:
                continue
            identity = min(options, key=lambda identity: sum(key not in hidden for key in identity))
            hide(cheapest(identity))
        if len(hidden) == before:
            break  # nothing left to hide around what remains: the audit reports it
    ledger.hidden = hidden
    return hidden


# --- the audit -------------------------------------------------------------------------------------------------------


def _reduced(ledger: Ledger, hidden: set) -> list[tuple[dict, float, float]]:
    """The identities over the unknowns only: each as ({unknown: coefficient}, low, high) meaning
    low ≤ Σ coefficient × unknown ≤ high, the published cells moved to the other side within their rounding."""
    reduced = []
    for identity in ledger.identities:
        unknowns, constant, slack = {}, 0.0, 0.0
        for key, coefficient in identity.items():
            cell = ledger.cells[key]
            if key in hidden or not cell.published:
                unknowns[key] = coefficient
            else:
                constant += coefficient * cell.value
                slack += abs(coefficient) * (0.5 * 10 ** (-cell.digits) if cell.digits else 0.0)
        if unknowns:
            reduced.append((unknowns, -constant - slack, -constant + slack))
    return reduced


def _components(reduced: list) -> list[tuple[list, list]]:
    """Groups of (unknowns, constraints) linked by constraints."""
    parent: dict = {}

    def find(key):
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for unknowns, _low, _high in reduced:
        keys = list(unknowns)
        find(keys[0])
        for key in keys[1:]:
            parent[find(key)] = find(keys[0])
    groups: dict = {}
    for index, (unknowns, _low, _high) in enumerate(reduced):
        keys, indices = groups.setdefault(find(next(iter(unknowns))), (set(), []))
        keys.update(unknowns)
        indices.append(index)
    return [(sorted(keys, key=str), indices) for keys, indices in groups.values()]


def audit(ledger: Ledger, hidden: set | None = None, *, cache: dict | None = None) -> list[Finding]:
    """Every hidden cell whose feasible interval is narrower than its protection interval.

    The published cells are constants, so each identity becomes a constraint on the hidden (and unpublished) cells
    alone, and the problem falls apart into small independent pieces; each hidden cell's minimum and maximum are
    two linear programmes over its piece. `cache` keeps each piece's findings between calls (a piece's constraints
    depend only on which cells it holds), so suppression re-solves only the pieces it changed.
    """
    hidden = ledger.hidden if hidden is None else hidden
    least = threshold()
    reduced = _reduced(ledger, hidden)
    findings = []
    linked = set()
    for keys, indices in _components(reduced):
        linked.update(keys)
        if not any(key in hidden for key in keys):
            continue
        signature = tuple(keys)
        if cache is not None and signature in cache:
            findings += cache[signature]
            continue
        found = []
        bounds = [(ledger.cells[key].lower, ledger.cells[key].upper) for key in keys]
        if len(indices) == 1 and all(ledger.cells[key].lower == 0 for key in keys):
            found = _one_sum(ledger, hidden, *reduced[indices[0]], least=least)
            if cache is not None:
                cache[signature] = found
            findings += found
            continue
        rows = [reduced[index] for index in indices]
        for key, low, high in _Piece(keys, rows, bounds).intervals([key for key in keys if key in hidden]):
            cell = ledger.cells[key]
            if high - low < cell.protection_at(least) - 1e-6:
                found.append(Finding(key, cell.value, low, high))
        if cache is not None:
            cache[signature] = found
        findings += found
    for key in sorted(hidden - linked, key=str):  # in no identity: as wide as its natural bounds
        cell = ledger.cells[key]
        low = float("-inf") if cell.lower is None else cell.lower
        high = float("inf") if cell.upper is None else cell.upper
        if high - low < cell.protection_at(least) - 1e-6:
            findings.append(Finding(key, cell.value, low, high))
    return findings


def _one_sum(ledger: Ledger, hidden: set, unknowns: dict, low: float, high: float, *, least: int) -> list[Finding]:
    """The intervals of non-negative unknowns under one constraint low ≤ Σ c × x ≤ high, without a solver: an
    unknown with a partner of the opposite sign grows without end; otherwise it runs from 0 (or, alone, from
    low / c) to high / c."""
    found = []
    positive = sum(coefficient > 0 for coefficient in unknowns.values())
    negative = len(unknowns) - positive
    for key, coefficient in unknowns.items():
        if key not in hidden:
            continue
        cell = ledger.cells[key]
        if negative if coefficient > 0 else positive:  # a partner of the opposite sign
            continue
        top, bottom = (high, low) if coefficient > 0 else (low, high)
        most = top / coefficient
        lowest = max(0.0, bottom / coefficient) if len(unknowns) == 1 else 0.0
        if most - lowest < cell.protection_at(least) - 1e-6:
            found.append(Finding(key, cell.value, lowest, most))
    return found


class _Piece:
    """One piece of the audit as a linear programme in HiGHS: its constraints low ≤ a·x ≤ high and the cells'
    natural bounds are passed once, then each hidden cell's minimum and maximum are two solves that change only the
    objective, each starting from the last one's basis (a few thousand pieces, tens of thousands of solves)."""

    def __init__(self, keys: list, rows: list[tuple[dict, float, float]], bounds: list[tuple]):
        import highspy
        import numpy as np

        self.highspy, self.position = highspy, {key: i for i, key in enumerate(keys)}
        infinity = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(keys), len(rows)
        lp.col_cost_ = np.zeros(len(keys))
        lp.col_lower_ = np.array([-infinity if low is None else low for low, _high in bounds], dtype=float)
        lp.col_upper_ = np.array([infinity if high is None else high for _low, high in bounds], dtype=float)
        # A hair wider than the rounding, so that the solver's own arithmetic never finds the true figures infeasible.
        lp.row_lower_ = np.array([low - 1e-7 * max(1.0, abs(low)) for _u, low, _h in rows], dtype=float)
        lp.row_upper_ = np.array([high + 1e-7 * max(1.0, abs(high)) for _u, _l, high in rows], dtype=float)
        columns: list[list[tuple[int, float]]] = [[] for _key in keys]
        for row, (unknowns, _low, _high) in enumerate(rows):
            for key, coefficient in unknowns.items():
                columns[self.position[key]].append((row, coefficient))
        starts, indices, values = [0], [], []
        for column in columns:
            for row, coefficient in column:
                indices.append(row)
                values.append(coefficient)
            starts.append(len(indices))
        matrix = highspy.HighsSparseMatrix()
        matrix.format_, matrix.num_col_, matrix.num_row_ = highspy.MatrixFormat.kColwise, len(keys), len(rows)
        matrix.start_, matrix.index_, matrix.value_ = starts, indices, values
        lp.a_matrix_ = matrix
        self.solver = highspy.Highs()
        self.solver.setOptionValue("output_flag", False)
        self.solver.passModel(lp)

    def _end(self, column: int, sign: float, key) -> float:
        """min (sign 1) or −max (sign −1) of the column: its end of the feasible interval, as ±inf when unbounded."""
        status = self.highspy.HighsModelStatus
        solver = self.solver
        solver.changeColCost(column, sign)
        solver.run()
        outcome = solver.getModelStatus()
        settled = (status.kOptimal, status.kUnbounded, status.kUnboundedOrInfeasible)
        # Not settled from the last basis (HiGHS says unknown, or presolve's rounding finds the true figures
        # infeasible): solved again from scratch, then without presolve.
        for presolve in ("choose", "off"):
            if outcome in settled:
                break
            solver.setOptionValue("presolve", presolve)
            solver.clearSolver()
            solver.run()
            outcome = solver.getModelStatus()
        solver.setOptionValue("presolve", "choose")
        value = solver.getInfo().objective_function_value  # read before the cost changes back: that clears it
        solver.changeColCost(column, 0.0)
        if outcome in (status.kUnbounded, status.kUnboundedOrInfeasible):
            return float("inf")
        if outcome != status.kOptimal:
            raise RuntimeError(f"the release's figures contradict each other around {key!r}: {outcome}")
        return sign * value

    def intervals(self, keys: list):
        """(key, lowest, highest) of each of `keys` consistent with the piece's constraints."""
        for key in keys:
            column = self.position[key]
            lowest, highest = self._end(column, 1.0, key), self._end(column, -1.0, key)
            yield key, (float("-inf") if lowest == float("inf") else lowest), highest
