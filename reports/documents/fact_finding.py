"""The fact-finding report (実態調査報告書): response rates, collaboration stages by area and by respondent, the
issues met at each stage and the solutions that worked."""

from django.db.models import Count

from assessments.models import IssueKind, Recipient, RespondentType, Survey, SurveyAnswer
from meister.scoping import ScopeKind
from partners.models import Block, CollaborationStage, ConsortiumStage, Prefecture
from reports.documents.common import HIDDEN, ReportScope, Sheet, common_context, notes_sheet
from reports.release import release_for, survey_figures


def collect_fact_finding(fy: int, scope: ReportScope, progress=lambda percent: None, release=None) -> dict:
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
    release = release or release_for(fy)
    survey_scope = "national" if scope.kind == ScopeKind.NATIONAL else scope.ident
    figures = release.surveys.get(survey_scope) or survey_figures(fy, survey_scope)

    def shown(*key):
        cell = ("survey", survey_scope, *key)
        if not release.has(cell):
            return 0
        return HIDDEN if release.hidden(cell) else int(release.value(cell))

    def rate_text(field, value):
        n, answered = figures["rates"].get((field, value), (0, 0))
        if shown("requests", field, value) == HIDDEN or shown("answered", field, value) == HIDDEN:
            return HIDDEN  # a rate of a hidden count gives the count back from its neighbour
        return f"{100 * answered / n:.1f}%" if n else "—"

    def rate_rows(field, labels):
        values = sorted({v for (f, v) in figures["rates"] if f == field}, key=lambda v: order(field, v))
        return [
            {
                "label": str(labels(value)),
                "n": shown("requests", field, value),
                "answered": shown("answered", field, value),
                "rate": rate_text(field, value),
            }
            for value in values
        ]

    block_order = {value: index for index, (value, _label) in enumerate(Block.choices)}
    prefecture_codes = dict(Prefecture.objects.values_list("pk", "code"))

    def order(field, value):
        if field == "prefecture__block":
            return (block_order.get(value, 99), "")
        if field == "prefecture":
            return (0, prefecture_codes.get(value, ""))
        return (0, str(value))

    prefecture_names = dict(Prefecture.objects.values_list("pk", "name"))
    context["rates_by_type"] = rate_rows("respondent_type", lambda v: type_labels.get(v, v))
    context["rates_by_block"] = rate_rows("prefecture__block", lambda v: block_labels.get(v, v))
    context["rates_by_prefecture"] = rate_rows("prefecture", lambda v: prefecture_names.get(v, v))
    total = dict(zip(("n", "answered"), figures["rates"].get(("total", None), (0, 0)), strict=True))
    context["rate_total"] = {
        "n": shown("requests", "total", None),
        "answered": shown("answered", "total", None),
        "rate": rate_text("total", None),
    }
    progress(30)

    # Stage × area and stage × respondent type; a row's total is the answered count printed beside its rate.
    stage_keys = [value for value, _label in CollaborationStage.choices]
    tables = {}
    for name, field, labels in (
        ("by_block", "prefecture__block", lambda v: block_labels.get(v, v)),
        ("by_type", "respondent_type", lambda v: type_labels.get(v, v)),
    ):
        column = field.removeprefix("prefecture__")
        areas = sorted({area for (f, area, _s) in figures["stages"] if f == column}, key=lambda v: order(field, v))
        tables[name] = {
            "headings": [stage_labels[s].split(" ", 1)[0] for s in stage_keys],
            "rows": [
                {
                    "label": str(labels(area)),
                    "cells": [shown("stage", column, area, s) for s in stage_keys],
                    "total": shown("answered", field, area),
                }
                for area in areas
            ],
            "totals": [shown("stage_total", s) for s in stage_keys],
        }
    context["stage_tables"] = tables
    context["stage_names"] = [str(label) for _value, label in CollaborationStage.choices]
    progress(50)

    context["issue_rows"] = [
        {"label": str(label), "cells": [shown("issue", value, stage) for stage in stage_keys]}
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
