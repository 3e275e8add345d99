"""What each report says: its figures, gathered by grouped queries, and its tables, laid out once for PDF and Excel.

A report is built from one `ReportScope` and a fiscal year. `collect_*` returns a plain dictionary: the print
template reads it for the PDF and `sheets_*` turns the same dictionary into workbook sheets, so the two files
always agree. Student names never enter these dictionaries.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum

from meister import clock
from meister.exporting import Sheet
from meister.fiscal import fiscal_year_bounds, fiscal_year_label, wareki_date
from meister.scoping import ScopeKind, within_scope
from partners.models import Company, Consortium, Designation, Prefecture, School
from reports.charts import bar_chart
from reports.metrics import METRICS, TOTAL, add_moments, change_from_moments, change_moments, paired_changes, percent
from reports.models import ReportRun
from reports.suppression import area_sums, suppressed

HIDDEN = "x"  # the mark for a suppressed figure, as in Japanese official statistics


def threshold() -> int:
    return settings.ASSESSMENTS_SUPPRESSION_THRESHOLD


@dataclass
class ReportScope:
    kind: str
    ident: int | None = None

    @classmethod
    def of(cls, run) -> "ReportScope":
        return cls(*run.scope)

    @property
    def obj(self):
        from partners.models import Consortium, Prefecture

        if self.kind == ScopeKind.PREFECTURE:
            return Prefecture.objects.get(pk=self.ident)
        if self.kind == ScopeKind.CONSORTIUM:
            return Consortium.objects.select_related("prefecture").get(pk=self.ident)
        return None

    @property
    def label(self) -> str:
        return "全国" if self.kind == ScopeKind.NATIONAL else str(self.obj)

    def schools(self):
        """The schools inside the scope as a subquery, or None for the whole country."""
        from partners.models import School

        if self.kind == ScopeKind.NATIONAL:
            return None
        if self.kind == ScopeKind.PREFECTURE:
            return School.objects.filter(prefecture_id=self.ident).values("pk")
        return School.objects.filter(consortia=self.ident).values("pk")

    def prefectures(self):
        from partners.models import Prefecture

        prefectures = Prefecture.objects.order_by("code")
        if self.kind == ScopeKind.PREFECTURE:
            return prefectures.filter(pk=self.ident)
        if self.kind == ScopeKind.CONSORTIUM:
            return prefectures.filter(consortia=self.ident)
        return prefectures


def _number(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value:,.{digits}f}"


def _common(fy: int, scope: ReportScope, title: str) -> dict:
    return {
        "title": title,
        "fiscal_year": fy,
        "fiscal_year_label": fiscal_year_label(fy, "ja"),
        "scope_label": scope.label,
        "generated_on": wareki_date(clock.today()),
        "threshold": threshold(),
        "hidden_mark": HIDDEN,
        "suppression_note": (
            f"注：{threshold()}未満の人数・件数（生徒数、小さな集団の統計、少数の回答）は「{HIDDEN}」で秘匿し、"
            "合計から逆算できないよう他の値も併せて秘匿しています。生徒の氏名は含みません。"
        ),
    }


# --- figures by area, with suppression --------------------------------------------------------------------------------

# The columns of the area tables: (metric key, short heading).
ACTIVITY_COLUMNS = [
    ("engagements", "連携活動"),
    ("companies_engaged", "連携企業"),
    ("class_sessions", "産業界との授業"),
    ("joint_projects", "共同研究等"),
    ("practitioner_people", "実務家教員（人）"),
    ("practitioner_hours", "実務家教員（時間）"),
]
PLACEMENT_COLUMNS = [
    ("students_dual_system", "デュアルシステム（人）"),
    ("students_internship", "インターンシップ（人）"),
    ("placements", "企業実習（件）"),
    ("hours_completed", "確認済み時間"),
]
OUTCOME_COLUMNS = [
    ("enrolment_rate", "定員充足率（%）"),
    ("local_employment_rate", "地元就職率（%）"),
]


def _area_values(fy: int, scope: ReportScope, keys) -> dict:
    """{metric: {("prefecture", id) | ("block", code) | ("total",) | ("school", id): value}}.

    What adds up over schools is counted per school once and summed upwards here (2,000 numbers at national scale);
    what does not (distinct companies, distinct people) is counted by the database at each level.
    """
    schools = scope.schools()
    areas = School.objects.filter(pk__in=schools) if schools is not None else School.objects.all()
    area_of = {
        pk: (prefecture, block) for pk, prefecture, block in areas.values_list("pk", "prefecture", "prefecture__block")
    }
    values = {}
    for key in keys:
        metric = METRICS[key]
        cells = {}
        if metric.additive or metric.parts:
            per_school = (metric.parts or metric.compute)(fy, "school", schools)
            sums: dict = {}
            for school, value in per_school.items():
                prefecture, block = area_of[school]
                for cell in (("school", school), ("prefecture", prefecture), ("block", block), ("total",)):
                    if metric.parts:
                        top, bottom = sums.get(cell, (0, 0))
                        sums[cell] = (top + value[0], bottom + value[1])
                    else:
                        sums[cell] = sums.get(cell, 0) + value
            cells = percent(sums) if metric.parts else sums
        else:
            for group, kind in (
                ("school", "school"),
                ("prefecture", "prefecture"),
                ("block", "block"),
                (TOTAL, "total"),
            ):
                for ident, value in metric.compute(fy, group, schools).items():
                    cells[(kind,) if kind == "total" else (kind, ident)] = value
        values[key] = cells
    return values


def _hidden_cells(values: dict, school_prefecture: dict, prefecture_block: dict) -> dict:
    """Suppression for every student count, shared by the area table and the per-school detail."""
    sums = area_sums(prefecture_block)
    schools_of: dict = {}
    for school, prefecture in school_prefecture.items():
        schools_of.setdefault(prefecture, []).append(("school", school))
    sums += [(("prefecture", prefecture), members) for prefecture, members in schools_of.items()]
    return {key: suppressed(values[key], sums, threshold()) if METRICS[key].personal else set() for key in values}


def _area_rows(prefectures, columns, values, hidden) -> list[dict]:
    """Rows per prefecture, each block's subtotal after its prefectures, then the total."""
    from partners.models import Block

    block_labels = dict(Block.choices)

    def cells(key_of_row):
        out = []
        for key, _heading in columns:
            metric = METRICS[key]
            value = values[key].get(key_of_row)
            if key_of_row in hidden[key]:
                out.append({"text": HIDDEN, "value": HIDDEN})
            else:
                if value is None and not metric.key.endswith("_rate"):
                    value = 0
                out.append({"text": _number(value, metric.digits), "value": value})
        return out

    rows = []
    by_block: dict = {}
    for prefecture in prefectures:
        by_block.setdefault(prefecture.block, []).append(prefecture)
    for block, members in by_block.items():
        for prefecture in members:
            rows.append({"kind": "prefecture", "label": prefecture.name, "cells": cells(("prefecture", prefecture.pk))})
        if len(by_block) > 1 or len(members) > 1:
            rows.append({"kind": "block", "label": f"{block_labels[block]}計", "cells": cells(("block", block))})
    rows.append({"kind": "total", "label": "合計", "cells": cells(("total",))})
    return rows


def _changes(fy: int, scope: ReportScope, groups=("block",)) -> list[dict]:
    """Students' change per instrument and subscale: the whole scope first, then by area; small groups hidden."""
    from assessments.models import Instrument
    from partners.models import Block

    schools = scope.schools()
    labels = dict(Block.choices)
    instruments = Instrument.objects.filter(administrations__fiscal_year=fy)
    if schools is not None:
        instruments = instruments.filter(administrations__school__in=schools)
    rows = []
    for instrument in instruments.distinct().prefetch_related("subscales").order_by("name"):
        subscales = list(instrument.subscales.all())
        codes = [s.code for s in subscales]
        if groups:
            # The finest grouping from the database; the whole scope is the sum of its areas' moments.
            moments = {group: change_moments(fy, group, schools, instrument, codes) for group in groups}
            finest = moments[groups[0]]
            overall = {}
            for code in codes:
                parts = [values for (_key, c), values in finest.items() if c == code]
                if parts:
                    overall[(None, code)] = change_from_moments(*add_moments(parts))
            by_group = {
                group: {key: change_from_moments(*values) for key, values in found.items()}
                for group, found in moments.items()
            }
        else:
            overall, by_group = paired_changes(fy, TOTAL, schools, instrument, codes), {}
        for subscale in subscales:
            change = overall.get((None, subscale.code))
            if change is None:
                continue
            row = {"instrument": instrument.name, "subscale": subscale.name, **_change_cells(change), "areas": []}
            for group in groups:
                areas = sorted(
                    ((key, area) for (key, code), area in by_group[group].items() if code == subscale.code),
                    key=lambda pair: str(pair[0]),
                )
                # The whole scope's n and mean are printed: a single small group hidden among shown ones would
                # follow from them, so a second group is hidden with it.
                hidden = suppressed(
                    {key: area.n for key, area in areas},
                    [("whole", [key for key, _area in areas])],
                    threshold(),
                    published=["whole"],
                )
                for key, area in areas:
                    name = labels.get(key, key) if group == "block" else key
                    row["areas"].append({"label": str(name), **_change_cells(area, hide=key in hidden)})
            rows.append(row)
    return rows


def _change_cells(change, hide: bool | None = None) -> dict:
    hide = change.n < threshold() if hide is None else hide
    figures = {
        "pre": change.pre,
        "post": change.post,
        "mean": change.mean,
        "low": change.low,
        "high": change.high,
        "d": change.d,
    }
    return {
        "n": HIDDEN if hide else change.n,
        "suppressed": hide,
        **{name: (HIDDEN if hide else value) for name, value in figures.items()},
        **{f"{name}_text": HIDDEN if hide else _signed(name, value) for name, value in figures.items()},
    }


def _signed(name, value) -> str:
    if value is None:
        return "—"
    return f"{value:+.2f}" if name in {"mean", "low", "high", "d"} else f"{value:.2f}"


# --- the annual national report --------------------------------------------------------------------------------------


def collect_annual(fy: int, scope: ReportScope, progress=lambda percent: None) -> dict:
    from partners.models import Block, Company, Designation, DesignationType, School

    context = _common(fy, scope, "マイスター・ハイスクール事業 年次報告書")
    prefectures = list(scope.prefectures())
    schools = scope.schools()
    designations = Designation.objects.filter(fiscal_year=fy).select_related("consortium__prefecture")
    registered_schools = School.objects.all()
    companies = Company.objects.all()
    if scope.kind == ScopeKind.PREFECTURE:
        designations = designations.filter(consortium__prefecture_id=scope.ident)
        registered_schools = registered_schools.filter(prefecture_id=scope.ident)
        companies = companies.filter(prefecture_id=scope.ident)
    type_labels = dict(DesignationType.choices)
    context["designation_types"] = [
        {
            "label": type_labels.get(row["type"], row["type"]),
            "n": row["n"],
            "new": row["new"],
            "budget": row["budget"] or 0,
        }
        for row in designations.order_by()
        .values("type")
        .annotate(n=Count("pk"), new=Count("pk", filter=Q(is_new=True)), budget=Sum("budget_yen"))
        .order_by("type")
    ]
    totals = designations.aggregate(n=Count("pk"), new=Count("pk", filter=Q(is_new=True)), budget=Sum("budget_yen"))
    context["designation_total"] = {**totals, "budget": totals["budget"] or 0}
    context["designations"] = [
        {
            "prefecture": d.consortium.prefecture.name,
            "consortium": d.consortium.name,
            "type": type_labels.get(d.type, d.type),
            "new": "新規" if d.is_new else "継続",
            "first": fiscal_year_label(d.first_fiscal_year, "ja"),
            "budget": d.budget_yen,
        }
        for d in designations.order_by("consortium__prefecture__code", "consortium__name")
    ]
    progress(15)

    # Registry figures by prefecture, counted in the database.
    designated_schools = registered_schools.filter(consortia__designations__fiscal_year=fy)
    registry = {}
    for name, queryset, path in (
        ("schools", registered_schools, "prefecture"),
        ("designated_schools", designated_schools, "prefecture"),
        ("companies", companies, "prefecture"),
        ("designations", designations, "consortium__prefecture"),
    ):
        for row in queryset.order_by().values(path).annotate(n=Count("pk", distinct=True)):
            registry.setdefault(row[path], {})[name] = row["n"]
    budget = {
        row["consortium__prefecture"]: row["b"] or 0
        for row in designations.order_by().values("consortium__prefecture").annotate(b=Sum("budget_yen"))
    }
    registry_rows = []
    sums = {"schools": 0, "designated_schools": 0, "companies": 0, "designations": 0, "budget": 0}
    for prefecture in prefectures:
        figures = registry.get(prefecture.pk, {})
        row = {key: figures.get(key, 0) for key in ("schools", "designated_schools", "companies", "designations")}
        row["budget"] = budget.get(prefecture.pk, 0)
        for key in sums:
            sums[key] += row[key]
        registry_rows.append({"label": prefecture.name, "block": prefecture.block, **row})
    context["registry_rows"] = registry_rows
    context["registry_total"] = sums
    progress(25)

    keys = [key for key, _h in ACTIVITY_COLUMNS + PLACEMENT_COLUMNS + OUTCOME_COLUMNS]
    values = _area_values(fy, scope, keys)
    progress(60)
    school_rows = list(
        (School.objects.filter(pk__in=schools) if schools is not None else School.objects.all())
        .order_by("prefecture__code", "code")
        .values("pk", "code", "name", "prefecture_id", "prefecture__name")
    )
    hidden = _hidden_cells(
        values,
        {row["pk"]: row["prefecture_id"] for row in school_rows},
        {prefecture.pk: prefecture.block for prefecture in prefectures},
    )
    context["activity"] = {
        "headings": [h for _k, h in ACTIVITY_COLUMNS],
        "rows": _area_rows(prefectures, ACTIVITY_COLUMNS, values, hidden),
    }
    context["placement"] = {
        "headings": [h for _k, h in PLACEMENT_COLUMNS],
        "rows": _area_rows(prefectures, PLACEMENT_COLUMNS, values, hidden),
    }
    context["outcome"] = {
        "headings": [h for _k, h in OUTCOME_COLUMNS],
        "rows": _area_rows(prefectures, OUTCOME_COLUMNS, values, hidden),
    }
    context["summary"] = [
        (
            METRICS[key].label,
            HIDDEN if ("total",) in hidden[key] else values[key].get(("total",)),
            METRICS[key].unit,
            METRICS[key].digits,
        )
        for key in keys
    ]
    context["summary"] = [
        {
            "label": str(label),
            "text": _number(value if value is not None or key.endswith("_rate") else 0, digits),
            "unit": str(unit),
        }
        for (label, value, unit, digits), key in zip(context["summary"], keys, strict=True)
    ]
    progress(70)
    context["changes"] = _changes(fy, scope, groups=("block",) if scope.kind == ScopeKind.NATIONAL else ("prefecture",))
    for row in context["changes"]:
        if scope.kind != ScopeKind.NATIONAL:
            names = {str(p.pk): p.name for p in prefectures}
            for area in row["areas"]:
                area["label"] = names.get(area["label"], area["label"])
    progress(80)

    block_labels = dict(Block.choices)
    block_keys = [block for block in dict.fromkeys(p.block for p in prefectures)]

    def block_series(key):
        return [
            (str(block_labels[block]), None if ("block", block) in hidden[key] else values[key].get(("block", block)))
            for block in block_keys
        ]

    context["charts"] = (
        [
            bar_chart(block_series("hours_completed"), title="企業実習の確認済み時間数（ブロック別）", unit="時間"),
            bar_chart(block_series("engagements"), title="連携活動の件数（ブロック別）", unit="件"),
            bar_chart(block_series("enrolment_rate"), title="定員充足率（ブロック別）", unit="%", digits=1),
        ]
        if len(block_keys) > 1
        else [
            bar_chart(
                [(p.name, values["hours_completed"].get(("prefecture", p.pk))) for p in prefectures],
                title="企業実習の確認済み時間数",
                unit="時間",
            )
        ]
    )
    context["schools_detail"] = [
        {
            "code": row["code"],
            "name": row["name"],
            "prefecture": row["prefecture__name"],
            "cells": [
                HIDDEN
                if ("school", row["pk"]) in hidden[key]
                else _rounded(values[key].get(("school", row["pk"])), key)
                for key in keys
            ],
        }
        for row in school_rows
    ]
    context["detail_keys"] = keys
    start, end = fiscal_year_bounds(fy)
    from partners.models import Engagement

    engagement_rows = Engagement.objects.filter(start_on__range=(start, end))
    if schools is not None:
        engagement_rows = engagement_rows.filter(school__in=schools)
    context["engagement_rows"] = engagement_rows.order_by("start_on", "pk").values_list(
        "school__prefecture__name", "school__name", "company__name", "kind", "title", "start_on", "end_on", "students"
    )
    context["empty"] = not (
        values["engagements"].get(("total",)) or values["placements"].get(("total",)) or totals["n"]
    )
    return context


def _rounded(value, key):
    if value is None:
        return None if key.endswith("_rate") else 0
    if isinstance(value, Decimal):
        return round(float(value), METRICS[key].digits)
    return value


def sheets_annual(context) -> list[Sheet]:
    from partners.models import OfferKind

    kinds = dict(OfferKind.choices)
    area_header = ["都道府県・ブロック"]
    return [
        Sheet(
            "概要",
            ["項目", "値", "単位"],
            [[row["label"], row["text"], row["unit"]] for row in context["summary"]]
            + [
                ["事業指定（件）", context["designation_total"]["n"], "件"],
                ["予算額", context["designation_total"]["budget"], "円"],
            ],
            [40, 16, 8],
        ),
        Sheet(
            "事業指定",
            ["都道府県", "管理機関", "事業区分", "新規・継続", "指定開始年度", "予算額（円）"],
            [
                [d["prefecture"], d["consortium"], d["type"], d["new"], d["first"], d["budget"]]
                for d in context["designations"]
            ],
            [10, 48, 24, 10, 14, 16],
        ),
        Sheet(
            "学校・企業",
            ["都道府県", "登録校", "指定校", "登録企業", "事業指定", "予算額（円）"],
            [
                [r["label"], r["schools"], r["designated_schools"], r["companies"], r["designations"], r["budget"]]
                for r in context["registry_rows"]
            ],
            [12, 10, 10, 10, 10, 16],
        ),
        *[
            Sheet(
                title,
                area_header + context[name]["headings"],
                [
                    [
                        row["label"],
                        *[
                            cell["value"] if not isinstance(cell["value"], Decimal) else round(float(cell["value"]), 1)
                            for cell in row["cells"]
                        ],
                    ]
                    for row in context[name]["rows"]
                ],
                [16] + [14] * len(context[name]["headings"]),
            )
            for name, title in (
                ("activity", "連携活動（地域別）"),
                ("placement", "企業実習（地域別）"),
                ("outcome", "定員充足率・地元就職率"),
            )
        ],
        Sheet(
            "生徒の変容",
            [
                "尺度",
                "下位尺度",
                "地域",
                "人数",
                "事前平均",
                "事後平均",
                "平均変化",
                "95%CI下限",
                "95%CI上限",
                "効果量dz",
            ],
            [
                row
                for change in context["changes"]
                for row in [
                    [change["instrument"], change["subscale"], "全体", change["n"], *_change_values(change)],
                    *[
                        [change["instrument"], change["subscale"], area["label"], area["n"], *_change_values(area)]
                        for area in change["areas"]
                    ],
                ]
            ],
            [24, 16, 12, 8, 10, 10, 10, 10, 10, 10],
        ),
        Sheet(
            "学校別",
            ["学校コード", "学校名", "都道府県", *[str(METRICS[key].label) for key in context["detail_keys"]]],
            [[r["code"], r["name"], r["prefecture"], *r["cells"]] for r in context["schools_detail"]],
            [16, 34, 10] + [12] * len(context["detail_keys"]),
        ),
        Sheet(
            "連携活動一覧",
            ["都道府県", "学校", "企業", "種類", "件名", "開始日", "終了日", "生徒数"],
            (
                [p, s, c, str(kinds.get(k, k)), t, a, b, n]
                for p, s, c, k, t, a, b, n in context["engagement_rows"].iterator()
            ),
            [10, 30, 30, 16, 40, 12, 12, 8],
        ),
        _notes_sheet(context),
    ]


def _change_values(change):
    return [
        HIDDEN if change["suppressed"] else (None if change[name] is None else round(change[name], 3))
        for name in ("pre", "post", "mean", "low", "high", "d")
    ]


def _notes_sheet(context) -> Sheet:
    return Sheet(
        "注記",
        ["注記"],
        [
            [
                f"{context['title']}　{context['fiscal_year_label']}　"
                f"対象：{context['scope_label']}　作成日：{context['generated_on']}"
            ],
            [
                f"生徒数に関わる値が{context['threshold']}未満のときは「{HIDDEN}」で秘匿しています。合計から逆算できないよう、ほかの値も併せて秘匿しています（二次秘匿）。"
            ],
            [
                "生徒の変容は、同じ年度に事前と事後の両方を回答した生徒の対応のある変化（事後−事前）です。人数が基準未満の集団は秘匿しています。"
            ],
            ["生徒の氏名は含みません。"],
        ],
        [120],
    )


# --- the PDCA report -------------------------------------------------------------------------------------------------


def collect_pdca(fy: int, scope: ReportScope, progress=lambda percent: None) -> dict:
    from curricula.models import ClassSession, JointProject, Placement
    from partners.models import Designation, DesignationType, Engagement, Meeting, OfferKind, PractitionerTeaching
    from reports.models import Kpi, KpiSource, KpiTarget, PdcaReview

    consortium = scope.obj
    context = _common(fy, scope, "マイスター・ハイスクール事業 PDCA報告書")
    context["suppression_note"] = (
        f"注：この報告書は管理機関自身の記録です。生徒の変容は{threshold()}人未満の集団を「{HIDDEN}」で秘匿しています。"
        "企業実習は学校・企業・形態ごとにまとめ、生徒ごとの行や生徒の氏名は含みません。"
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
                "target_text": _number(planned, 1 if planned is not None and planned % 1 else 0),
                "actual_text": HIDDEN if hidden else _number(actual, digits),
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
            "students": e["students"],
        }
        for e in engagements.values("title", "school__name", "company__name", "kind", "start_on", "end_on", "students")
    ]
    sessions = ClassSession.objects.filter(subject__school__in=schools, held_on__range=(start, end))
    session_kinds = dict(ClassSession._meta.get_field("kind").choices)
    context["session_summary"] = [
        {
            "kind": str(session_kinds.get(row["kind"], row["kind"])),
            "n": row["n"],
            "hours": row["hours"],
            "students": row["students"],
        }
        for row in sessions.order_by()
        .values("kind")
        .annotate(n=Count("pk"), hours=Sum("hours"), students=Sum("student_count"))
        .order_by("kind")
    ]
    context["session_rows"] = sessions.order_by("held_on", "pk").values_list(
        "held_on", "subject__school__name", "subject__name", "kind", "hours", "student_count", "company__name", "notes"
    )
    placements = Placement.objects.filter(student__school__in=schools, starts_on__lte=end, ends_on__gte=start)
    confirmed = Sum("logs__hours", filter=Q(logs__status="confirmed", logs__day__range=(start, end)))
    placement_kinds = dict(Placement._meta.get_field("kind").choices)
    context["placement_summary"] = [
        {
            "kind": str(placement_kinds.get(row["kind"], row["kind"])),
            "n": row["n"],
            "students": row["students"],
            "companies": row["companies"],
        }
        for row in placements.order_by()
        .values("kind")
        .annotate(
            n=Count("pk", distinct=True),
            students=Count("student", distinct=True),
            companies=Count("company", distinct=True),
        )
        .order_by("kind")
    ]
    hours = METRICS["hours_completed"].compute(fy, TOTAL, schools).get(None) or 0
    context["hours_completed"] = hours
    # Per school, company and form of placement, never per student: a row per placement would point at one.
    keys = ("student__school__name", "company__name", "kind")
    confirmed_by = {
        tuple(row[k] for k in keys): row["hours"]
        for row in placements.order_by().values(*keys).annotate(hours=confirmed)
    }
    context["placement_rows"] = [
        [
            row["student__school__name"],
            row["company__name"],
            str(placement_kinds.get(row["kind"], row["kind"])),
            row["n"],
            row["required"],
            confirmed_by.get(tuple(row[k] for k in keys)) or 0,
        ]
        for row in placements.order_by(*keys).values(*keys).annotate(n=Count("pk"), required=Sum("required_hours"))
    ]
    context["projects"] = [
        {
            "theme": p.theme,
            "kind": p.get_kind_display(),
            "school": p.school.name,
            "companies": "、".join(c.name for c in p.companies.all()),
            "students": p.student_count,
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
    context["changes"] = _changes(fy, scope, groups=())
    context["empty"] = not (kpi_rows or context["engagements"] or context["placement_summary"])
    progress(70)
    return context


def sheets_pdca(context) -> list[Sheet]:
    from curricula.models import ClassSession

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
                for d, s, subj, k, h, n, c, notes in context["session_rows"].iterator()
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
            [[c["instrument"], c["subscale"], c["n"], *_change_values(c)] for c in context["changes"]],
            [24, 16, 8, 10, 10, 10, 10, 10, 10],
        ),
        _notes_sheet(context),
    ]


# --- the fact-finding report -----------------------------------------------------------------------------------------


def collect_fact_finding(fy: int, scope: ReportScope, progress=lambda percent: None) -> dict:
    from assessments.models import IssueKind, Recipient, RespondentType, Survey, SurveyAnswer
    from partners.models import Block, CollaborationStage, ConsortiumStage

    context = _common(fy, scope, "マイスター・ハイスクール 実態調査報告書")
    recipients = Recipient.objects.filter(survey__fiscal_year=fy)
    stages_recorded = ConsortiumStage.objects.filter(fiscal_year=fy)
    if scope.kind == ScopeKind.PREFECTURE:
        # A prefecture's report covers the surveys it ran; the ministry's national survey stays with the ministry,
        # as it does on the survey pages.
        recipients = recipients.filter(survey__prefecture_id=scope.ident)
        stages_recorded = stages_recorded.filter(consortium__prefecture_id=scope.ident)
    answers = SurveyAnswer.objects.filter(recipient__in=recipients.values("pk"))
    context["surveys"] = list(
        Survey.objects.filter(pk__in=recipients.values("survey")).order_by("title").values_list("title", flat=True)
    )
    type_labels = dict(RespondentType.choices)
    block_labels = dict(Block.choices)
    stage_labels = dict(CollaborationStage.choices)
    limit = threshold()

    def rate_rows(field, labels):
        rows = []
        for row in (
            recipients.order_by().values(field).annotate(n=Count("pk"), answered=Count("answer")).order_by(field)
        ):
            rows.append(
                {
                    "label": str(labels(row[field])),
                    "n": row["n"],
                    "answered": row["answered"],
                    "rate": f"{100 * row['answered'] / row['n']:.1f}%" if row["n"] else "—",
                }
            )
        return rows

    from partners.models import Prefecture

    prefecture_names = dict(Prefecture.objects.values_list("pk", "name"))
    context["rates_by_type"] = rate_rows("respondent_type", lambda v: type_labels.get(v, v))
    context["rates_by_block"] = rate_rows("prefecture__block", lambda v: block_labels.get(v, v))
    context["rates_by_prefecture"] = rate_rows("prefecture", lambda v: prefecture_names.get(v, v))
    total = recipients.aggregate(n=Count("pk"), answered=Count("answer"))
    context["rate_total"] = {
        **total,
        "rate": f"{100 * total['answered'] / total['n']:.1f}%" if total["n"] else "—",
    }
    progress(30)

    # Stage × area and stage × respondent type, with the answered counts they add up to.
    stage_keys = [value for value, _label in CollaborationStage.choices]
    tables = {}
    for name, column, labels in (
        ("by_block", "recipient__prefecture__block", lambda v: block_labels.get(v, v)),
        ("by_type", "recipient__respondent_type", lambda v: type_labels.get(v, v)),
    ):
        counts = {}
        for row in answers.order_by().values(column, "stage").annotate(n=Count("pk")):
            counts[("cell", row[column], row["stage"])] = row["n"]
        areas = sorted({key[1] for key in counts})
        values = dict(counts)
        sums = []
        for area in areas:
            values[("area", area)] = sum(counts.get(("cell", area, s), 0) for s in stage_keys)
            sums.append((("area", area), [("cell", area, s) for s in stage_keys]))
        for stage in stage_keys:
            values[("stage", stage)] = sum(counts.get(("cell", a, stage), 0) for a in areas)
            sums.append((("stage", stage), [("cell", a, stage) for a in areas]))
        # Each area's answered count is printed beside the response rates, and each stage's total under the table:
        # those totals stay, and the cells are hidden so that no row or column can be subtracted back.
        hidden = suppressed(values, sums, limit, published=[total for total, _members in sums])

        def shown(key, hidden=hidden, values=values):
            return HIDDEN if key in hidden else values.get(key, 0)

        tables[name] = {
            "headings": [stage_labels[s].split(" ", 1)[0] for s in stage_keys],
            "rows": [
                {
                    "label": str(labels(area)),
                    "cells": [shown(("cell", area, s)) for s in stage_keys],
                    "total": shown(("area", area)),
                }
                for area in areas
            ],
            "totals": [shown(("stage", s)) for s in stage_keys],
        }
    context["stage_tables"] = tables
    context["stage_names"] = [str(label) for _value, label in CollaborationStage.choices]
    progress(50)

    issue_counts = (
        answers.order_by()
        .values("stage")
        .annotate(
            **{
                f"issue_{value}": Count("pk", filter=Q(issues__icontains=f'"{value}"'))
                for value, _l in IssueKind.choices
            }
        )
    )
    by_stage = {row["stage"]: row for row in issue_counts}
    context["issue_rows"] = [
        {
            "label": str(label),
            "cells": [
                (lambda n: HIDDEN if 0 < n < limit else n)(by_stage.get(stage, {}).get(f"issue_{value}", 0))
                for stage in stage_keys
            ],
        }
        for value, label in IssueKind.choices
    ]
    issue_labels = dict(IssueKind.choices)
    solutions: dict = {}
    for stage, issue, text in (
        answers.exclude(solution="")
        .order_by("stage", "solution_issue", "pk")
        .values_list("stage", "solution_issue", "solution")
    ):
        solutions.setdefault(stage, []).append({"issue": str(issue_labels.get(issue, "")), "text": text})
    context["solutions"] = [
        {"stage": str(stage_labels[stage]), "entries": solutions[stage]} for stage in stage_keys if stage in solutions
    ]
    context["recorded_stages"] = [
        {"stage": str(stage_labels.get(row["stage"], row["stage"])), "n": row["n"]}
        for row in stages_recorded.order_by().values("stage").annotate(n=Count("pk")).order_by("stage")
    ]
    context["answered"] = total["answered"]
    context["empty"] = not total["n"]
    progress(70)
    return context


def sheets_fact_finding(context) -> list[Sheet]:
    stages = context["stage_names"]
    sheets = [
        Sheet(
            "回答状況",
            ["区分", "対象", "依頼数", "回答数", "回答率"],
            [["回答者の種別", r["label"], r["n"], r["answered"], r["rate"]] for r in context["rates_by_type"]]
            + [["ブロック", r["label"], r["n"], r["answered"], r["rate"]] for r in context["rates_by_block"]]
            + [["都道府県", r["label"], r["n"], r["answered"], r["rate"]] for r in context["rates_by_prefecture"]]
            + [
                [
                    "合計",
                    "",
                    context["rate_total"]["n"],
                    context["rate_total"]["answered"],
                    context["rate_total"]["rate"],
                ]
            ],
            [14, 20, 10, 10, 10],
        )
    ]
    for name, title, first in (
        ("by_block", "連携段階（ブロック別）", "ブロック"),
        ("by_type", "連携段階（回答者別）", "回答者の種別"),
    ):
        table = context["stage_tables"][name]
        sheets.append(
            Sheet(
                title,
                [first, *stages, "計"],
                [[r["label"], *r["cells"], r["total"]] for r in table["rows"]] + [["計", *table["totals"], ""]],
                [18] + [14] * (len(stages) + 1),
            )
        )
    sheets.append(
        Sheet(
            "段階別の課題",
            ["課題", *stages],
            [[r["label"], *r["cells"]] for r in context["issue_rows"]],
            [30] + [14] * len(stages),
        )
    )
    sheets.append(
        Sheet(
            "解決策",
            ["連携段階", "課題", "うまくいった解決策"],
            [
                [group["stage"], entry["issue"], entry["text"]]
                for group in context["solutions"]
                for entry in group["entries"]
            ],
            [30, 26, 100],
        )
    )
    sheets.append(_notes_sheet(context))
    return sheets


# --- the registry summary --------------------------------------------------------------------------------------------


def _run_scope(run: ReportRun) -> tuple[str, int | None]:
    if run.consortium_id:
        return ScopeKind.CONSORTIUM, run.consortium_id
    if run.prefecture_id:
        return ScopeKind.PREFECTURE, run.prefecture_id
    return ScopeKind.NATIONAL, None


def registry_summary_rows(run: ReportRun) -> list[dict]:
    """Per prefecture within the run's scope: schools, companies, consortia and designations."""
    kind, ident = _run_scope(run)
    schools = within_scope(School.objects.all(), kind, ident)
    companies = within_scope(Company.objects.all(), kind, ident)
    consortia = within_scope(Consortium.objects.all(), kind, ident)
    designations = within_scope(Designation.objects.filter(fiscal_year=run.fiscal_year), kind, ident)
    figures = {}
    for name, queryset, column in (
        ("schools", schools, "prefecture"),
        ("companies", companies, "prefecture"),
        ("consortia", consortia, "prefecture"),
        ("designations", designations, "consortium__prefecture"),
    ):
        for row in queryset.values(column).annotate(n=Count("pk")):
            figures.setdefault(row[column], {})[name] = row["n"]
    without_number = companies.filter(Q(corporate_number__isnull=True)).values("prefecture").annotate(n=Count("pk"))
    for row in without_number:
        figures.setdefault(row["prefecture"], {})["companies_without_number"] = row["n"]
    prefectures = Prefecture.objects.filter(pk__in=figures.keys())
    return [
        {
            "prefecture": prefecture,
            **{
                key: figures[prefecture.pk].get(key, 0)
                for key in ("schools", "companies", "companies_without_number", "consortia", "designations")
            },
        }
        for prefecture in prefectures
    ]


def collect_registry_summary(fy: int, scope: ReportScope, progress=lambda percent: None) -> dict:
    run = ReportRun(fiscal_year=fy)
    if scope.kind == ScopeKind.PREFECTURE:
        run.prefecture_id = scope.ident
    elif scope.kind == ScopeKind.CONSORTIUM:
        run.consortium_id = scope.ident
    rows = registry_summary_rows(run)
    progress(40)
    keys = ("schools", "companies", "companies_without_number", "consortia", "designations")
    return {
        "rows": rows,
        "totals": {key: sum(row[key] for row in rows) for key in keys},
        "fiscal_year_label": fiscal_year_label(fy, "ja"),
        "scope_label": scope.label,
        "generated_on": wareki_date(clock.today()),
        "empty": False,
        "title": "連携先登録状況",
        "threshold": 0,
    }


def sheets_registry_summary(context) -> list[Sheet]:
    return [
        Sheet(
            "都道府県別",
            ["都道府県", "学校", "企業", "うち法人番号なし", "管理機関", "事業指定"],
            [
                [
                    row["prefecture"].name,
                    row["schools"],
                    row["companies"],
                    row["companies_without_number"],
                    row["consortia"],
                    row["designations"],
                ]
                for row in context["rows"]
            ]
            + [["合計", *context["totals"].values()]],
            [12, 10, 10, 16, 10, 10],
        )
    ]


BUILDERS = {
    "registry_summary": (collect_registry_summary, sheets_registry_summary, "print/registry_summary.html"),
    "annual": (collect_annual, sheets_annual, "print/annual.html"),
    "pdca": (collect_pdca, sheets_pdca, "print/pdca.html"),
    "fact_finding": (collect_fact_finding, sheets_fact_finding, "print/fact_finding.html"),
}
