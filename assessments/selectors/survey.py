"""Reading the survey: response rates and the tabulation by stage, respondent type and area, small cells hidden."""

from collections import Counter, defaultdict

from django.db.models import Exists, OuterRef

from assessments.models import IssueKind, Recipient, RespondentType, Survey, SurveyAnswer
from assessments.selectors import suppression_threshold
from meister.scoping import visible_to
from partners.models import Block, CollaborationStage


def response_rates(survey) -> list[dict]:
    """Recipients, answers and the rate, per respondent type and in total."""
    rows = []
    totals = Counter()
    counts = Counter()
    answered = Counter()
    for respondent_type, has_answer in survey.recipients.values_list("respondent_type", "answer__pk"):
        counts[respondent_type] += 1
        answered[respondent_type] += has_answer is not None
    for value, label in RespondentType.choices:
        if counts[value]:
            rows.append(_rate(label, counts[value], answered[value]))
            totals["n"] += counts[value]
            totals["answered"] += answered[value]
    rows.append(_rate("合計", totals["n"], totals["answered"]))
    return rows


def _rate(label, n, answered) -> dict:
    return {"label": label, "n": n, "answered": answered, "rate": (100 * answered / n) if n else None}


def tabulation(survey, *, by: str = "prefecture") -> dict:
    """Answers counted by 連携段階 × respondent type × area (prefecture or block), and issues per stage.

    Cells under the suppression threshold are None, shown as "—"; free text is grouped per issue without names.
    """
    threshold = suppression_threshold()
    answers = list(
        SurveyAnswer.objects.filter(recipient__survey=survey).values(
            "stage",
            "issues",
            "issue_detail",
            "solution_issue",
            "solution",
            "recipient__respondent_type",
            "recipient__prefecture__name",
            "recipient__prefecture__code",
            "recipient__prefecture__block",
        )
    )
    block_labels = dict(Block.choices)
    areas = {}
    cells = Counter()
    issue_cells = Counter()
    texts = defaultdict(list)
    for answer in answers:
        if by == "block":
            area_key = answer["recipient__prefecture__block"]
            areas[area_key] = str(block_labels.get(area_key, area_key))
        else:
            area_key = answer["recipient__prefecture__code"]
            areas[area_key] = answer["recipient__prefecture__name"]
        cells[(answer["stage"], answer["recipient__respondent_type"], area_key)] += 1
        cells[(answer["stage"], answer["recipient__respondent_type"], None)] += 1
        for issue in answer["issues"] or []:
            issue_cells[(answer["stage"], issue)] += 1
        if answer["solution"]:
            texts[answer["solution_issue"]].append(("solution", answer["stage"], answer["solution"]))
        if answer["issue_detail"]:
            for issue in answer["issues"] or [IssueKind.OTHER]:
                texts[issue].append(("issue", answer["stage"], answer["issue_detail"]))

    def shown(count):
        return count if count >= threshold else None

    area_list = sorted(areas.items())
    types = [(value, label) for value, label in RespondentType.choices]
    stage_rows = []
    for stage, stage_label in CollaborationStage.choices:
        row = {"stage": stage_label, "types": []}
        for type_value, type_label in types:
            row["types"].append(
                {
                    "label": type_label,
                    "total": shown(cells[(stage, type_value, None)]),
                    "areas": [shown(cells[(stage, type_value, key)]) for key, _name in area_list],
                }
            )
        stage_rows.append(row)
    stage_labels = dict(CollaborationStage.choices)
    issue_rows = [
        {"issue": label, "counts": [shown(issue_cells[(stage, value)]) for stage, _s in CollaborationStage.choices]}
        for value, label in IssueKind.choices
    ]
    grouped = [
        {
            "issue": label,
            "entries": [
                {"kind": kind, "stage": stage_labels.get(stage, ""), "text": text}
                for kind, stage, text in texts.get(value, [])
            ],
        }
        for value, label in IssueKind.choices
        if texts.get(value)
    ]
    return {
        "n": len(answers),
        "threshold": threshold,
        "areas": [name for _key, name in area_list],
        "types": types,
        "stage_rows": stage_rows,
        "stages": [label for _value, label in CollaborationStage.choices],
        "issue_rows": issue_rows,
        "texts": grouped,
    }


def unanswered(survey):
    return Recipient.objects.filter(survey=survey, answer__isnull=True)


# The lists of surveys a dashboard counts and the survey list shows, by the `state` in its address.
SURVEY_STATES = ("unsent", "open")


def _waiting(**lookups):
    return Exists(Recipient.objects.filter(survey=OuterRef("pk"), **lookups))


def surveys_in_state(*, user, state: str, today):
    """The user's surveys still open (deadline today or later) that have an addressee not yet sent the link
    ("unsent", as the send button would mail them), or that wait for an answer from someone sent it ("open")."""
    surveys = visible_to(Survey.objects.all(), user).filter(deadline__gte=today)
    if state == "unsent":
        return surveys.filter(_waiting(sent_at__isnull=True, email__gt=""))
    return surveys.filter(_waiting(sent_at__isnull=False, answer__isnull=True))


def unanswered_in(surveys) -> int:
    """How many who were sent the link to one of `surveys` have not answered."""
    return Recipient.objects.filter(survey__in=surveys, sent_at__isnull=False, answer__isnull=True).count()
