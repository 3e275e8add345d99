"""A fiscal year's release: every figure about people that any report of the year publishes, at every scope, gathered
once, registered in one `Ledger` with the identities between them, and suppressed once (`reports.disclosure`).

Cells are keyed by what they are, not by the report that prints them, so a figure printed by two reports (a
prefecture's row in the national annual report and the total of that prefecture's own; a school's placements in the
annual detail and the sum of its rows in a consortium's PDCA report) is one cell, hidden in both or shown in both.

Keys:
  (metric, "school", id), (metric, "prefecture", id), (metric, "block", code), (metric, "total"),
  (metric, "consortium", id)                        annual area tables, the school detail, PDCA KPIs
  ("placement_row", school, company, kind, field)   PDCA rows of placements (n, required, confirmed hours)
  ("placement_kind", consortium, kind, field)       PDCA summary by form (n, students)
  ("engagement", id), ("session", id), ("project", id)   pupils in one activity, in the lists
  ("session_kind", consortium, kind)                PDCA: pupils over a kind of class session
  ("survey", scope, table, …)                       fact-finding: requests, answers and stages
  ("change", scope, instrument, subscale, area, field)  students' change: n and n × mean
  ("programme_participants", scope, kind)           the participants of the programme's events ("programme_event", id)
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from meister.fiscal import fiscal_year_bounds
from reports.disclosure import MAGNITUDE, RATE, Ledger, protect

CHANGE_FIGURES = ("n", "pre", "post", "diff", "squares")
PEOPLE = ("students_dual_system", "students_internship", "placements")
AREA_LEVELS = ("school", "prefecture", "block", "total")


class Release:
    """The ledger of one fiscal year, suppressed; reports ask it whether a cell is hidden and what a cell holds."""

    # What a kept release holds (`reports.kept`): everything reports read, without the ledger's identities.
    KEPT = (
        *("fy", "figures", "hidden_by_kind", "values", "areas", "consortia"),
        *("placement_rows", "surveys", "changes", "programme_events", "national_areas"),
    )

    def __init__(self, fy: int):
        self.fy = fy
        self.ledger = Ledger()
        self.values: dict = {}
        self.areas: dict = {}
        _annual_cells(self)
        _pdca_cells(self)
        _survey_cells(self)
        _change_cells(self)
        _programme_cells(self)
        protect(self.ledger)
        self.figures = {key: cell.value for key, cell in self.ledger.cells.items()}
        self.national_areas = _national_areas(fy)
        # The hidden keys by their first part (the metric or kind of figure), as the area tables ask for them.
        self.hidden_by_kind: dict = {}
        for key in self.ledger.hidden:
            self.hidden_by_kind.setdefault(key[0], set()).add(key[1:])

    def state(self) -> dict:
        return {name: getattr(self, name) for name in self.KEPT}

    @classmethod
    def from_state(cls, state: dict) -> "Release":
        release = cls.__new__(cls)
        release.__dict__.update(state)
        return release

    def hidden(self, key) -> bool:
        return key[1:] in self.hidden_by_kind.get(key[0], ())

    @property
    def hidden_keys(self) -> set:
        return {(kind, *rest) for kind, keys in self.hidden_by_kind.items() for rest in keys}

    def has(self, key) -> bool:
        """Whether the release holds `key` (a figure it does not hold is one no record gave: a zero)."""
        return key in self.figures

    def value(self, key) -> float:
        return self.figures[key]

    def block_of(self, prefecture) -> str | None:
        return next((block for p, block in self.areas.values() if p == prefecture), None)

    def area_hidden(self, metric: str) -> set:
        """The hidden area keys of one metric, as `reports.documents.areas` keys them."""
        return set(self.hidden_by_kind.get(metric, ()))

    def whole(self, metric: str, scope) -> tuple[bool, object]:
        """(found, value): `metric` over the whole of a national or prefecture scope, as the release counted it, the
        way `reports.documents.areas.area_values` gives it for ("total",); not found for other scopes or metrics."""
        if scope.kind == "national" and metric in self.national_areas:
            return True, self.national_areas[metric].get(("total",))
        if metric not in self.values or scope.kind not in ("national", "prefecture"):
            return False, None
        area = ("total",) if scope.kind == "national" else ("prefecture", scope.ident)
        value = self.values[metric].get(area)
        if isinstance(value, tuple):  # a rate's (numerator, denominator)
            from reports.metrics import percent

            return True, percent({area: value}).get(area)
        return True, value


def release_for(fy: int) -> Release:
    """The release of `fy` for the data as it is now: the kept one when nothing it was built from has changed since
    (`reports.kept`), or else one built now, and kept for the next report. So an edit (hours, dates, a placement's
    kind) can never leave a report hiding cells by figures that no longer hold."""
    from reports import kept

    version = kept.data_version(fy)  # before any figure is read: see reports.kept
    if version is not None:
        state = kept.load(fy, version)
        if state is not None:
            return Release.from_state(state)
    release = Release(fy)
    if version is not None:
        kept.keep(fy, version, release.state())
    return release


def _national_areas(fy: int) -> dict:
    """The national annual report's area tables (every column, at every level), gathered once with the release."""
    from reports.documents import ReportScope
    from reports.documents.areas import AREA_KEYS, area_values

    return area_values(fy, ReportScope("national"), AREA_KEYS)


# --- the annual report's areas ---------------------------------------------------------------------------------------


def _school_areas():
    from partners.models import School

    return {
        pk: (prefecture, block)
        for pk, prefecture, block in School.objects.values_list("pk", "prefecture", "prefecture__block")
    }


def _upwards(per_school: dict, areas: dict) -> dict:
    sums: dict = {}
    for school, value in per_school.items():
        prefecture, block = areas[school]
        for cell in (("school", school), ("prefecture", prefecture), ("block", block), ("total",)):
            if isinstance(value, tuple):
                top, bottom = sums.get(cell, (0, 0))
                sums[cell] = (top + value[0], bottom + value[1])
            else:
                sums[cell] = sums.get(cell, 0) + value
    return sums


def _hierarchy(ledger: Ledger, metric: str, areas: dict) -> None:
    prefectures: dict = {}
    blocks: dict = {}
    for school, (prefecture, block) in areas.items():
        prefectures.setdefault(prefecture, []).append((metric, "school", school))
        blocks.setdefault(block, set()).add((metric, "prefecture", prefecture))
    for prefecture, members in prefectures.items():
        ledger.total((metric, "prefecture", prefecture), members)
    for block, members in blocks.items():
        ledger.total((metric, "block", block), members)
    ledger.total((metric, "total"), [(metric, "block", block) for block in blocks])


def _consortium_members() -> dict:
    from partners.models import School

    members: dict = {}
    for school, consortium in School.objects.filter(consortia__isnull=False).values_list("pk", "consortia"):
        members.setdefault(consortium, []).append(school)
    return members


def _annual_cells(release: Release) -> None:
    from reports.metrics import METRICS, enrolment_parts, host_employment_parts, local_employment_parts

    fy, ledger = release.fy, release.ledger
    areas = release.areas = _school_areas()
    members = release.consortia = _consortium_members()
    values = release.values
    for metric in (*PEOPLE, "hours_completed", "hours_pending"):
        found = METRICS[metric].compute(fy, "school", None)
        per_school = {school: found.get(school, 0) for school in areas}
        values[metric] = _upwards(per_school, areas)
        values[metric].update(
            {("consortium", c): sum(per_school.get(s, 0) for s in schools) for c, schools in members.items()}
        )
    for metric in PEOPLE:
        for area, value in values[metric].items():
            ledger.add((metric, *area), value)
        _hierarchy(ledger, metric, areas)
        for consortium, schools in members.items():
            ledger.total((metric, "consortium", consortium), [(metric, "school", s) for s in schools])
    for metric in ("hours_completed", "hours_pending"):
        for area, value in values[metric].items():
            ledger.add((metric, *area), value, MAGNITUDE, base=("placements", *area), digits=1)
        _hierarchy(ledger, metric, areas)
        for consortium, schools in members.items():
            ledger.total((metric, "consortium", consortium), [(metric, "school", s) for s in schools])
    # Where every printed row has 企業実習 = デュアルシステム + インターンシップ, a reader assumes it everywhere.
    both = values["placements"]
    if all(
        both.get(area, 0) == values["students_dual_system"].get(area, 0) + values["students_internship"].get(area, 0)
        for area in both
    ):
        for area in both:
            ledger.relation(
                {
                    ("placements", *area): 1.0,
                    ("students_dual_system", *area): -1.0,
                    ("students_internship", *area): -1.0,
                }
            )
    # Rates: hidden when the group under them is small; a group with one contributing member prints its rate.
    for metric, parts in (
        ("enrolment_rate", enrolment_parts),
        ("local_employment_rate", local_employment_parts),
        ("host_employment_rate", host_employment_parts),
    ):
        sums = _upwards(parts(fy, "school", None), areas)
        values[metric] = sums
        for area, (top, bottom) in sums.items():
            if bottom:
                ledger.add((metric, *area), 100 * top / bottom, RATE, digits=1, small_group=bottom < _threshold())
        contributing: dict = {}
        for area, (_top, bottom) in sums.items():
            if bottom and area[0] != "total":
                parent = _parent(area, areas)
                contributing.setdefault(parent, []).append(area)
        for parent, children in contributing.items():
            if len(children) == 1:
                ledger.equal((metric, *parent), (metric, *children[0]))


def _parent(area, areas):
    if area[0] == "school":
        return ("prefecture", areas[area[1]][0])
    if area[0] == "prefecture":
        blocks = {prefecture: block for prefecture, block in areas.values()}
        return ("block", blocks[area[1]])
    return ("total",)


def _threshold() -> int:
    from reports.disclosure import threshold

    return threshold()


# --- PDCA: placements by school, company and form; activities' pupils ------------------------------------------------


def _pdca_cells(release: Release) -> None:
    from curricula.models import ClassSession, JointProject, Placement
    from partners.models import Engagement

    fy, ledger = release.fy, release.ledger
    start, end = fiscal_year_bounds(fy)
    placements = Placement.objects.filter(starts_on__lte=end, ends_on__gte=start)
    confirmed = Sum("logs__hours", filter=Q(logs__status="confirmed", logs__day__range=(start, end)))
    keys = ("student__school", "company", "kind")
    rows = {
        tuple(row[k] for k in keys): row
        for row in placements.order_by().values(*keys).annotate(n=Count("pk", distinct=True))
    }
    for row in placements.order_by().values(*keys).annotate(required=Sum("required_hours"), confirmed=confirmed):
        rows[tuple(row[k] for k in keys)].update(required=row["required"], confirmed=row["confirmed"])
    by_school: dict = {}
    for (school, company, kind), row in rows.items():
        n = ledger.add(("placement_row", school, company, kind, "n"), row["n"])
        ledger.add(("placement_row", school, company, kind, "required"), row["required"], MAGNITUDE, base=n)
        ledger.add(("placement_row", school, company, kind, "confirmed"), row["confirmed"], MAGNITUDE, base=n, digits=1)
        by_school.setdefault(school, []).append((company, kind))
    hours = release.values["hours_completed"]
    for school, found in by_school.items():
        ledger.total(("placements", "school", school), [("placement_row", school, *pair, "n") for pair in found])
        printed = sum(float(rows[(school, *pair)]["confirmed"] or 0) for pair in found)
        if abs(printed - float(hours.get(("school", school), 0))) < 0.05:
            ledger.total(
                ("hours_completed", "school", school), [("placement_row", school, *pair, "confirmed") for pair in found]
            )
    kinds_of_students = dict(
        ((school, kind), n)
        for school, kind, n in placements.order_by()
        .values_list("student__school", "kind")
        .annotate(n=Count("student", distinct=True))
    )
    for consortium, schools in release.consortia.items():
        kinds = sorted({kind for (school, _company, kind) in rows if school in schools})
        for kind in kinds:
            students = ledger.add(
                ("placement_kind", consortium, kind, "students"),
                sum(kinds_of_students.get((s, kind), 0) for s in schools),
            )
            if kind == "dual_system":
                ledger.equal(students, ("students_dual_system", "consortium", consortium))
    release.placement_rows = rows

    for pk, students in Engagement.objects.filter(start_on__range=(start, end)).values_list("pk", "students"):
        ledger.add(("engagement", pk), students)
    sessions = ClassSession.objects.filter(held_on__range=(start, end))
    session_kinds: dict = {}
    for pk, school, kind, students in sessions.values_list("pk", "subject__school", "kind", "student_count"):
        ledger.add(("session", pk), students)
        session_kinds.setdefault((school, kind), []).append(("session", pk))
    for consortium, schools in release.consortia.items():
        for kind in {kind for (school, kind) in session_kinds if school in schools}:
            members = [key for s in schools for key in session_kinds.get((s, kind), [])]
            total = ledger.add(("session_kind", consortium, kind), sum(ledger.cells[key].value for key in members))
            ledger.total(total, members)
    for pk, students in JointProject.objects.filter(fiscal_year=fy).values_list("pk", "student_count"):
        ledger.add(("project", pk), students)


# --- the fact-finding survey -----------------------------------------------------------------------------------------


def survey_scopes(fy: int) -> list:
    from assessments.models import Recipient

    prefectures = Recipient.objects.filter(survey__fiscal_year=fy, survey__prefecture__isnull=False)
    return ["national", *sorted(set(prefectures.values_list("survey__prefecture", flat=True)))]


def survey_figures(fy: int, scope) -> dict:
    """The fact-finding figures of one scope ("national" or a prefecture's id), as counts keyed for the ledger."""
    from assessments.models import Recipient, SurveyAnswer

    recipients = Recipient.objects.filter(survey__fiscal_year=fy)
    if scope != "national":
        recipients = recipients.filter(survey__prefecture_id=scope)
    answers = SurveyAnswer.objects.filter(recipient__in=recipients.values("pk"))
    figures = {"rates": {}, "stages": {}, "issues": {}}
    for field in ("respondent_type", "prefecture__block", "prefecture"):
        for row in recipients.order_by().values(field).annotate(n=Count("pk"), answered=Count("answer")):
            figures["rates"][(field, row[field])] = (row["n"], row["answered"])
    total = recipients.aggregate(n=Count("pk"), answered=Count("answer"))
    figures["rates"][("total", None)] = (total["n"], total["answered"])
    for field in ("recipient__prefecture__block", "recipient__respondent_type"):
        for row in answers.order_by().values(field, "stage").annotate(n=Count("pk")):
            figures["stages"][(field.removeprefix("recipient__"), row[field], row["stage"])] = row["n"]
    from assessments.models import IssueKind

    for row in (
        answers.order_by()
        .values("stage")
        .annotate(
            **{
                f"issue_{value}": Count("pk", filter=Q(issues__icontains=f'"{value}"'))
                for value, _l in IssueKind.choices
            }
        )
    ):
        for value, _label in IssueKind.choices:
            figures["issues"][(value, row["stage"])] = row[f"issue_{value}"]
    return figures


def _survey_cells(release: Release) -> None:
    from partners.models import Prefecture

    ledger = release.ledger
    block_of = dict(Prefecture.objects.values_list("pk", "block"))
    release.surveys = {}
    for scope in survey_scopes(release.fy):
        figures = release.surveys[scope] = survey_figures(release.fy, scope)
        rates = figures["rates"]
        for (field, value), (n, answered) in rates.items():
            ledger.add(("survey", scope, "requests", field, value), n)
            ledger.add(("survey", scope, "answered", field, value), answered)
        for measure in ("requests", "answered"):
            for field in ("respondent_type", "prefecture__block", "prefecture"):
                ledger.total(
                    ("survey", scope, measure, "total", None),
                    [("survey", scope, measure, f, v) for (f, v) in rates if f == field],
                )
            for block in {block_of[v] for (f, v) in rates if f == "prefecture" and v is not None}:
                ledger.total(
                    ("survey", scope, measure, "prefecture__block", block),
                    [
                        ("survey", scope, measure, "prefecture", v)
                        for (f, v) in rates
                        if f == "prefecture" and v is not None and block_of[v] == block
                    ],
                )
        stages: dict = {}
        for (field, area, stage), n in figures["stages"].items():
            cell = ledger.add(("survey", scope, "stage", field, area, stage), n)
            stages.setdefault(("area", field, area), []).append(cell)
            stages.setdefault(("stage", field, stage), []).append(cell)
        stage_totals = {}
        for (what, field, value), cells in stages.items():
            if what == "area":  # a row's total is the area's answered count, printed beside its response rate
                ledger.total(
                    ("survey", scope, "answered", f"prefecture__{field}" if field == "block" else field, value), cells
                )
            else:
                total = ledger.add(("survey", scope, "stage_total", value), sum(ledger.cells[c].value for c in cells))
                ledger.total(total, cells)
                stage_totals[value] = total
        ledger.total(("survey", scope, "answered", "total", None), list(stage_totals.values()))
        for (issue, stage), n in figures["issues"].items():
            ledger.add(("survey", scope, "issue", issue, stage), n)


# --- students' change ------------------------------------------------------------------------------------------------


def _change_cells(release: Release) -> None:
    """n and n × mean (pre, post, change) per area, as the reports print them: a school's are never printed, but
    they are what prefectures and consortia add up from, so they enter the ledger as unknowns."""
    from assessments.models import Instrument
    from reports.metrics import change_moments

    ledger = release.ledger
    release.changes = {}
    instruments = Instrument.objects.filter(administrations__fiscal_year=release.fy).distinct()
    for instrument in instruments.prefetch_related("subscales"):
        codes = [s.code for s in instrument.subscales.all()]
        for group in ("school", "prefecture", "block", "consortium"):
            moments = change_moments(release.fy, group, None, instrument, codes)
            release.changes[(instrument.pk, group)] = moments
            for (area, code), figures in moments.items():
                _change_cell(ledger, (instrument.pk, code, group, area), figures, group != "school")
            if group == "block":
                for code in codes:
                    parts = [values for (_area, c), values in moments.items() if c == code]
                    if parts:
                        sums = tuple(sum(v[i] for v in parts) for i in range(5))
                        _change_cell(ledger, (instrument.pk, code, "total", None), sums, True)
        for code in codes:
            for name in CHANGE_FIGURES:
                key = ("change", instrument.pk, code)
                by_prefecture: dict = {}
                by_block: dict = {}
                for school, (prefecture, block) in release.areas.items():
                    by_prefecture.setdefault(prefecture, []).append((*key, "school", school, name))
                    by_block.setdefault(block, set()).add((*key, "prefecture", prefecture, name))
                for prefecture, members in by_prefecture.items():
                    ledger.total((*key, "prefecture", prefecture, name), members)
                for block, members in by_block.items():
                    ledger.total((*key, "block", block, name), members)
                ledger.total((*key, "total", None, name), [(*key, "block", block, name) for block in by_block])
                for consortium, schools in release.consortia.items():
                    ledger.total((*key, "consortium", consortium, name), [(*key, "school", s, name) for s in schools])


def _change_cell(ledger: Ledger, key: tuple, figures: tuple, published: bool) -> None:
    from reports.disclosure import SIGNED

    n, pre, post, diff, squares = figures
    base = ledger.add(("change", *key, "n"), n, published=published)
    # The printed means times n, and (from the confidence interval, i.e. the standard deviation) the sum of squares.
    for name, total, kind in (
        ("pre", pre, MAGNITUDE),
        ("post", post, MAGNITUDE),
        ("diff", diff, SIGNED),
        ("squares", squares, MAGNITUDE),
    ):
        ledger.add(("change", *key, name), total, kind, base=base, digits=0, published=published)


def _programme_cells(release: Release) -> None:
    """The participants of the programme's events, as the annual report prints them."""
    from reports.documents.programme import participant_cells

    participant_cells(release)


def as_decimal(value) -> Decimal:
    return Decimal(str(value))
