"""Writes for placements and day logs. Every change of a day log leaves a DayLogEvent behind."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from curricula import links, schedule
from curricula.models import (
    AgreementStatus,
    DayLog,
    DayLogEvent,
    EventAction,
    LogStatus,
    Placement,
    Student,
)
from curricula.services.rollover import student_enrolment_ensure
from curricula.tallies import school_of_placement, tallies_recount, tally_confirmed_hours, unlogged_for_student
from meister import clock, mailing
from meister.fiscal import current_fiscal_year
from meister.scoping import (
    acts_for_company,
    may_change,
    may_create,
    saving_in_scope,
)
from meister.uploads import replacing_files

LOG_FIELDS = ("attendance", "hours", "activities", "reflection")


def _actor(user) -> str:
    return user.get_full_name() or user.username


def _event(log, *, user, actor, action, old_status, note="") -> DayLogEvent:
    return DayLogEvent.objects.create(
        day_log=log, user=user, actor=actor, action=action, old_status=old_status, new_status=log.status, note=note
    )


@transaction.atomic
def day_logs_record(*, user, day: datetime.date, rows: list[tuple[Placement, dict]]) -> list[DayLog]:
    """Save a class's day in one go: all rows or none. New and changed rows go (back) to the mentor."""
    if not may_create(user, DayLog):
        raise PermissionDenied
    if day > clock.today():
        raise ValidationError(_("まだ来ていない日の記録はできません。"))
    saved = []
    for placement, data in rows:
        log = DayLog.objects.select_for_update().filter(placement=placement, day=day).first()
        if log is not None and log.status == LogStatus.CONFIRMED:
            continue  # confirmed days are the mentor's word; the form shows them read-only
        if log is None:
            log = DayLog(placement=placement, day=day, logged_by=user, **data)
            log.full_clean()
            try:
                with transaction.atomic():
                    log.save()
            except IntegrityError:
                # Saved a moment ago from another tab or a double click: ask to reload, keep what was typed.
                raise ValidationError(
                    _("同じ日の記録が別の画面から保存されました。ページを読み込み直してから保存してください。")
                ) from None
            _event(log, user=user, actor=_actor(user), action=EventAction.LOGGED, old_status="")
            saved.append(log)
            continue
        changed = [name for name in LOG_FIELDS if getattr(log, name) != data[name]]
        if not changed and log.status == LogStatus.PENDING:
            continue
        old_status = log.status
        for name in LOG_FIELDS:
            setattr(log, name, data[name])
        log.status = LogStatus.PENDING
        log.logged_by = user
        log.full_clean()
        log.save()
        _event(log, user=user, actor=_actor(user), action=EventAction.CORRECTED, old_status=old_status)
        saved.append(log)
    mentors = {log.placement.mentor for log in saved if log.placement.mentor and log.placement.mentor.email}
    if mentors:
        transaction.on_commit(lambda: _request_confirmations(mentors))
    return saved


@transaction.atomic
def day_log_correct(*, user, log: DayLog, data: dict) -> DayLog:
    """The teacher corrects one day (usually after a rejection) and sends it back for confirmation."""
    if not may_change(user, log) or log.status == LogStatus.CONFIRMED:
        raise PermissionDenied
    saved = day_logs_record(user=user, day=log.day, rows=[(log.placement, data)])
    return saved[0] if saved else log


def _may_review(user, log: DayLog) -> bool:
    if user is None:
        return True  # the caller checked a signed link
    return acts_for_company(user, log.placement.company_id)


@transaction.atomic
def day_log_confirm(*, log: DayLog, user=None, actor: str, feedback: str = "") -> DayLog:
    """The mentor confirms a pending day (logged in, or through a signed link when `user` is None)."""
    log = DayLog.objects.select_for_update().select_related("placement").get(pk=log.pk)
    if not _may_review(user, log):
        raise PermissionDenied
    if log.status != LogStatus.PENDING:
        raise ValidationError(_("この記録は確認待ちではありません。"))
    old_status = log.status
    log.status = LogStatus.CONFIRMED
    log.feedback = feedback
    log.rejection_reason = ""
    log.confirmed_at = timezone.now()
    log.save()
    tally_confirmed_hours(log=log, sign=1)
    _event(log, user=user, actor=actor, action=EventAction.CONFIRMED, old_status=old_status, note=feedback)
    return log


def day_logs_confirm_all(*, logs: list[DayLog], user=None, actor: str) -> dict:
    """Confirm every day of `logs` still pending, in one go. Returns what was confirmed, for
    `day_logs_unconfirm`: {"at": ISO moment, "logs": {pk: ISO confirmed_at}}."""
    confirmed = {}
    with transaction.atomic():
        for log in logs:
            # A second click or another tab may have answered some already: confirm the rest.
            if DayLog.objects.filter(pk=log.pk, status=LogStatus.PENDING).exists():
                done = day_log_confirm(log=log, user=user, actor=actor)
                confirmed[str(done.pk)] = done.confirmed_at.isoformat()
    return {"at": clock.now().isoformat(), "logs": confirmed}


def confirm_all_undo_deadline(batch: dict) -> datetime.datetime:
    return datetime.datetime.fromisoformat(batch["at"]) + datetime.timedelta(minutes=settings.CONFIRM_ALL_UNDO_MINUTES)


@transaction.atomic
def day_logs_unconfirm(*, batch: dict, among, user=None, actor: str) -> int:
    """Take back a "confirm all" within CONFIRM_ALL_UNDO_MINUTES: exactly the days it confirmed go back to pending,
    except one confirmed again since or changed otherwise. `among` is the reviewer's reach (a queryset of DayLog).
    Returns how many went back."""
    if clock.now() > confirm_all_undo_deadline(batch):
        raise ValidationError(
            _("「すべて確認する」の取り消しは%(minutes)s分以内です。") % {"minutes": settings.CONFIRM_ALL_UNDO_MINUTES}
        )
    stamps = {int(pk): at for pk, at in batch["logs"].items()}
    count = 0
    for log in among.select_for_update(of=("self",)).select_related("placement").filter(pk__in=stamps):
        if not _may_review(user, log):
            raise PermissionDenied
        if log.status != LogStatus.CONFIRMED or log.confirmed_at is None:
            continue
        if log.confirmed_at.isoformat() != stamps[log.pk]:
            continue
        old_status = log.status
        log.status = LogStatus.PENDING
        log.feedback = ""
        log.confirmed_at = None
        log.save()
        tally_confirmed_hours(log=log, sign=-1)
        _event(log, user=user, actor=actor, action=EventAction.UNDONE, old_status=old_status)
        count += 1
    return count


@transaction.atomic
def day_log_reject(*, log: DayLog, user=None, actor: str, reason: str) -> DayLog:
    log = DayLog.objects.select_for_update().select_related("placement").get(pk=log.pk)
    if not _may_review(user, log):
        raise PermissionDenied
    if log.status != LogStatus.PENDING:
        raise ValidationError(_("この記録は確認待ちではありません。"))
    if not reason.strip():
        raise ValidationError(_("差し戻しの理由を入力してください。"))
    old_status = log.status
    log.status = LogStatus.REJECTED
    log.rejection_reason = reason.strip()
    log.save()
    _event(log, user=user, actor=actor, action=EventAction.REJECTED, old_status=old_status, note=log.rejection_reason)
    return log


def mentor_request_confirmation(*, mentor) -> bool:
    """Email the mentor the signed link to their pending days; False when there is nothing to confirm."""
    from curricula.selectors import pending_logs_for_mentor

    pending = list(pending_logs_for_mentor(mentor=mentor))
    if not pending or not mentor.email:
        return False
    with translation.override("ja"):
        context = {
            "mentor": mentor,
            "logs": pending,
            "url": links.CONFIRMATION.url(mentor.pk),
            "days": links.CONFIRMATION.age().days,
        }
        subject = _("【マイスター・ハイスクール】実習日の確認のお願い（%(count)s件）") % {"count": len(pending)}
        body = render_to_string("curricula/email/confirmation_request.txt", context)
    mailing.send(subject, body, mentor.email)
    return True


def _request_confirmations(mentors) -> int:
    """One mentor's failing address does not keep the others from hearing about their days."""
    return mailing.send_each(mentors, lambda m: mentor_request_confirmation(mentor=m), what="mentor")


def confirmation_reminders_send(*, older_than_days: int = 0) -> int:
    """Email every mentor with pending days logged at least `older_than_days` ago; returns how many were sent."""
    from partners.models import Person

    cutoff = clock.today() - datetime.timedelta(days=older_than_days)
    mentors = Person.objects.filter(
        mentored_placements__logs__status=LogStatus.PENDING, mentored_placements__logs__day__lte=cutoff
    ).exclude(email="")
    return _request_confirmations(mentors.distinct().order_by("pk"))


@transaction.atomic
def placement_agreement_update(*, user, placement: Placement, status: str, scan=None) -> Placement:
    if not may_change(user, placement):
        raise PermissionDenied
    placement.agreement_status = status
    if scan is not None:
        placement.agreement_scan = scan
    if placement.agreement_status == AgreementStatus.SIGNED and not placement.agreement_scan:
        raise ValidationError({"agreement_scan": _("締結済みにするには署名済みの協定書をアップロードしてください。")})
    placement.full_clean()
    # A replaced scan leaves storage: it names the student and their guardian.
    with replacing_files(placement, "agreement_scan"), saving_in_scope(user, placement):
        placement.save()
    return placement


def placement_save(*, user, placement: Placement) -> Placement:
    if not may_change(user, placement) or not may_change(user, placement.student):
        raise PermissionDenied
    placement.full_clean()
    was_at = school_of_placement(placement.pk)
    with saving_in_scope(user, placement):
        placement.save()
        tallies_recount(school_ids=[was_at, placement.student.school_id])
    return placement


def student_save(*, user, student) -> object:
    if not may_change(user, student):
        raise PermissionDenied
    student.full_clean()
    was_at = Student.objects.filter(pk=student.pk).values_list("school_id", flat=True).first() if student.pk else None
    with saving_in_scope(user, student):
        student.save()
        if was_at not in (None, student.school_id):
            tallies_recount(school_ids=[was_at, student.school_id])  # its placements count for the new school
            unlogged_for_student(student.pk)  # and follow its calendar
        # Entered one at a time, the student is on this year's roster in the class the form gave.
        student_enrolment_ensure(student, current_fiscal_year())
    return student


def placement_day_reminders_send(*, day: datetime.date) -> int:
    """The day before: tell each mentor which students come on `day`; returns how many mentors were told."""
    placements = (
        Placement.objects.filter(starts_on__lte=day, ends_on__gte=day, weekdays__contains=str(day.weekday()))
        .exclude(mentor=None)
        .exclude(mentor__email="")
        .select_related("mentor", "student", "student__school", "company")
        .order_by("mentor", "student__class_name", "student__number")
    )
    by_mentor: dict[int, list[Placement]] = {}
    for placement in schedule.attach(placements, first=day, last=day):
        if not placement.is_expected_on(day):
            continue  # a holiday or the school's or company's closed day: nobody comes
        by_mentor.setdefault(placement.mentor_id, []).append(placement)

    def tell(rows):
        mentor = rows[0].mentor
        with translation.override("ja"):
            subject = _("【マイスター・ハイスクール】明日の実習のお知らせ（%(count)s人）") % {"count": len(rows)}
            body = render_to_string(
                "curricula/email/placement_day.txt",
                {"mentor": mentor, "day": day, "rows": rows, "url": links.CONFIRMATION.url(mentor.pk)},
            )
        mailing.send(subject, body, mentor.email)

    return mailing.send_each(by_mentor.values(), tell, what="mentor of placements")
