"""Writes for the practice diary: the student's drafts and submissions, the teacher's return for rework, the mentor's
comment. A diary with a part missing is kept as a draft, with the problem named by its field."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curricula.models import DiaryEntry, DiaryStatus, Placement
from curricula.photos import cleaned_photo
from meister import clock
from meister.scoping import acts_for_company, may_change
from meister.uploads import replacing_files

TEXT_LIMIT = 4000


def diary_for(placement: Placement, day: datetime.date) -> DiaryEntry:
    """The diary of that day, or a new unsaved one."""
    found = DiaryEntry.objects.filter(placement=placement, day=day).first()
    return found or DiaryEntry(placement=placement, day=day)


def day_problem(placement: Placement, day: datetime.date) -> str | None:
    """Why no diary can be written for `day`, else None: a day to come, or one outside the placement's days."""
    if day > clock.today():
        return _("まだ来ていない日の日誌は書けません。")
    if not placement.starts_on <= day <= placement.ends_on:
        return _("実習の期間外の日です。")
    if not placement.is_expected_on(day) and not placement.logs.filter(day=day).exists():
        return _("この日は実習日ではありません。")
    return None


@transaction.atomic
def diary_save(
    *, user, entry: DiaryEntry, did: str, learned: str, photo=None, remove_photo: bool = False, submit: bool
) -> dict[str, str]:
    """Keep what was typed (as a draft at least); submit when nothing is missing. Returns the problems by field.

    The caller has checked that `user` writes for this placement's student (the student, or a teacher for a student
    without an account). A submitted diary waits for the teacher and cannot be changed until it is sent back.
    """
    problem = day_problem(entry.placement, entry.day)
    if problem:
        raise ValidationError(problem)
    if entry.pk:
        entry = DiaryEntry.objects.select_for_update().select_related("placement").get(pk=entry.pk)
    if entry.status == DiaryStatus.SUBMITTED:
        raise ValidationError(_("提出済みの日誌は、先生から戻されるまで直せません。"))
    problems: dict[str, str] = {}
    entry.did, entry.learned = did.strip()[:TEXT_LIMIT], learned.strip()[:TEXT_LIMIT]
    entry.written_by = user
    if photo is not None:
        try:
            entry.photo = cleaned_photo(photo)
        except ValidationError as error:
            problems["photo"] = " ".join(error.messages)
    elif remove_photo:
        entry.photo = None
    if submit:
        if not entry.did:
            problems["did"] = _("今日したことを書いてください。")
        if not entry.learned:
            problems["learned"] = _("学んだこと・気づいたことを書いてください。")
    if submit and not problems:
        entry.status = DiaryStatus.SUBMITTED
        entry.submitted_at = timezone.now()
    try:
        with transaction.atomic(), replacing_files(entry, "photo"):
            entry.save()
    except IntegrityError:
        raise ValidationError(_("同じ日の日誌が別の画面から保存されました。ページを読み込み直してください。")) from None
    return problems


def _comment_text(comment: str) -> str:
    """A comment as kept: trimmed and capped; a NUL byte (which no text column holds) refused next to the field."""
    try:
        ProhibitNullCharactersValidator()(comment)
    except ValidationError as error:
        raise ValidationError({"comment": error.messages}) from None
    return comment.strip()[:TEXT_LIMIT]


@transaction.atomic
def diary_return(*, user, entry: DiaryEntry, comment: str) -> DiaryEntry:
    """The teacher sends a submitted diary back for rework, saying why."""
    entry = DiaryEntry.objects.select_for_update().select_related("placement").get(pk=entry.pk)
    if not may_change(user, entry.placement):
        raise PermissionDenied
    if entry.status != DiaryStatus.SUBMITTED:
        raise ValidationError(_("提出された日誌だけを戻せます。"))
    comment = _comment_text(comment)
    if not comment:
        raise ValidationError({"comment": _("書き直してほしい点を書いてください。")})
    entry.status = DiaryStatus.RETURNED
    entry.teacher_comment = _comment_text(comment)
    entry.save()
    return entry


@transaction.atomic
def diary_teacher_comment(*, user, entry: DiaryEntry, comment: str) -> DiaryEntry:
    """The teacher's comment on a diary without sending it back."""
    entry = DiaryEntry.objects.select_for_update().select_related("placement").get(pk=entry.pk)
    if not may_change(user, entry.placement):
        raise PermissionDenied
    comment = _comment_text(comment)
    if not comment:
        raise ValidationError({"comment": _("コメントを入力してください。")})
    entry.teacher_comment = _comment_text(comment)
    entry.save()
    return entry


@transaction.atomic
def diary_mentor_comment(*, entry: DiaryEntry, comment: str, actor: str, user=None) -> DiaryEntry:
    """The mentor's comment, signed in or through the confirmation link (`user` None: the caller checked the link)."""
    entry = DiaryEntry.objects.select_for_update().select_related("placement").get(pk=entry.pk)
    if user is not None and not acts_for_company(user, entry.placement.company_id):
        raise PermissionDenied
    if not entry.shared:
        raise ValidationError(_("まだ提出されていない日誌です。"))
    entry.mentor_comment = _comment_text(comment)
    entry.mentor_name = actor[:100]
    entry.save()
    return entry
