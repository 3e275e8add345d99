"""Writing assessments: administrations, the teacher's grid of answers, and scores kept with each response."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assessments.models import Administration, Response
from assessments.scoring import InstrumentSpec
from meister.scoping import saving_in_scope


def administration_create(*, user, **values) -> Administration:
    administration = Administration(created_by=user, **values)
    administration.full_clean()
    with saving_in_scope(user, administration):
        administration.save()
    return administration


def grid_parse(*, spec: InstrumentSpec, students, data) -> tuple[dict, dict]:
    """The grid's cells as typed (to show again) and the errors per cell; keys are (student pk, item key)."""
    typed, errors = {}, {}
    for student in students:
        for item in spec.items:
            text = data.get(f"a-{student.pk}-{item.number}", "")
            typed[(student.pk, item.key)] = text
            _value, error = spec.parse(text)
            if error:
                errors[(student.pk, item.key)] = error
    return typed, errors


def responses_save_grid(
    *, administration: Administration, spec: InstrumentSpec, students, typed: dict, user=None
) -> int:
    """Save every student's row at once; a row left blank removes that student's response. Returns rows saved."""
    existing = {r.student_id: r for r in administration.responses.all()}
    to_create, to_update, to_delete = [], [], []
    for student in students:
        answers = {}
        for item in spec.items:
            value, error = spec.parse(typed.get((student.pk, item.key), ""))
            if error:
                raise ValidationError(error)
            if value is not None:
                answers[item.key] = value
        response = existing.get(student.pk)
        if not answers:
            if response:
                to_delete.append(response.pk)
            continue
        scores = spec.scores(answers)
        if response is None:
            to_create.append(Response(administration=administration, student=student, answers=answers, scores=scores))
        elif response.answers != answers:
            response.answers, response.scores = answers, scores
            # bulk_update leaves auto_now alone.
            response.updated_at = timezone.now()
            to_update.append(response)
    # Bulk writes keep a 40-student grid at a fixed number of queries; each change is also kept in the history.
    with transaction.atomic():
        for response in Response.objects.filter(pk__in=to_delete):
            response.delete()
        bulk_create_with_history(to_create, Response, default_user=user)
        bulk_update_with_history(to_update, Response, ["answers", "scores", "updated_at"], default_user=user)
    return len(to_create) + len(to_update)


def grid_error_summary(errors: dict) -> str:
    return _("%(n)s か所の入力に誤りがあります。赤い枠のセルを直してください（何も保存していません）。") % {
        "n": len(errors)
    }
