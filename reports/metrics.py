"""The figures reports are made of, each counted by the database in one grouped query.

A metric answers "how much, per group" for one fiscal year, limited to a set of schools (the report's scope)
and grouped by school, consortium, prefecture, block or not at all. Nothing here loads the rows it counts:
every figure comes back from PostgreSQL (or SQLite on a first run) already summed.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, F, FloatField, Max, Q, QuerySet, Sum, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from meister.fiscal import fiscal_year_bounds

# How a group is reached from a model's path to its school.
GROUPS = {
    "school": "{}",
    "consortium": "{}__consortia",
    "prefecture": "{}__prefecture",
    "block": "{}__prefecture__block",
}
TOTAL = "total"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    compute: Callable
    personal: bool = False  # counts of students: small ones are suppressed in published tables
    needs_instrument: bool = False
    digits: int = 0
    # Values that add up over schools (each row belongs to one school) are counted per school once and summed
    # upwards; a rate gives its numerator and denominator per school through `parts`.
    additive: bool = False
    parts: Callable | None = None


def _group_field(path: str, group: str) -> str | None:
    return None if group == TOTAL else GROUPS[group].format(path)


def _grouped(queryset: QuerySet, path: str, group: str, schools, **aggregates) -> dict:
    """{group key: {aggregate name: value}}; the key is None when `group` is "total"."""
    if schools is not None:
        queryset = queryset.filter(**{f"{path}__in": schools})
    field = _group_field(path, group)
    if field is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.order_by().values(group_key=F(field)).annotate(**aggregates)
    return {row.pop("group_key"): row for row in rows if row["group_key"] is not None}


def _single(queryset, path, group, schools, aggregate) -> dict:
    return {key: row["v"] or 0 for key, row in _grouped(queryset, path, group, schools, v=aggregate).items()}


def _fy_range(fy: int):
    return fiscal_year_bounds(fy)


# --- the metrics -----------------------------------------------------------------------------------------------------


def practitioner_hours(fy, group, schools, **_):
    from partners.models import PractitionerTeaching

    return _single(PractitionerTeaching.objects.filter(fiscal_year=fy), "school", group, schools, Sum("hours"))


def practitioner_people(fy, group, schools, **_):
    from partners.models import PractitionerTeaching

    queryset = PractitionerTeaching.objects.filter(fiscal_year=fy)
    return _single(queryset, "school", group, schools, Count("person", distinct=True))


def engagements(fy, group, schools, **_):
    from partners.models import Engagement

    start, end = _fy_range(fy)
    return _single(Engagement.objects.filter(start_on__range=(start, end)), "school", group, schools, Count("pk"))


def _placements(fy):
    from curricula.models import Placement

    start, end = _fy_range(fy)
    return Placement.objects.filter(starts_on__lte=end, ends_on__gte=start)


def placements(fy, group, schools, **_):
    return _single(_placements(fy), "student__school", group, schools, Count("pk"))


def students_dual_system(fy, group, schools, **_):
    queryset = _placements(fy).filter(kind="dual_system")
    return _single(queryset, "student__school", group, schools, Count("student", distinct=True))


def students_internship(fy, group, schools, **_):
    queryset = _placements(fy).filter(kind__in=["long_internship", "short_internship"])
    return _single(queryset, "student__school", group, schools, Count("student", distinct=True))


def hours_completed(fy, group, schools, **_):
    from curricula.models import DayLog

    start, end = _fy_range(fy)
    queryset = DayLog.objects.filter(day__range=(start, end), status="confirmed")
    return _single(queryset, "placement__student__school", group, schools, Sum("hours"))


def class_sessions(fy, group, schools, **_):
    from curricula.models import ClassSession

    start, end = _fy_range(fy)
    queryset = ClassSession.objects.filter(held_on__range=(start, end))
    return _single(queryset, "subject__school", group, schools, Count("pk"))


def joint_projects(fy, group, schools, **_):
    from curricula.models import JointProject

    return _single(JointProject.objects.filter(fiscal_year=fy), "school", group, schools, Count("pk"))


def companies_engaged(fy, group, schools, **_):
    """Distinct companies that took part in the year: an engagement, a placement or a class session."""
    from curricula.models import ClassSession
    from partners.models import Engagement

    start, end = _fy_range(fy)
    parts = [
        (Engagement.objects.filter(start_on__range=(start, end)), "school", "company"),
        (_placements(fy), "student__school", "company"),
        (ClassSession.objects.filter(held_on__range=(start, end), company__isnull=False), "subject__school", "company"),
    ]
    querysets = []
    for queryset, path, company in parts:
        if schools is not None:
            queryset = queryset.filter(**{f"{path}__in": schools})
        field = _group_field(path, group)
        columns = {"g": F(field)} if field else {}
        querysets.append(queryset.order_by().values(**columns, c=F(company)))
    union = querysets[0].union(*querysets[1:])  # UNION drops repeated (group, company) pairs
    sql, params = union.query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if group == TOTAL:
            cursor.execute(f"SELECT NULL, COUNT(*) FROM ({sql}) pairs", params)  # noqa: S608 - SQL built by Django
        else:
            cursor.execute(
                f"SELECT {quote('g')}, COUNT(*) FROM ({sql}) pairs GROUP BY {quote('g')}",  # noqa: S608
                params,
            )
        return {key: n for key, n in cursor.fetchall() if key is not None or group == TOTAL}


def percent(parts: dict) -> dict:
    return {key: Decimal(100 * top) / bottom for key, (top, bottom) in parts.items() if bottom}


def enrolment_parts(fy, group, schools, **_):
    from partners.models import DepartmentYear

    rows = _grouped(
        DepartmentYear.objects.filter(fiscal_year=fy),
        "department__school",
        group,
        schools,
        capacity=Sum("capacity"),
        enrolment=Sum("enrolment"),
    )
    return {key: (row["enrolment"] or 0, row["capacity"] or 0) for key, row in rows.items()}


def enrolment_rate(fy, group, schools, **_):
    """定員充足率: enrolment over capacity of the departments, in percent."""
    return percent(enrolment_parts(fy, group, schools))


def _employment_parts(fy, group, schools, part: Q) -> dict:
    from curricula.models import Destination, DestinationKind

    employed = [DestinationKind.HOST_COMPANY, DestinationKind.LOCAL, DestinationKind.OUTSIDE]
    rows = _grouped(
        Destination.objects.filter(graduated_fiscal_year=fy),
        "student__school",
        group,
        schools,
        employed=Count("pk", filter=Q(kind__in=employed)),
        part=Count("pk", filter=part),
    )
    return {key: (row["part"], row["employed"]) for key, row in rows.items()}


def local_employment_parts(fy, group, schools, **_):
    """県内就職 and 就職者: a host company counts as in the prefecture only where it lies in the school's."""
    from curricula.models import DestinationKind

    in_prefecture = Q(kind=DestinationKind.LOCAL) | Q(
        kind=DestinationKind.HOST_COMPANY, company__prefecture=F("student__school__prefecture")
    )
    return _employment_parts(fy, group, schools, in_prefecture)


def local_employment_rate(fy, group, schools, **_):
    """地元就職率 as MEXT reads it: graduates employed in the school's prefecture over all employed (起業, 進学 and
    the rest are not employed)."""
    return percent(local_employment_parts(fy, group, schools))


def host_employment_parts(fy, group, schools, **_):
    from curricula.models import DestinationKind

    return _employment_parts(fy, group, schools, Q(kind=DestinationKind.HOST_COMPANY))


def host_employment_rate(fy, group, schools, **_):
    """Graduates hired by a company that hosted placements, wherever it lies, over all employed."""
    return percent(host_employment_parts(fy, group, schools))


def hours_pending(fy, group, schools, **_):
    """Practice hours logged in the year and not (yet) confirmed: waiting or sent back."""
    from curricula.models import DayLog

    start, end = _fy_range(fy)
    queryset = DayLog.objects.filter(day__range=(start, end)).exclude(status="confirmed")
    return _single(queryset, "placement__student__school", group, schools, Sum("hours"))


def graduates(fy, group, schools, **_):
    from curricula.models import Destination

    queryset = Destination.objects.filter(graduated_fiscal_year=fy)
    return _single(queryset, "student__school", group, schools, Count("pk"))


@dataclass
class Change:
    """Students' paired change on one subscale from the first (pre) to the last (post) administration."""

    n: int
    pre: float | None
    post: float | None
    mean: float | None
    sd: float | None
    low: float | None = None
    high: float | None = None

    @property
    def d(self) -> float | None:
        return self.mean / self.sd if self.mean is not None and self.sd else None


def change_moments(fy, group, schools, instrument, subscale_codes) -> dict:
    """{(group key, subscale code): (n, Σpre, Σpost, Σd, Σd²)} over students with both a pre and a post score.

    An inner grouped query puts each student's pre and post score side by side (one row per student and group); the
    outer query sums them, every subscale in the same pass, so only the sums leave the database. The sums add up
    across groups: a wider area's change is the sum of its parts' moments.
    """
    from assessments.models import Response, Timing

    queryset = Response.objects.filter(administration__fiscal_year=fy, administration__instrument=instrument)
    path = "administration__school"
    if schools is not None:
        queryset = queryset.filter(**{f"{path}__in": schools})
    field = _group_field(path, group)
    columns = {"g": F(field)} if field else {}
    aggregates = {}
    for index, code in enumerate(subscale_codes):
        score = Cast(KeyTextTransform(code, "scores"), FloatField())
        aggregates[f"pre{index}"] = Max(Case(When(administration__timing=Timing.PRE, then=score)))
        aggregates[f"post{index}"] = Max(Case(When(administration__timing=Timing.POST, then=score)))
    inner = queryset.order_by().values("student_id", **columns).annotate(**aggregates)
    sql, params = inner.query.sql_with_params()
    quote = connection.ops.quote_name
    selected = []
    for index in range(len(subscale_codes)):
        pre, post = quote(f"pre{index}"), quote(f"post{index}")
        both = f"{pre} IS NOT NULL AND {post} IS NOT NULL"
        selected += [
            f"SUM(CASE WHEN {both} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {both} THEN {pre} END)",
            f"SUM(CASE WHEN {both} THEN {post} END)",
            f"SUM(CASE WHEN {both} THEN {post} - {pre} END)",
            f"SUM(CASE WHEN {both} THEN ({post} - {pre}) * ({post} - {pre}) END)",
        ]
    key = quote("g") if field else "NULL"
    query = f"SELECT {key}, {', '.join(selected)} FROM ({sql}) paired"  # noqa: S608 - SQL built by Django
    if field:
        query += f" GROUP BY {key}"
    moments = {}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for row in cursor.fetchall():
            for index, code in enumerate(subscale_codes):
                n, *sums = row[1 + 5 * index : 6 + 5 * index]
                if n:
                    moments[(row[0], code)] = (int(n), *(float(value or 0) for value in sums))
    return moments


def change_from_moments(n: int, pre: float, post: float, diff: float, squares: float) -> Change:
    from scipy import stats as scipy_stats

    mean = diff / n
    sd = math.sqrt(max(squares - n * mean * mean, 0.0) / (n - 1)) if n > 1 else None
    change = Change(n=n, pre=pre / n, post=post / n, mean=mean, sd=sd)
    if sd is not None:
        margin = scipy_stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
        change.low, change.high = mean - margin, mean + margin
    return change


def add_moments(moments) -> tuple:
    return tuple(sum(values) for values in zip(*moments, strict=True))


def paired_changes(fy, group, schools, instrument, subscale_codes) -> dict:
    """{(group key, subscale code): Change} for one instrument, computed in the database."""
    return {
        key: change_from_moments(*values)
        for key, values in change_moments(fy, group, schools, instrument, subscale_codes).items()
    }


def assessment_change(fy, group, schools, *, instrument=None, subscale="", **_):
    """The KPI form of the change: the mean paired change on one subscale (the instrument's first by default)."""
    if instrument is None:
        return {}
    codes = [subscale] if subscale else list(instrument.subscales.values_list("code", flat=True)[:1])
    if not codes:
        return {}
    changes = paired_changes(fy, group, schools, instrument, codes)
    return {key: Decimal(str(round(change.mean, 3))) for (key, _code), change in changes.items()}


METRICS = {
    metric.key: metric
    for metric in (
        Metric(
            "practitioner_hours",
            _("産業実務家教員の授業時間数"),
            _("時間"),
            practitioner_hours,
            digits=1,
            additive=True,
        ),
        Metric("practitioner_people", _("産業実務家教員の人数"), _("人"), practitioner_people),
        Metric("companies_engaged", _("連携した企業数"), _("社"), companies_engaged),
        Metric("engagements", _("連携活動の件数"), _("件"), engagements, additive=True),
        Metric(
            "students_dual_system",
            _("デュアルシステム参加生徒数"),
            _("人"),
            students_dual_system,
            personal=True,
            additive=True,
        ),
        Metric(
            "students_internship",
            _("インターンシップ参加生徒数"),
            _("人"),
            students_internship,
            personal=True,
            additive=True,
        ),
        Metric("placements", _("企業実習の件数"), _("件"), placements, personal=True, additive=True),
        Metric("hours_completed", _("企業実習の確認済み時間数"), _("時間"), hours_completed, digits=1, additive=True),
        Metric("hours_pending", _("企業実習の未確認時間数"), _("時間"), hours_pending, digits=1, additive=True),
        Metric("class_sessions", _("産業界と実施した授業の回数"), _("回"), class_sessions, additive=True),
        Metric("joint_projects", _("共同研究・商品開発・課題研究の件数"), _("件"), joint_projects, additive=True),
        Metric("enrolment_rate", _("定員充足率"), "%", enrolment_rate, digits=1, parts=enrolment_parts),
        Metric(
            "local_employment_rate", _("地元就職率"), "%", local_employment_rate, digits=1, parts=local_employment_parts
        ),
        Metric(
            "host_employment_rate",
            _("受入れ企業への就職率"),
            "%",
            host_employment_rate,
            digits=1,
            parts=host_employment_parts,
        ),
        Metric(
            "assessment_change",
            _("生徒の変容（事前→事後の平均変化）"),
            _("点"),
            assessment_change,
            needs_instrument=True,
            digits=2,
        ),
    )
}


def metric_choices():
    return [(metric.key, metric.label) for metric in METRICS.values()]
