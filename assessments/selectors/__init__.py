"""Reading assessments: results per subscale and time for any group of responses, small groups suppressed."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from assessments import stats
from assessments.models import Administration, Instrument, Response, Timing
from meister.scoping import visible_to

TIMINGS = [Timing.PRE, Timing.MID, Timing.POST]


def suppression_threshold() -> int:
    return getattr(settings, "ASSESSMENTS_SUPPRESSION_THRESHOLD", 10)


@dataclass
class TimingResult:
    timing: str
    label: str
    summary: stats.Summary
    suppressed: bool


@dataclass
class SubscaleResult:
    code: str
    name: str
    timings: list[TimingResult]
    change: stats.PairedChange | None
    change_from: str = ""
    change_to: str = ""
    change_suppressed: bool = True


@dataclass
class InstrumentResult:
    instrument: Instrument
    subscales: list[SubscaleResult] = field(default_factory=list)
    students: list = field(default_factory=list)
    student_timings: list = field(default_factory=list)

    @property
    def shown_changes(self) -> list[SubscaleResult]:
        return [s for s in self.subscales if s.change is not None and not s.change_suppressed]


def results_for(responses, *, with_students: bool = False) -> list[InstrumentResult]:
    """Per instrument and subscale: n, mean and SD at each time, and the paired change from the first to the last.

    `responses` is a queryset already limited to the group (a cohort, a school, a consortium …) and one fiscal year.
    Two queries whatever the number of students: the responses' scores, then the instruments' subscales.
    """
    threshold = suppression_threshold()
    fields = ["student_id", "administration__instrument_id", "administration__timing", "scores"]
    if with_students:
        fields += ["student__class_name", "student__number", "student__kana_name"]
    rows = list(responses.values(*fields))
    # instrument → timing → subscale → {student: score}
    scores: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    students: dict = defaultdict(dict)
    for row in rows:
        instrument_id, timing = row["administration__instrument_id"], row["administration__timing"]
        for code, value in (row["scores"] or {}).items():
            scores[instrument_id][timing][code][row["student_id"]] = value
        if with_students:
            students[instrument_id][row["student_id"]] = (
                row["student__class_name"],
                row["student__number"],
                row["student__kana_name"],
            )
    instruments = Instrument.objects.filter(pk__in=scores).prefetch_related("subscales")
    labels = dict(Timing.choices)
    results = []
    for instrument in instruments:
        by_timing = scores[instrument.pk]
        present = [t for t in TIMINGS if t in by_timing]
        result = InstrumentResult(instrument=instrument)
        for subscale in instrument.subscales.all():
            timing_results = []
            for timing in present:
                summary = stats.describe(list(by_timing[timing][subscale.code].values()))
                timing_results.append(
                    TimingResult(timing, str(labels[timing]), summary, suppressed=summary.n < threshold)
                )
            item = SubscaleResult(code=subscale.code, name=subscale.name, timings=timing_results, change=None)
            if len(present) >= 2:
                first, last = by_timing[present[0]][subscale.code], by_timing[present[-1]][subscale.code]
                paired = sorted(set(first) & set(last))
                item.change = stats.paired_change([first[s] for s in paired], [last[s] for s in paired])
                item.change_from, item.change_to = str(labels[present[0]]), str(labels[present[-1]])
                item.change_suppressed = item.change.n < threshold
            result.subscales.append(item)
        if with_students:
            for student_id, (class_name, number, kana) in sorted(students[instrument.pk].items(), key=lambda kv: kv[1]):
                row = {"class_name": class_name, "number": number, "kana": kana, "scores": []}
                for subscale in instrument.subscales.all():
                    row["scores"].append([by_timing[t][subscale.code].get(student_id) for t in present])
                result.students.append(row)
            result.student_timings = [str(labels[t]) for t in present]
        results.append(result)
    return results


def cohort_responses(*, user, school, entry_year: int, fiscal_year: int, department=None):
    responses = visible_to(Response.objects.all(), user).filter(
        administration__school=school, administration__entry_year=entry_year, administration__fiscal_year=fiscal_year
    )
    if department is not None:
        responses = responses.filter(administration__department=department)
    return responses


def cohorts_for(user):
    """The cohorts (school, entry year, fiscal year) that have administrations the user can see."""
    return (
        visible_to(Administration.objects.all(), user)
        .values("school_id", "school__name", "entry_year", "fiscal_year")
        .distinct()
        .order_by("-fiscal_year", "school__name", "entry_year")
    )
