"""The annual report's headline pages: the figures of three fiscal years side by side, the year's KPIs against the
consortia's targets, and the map's figures as a table.

Every figure here is one the year's reports already publish, read through the same disclosure path: a year's
figure is hidden when that year's release hides it, a consortium's KPI actual when its PDCA report hides it, and a
sum of consortia's actuals is printed only when every term it adds is itself published, so it tells nothing a
reader could not add up already.
"""

from decimal import Decimal

from meister.fiscal import fiscal_year_label
from reports.charts import bar_chart
from reports.documents.areas import area_total, hidden_cells
from reports.documents.common import HIDDEN, ReportScope, format_number, rounded, threshold
from reports.metrics import METRICS, paired_changes
from reports.models import Kpi, KpiSource, KpiTarget
from reports.release import release_for

# The headline figures whose three years the report compares.
TREND_KEYS = [
    "engagements",
    "companies_engaged",
    "students_dual_system",
    "students_internship",
    "placements",
    "hours_completed",
    "enrolment_rate",
    "local_employment_rate",
]
TREND_YEARS = 3


def trends(fy: int, scope: ReportScope, release) -> dict:
    """{"years": labels, "rows": [{label, unit, cells: [{text, value}] per year}], "charts": [svg]}, oldest year
    first; each year's figures hidden as that year's own release hides them."""
    years = list(range(fy - TREND_YEARS + 1, fy + 1))
    by_year = {}
    for year in years:
        year_release = release if year == fy else release_for(year)
        # Each year's figures as its release gathered them (from the records as they are now); the rest counted here.
        wholes = {key: year_release.whole(key, scope) for key in TREND_KEYS}
        for key, (found, _found_value) in wholes.items():
            if not found:
                wholes[key] = (True, area_total(year, scope, key))
        hidden = hidden_cells(year_release, scope, TREND_KEYS)
        by_year[year] = {
            key: HIDDEN if ("total",) in hidden[key] else _value(key, wholes[key][1]) for key in TREND_KEYS
        }
    rows, charts = [], []
    for key in TREND_KEYS:
        metric = METRICS[key]
        cells = [
            {"text": format_number(by_year[year][key], metric.digits), "value": by_year[year][key]} for year in years
        ]
        rows.append({"key": key, "label": str(metric.label), "unit": str(metric.unit), "cells": cells})
        charts.append(
            bar_chart(
                [(fiscal_year_label(year, "ja"), by_year[year][key]) for year in years],
                title=f"{metric.label}（{metric.unit}）",
                digits=metric.digits,
                hidden_mark=HIDDEN,
                compact=True,
            )
        )
    return {"years": [fiscal_year_label(year, "ja") for year in years], "rows": rows, "charts": charts}


def _value(key: str, value):
    if value is None:
        return None if key.endswith("_rate") else 0
    return rounded(value, METRICS[key].digits)


def kpi_summary(fy: int, scope: ReportScope, release) -> list[dict]:
    """Per KPI of the year, over the consortia of the scope that set a target: how many reached it, fell short or
    cannot be judged (actual hidden or missing), and, for figures that add up, the targets' and actuals' sums."""
    targets = KpiTarget.objects.filter(kpi__fiscal_year=fy, target__isnull=False)
    if scope.kind == "prefecture":
        targets = targets.filter(consortium__prefecture_id=scope.ident)
    by_kpi: dict = {}
    for kpi_id, consortium, target, actual in targets.values_list("kpi", "consortium", "target", "actual"):
        by_kpi.setdefault(kpi_id, []).append((consortium, target, actual))
    rows = []
    for kpi in Kpi.objects.filter(fiscal_year=fy).select_related("instrument"):
        entries = by_kpi.get(kpi.pk, [])
        actuals, digits, additive = _actuals(fy, kpi, release)
        # A consortium the grouped count does not list counted nothing: its PDCA report prints 0 (a rate or a
        # change of nobody is missing instead).
        metric = METRICS.get(kpi.metric)
        absent = 0 if metric and not (metric.parts or metric.needs_instrument) else None
        reached = short = unknown = 0
        target_sum, actual_sum, summable = Decimal(0), Decimal(0), additive and bool(entries)
        for consortium, target, manual in entries:
            actual = manual if kpi.source == KpiSource.MANUAL else actuals.get(consortium, absent)
            if actual == HIDDEN or actual is None:
                unknown += 1
                summable = False
                continue
            actual = Decimal(str(actual))
            reached, short = (reached + 1, short) if actual >= target else (reached, short + 1)
            target_sum += target
            actual_sum += actual
        rows.append(
            {
                "name": kpi.name,
                "unit": kpi.unit,
                "consortia": len(entries),
                "reached": reached,
                "short": short,
                "unknown": unknown,
                "target_sum": target_sum if summable else None,
                "actual_sum": actual_sum if summable else None,
                "target_text": format_number(target_sum, 1 if target_sum % 1 else 0) if summable else "—",
                "actual_text": format_number(actual_sum, digits) if summable else "—",
                "rate_text": f"{rounded(100 * actual_sum / target_sum, 1):.1f}%" if summable and target_sum else "—",
            }
        )
    return rows


def _actuals(fy: int, kpi, release) -> tuple[dict, int, bool]:
    """({consortium: actual or HIDDEN}, digits, whether the figure adds up over consortia), as the consortia's PDCA
    reports print them: counted for every consortium at once."""
    if kpi.source != KpiSource.COMPUTED or kpi.metric not in METRICS:
        return {}, 1, False
    metric = METRICS[kpi.metric]
    if metric.needs_instrument:
        if not kpi.instrument_id:
            return {}, metric.digits, False
        code = kpi.subscale or kpi.instrument.subscales.values_list("code", flat=True).first()
        changes = paired_changes(fy, "consortium", None, kpi.instrument, [code])
        return (
            {c: HIDDEN if change.n < threshold() else change.mean for (c, _code), change in changes.items()},
            metric.digits,
            False,
        )
    found = metric.compute(fy, "consortium", None)
    if metric.parts:
        parts = metric.parts(fy, "consortium", None)
        return (
            {
                c: HIDDEN if 0 < parts.get(c, (0, 0))[1] < threshold() else value
                for c, value in found.items()
                if value is not None
            },
            metric.digits,
            False,
        )
    shown = {}
    for consortium, value in found.items():
        key = (metric.key, "consortium", consortium)
        shown[consortium] = HIDDEN if release.hidden(key) else value
    if metric.key in release.values:  # a consortium with no records is a published zero, or a hidden one
        for area, value in release.values[metric.key].items():
            if area[0] == "consortium" and area[1] not in shown:
                shown[area[1]] = HIDDEN if release.hidden((metric.key, *area)) else value
    return shown, metric.digits, metric.additive


def map_rows(values: dict, names: dict, digits: int = 0) -> list[dict]:
    """The map's figures as a table: the prefectures with a figure (hidden ones with the mark) in code order,
    those with nothing left out."""
    return [
        {"label": names[code], "text": format_number(value, digits), "value": value}
        for code, value in sorted(values.items())
        if value == HIDDEN or value
    ]
