"""The annual report (年次報告書), national or for one prefecture: a cover and contents, the headline figures with
the two years before, KPIs against targets, the map, designations, the registry, figures by area, students' change,
charts and the per-school detail."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from meister.exporting import COUNT, DECIMAL_2, HOURS, PERCENT_1, Number
from meister.fiscal import fiscal_year_bounds, fiscal_year_label
from meister.scoping import ScopeKind
from meister.tilemap import tile_map
from partners.models import Block, Company, Designation, DesignationType, Engagement, OfferKind, School
from reports.charts import bar_chart
from reports.documents.areas import (
    ACTIVITY_COLUMNS,
    AREA_KEYS,
    OUTCOME_COLUMNS,
    PLACEMENT_COLUMNS,
    area_rows,
    area_values,
    hidden_cells,
)
from reports.documents.changes import change_rows, change_values
from reports.documents.common import (
    HIDDEN,
    ISSUER,
    ReportScope,
    Sheet,
    common_context,
    format_number,
    notes_sheet,
    rounded,
    school_labels,
)
from reports.documents.headline import kpi_summary, map_rows, trends
from reports.documents.programme import collect_programme, sheets_programme
from reports.metrics import METRICS
from reports.release import release_for

# The report's sections in order: (anchor, title, template, starts a page). The contents page lists them with their
# page numbers; each is one include, so a new section is one line here and its template.
SECTIONS = [
    ("summary", "概要", "print/annual/summary.html", False),
    ("trends", "3か年の推移", "print/annual/trends.html", True),
    ("kpis", "KPIの目標と実績", "print/annual/kpis.html", False),
    ("map", "都道府県別の状況（地図）", "print/annual/map.html", True),
    ("designations", "事業指定と予算", "print/annual/designations.html", True),
    ("registry", "学校・企業（都道府県別）", "print/annual/registry.html", True),
    ("activity", "連携活動と産業実務家教員", "print/annual/activity.html", True),
    ("placement", "企業実習（デュアルシステム・インターンシップ）", "print/annual/placement.html", True),
    ("outcome", "定員充足率と地元就職率", "print/annual/outcome.html", True),
    ("changes", "生徒の変容", "print/annual/changes.html", False),
    ("programme", "事業の行事と指定終了後の継続", "print/annual/programme.html", True),
]


def collect_annual(fy: int, scope: ReportScope, progress=lambda percent: None, release=None) -> dict:
    release = release or release_for(fy)
    context = common_context(fy, scope, "マイスター・ハイスクール事業 年次報告書")
    context["issuer"] = ISSUER  # the ministry's report, whichever scope it covers
    context["sections"] = [
        {"anchor": anchor, "title": title, "template": template, "page": page}
        for anchor, title, template, page in SECTIONS
    ]
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
        if any(row.values()):  # a prefecture with no school, company or designation is left out
            registry_rows.append({"label": prefecture.name, "block": prefecture.block, **row})
    context["registry_rows"] = registry_rows
    context["registry_total"] = sums
    progress(25)

    keys = AREA_KEYS
    # The national tables were gathered with the year's release (from the records as they are now).
    values = release.national_areas if scope.kind == ScopeKind.NATIONAL else area_values(fy, scope, keys)
    progress(60)
    school_rows = list(
        (School.objects.filter(pk__in=schools) if schools is not None else School.objects.all())
        .order_by("prefecture__code", "code")
        .values("pk", "code", "name", "prefecture_id", "prefecture__name")
    )
    hidden = hidden_cells(release, scope, keys)
    context["activity"] = {
        "headings": [h for _k, h in ACTIVITY_COLUMNS],
        "rows": area_rows(prefectures, ACTIVITY_COLUMNS, values, hidden),
    }
    context["placement"] = {
        "headings": [h for _k, h in PLACEMENT_COLUMNS],
        "rows": area_rows(prefectures, PLACEMENT_COLUMNS, values, hidden),
    }
    context["outcome"] = {
        "headings": [h for _k, h in OUTCOME_COLUMNS],
        "rows": area_rows(prefectures, OUTCOME_COLUMNS, values, hidden),
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
            "text": format_number(value if value is not None or key.endswith("_rate") else 0, digits),
            # the workbook keeps the number, rounded by the same rule as the PDF's text
            "value": value if isinstance(value, str) else rounded(value if value is not None else 0, digits),
            "unit": str(unit),
        }
        for (label, value, unit, digits), key in zip(context["summary"], keys, strict=True)
    ]
    progress(70)
    context["changes"] = change_rows(
        fy, scope, groups=("block",) if scope.kind == ScopeKind.NATIONAL else ("prefecture",), release=release
    )
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
                [
                    (
                        p.name,
                        None
                        if ("prefecture", p.pk) in hidden["hours_completed"]
                        else values["hours_completed"].get(("prefecture", p.pk)),
                    )
                    for p in prefectures
                ],
                title="企業実習の確認済み時間数",
                unit="時間",
            )
        ]
    )
    map_values = {
        p.code: HIDDEN
        if ("prefecture", p.pk) in hidden["hours_completed"]
        else values["hours_completed"].get(("prefecture", p.pk))
        for p in prefectures
    }
    map_names = {p.code: p.name for p in prefectures}
    context["map"] = tile_map(
        map_values, map_names, title="企業実習の確認済み時間数（都道府県別）", hidden_mark=HIDDEN, digits=1
    )
    context["map_rows"] = map_rows(map_values, map_names, digits=1)
    context["trends"] = trends(fy, scope, release)
    context["kpis"] = kpi_summary(fy, scope, release)
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
    school_names = school_labels(School.objects.filter(pk__in=schools) if schools is not None else School.objects.all())
    engagement_rows = Engagement.objects.filter(start_on__range=(start, end))
    if schools is not None:
        engagement_rows = engagement_rows.filter(school__in=schools)
    context["engagement_rows"] = [
        [p, school_names.get(s, s), c, k, t, a, b, HIDDEN if release.hidden(("engagement", pk)) else n]
        for pk, p, s, c, k, t, a, b, n in engagement_rows.order_by("start_on", "pk").values_list(
            "pk",
            "school__prefecture__name",
            "school",
            "company__name",
            "kind",
            "title",
            "start_on",
            "end_on",
            "students",
        )
    ]
    context["programme"] = collect_programme(fy, scope, release)
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


def number_format(key: str) -> str:
    """The Excel number format of a metric's figures."""
    metric = METRICS[key]
    if key.endswith("_rate"):
        return PERCENT_1
    return {0: COUNT, 1: HOURS}.get(metric.digits, DECIMAL_2)


def excel_value(key: str, value):
    """A figure as the workbook stores it: a rate as a fraction (shown as a percentage), the hidden mark as text."""
    if isinstance(value, Decimal):
        value = rounded(value, METRICS[key].digits)
    if key.endswith("_rate") and isinstance(value, int | float):
        return round(value / 100, 6)
    return value


def _excel_cells(keys, values) -> list:
    return [excel_value(key, value) for key, value in zip(keys, values, strict=True)]


def _trend_cells(row) -> list:
    return [Number(excel_value(row["key"], cell["value"]), number_format(row["key"])) for cell in row["cells"]]


CHANGE_FORMATS = [None, None, None, COUNT] + [DECIMAL_2] * 6


def sheets_annual(context) -> list[Sheet]:
    kinds = dict(OfferKind.choices)
    area_header = ["都道府県・ブロック"]
    area_keys = {
        "activity": [key for key, _h in ACTIVITY_COLUMNS],
        "placement": [key for key, _h in PLACEMENT_COLUMNS],
        "outcome": [key for key, _h in OUTCOME_COLUMNS],
    }
    summary_keys = context["detail_keys"]
    return [
        Sheet(
            "概要",
            ["項目", "値", "単位"],
            [
                [row["label"], Number(excel_value(key, row["value"]), number_format(key)), row["unit"]]
                for row, key in zip(context["summary"], summary_keys, strict=True)
            ]
            + [
                ["事業指定（件）", Number(context["designation_total"]["n"]), "件"],
                ["予算額", Number(context["designation_total"]["budget"]), "円"],
            ],
            [40, 16, 8],
        ),
        Sheet(
            "3か年の推移",
            ["項目", *context["trends"]["years"], "単位"],
            [[row["label"], *_trend_cells(row), row["unit"]] for row in context["trends"]["rows"]],
            [40, 14, 14, 14, 8],
            formats=[None, "@", "@", "@"],
        ),
        Sheet(
            "KPIの目標と実績",
            [
                "指標",
                "単位",
                "目標を定めた管理機関",
                "達成",
                "未達成",
                "判定できない",
                "目標の計",
                "実績の計",
                "達成率",
            ],
            [
                [
                    k["name"],
                    k["unit"],
                    k["consortia"],
                    k["reached"],
                    k["short"],
                    k["unknown"],
                    k["target_sum"],
                    k["actual_sum"],
                    None if k["target_sum"] in (None, 0) else round(float(k["actual_sum"] / k["target_sum"]), 3),
                ]
                for k in context["kpis"]
            ],
            [34, 8, 12, 8, 8, 10, 12, 12, 10],
            formats=[None, None, COUNT, COUNT, COUNT, COUNT, "#,##0.0", "#,##0.0", PERCENT_1],
        ),
        Sheet(
            "事業指定",
            ["都道府県", "管理機関", "事業区分", "新規・継続", "指定開始年度", "予算額（円）"],
            [
                [d["prefecture"], d["consortium"], d["type"], d["new"], d["first"], d["budget"]]
                for d in context["designations"]
            ],
            [10, 48, 24, 10, 14, 16],
            formats=[None] * 5 + [COUNT],
        ),
        Sheet(
            "学校・企業",
            ["都道府県", "登録校", "指定校", "登録企業", "事業指定", "予算額（円）"],
            [
                [r["label"], r["schools"], r["designated_schools"], r["companies"], r["designations"], r["budget"]]
                for r in context["registry_rows"]
            ]
            + [["合計", *[context["registry_total"][k] for k in REGISTRY_KEYS]]],
            [12, 10, 10, 10, 10, 16],
            formats=[None] + [COUNT] * 5,
        ),
        Sheet(
            "地図（確認済み時間）",
            ["都道府県", "企業実習の確認済み時間数"],
            [[row["label"], row["value"]] for row in context["map_rows"]],
            [12, 24],
            formats=[None, HOURS],
        ),
        *[
            Sheet(
                title,
                area_header + context[name]["headings"],
                [
                    [
                        row["label"],
                        *_excel_cells(area_keys[name], [cell["value"] for cell in row["cells"]]),
                    ]
                    for row in context[name]["rows"]
                ],
                [16] + [14] * len(context[name]["headings"]),
                formats=[None] + [number_format(key) for key in area_keys[name]],
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
                    [change["instrument"], change["subscale"], "全体", change["n"], *change_values(change)],
                    *[
                        [change["instrument"], change["subscale"], area["label"], area["n"], *change_values(area)]
                        for area in change["areas"]
                    ],
                ]
            ],
            [24, 16, 12, 8, 10, 10, 10, 10, 10, 10],
            formats=CHANGE_FORMATS,
        ),
        Sheet(
            "学校別",
            ["学校コード", "学校名", "都道府県", *[str(METRICS[key].label) for key in context["detail_keys"]]],
            [
                [r["code"], r["name"], r["prefecture"], *_excel_cells(summary_keys, r["cells"])]
                for r in context["schools_detail"]
            ],
            [16, 34, 10] + [12] * len(context["detail_keys"]),
            formats=[None, None, None] + [number_format(key) for key in summary_keys],
        ),
        Sheet(
            "連携活動一覧",
            ["都道府県", "学校", "企業", "種類", "件名", "開始日", "終了日", "生徒数"],
            ([p, s, c, str(kinds.get(k, k)), t, a, b, n] for p, s, c, k, t, a, b, n in context["engagement_rows"]),
            [10, 30, 30, 16, 40, 12, 12, 8],
            formats=[None] * 7 + [COUNT],
        ),
        *sheets_programme(context),
        notes_sheet(context),
    ]


REGISTRY_KEYS = ("schools", "designated_schools", "companies", "designations", "budget")
