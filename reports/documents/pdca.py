"""The PDCA report (PDCA報告書) of one consortium: its KPIs against their targets, the notes of plan, do, check and
act, and the activities, placements, projects and teaching behind them."""

from decimal import Decimal

from django.db.models import Count, Sum

from curricula.models import ClassSession, JointProject, Placement
from curricula.services.evaluations import evaluation_summary
from meister.fiscal import fiscal_year_bounds
from partners.models import (
    Company,
    Designation,
    DesignationType,
    Engagement,
    Meeting,
    OfferKind,
    PractitionerTeaching,
    School,
)
from reports.disclosure import rule_text
from reports.documents.changes import change_rows, change_values
from reports.documents.common import (
    HIDDEN,
    ReportScope,
    Sheet,
    common_context,
    format_number,
    notes_sheet,
    school_labels,
    threshold,
)
from reports.metrics import METRICS, TOTAL, paired_changes
from reports.models import Kpi, KpiSource, KpiTarget, PdcaReview
from reports.release import release_for


def collect_pdca(fy: int, scope: ReportScope, progress=lambda percent: None, release=None) -> dict:
    release = release or release_for(fy)
    consortium = scope.obj
    context = common_context(fy, scope, "マイスター・ハイスクール事業 PDCA報告書")
    context["suppression_note"] = (
        "注：" + rule_text() + "企業実習は学校・企業・形態ごとにまとめ、生徒ごとの行や生徒の氏名は含みません。"
    )
    context["consortium"] = consortium
    schools = scope.schools()
    start, end = fiscal_year_bounds(fy)
    types = dict(DesignationType.choices)
    context["designations"] = [
        {"type": types.get(d.type, d.type), "new": "新規" if d.is_new else "継続", "budget": d.budget_yen}
        for d in Designation.objects.filter(consortium=consortium, fiscal_year=fy)
    ]
    context["schools"] = list(consortium.schools.order_by("code").values_list("name", flat=True))
    context["company_count"] = consortium.companies.count()
    reviews = {r.fiscal_year: r for r in PdcaReview.objects.filter(consortium=consortium, fiscal_year__in=[fy - 1, fy])}
    context["review"] = reviews.get(fy)
    context["previous_act"] = reviews[fy - 1].act_note if fy - 1 in reviews else ""
    progress(15)

    targets = {t.kpi_id: t for t in KpiTarget.objects.filter(consortium=consortium, kpi__fiscal_year=fy)}
    kpi_rows = []
    for kpi in Kpi.objects.filter(fiscal_year=fy).select_related("instrument"):
        target = targets.get(kpi.pk)
        hidden = False
        if kpi.source == KpiSource.COMPUTED and kpi.metric in METRICS:
            metric = METRICS[kpi.metric]
            actual = metric.compute(fy, TOTAL, schools, instrument=kpi.instrument, subscale=kpi.subscale).get(None)
            digits = metric.digits
            if release.has((metric.key, "consortium", scope.ident)):
                hidden = release.hidden((metric.key, "consortium", scope.ident))
            elif metric.parts:  # a rate of a small group is the group's
                _top, bottom = metric.parts(fy, TOTAL, schools).get(None, (0, 0))
                hidden = 0 < bottom < threshold()
            if metric.needs_instrument and actual is not None and kpi.instrument_id:
                # A mean change of a few students is theirs: hidden under the threshold, as everywhere else.
                code = kpi.subscale or kpi.instrument.subscales.values_list("code", flat=True).first()
                found = paired_changes(fy, TOTAL, schools, kpi.instrument, [code]).get((None, code))
                hidden = found is None or found.n < threshold()
        elif kpi.source == KpiSource.COMPUTED:
            actual, digits = None, 1  # the metric it names is no longer offered: shown as missing, with a note
        else:
            actual = target.actual if target else None
            digits = 1
        planned = target.target if target else None
        actual = None if actual is None or hidden else Decimal(str(actual))
        gap = actual - planned if actual is not None and planned is not None else None
        rate = (100 * actual / planned) if actual is not None and planned else None
        kpi_rows.append(
            {
                "name": kpi.name,
                "unit": kpi.unit,
                "source": kpi.get_source_display(),
                "target": planned,
                "actual": actual,
                "gap": gap,
                "rate": rate,
                "note": (target.note if target else "")
                or ("" if kpi.source != KpiSource.COMPUTED or kpi.metric in METRICS else "集計項目が見つかりません"),
                "target_text": format_number(planned, 1 if planned is not None and planned % 1 else 0),
                "actual_text": HIDDEN if hidden else format_number(actual, digits),
                "gap_text": "—" if gap is None else f"{gap:+,.{digits}f}",
                "rate_text": "—" if rate is None else f"{rate:.0f}%",
            }
        )
    context["kpis"] = kpi_rows
    progress(35)

    kinds = dict(OfferKind.choices)
    engagements = Engagement.objects.filter(school__in=schools, start_on__range=(start, end)).order_by("start_on", "pk")
    context["engagements"] = [
        {
            "title": e["title"],
            "school": e["school__name"],
            "company": e["company__name"],
            "kind": str(kinds.get(e["kind"], e["kind"])),
            "start_on": e["start_on"],
            "end_on": e["end_on"],
            "students": HIDDEN if release.hidden(("engagement", e["pk"])) else e["students"],
        }
        for e in engagements.values(
            "pk", "title", "school__name", "company__name", "kind", "start_on", "end_on", "students"
        )
    ]
    sessions = ClassSession.objects.filter(subject__school__in=schools, held_on__range=(start, end))
    session_kinds = dict(ClassSession._meta.get_field("kind").choices)
    context["session_summary"] = [
        {
            "kind": str(session_kinds.get(row["kind"], row["kind"])),
            "n": row["n"],
            "hours": row["hours"],
            "students": HIDDEN if release.hidden(("session_kind", scope.ident, row["kind"])) else row["students"],
        }
        for row in sessions.order_by()
        .values("kind")
        .annotate(n=Count("pk"), hours=Sum("hours"), students=Sum("student_count"))
        .order_by("kind")
    ]
    context["session_rows"] = [
        [d, school, subject, kind, h, HIDDEN if release.hidden(("session", pk)) else n, company, notes]
        for pk, d, school, subject, kind, h, n, company, notes in sessions.order_by("held_on", "pk").values_list(
            "pk",
            "held_on",
            "subject__school__name",
            "subject__name",
            "kind",
            "hours",
            "student_count",
            "company__name",
            "notes",
        )
    ]
    placements = Placement.objects.filter(student__school__in=schools, starts_on__lte=end, ends_on__gte=start)
    placement_kinds = dict(Placement._meta.get_field("kind").choices)
    ident = scope.ident

    def shown(key, value=None):
        """The release's mark for a hidden cell, else the value (the ledger's when not given)."""
        if release.hidden(key):
            return HIDDEN
        if value is None:
            return _number(release.value(key)) if release.has(key) else 0
        return value

    summary = (
        placements.order_by()
        .values("kind")
        .annotate(
            n=Count("pk", distinct=True),
            students=Count("student", distinct=True),
            companies=Count("company", distinct=True),
        )
        .order_by("kind")
    )
    context["placement_summary"] = [
        {
            "kind": str(placement_kinds.get(row["kind"], row["kind"])),
            "students": shown(("placement_kind", ident, row["kind"], "students"), row["students"]),
            "companies": row["companies"],
        }
        for row in summary
    ]
    context["evaluation_rows"] = _evaluation_rows(placements)
    hours = METRICS["hours_completed"].compute(fy, TOTAL, schools).get(None) or 0
    context["hours_completed"] = shown(("hours_completed", "consortium", ident), hours)
    context["hours_pending"] = shown(("hours_pending", "consortium", ident))
    # Per school, company and form of placement, never per student; a row's count and hours are hidden together.
    school_names = school_labels(School.objects.filter(pk__in=schools))
    company_names = dict(
        Company.objects.filter(pk__in={c for _s, c, _k in release.placement_rows}).values_list("pk", "name")
    )
    context["placement_rows"] = [
        [
            school_names[school],
            company_names.get(company, ""),
            str(placement_kinds.get(kind, kind)),
            shown(("placement_row", school, company, kind, "n")),
            shown(("placement_row", school, company, kind, "required")),
            shown(("placement_row", school, company, kind, "confirmed")),
        ]
        for (school, company, kind) in sorted(
            (key for key in release.placement_rows if key[0] in school_names),
            key=lambda key: (school_names[key[0]], company_names.get(key[1], ""), key[2]),
        )
    ]
    context["projects"] = [
        {
            "theme": p.theme,
            "kind": p.get_kind_display(),
            "school": p.school.name,
            "companies": "、".join(c.name for c in p.companies.all()),
            "students": HIDDEN if release.hidden(("project", p.pk)) else p.student_count,
            "outcomes": p.outcomes,
        }
        for p in JointProject.objects.filter(school__in=schools, fiscal_year=fy)
        .select_related("school")
        .prefetch_related("companies")
    ]
    context["teaching"] = list(
        PractitionerTeaching.objects.filter(school__in=schools, fiscal_year=fy)
        .order_by("person__name")
        .values("person__name", "person__company__name", "school__name", "subjects", "hours")
    )
    context["meetings"] = list(
        Meeting.objects.filter(consortium=consortium, held_on__range=(start, end))
        .order_by("held_on")
        .values("held_on", "title", "kind")
    )
    meeting_kinds = dict(Meeting._meta.get_field("kind").choices)
    for meeting in context["meetings"]:
        meeting["kind"] = str(meeting_kinds.get(meeting["kind"], meeting["kind"]))
    progress(55)
    context["changes"] = change_rows(fy, scope, groups=(), release=release)
    context["empty"] = not (kpi_rows or context["engagements"] or context["placement_summary"])
    progress(70)
    return context


def _number(value: float):
    return int(value) if float(value).is_integer() else round(value, 1)


def _evaluation_rows(placements) -> list[dict]:
    """The final evaluations' mean level per item, the mentors' and the students' own; a mean of fewer students than
    the threshold is theirs, so it is hidden."""
    rows = []
    for line in evaluation_summary(placements):
        row = {"title": line["title"]}
        for side in ("mentor", "self"):
            found = line.get(side) or {"n": 0, "mean": None}
            hidden = found["n"] < threshold()
            row[f"{side}_n"] = HIDDEN if hidden and found["n"] else found["n"]
            row[f"{side}_mean"] = None if hidden else round(found["mean"], 2)
            row[f"{side}_text"] = (HIDDEN if found["n"] else "—") if hidden else f"{found['mean']:.2f}"
        rows.append(row)
    return rows


def sheets_pdca(context) -> list[Sheet]:
    session_kinds = dict(ClassSession._meta.get_field("kind").choices)
    review = context["review"]
    return [
        Sheet(
            "KPI",
            ["指標", "単位", "実績の出し方", "目標", "実績", "差", "達成率（%）", "備考"],
            [
                [
                    k["name"],
                    k["unit"],
                    str(k["source"]),
                    k["target"],
                    k["actual"],
                    k["gap"],
                    None if k["rate"] is None else round(k["rate"], 1),
                    k["note"],
                ]
                for k in context["kpis"]
            ],
            [34, 8, 18, 10, 10, 10, 12, 30],
        ),
        Sheet(
            "PDCAの記述",
            ["区分", "内容"],
            [
                ["前年度の改善事項（Act）", context["previous_act"]],
                ["Plan", review.plan_note if review else ""],
                ["Do", review.do_note if review else ""],
                ["Check", review.check_note if review else ""],
                ["Act", review.act_note if review else ""],
            ],
            [24, 100],
        ),
        Sheet(
            "連携活動",
            ["件名", "学校", "企業", "種類", "開始日", "終了日", "生徒数"],
            [
                [e["title"], e["school"], e["company"], e["kind"], e["start_on"], e["end_on"], e["students"]]
                for e in context["engagements"]
            ],
            [40, 30, 30, 16, 12, 12, 8],
        ),
        Sheet(
            "産業界との授業",
            ["実施日", "学校", "科目", "種別", "時間数", "参加生徒数", "企業", "内容"],
            (
                [d, s, subj, str(session_kinds.get(k, k)), h, n, c, notes]
                for d, s, subj, k, h, n, c, notes in context["session_rows"]
            ),
            [12, 30, 24, 16, 8, 10, 30, 40],
        ),
        Sheet(
            "企業実習",
            ["学校", "受入れ企業", "形態", "件数", "必要時間数の計", "確認済み時間数の計"],
            context["placement_rows"],
            [30, 30, 18, 8, 14, 16],
        ),
        Sheet(
            "実習の評価",
            [
                "評価項目",
                "指導担当者の評価（人数）",
                "指導担当者の評価（平均）",
                "自己評価（人数）",
                "自己評価（平均）",
            ],
            [
                [r["title"], r["mentor_n"], r["mentor_mean"], r["self_n"], r["self_mean"]]
                for r in context["evaluation_rows"]
            ],
            [30, 14, 14, 14, 14],
        ),
        Sheet(
            "共同研究等",
            ["テーマ", "種別", "学校", "連携企業", "参加生徒数", "成果"],
            [
                [p["theme"], p["kind"], p["school"], p["companies"], p["students"], p["outcomes"]]
                for p in context["projects"]
            ],
            [40, 14, 30, 40, 10, 60],
        ),
        Sheet(
            "産業実務家教員",
            ["氏名", "企業", "学校", "担当科目", "時間数"],
            [
                [t["person__name"], t["person__company__name"], t["school__name"], t["subjects"], t["hours"]]
                for t in context["teaching"]
            ],
            [16, 30, 30, 30, 10],
        ),
        Sheet(
            "生徒の変容",
            ["尺度", "下位尺度", "人数", "事前平均", "事後平均", "平均変化", "95%CI下限", "95%CI上限", "効果量dz"],
            [[c["instrument"], c["subscale"], c["n"], *change_values(c)] for c in context["changes"]],
            [24, 16, 8, 10, 10, 10, 10, 10, 10],
        ),
        notes_sheet(context),
    ]
