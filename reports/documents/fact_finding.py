"""The fact-finding report (実態調査報告書): response rates, collaboration stages by area and by respondent, the
issues met at each stage and the solutions that worked."""

from django.db.models import Count, Q

from assessments.models import IssueKind, Recipient, RespondentType, Survey, SurveyAnswer
from meister.scoping import ScopeKind
from partners.models import Block, CollaborationStage, ConsortiumStage, Prefecture
from reports.documents.common import HIDDEN, ReportScope, Sheet, common_context, notes_sheet, threshold
from reports.suppression import suppressed


def collect_fact_finding(fy: int, scope: ReportScope, progress=lambda percent: None) -> dict:
    context = common_context(fy, scope, "マイスター・ハイスクール 実態調査報告書")
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
    sheets.append(notes_sheet(context))
    return sheets
