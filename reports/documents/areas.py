"""Figures by area — school, prefecture, block and the whole scope — with the suppression of small student counts,
laid out as rows per prefecture with each block's subtotal and the total."""

from partners.models import Block, School
from reports.documents.common import HIDDEN, ReportScope, format_number
from reports.metrics import METRICS, TOTAL, percent

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
    ("hours_pending", "未確認時間"),
]
OUTCOME_COLUMNS = [
    ("enrolment_rate", "定員充足率（%）"),
    ("local_employment_rate", "地元就職率（%）"),
    ("host_employment_rate", "受入れ企業への就職（%）"),
]

AREA_KEYS = [key for key, _heading in ACTIVITY_COLUMNS + PLACEMENT_COLUMNS + OUTCOME_COLUMNS]


def area_values(fy: int, scope: ReportScope, keys) -> dict:
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


def area_total(fy: int, scope: ReportScope, key: str):
    """What `area_values` gives for ("total",), counted alone: additive figures summed over the schools, the rest
    (rates, distinct counts) by the database over the whole scope."""
    metric = METRICS[key]
    schools = scope.schools()
    if metric.additive and not metric.parts:
        found = metric.compute(fy, "school", schools)
        return sum(found.values()) if found else None
    if metric.parts:
        parts = list(metric.parts(fy, "school", schools).values())
        return percent({None: (sum(top for top, _b in parts), sum(bottom for _t, bottom in parts))}).get(None)
    return metric.compute(fy, TOTAL, schools).get(None)


def hidden_cells(release, scope: ReportScope, keys) -> dict:
    """{metric: hidden area keys} for a report of `scope`, read from the year's release, so the area table, the
    per-school detail and every other report of the year hide the same cells. A prefecture's own report totals
    that prefecture: its total is the prefecture's cell."""
    hidden = {}
    for key in keys:
        found = release.area_hidden(key)
        if scope.kind == "prefecture":
            own = ("prefecture", scope.ident) in found
            found = {area for area in found if area[0] in ("school", "prefecture")}
            if own:
                found |= {("total",), ("block", release.block_of(scope.ident))}
        hidden[key] = found
    return hidden


def area_rows(prefectures, columns, values, hidden) -> list[dict]:
    """Rows per prefecture, each block's subtotal after its prefectures, then the total. A prefecture with nothing
    to show (every figure zero or missing, none hidden) is left out, and so is a block left with no prefecture; the
    total still counts them, and the notes say that a prefecture not listed had nothing."""

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
                out.append({"text": format_number(value, metric.digits), "value": value})
        return out

    rows = []
    by_block: dict = {}
    for prefecture in prefectures:
        by_block.setdefault(prefecture.block, []).append(prefecture)
    for block, members in by_block.items():
        listed = [
            {"kind": "prefecture", "label": prefecture.name, "cells": cells(("prefecture", prefecture.pk))}
            for prefecture in members
        ]
        listed = [row for row in listed if not _empty(row["cells"])]
        if not listed:
            continue
        rows += listed
        if len(by_block) > 1 or len(members) > 1:
            rows.append({"kind": "block", "label": f"{block_labels[block]}計", "cells": cells(("block", block))})
    rows.append({"kind": "total", "label": "合計", "cells": cells(("total",))})
    return rows


def _empty(cells) -> bool:
    return all(cell["value"] is None or (cell["value"] != HIDDEN and not cell["value"]) for cell in cells)
