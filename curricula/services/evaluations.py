"""Evaluations of placements: which rubric applies, filling and submitting, reminders, the teacher's comment, and
the copies of a rubric a prefecture or a consortium adapts.

Due dates: the mid-term evaluation is due half-way through the placement, the final one on its last day. The mentor
is reminded CURRICULA_EVALUATION_REMINDER_DAYS days before (the beat job) or when the teacher asks ("remind now").
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from curricula import links
from curricula.models import (
    Evaluation,
    EvaluationReview,
    EvaluationScore,
    EvaluationStage,
    EvaluationStatus,
    Evaluator,
    Placement,
    Rubric,
    RubricItem,
)
from meister import clock, mailing
from meister.scoping import ScopeKind, acts_for_company, may_change, own_student_record

DEFAULT_REMINDER_DAYS = 7


def reminder_days() -> int:
    return getattr(settings, "CURRICULA_EVALUATION_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)


def due_on(placement: Placement, stage: str) -> datetime.date:
    if stage == EvaluationStage.FINAL:
        return placement.ends_on
    return placement.starts_on + (placement.ends_on - placement.starts_on) / 2


def rubric_for(placement: Placement) -> Rubric:
    """The rubric the placement's school works with: its consortium's copy, else its prefecture's, else the
    national default (the newest of each)."""
    school = placement.student.school
    consortia = list(school.consortia.values_list("pk", flat=True))
    candidates = Rubric.objects.filter(
        Q(consortium__in=consortia) | Q(prefecture_id=school.prefecture_id) | Q(prefecture=None, consortium=None)
    ).order_by("-pk")
    rubrics = list(candidates)
    for test in (lambda r: r.consortium_id, lambda r: r.prefecture_id, lambda r: True):
        found = next((r for r in rubrics if test(r)), None)
        if found:
            return found
    return default_rubric()


DEFAULT_RUBRIC = Path(__file__).resolve().parent.parent / "data" / "default_rubric.json"


@transaction.atomic
def default_rubric() -> Rubric:
    """The national default rubric, loaded from its data file (curricula/data/default_rubric.json) when the database
    holds none: the migration loads it, and this brings it back into a database emptied since."""
    data = json.loads(DEFAULT_RUBRIC.read_text(encoding="utf-8"))
    rubric, created = Rubric.objects.get_or_create(
        prefecture=None, consortium=None, name=data["name"], defaults={"levels": data["levels"]}
    )
    if created:
        RubricItem.objects.bulk_create(
            RubricItem(rubric=rubric, section=section, position=n, title=title, criterion=criterion, descriptors=words)
            for n, (section, title, criterion, words) in enumerate(data["items"], start=1)
        )
    return rubric


def evaluation_for(placement: Placement, stage: str, evaluator: str) -> Evaluation:
    """The evaluation of that side and stage, started (as an empty draft on the placement's rubric) if need be."""
    if stage not in EvaluationStage.values or evaluator not in Evaluator.values:
        raise ValidationError(_("評価の種類が正しくありません。"))
    found = Evaluation.objects.filter(placement=placement, stage=stage, evaluator=evaluator).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                placement=placement, stage=stage, evaluator=evaluator, rubric=rubric_for(placement)
            )
    except IntegrityError:
        return Evaluation.objects.get(placement=placement, stage=stage, evaluator=evaluator)


@dataclass
class Question:
    """One line of the form: a rubric item or one of the placement's own skills."""

    key: str
    title: str
    criterion: str
    section: str
    item: RubricItem | None = None
    skill: str = ""

    def descriptor(self, value: int) -> str:
        return self.item.descriptor(value) if self.item else ""


def questions(evaluation: Evaluation, items: list[RubricItem] | None = None) -> list[Question]:
    items = items if items is not None else list(evaluation.rubric.items.all())
    rows = [Question(f"item-{i.pk}", i.title_shown, i.criterion_shown, i.section, item=i) for i in items]
    for n, skill in enumerate(evaluation.placement.skill_list):
        rows.append(Question(f"skill-{n}", skill, _("この実習の技能"), "skill", skill=skill))
    return rows


def _may_write(user, evaluation: Evaluation) -> bool:
    if user is None:
        return True  # the caller read a signed link for this mentor evaluation
    if evaluation.evaluator == Evaluator.MENTOR:
        return acts_for_company(user, evaluation.placement.company_id)
    student = evaluation.placement.student
    if own_student_record(user) is not None:
        return own_student_record(user).pk == student.pk
    return may_change(user, evaluation.placement) and student.account_id is None


@transaction.atomic
def evaluation_save(
    *, evaluation: Evaluation, levels: dict[str, int | None], comment: str, submit: bool, user=None, written_by: str
) -> dict[str, str]:
    """Keep what was given; submit only when every line has a level. Returns the problems by field (none: done).

    A submitted evaluation is final: a second submit or save is refused.
    """
    evaluation = Evaluation.objects.select_for_update().select_related("placement", "rubric").get(pk=evaluation.pk)
    if not _may_write(user, evaluation):
        raise PermissionDenied
    if evaluation.submitted:
        raise ValidationError(_("この評価は提出済みです。"))
    scale = {value for value, _mark, _words in evaluation.rubric.scale}
    rows = questions(evaluation)
    problems: dict[str, str] = {}
    EvaluationScore.objects.filter(evaluation=evaluation).delete()
    scores = []
    for row in rows:
        level = levels.get(row.key)
        if level is None:
            if submit:
                problems[row.key] = _("段階を選んでください。")
            continue
        if level not in scale:
            problems[row.key] = _("この評価シートにない段階です。")
            continue
        scores.append(EvaluationScore(evaluation=evaluation, item=row.item, skill=row.skill, level=level))
    EvaluationScore.objects.bulk_create(scores)
    evaluation.comment = comment.strip()
    evaluation.written_by = written_by[:100]
    evaluation.user = user
    if submit and not problems:
        evaluation.status = EvaluationStatus.SUBMITTED
        evaluation.submitted_at = timezone.now()
    evaluation.save()
    return problems


def levels_of(evaluation: Evaluation | None) -> dict[str, int]:
    """An evaluation's levels by question key, for the form and the comparison."""
    if evaluation is None or evaluation.pk is None:
        return {}
    skills = {skill: n for n, skill in enumerate(evaluation.placement.skill_list)}
    found = {}
    for score in evaluation.scores.all():
        if score.item_id:
            found[f"item-{score.item_id}"] = score.level
        elif score.skill in skills:
            found[f"skill-{skills[score.skill]}"] = score.level
    return found


# --- the teacher's side -------------------------------------------------------------------------------------------


def evaluation_review_add(*, user, placement: Placement, stage: str, comment: str) -> EvaluationReview:
    review = EvaluationReview(placement=placement, stage=stage, comment=comment.strip(), written_by=user)
    if not may_change(user, review):
        raise PermissionDenied
    if not review.comment:
        raise ValidationError({"comment": _("コメントを入力してください。")})
    ProhibitNullCharactersValidator()(review.comment)  # as a form's text field would: PostgreSQL refuses NUL
    review.full_clean()
    review.save()
    return review


def evaluation_remind(*, evaluation: Evaluation, now=None) -> bool:
    """Mail the mentor the signed link to this evaluation and record when; False when there is no one to mail."""
    placement = evaluation.placement
    mentor = placement.mentor
    if mentor is None or not mentor.email or evaluation.submitted:
        return False
    with translation.override("ja"):
        subject = _("【マイスター・ハイスクール】%(stage)sのお願い：%(student)s さん") % {
            "stage": evaluation.get_stage_display(),
            "student": placement.student.kana_name,
        }
        body = render_to_string(
            "curricula/email/evaluation_request.txt",
            {
                "mentor": mentor,
                "evaluation": evaluation,
                "placement": placement,
                "due": due_on(placement, evaluation.stage),
                "url": links.EVALUATION.url(evaluation.pk),
            },
        )
    mailing.send(subject, body, mentor.email)
    Evaluation.objects.filter(pk=evaluation.pk).update(reminded_at=now or timezone.now())
    return True


def evaluation_remind_now(*, user, placement: Placement, stage: str) -> bool:
    if not may_change(user, placement):
        raise PermissionDenied
    if placement.mentor is None or not placement.mentor.email:
        raise ValidationError(_("指導担当者のメールアドレスが登録されていません。"))
    evaluation = evaluation_for(placement, stage, Evaluator.MENTOR)
    if evaluation.submitted:
        raise ValidationError(_("この評価は提出済みです。"))
    return evaluation_remind(evaluation=evaluation)


def evaluation_reminders_send(*, today: datetime.date | None = None) -> int:
    """The beat job: remind each mentor once of every evaluation due within the reminder days and not yet sent."""
    today = today or clock.today()
    horizon = today + datetime.timedelta(days=reminder_days())
    placements = (
        Placement.objects.filter(ends_on__gte=today, starts_on__lte=horizon)
        .exclude(mentor=None)
        .exclude(mentor__email="")
        .select_related("mentor", "student", "student__school", "company")
        .order_by("pk")
    )
    done = {
        (e.placement_id, e.stage)
        for e in Evaluation.objects.filter(placement__in=placements, evaluator=Evaluator.MENTOR).filter(
            Q(status=EvaluationStatus.SUBMITTED) | Q(reminded_at__isnull=False)
        )
    }
    due = []
    for placement in placements:
        for stage in EvaluationStage.values:
            if (placement.pk, stage) not in done and today <= due_on(placement, stage) <= horizon:
                due.append((placement, stage))

    def remind(row):
        placement, stage = row
        evaluation = evaluation_for(placement, stage, Evaluator.MENTOR)
        evaluation.placement = placement
        return evaluation_remind(evaluation=evaluation)

    return mailing.send_each(due, remind, what="evaluation reminder")


# --- rubrics --------------------------------------------------------------------------------------------------------


@transaction.atomic
def rubric_copy(*, user, rubric: Rubric, name: str) -> Rubric:
    """A copy of `rubric` owned by the user's prefecture or consortium, to adapt."""
    kind, ident = user.scope
    copy = Rubric(name=name.strip() or rubric.name, levels=rubric.levels, copied_from=rubric)
    if kind == ScopeKind.PREFECTURE:
        copy.prefecture_id = ident
    elif kind == ScopeKind.CONSORTIUM:
        copy.consortium_id = ident
    if not may_change(user, copy):
        raise PermissionDenied
    copy.full_clean()
    copy.save()
    RubricItem.objects.bulk_create(
        RubricItem(
            rubric=copy,
            section=i.section,
            position=i.position,
            title=i.title,
            criterion=i.criterion,
            descriptors=i.descriptors,
        )
        for i in rubric.items.all()
    )
    return copy


def may_edit_rubric(user, rubric: Rubric) -> bool:
    """The national default is kept as shipped; an owner edits their own copy."""
    return bool(rubric.prefecture_id or rubric.consortium_id) and may_change(user, rubric)


@transaction.atomic
def rubric_items_save(*, user, rubric: Rubric, formset) -> Rubric:
    """The items of an adapted rubric as the form left them, in the order shown; the level scale stays."""
    if not may_edit_rubric(user, rubric):
        raise PermissionDenied
    items = formset.save(commit=False)
    for item in formset.deleted_objects:
        if item.scores.exists():
            message = _("「%(title)s」は記入済みの評価に使われているため削除できません。")
            raise ValidationError(message % {"title": item.title})
        item.delete()
    last = max(rubric.items.values_list("position", flat=True), default=0)
    for item in items:
        item.rubric = rubric
        if item.position is None:
            last += 1
            item.position = last
        item.full_clean()
        item.save()
    return rubric


def evaluation_sheets(placements, *, with_self: bool = True) -> list[dict]:
    """The submitted evaluations of these placements, a sheet per placement and stage: each line with the mentor's
    and the student's marks, their remarks and the teacher's comments (the practice record prints these).
    Without `with_self` (a host company's copy) only the mentor's evaluations are there."""
    placements = {p.pk: p for p in placements}
    evaluators = Evaluator.values if with_self else [Evaluator.MENTOR]
    evaluations = (
        Evaluation.objects.filter(
            placement__in=list(placements), status=EvaluationStatus.SUBMITTED, evaluator__in=evaluators
        )
        .select_related("rubric")
        .prefetch_related("scores", "rubric__items")
    )
    reviews = EvaluationReview.objects.filter(placement__in=list(placements) if with_self else []).order_by(
        "written_at", "pk"
    )
    by_sheet: dict[tuple[int, str], dict] = {}
    for evaluation in evaluations:
        evaluation.placement = placements[evaluation.placement_id]
        sheet = by_sheet.setdefault(
            (evaluation.placement_id, evaluation.stage),
            {"placement": evaluation.placement, "stage": evaluation.get_stage_display(), "reviews": []},
        )
        sheet[evaluation.evaluator] = evaluation
    for review in reviews:
        sheet = by_sheet.get((review.placement_id, review.stage))
        if sheet is not None:
            sheet["reviews"].append(review)
    sheets = []
    for _key, sheet in sorted(by_sheet.items(), key=lambda kv: (kv[0][0], kv[0][1] != "midterm")):
        some = sheet.get(Evaluator.MENTOR) or sheet.get(Evaluator.SELF)
        rubric = some.rubric
        mentor = levels_of(sheet.get(Evaluator.MENTOR))
        own = levels_of(sheet.get(Evaluator.SELF))
        sheet["rows"] = [
            (q.title, rubric.mark(mentor.get(q.key)), rubric.mark(own.get(q.key)))
            for q in questions(some, list(rubric.items.all()))
        ]
        sheet["scale"] = rubric.scale
        sheets.append(sheet)
    return sheets


def evaluations_due(placements, *, evaluator: str, today: datetime.date | None = None) -> list[dict]:
    """The stages of these placements due within the reminder days, or past due, that `evaluator` has not submitted,
    soonest first (the dashboards list them): one query whatever the number of placements."""
    today = today or clock.today()
    horizon = today + datetime.timedelta(days=reminder_days())
    # Past due stays listed for a month after the placement ends, then it is history: older ones are not looked at.
    placements = [p for p in placements if p.ends_on >= today - datetime.timedelta(days=30)]
    submitted = set(
        Evaluation.objects.filter(
            placement__in=placements, evaluator=evaluator, status=EvaluationStatus.SUBMITTED
        ).values_list("placement_id", "stage")
    )
    due = []
    for placement in placements:
        for stage, label in EvaluationStage.choices:
            day = due_on(placement, stage)
            if day <= horizon:
                if (placement.pk, stage) not in submitted:
                    due.append({"placement": placement, "stage": stage, "label": label, "due": day})
    return sorted(due, key=lambda row: (row["due"], row["placement"].pk))


def evaluation_summary(placements, *, stage: str = EvaluationStage.FINAL) -> list[dict]:
    """The mean level of each rubric item over the submitted evaluations of `placements` at `stage`, by evaluator,
    counted by the database (the PDCA report shows these and hides the small groups). Items are matched by section
    and title, so a consortium's copy of a rubric adds to the same lines as the default."""
    from django.db.models import Avg, Count

    rows = (
        EvaluationScore.objects.filter(
            evaluation__placement__in=placements,
            evaluation__stage=stage,
            evaluation__status=EvaluationStatus.SUBMITTED,
            item__isnull=False,
        )
        .order_by()
        .values("item__section", "item__title", "evaluation__evaluator")
        .annotate(n=Count("evaluation", distinct=True), mean=Avg("level"), position=Avg("item__position"))
    )
    lines: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row["item__section"], row["item__title"])
        line = lines.setdefault(key, {"section": key[0], "title": key[1], "position": row["position"]})
        line[row["evaluation__evaluator"]] = {"n": row["n"], "mean": row["mean"]}
    return sorted(lines.values(), key=lambda line: (line["position"], line["title"]))
