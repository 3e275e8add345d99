"""Ranking companies for a school's need, with the reasons shown to the coordinator.

One query fetches every candidate in the user's scope with what the ranking needs (the offer and
its capacity, students already engaged in the period, history with this school, how recently the
company was asked); the score is then computed here, factor by factor, so that each candidate's
reasons are exactly the arithmetic behind its place in the list. The query count does not depend
on the number of companies.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, FilteredRelation, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meister.scoping import visible_to
from partners.models import Company, ContactLog, Engagement, Proposal, SchoolNeed

# Which JSIC Rev.14 divisions employ each 専門学科's graduates most directly.
CATEGORY_INDUSTRIES = {
    "agriculture": {"A", "E", "M"},
    "industry": {"D", "E", "F", "G"},
    "commerce": {"I", "J", "K", "L", "M"},
    "fisheries": {"B", "E"},
    "home_economics": {"E", "M", "N"},
    "nursing": {"P"},
    "information": {"G", "L"},
    "welfare": {"P", "N"},
}

FACTORS = ("offer", "field", "place", "capacity", "constraints", "history", "recency")
DEFAULT_WEIGHTS = {"offer": 3, "field": 2, "place": 2, "capacity": 2, "constraints": 2, "history": 1, "recency": 1}
RECENT_DAYS = 30
WHILE_AGO_DAYS = 90
LIMIT = 30

# Ties recorded by the apps above this one (placements, class sessions, joint projects): each function registered
# here takes a school id and returns {company id: {tie: count}}, in a fixed number of queries. The ranking adds
# them to its own (engagements, the contact log), so "first time" is said only when the portal knows of no tie.
TIE_COUNTERS: list[Callable[[int], dict[int, dict[str, int]]]] = []


def count_ties_with(counter: Callable[[int], dict[int, dict[str, int]]]):
    """Register a counter of a school's ties with companies (an app's `ready` does, once)."""
    if counter not in TIE_COUNTERS:
        TIE_COUNTERS.append(counter)
    return counter


def ties_with_school(school_id: int) -> dict[int, dict[str, int]]:
    """Every tie the portal knows between the school and each company: company id → {tie: count}."""
    ties: dict[int, dict[str, int]] = {}

    def add(found: dict[int, dict[str, int]]):
        for company, counts in found.items():
            mine = ties.setdefault(company, {})
            for tie, n in counts.items():
                if n:
                    mine[tie] = mine.get(tie, 0) + n

    add(
        {
            row["company"]: {"contacts": row["n"]}
            for row in ContactLog.objects.filter(school=school_id, company__isnull=False)
            .values("company")
            .annotate(n=Count("pk"))
        }
    )
    for counter in TIE_COUNTERS:
        add(counter(school_id))
    return ties


@dataclass(slots=True)
class Reason:
    factor: str
    value: float  # 0…1 before weighting
    describe: Callable[[], str]  # the words, built only for the candidates shown

    @property
    def text(self) -> str:
        return self.describe()


@dataclass
class Candidate:
    company_id: int
    name: str
    prefecture: str
    municipality: str
    score: float
    already_proposed: bool
    reasons: list[Reason] = field(default_factory=list)


def _by_company(queryset, **aggregates) -> dict[int, dict]:
    return {row.pop("company"): row for row in queryset.values("company").annotate(**aggregates)}


def candidate_rows(*, user, need: SchoolNeed, only_with_offer: bool, same_prefecture: bool) -> list[dict]:
    """Companies in scope with every figure the ranking uses, in a fixed number of queries.

    Each figure is one grouped query over the rows that matter (engagements in the period, with this
    school, recent proposals), joined to the companies here, rather than a subquery per company.
    """
    now = timezone.now()
    companies = visible_to(Company.objects.all(), user)
    if same_prefecture:
        companies = companies.filter(prefecture=need.school.prefecture_id)
    # The offer of the need's kind (one per company and kind) comes with the company's row; without a filter on it
    # the join keeps the companies that have none.
    companies = companies.annotate(offer=FilteredRelation("offers", condition=Q(offers__kind=need.kind)))
    if only_with_offer:
        companies = companies.filter(offer__isnull=False)
    engaged = _by_company(
        Engagement.objects.filter(kind=need.kind, start_on__lte=need.end_on, end_on__gte=need.start_on),
        total=Sum("students"),
    )
    with_school = _by_company(
        Engagement.objects.filter(school=need.school_id),
        n=Count("pk"),
        good=Count("pk", filter=Q(would_host_again=True)),
        bad=Count("pk", filter=Q(would_host_again=False)),
    )
    asked = _by_company(
        Proposal.objects.filter(sent_at__gte=now - timedelta(days=WHILE_AGO_DAYS)),
        recent=Count("pk", filter=Q(sent_at__gte=now - timedelta(days=RECENT_DAYS))),
        any=Count("pk"),
    )
    proposed = set(Proposal.objects.filter(need=need).values_list("company", flat=True))
    ties = ties_with_school(need.school_id)
    # PostgreSQL judges busy months and weekdays (JSON containment); elsewhere (the embedded SQLite of a first run)
    # the two lists are read and judged here, by the same rule.
    in_database = connection.features.supports_json_field_contains
    constraints = _constraint_columns(need) if in_database else {}
    months = sorted(need.months)
    # Plain tuples, each made into the one dict the scorers read: building Django's value dicts and then updating
    # them cost as much as the query itself at national scope.
    found = (
        companies.annotate(**constraints)
        .order_by()  # ranked here, by score
        .values_list(
            "pk",
            "name",
            "municipality",
            "prefecture_id",
            "prefecture__name",
            "prefecture__romaji",
            "prefecture__block",
            "industry__code",
            "max_students",
            "offer__id",
            "offer__capacity",
            *(constraints or ("busy_months", "weekdays")),
        )
    )
    nothing = {}
    rows = []
    for pk, name, town, prefecture, p_name, p_romaji, block, industry, most, offer, capacity, *judged in found:
        if in_database:
            refused, busy = judged[-1], [month for month, clash in zip(months, judged[:-1], strict=True) if clash]
        else:
            busy_months, weekdays = judged
            busy = [month for month in months if month in (busy_months or ())]
            refused = need.weekday is not None and bool(weekdays) and need.weekday not in weekdays
        history, asks = with_school.get(pk, nothing), asked.get(pk, nothing)
        rows.append(
            {
                "pk": pk,
                "name": name,
                "municipality": town,
                "prefecture_id": prefecture,
                "prefecture__name": p_name,
                "prefecture__romaji": p_romaji,
                "prefecture__block": block,
                "industry__code": industry,
                "max_students": most,
                "day_refused": refused,
                "busy_months": busy,
                "has_offer": offer is not None,
                "offer_capacity": capacity,
                "engaged_students": engaged.get(pk, nothing).get("total"),
                "past_with_school": history.get("n", 0),
                "hosted_well": bool(history.get("good")),
                "hosted_badly": bool(history.get("bad")),
                "asked_recently": asks.get("recent", 0),
                "asked_while_ago": bool(asks.get("any")),
                "already_proposed": pk in proposed,
                "ties": ties.get(pk, nothing),
            }
        )
    return rows


def _constraint_columns(need: SchoolNeed) -> dict:
    """The company's busy months and weekdays held against the need, worked out by the database: one boolean per
    month of the need (`busy_<m>`: a busy month of the company) and `day_refused` (the company names its weekdays
    and the need's is not one of them). Decoding every company's JSON lists cost more than the rest of a row."""
    columns = {
        f"busy_{month}": ExpressionWrapper(Q(busy_months__contains=[month]), output_field=BooleanField())
        for month in sorted(need.months)
    }
    # Last, after the months: candidate_rows reads it from the end of each row.
    if need.weekday is None:
        columns["day_refused"] = Value(False)
    else:
        offered = Q(weekdays__contains=[need.weekday]) | Q(weekdays=[]) | Q(weekdays=None) | Q(weekdays__isnull=True)
        columns["day_refused"] = Case(When(offered, then=Value(False)), default=Value(True))
    return columns


@dataclass(frozen=True, slots=True)
class NeedFacts:
    """What the scorers read of a need and its school, read once rather than through the model for every company."""

    need: SchoolNeed
    kind_label: str  # the need's kind and 専門学科 in the reader's language, for the reasons' words
    category_label: str
    students: int
    industry_code: str | None
    near_industries: frozenset
    prefecture_id: int
    municipality: str
    block: str

    @classmethod
    def of(cls, need: SchoolNeed) -> "NeedFacts":
        school = need.school
        return cls(
            need=need,
            kind_label=str(need.get_kind_display()),
            category_label=str(need.get_category_display()),
            students=need.students,
            industry_code=need.industry.code if need.industry_id else None,
            near_industries=frozenset(CATEGORY_INDUSTRIES.get(need.category, ())),
            prefecture_id=school.prefecture_id,
            municipality=school.municipality,
            block=school.prefecture.block,
        )


def _offer(need: NeedFacts, row) -> Reason:
    if not row["has_offer"]:
        return Reason("offer", 0.0, lambda: _("「%(kind)s」の提供は未登録") % {"kind": need.kind_label})
    return Reason("offer", 1.0, lambda: _("「%(kind)s」を提供している") % {"kind": need.kind_label})


def _field(need: NeedFacts, row) -> Reason:
    code = row["industry__code"]
    if code is None:
        return Reason("field", 0.5, lambda: _("産業分類が未登録"))
    if need.industry_code is not None and code == need.industry_code:
        return Reason("field", 1.0, lambda: _("希望の産業分類（%(code)s）と一致") % {"code": code})
    if code in need.near_industries:
        return Reason(
            "field",
            0.8,
            lambda: _("%(category)sの学びに近い産業（%(code)s）") % {"category": need.category_label, "code": code},
        )
    return Reason("field", 0.0, lambda: _("分野の関連が薄い（%(code)s）") % {"code": code})


def _place(need: NeedFacts, row) -> Reason:
    if row["prefecture_id"] == need.prefecture_id and row["municipality"] and row["municipality"] == need.municipality:
        return Reason("place", 1.0, lambda: _("学校と同じ市区町村（%(m)s）") % {"m": row["municipality"]})
    if row["prefecture_id"] == need.prefecture_id:
        return Reason("place", 0.7, lambda: _("学校と同じ都道府県"))
    if row["prefecture__block"] == need.block:
        return Reason("place", 0.4, lambda: _("同じ地方（%(p)s）") % {"p": _prefecture_name(row)})
    return Reason("place", 0.0, lambda: _("遠方（%(p)s）") % {"p": _prefecture_name(row)})


def _prefecture_name(row) -> str:
    """The company's prefecture as the reader names it: 滋賀県, or Shiga."""
    return row["prefecture__romaji"] if (get_language() or "ja").startswith("en") else row["prefecture__name"]


def _capacity(need: NeedFacts, row) -> Reason:
    if not row["has_offer"]:
        return Reason("capacity", 0.0, lambda: _("受入れ枠なし"))
    if row["offer_capacity"] is None:
        return Reason("capacity", 0.7, lambda: _("人数の上限は未登録"))
    left = row["offer_capacity"] - (row["engaged_students"] or 0)
    if left >= need.students:
        return Reason(
            "capacity",
            1.0,
            lambda: _("期間中の空き %(left)s人（必要 %(need)s人）") % {"left": left, "need": need.students},
        )
    if left > 0:
        return Reason(
            "capacity",
            left / need.students,
            lambda: _("期間中の空きは %(left)s人のみ（必要 %(need)s人）") % {"left": left, "need": need.students},
        )
    return Reason("capacity", 0.0, lambda: _("期間中の枠は埋まっている"))


def _constraints(need: NeedFacts, row) -> Reason:
    busy = row["busy_months"]
    wrong_day = bool(row["day_refused"])
    too_many = row["max_students"] is not None and row["max_students"] < need.students
    value = max(1.0 - 0.5 * (bool(busy) + wrong_day + too_many), 0.0)

    def describe():
        problems = []
        if busy:
            problems.append(_("繁忙月（%(months)s月）と重なる") % {"months": _("・").join(str(m) for m in busy)})
        if wrong_day:
            problems.append(_("希望の曜日は受入れ不可"))
        if too_many:
            problems.append(_("一度に受け入れられるのは %(n)s人まで") % {"n": row["max_students"]})
        return _("、").join(problems) if problems else _("日程・人数の制約に当たらない")

    return Reason("constraints", value, describe)


def _tie_words(row) -> list[str]:
    ties = row["ties"]
    counts = [
        (row["past_with_school"], _("連携活動 %(n)s件")),
        (ties.get("sessions", 0), _("授業 %(n)s回")),
        (ties.get("projects", 0), _("共同プロジェクト %(n)s件")),
        (ties.get("contacts", 0), _("連絡記録 %(n)s件")),
    ]
    words = []
    if ties.get("students_this_year"):
        words.append(_("継続中の連携先：今年度この学校の生徒%(n)s人を受け入れ中") % {"n": ties["students_this_year"]})
    elif ties.get("placements"):
        words.append(_("この学校の生徒の実習受入れ %(n)s件") % {"n": ties["placements"]})
    listed = _("・").join(text % {"n": n} for n, text in counts if n)
    if listed:
        words.append(_("この学校との連携実績：%(ties)s") % {"ties": listed})
    return words


def _history(need: NeedFacts, row) -> Reason:
    ties = row["ties"]
    known = bool(row["past_with_school"] or any(ties.values()))
    if row["hosted_badly"]:
        value, verdict = 0.0, _("以前の連携で「またお願いしたい」とならなかった")
    elif row["hosted_well"]:
        value, verdict = 1.0, _("この学校が「またお願いしたい」と評価")
    elif ties.get("students_this_year"):
        value, verdict = 0.9, ""
    elif known:
        value, verdict = 0.6, ""
    else:
        return Reason("history", 0.3, lambda: _("この学校との連携は初めて"))
    return Reason("history", value, lambda: _("。").join(w for w in [verdict, *_tie_words(row)] if w))


def _recency(need: NeedFacts, row) -> Reason:
    if row["asked_recently"]:
        return Reason(
            "recency",
            0.0,
            lambda: _("%(days)s日以内に %(n)s件依頼済み") % {"days": RECENT_DAYS, "n": row["asked_recently"]},
        )
    if row["asked_while_ago"]:
        return Reason("recency", 0.5, lambda: _("%(days)s日以内に依頼あり") % {"days": WHILE_AGO_DAYS})
    return Reason("recency", 1.0, lambda: _("最近は依頼していない"))


SCORERS = (_offer, _field, _place, _capacity, _constraints, _history, _recency)


def rank_candidates(
    *,
    user,
    need: SchoolNeed,
    weights: dict[str, int] | None = None,
    only_with_offer: bool = True,
    same_prefecture: bool = False,
    limit: int = LIMIT,
) -> list[Candidate]:
    """Candidates best first; each score is 0–100, the weighted mean of its factors' values."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    total_weight = sum(weights.values()) or 1
    facts = NeedFacts.of(need)

    # SCORERS are in the order of FACTORS; a factor weighted 0 is not worked out.
    weighted = [(scorer, weights[factor]) for scorer, factor in zip(SCORERS, FACTORS, strict=True) if weights[factor]]

    def score(row) -> float:
        total = 0.0
        for scorer, weight in weighted:
            total += weight * scorer(facts, row).value
        return round(total / total_weight * 100, 1)

    # Keep only numbers for every row; the reasons are rebuilt for the few candidates shown.
    scored = [
        (score(row), row)
        for row in candidate_rows(
            user=user, need=need, only_with_offer=only_with_offer, same_prefecture=same_prefecture
        )
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1]["name"], pair[1]["pk"]))
    return [
        Candidate(
            company_id=row["pk"],
            name=row["name"],
            prefecture=_prefecture_name(row),
            municipality=row["municipality"],
            score=value,
            already_proposed=row["already_proposed"],
            reasons=[f(facts, row) for f in SCORERS],
        )
        for value, row in scored[:limit]
    ]
