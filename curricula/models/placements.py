"""Placements at companies on a weekday pattern, their day logs and the logs' audit trail."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curricula.models.common import SCHOOL_PATHS, _prefixed, valid_weekdays
from curricula.models.students import Student
from curricula.models.teaching import Subject
from curricula.schedule import calendar_of, pattern_days
from meister.labels import choice_label
from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import (
    period_errors,
    validate_positive,
    validate_record_date,
    validate_school_day_hours,
)
from partners.models import WEEKDAYS


class PlacementKind(models.TextChoices):
    DUAL_SYSTEM = "dual_system", _("デュアルシステム")
    LONG_INTERNSHIP = "long_internship", _("長期インターンシップ")
    SHORT_INTERNSHIP = "short_internship", _("短期インターンシップ")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    SENT = "sent", _("送付済み")
    SIGNED = "signed", _("締結済み")


DEFAULT_INSURANCE = (
    "独立行政法人日本スポーツ振興センター災害共済給付、インターンシップ活動中の賠償責任保険（学校負担）に加入する。"
)
DEFAULT_SAFETY = (
    "受入れ企業は作業内容に応じた安全教育を初日に行い、保護具を貸与する。"
    "危険を伴う機械の単独操作はさせない。事故・体調不良の際は直ちに学校へ連絡する。"
)


class Placement(models.Model):
    """A student at a company on a weekday pattern over a period; the pattern yields the expected days."""

    student = models.ForeignKey(Student, verbose_name=_("生徒"), on_delete=models.CASCADE, related_name="placements")
    company = models.ForeignKey(
        "partners.Company", verbose_name=_("受入れ企業"), on_delete=models.PROTECT, related_name="placements"
    )
    mentor = models.ForeignKey(
        "partners.Person",
        verbose_name=_("指導担当者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentored_placements",
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("科目"), on_delete=models.SET_NULL, null=True, blank=True, related_name="placements"
    )
    engagement = models.ForeignKey(
        "partners.Engagement",
        verbose_name=_("連携活動"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
    )
    kind = models.CharField(_("形態"), max_length=20, choices=PlacementKind.choices)
    starts_on = models.DateField(_("開始日"), validators=[validate_record_date])
    ends_on = models.DateField(_("終了日"), validators=[validate_record_date])
    # Weekday digits, 0=Monday … 6=Sunday ("2" = every Wednesday): a string so that both SQLite and
    # PostgreSQL can select the placements of one day with a plain `contains`.
    weekdays = models.CharField(_("実習の曜日"), max_length=7, help_text=_("0=月曜 … 6=日曜（毎週水曜日なら 2）"))
    hours_per_day = models.DecimalField(
        _("1日の時間数"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("6.0"),
        validators=[validate_school_day_hours],
    )
    required_hours = models.DecimalField(
        _("必要時間数"), max_digits=6, decimal_places=1, validators=[validate_positive]
    )
    agreement_status = models.CharField(
        _("三者協定"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    agreement_scan = models.FileField(_("三者協定（署名済み）"), upload_to="placements/agreements/%Y/", blank=True)
    insurance = models.TextField(_("保険"), default=DEFAULT_INSURANCE, blank=True)
    safety = models.TextField(_("安全管理"), default=DEFAULT_SAFETY, blank=True)
    # What this placement teaches, one skill a line: evaluated after the rubric's common items.
    skills = models.TextField(_("この実習で身に付ける技能（1行に1つ）"), blank=True)

    history = HistoricalRecords(verbose_name=_("実習の変更履歴"))
    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        **_prefixed("student", SCHOOL_PATHS),
        ScopeKind.COMPANY: ("company",),
        ScopeKind.STUDENT: ("student__account",),
    }
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["student__school", "student__kana_name", "student__class_name", "student__number", "starts_on"]
        # Running and recent placements (evaluations due, agreements to sign) are found by their end.
        # A scope's placements are found by their students, with their ids in the index (no visit to the rows).
        indexes = [
            models.Index(fields=["ends_on"], name="placement_ends_on"),
            models.Index(fields=["student"], include=["id"], name="placement_student_ids"),
        ]
        verbose_name = _("実習の受入れ")
        verbose_name_plural = _("実習の受入れ")

    def __str__(self):
        return f"{self.student} @ {self.company}"

    def get_absolute_url(self):
        return reverse("curricula:placement_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = period_errors(
            self.starts_on, self.ends_on, start_field="starts_on", end_field="ends_on", one_fiscal_year=True
        )
        if not valid_weekdays(self.weekdays):
            errors["weekdays"] = _("曜日を1つ以上選んでください。")
        if self.mentor_id and self.company_id and self.mentor.company_id != self.company_id:
            errors["mentor"] = _("指導担当者は受入れ企業の担当者から選んでください。")
        if self.engagement_id and (
            self.engagement.company_id != self.company_id or self.engagement.school_id != self.student.school_id
        ):
            errors["engagement"] = _("この生徒の学校と受入れ企業の連携活動を選んでください。")
        if errors:
            raise ValidationError(errors)

    @property
    def weekday_numbers(self) -> list[int]:
        return sorted(int(c) for c in self.weekdays or "")

    @property
    def weekday_labels(self) -> str:
        labels = dict(WEEKDAYS)
        return "・".join(str(labels[d]) for d in self.weekday_numbers)

    def pattern_days(self, until: datetime.date | None = None) -> list[datetime.date]:
        """Every day of the weekday pattern inside the period, holidays and breaks included."""
        return pattern_days(self, until)

    def expected_days(self, until: datetime.date | None = None) -> list[datetime.date]:
        """The pattern's days inside the period (up to `until` when given), less national holidays and the school's
        and the company's closed days (curricula.schedule)."""
        return calendar_of(self).expected_days(self, until)

    def is_expected_on(self, day: datetime.date) -> bool:
        return calendar_of(self).is_expected_on(self, day)

    @property
    def skill_list(self) -> list[str]:
        return [line.strip()[:100] for line in (self.skills or "").splitlines() if line.strip()][:20]

    def closed_reason(self, day: datetime.date) -> str | None:
        """A national holiday's name or the school's or company's closed period on `day`, else None."""
        return calendar_of(self).closed_reason(self, day)


class Attendance(models.TextChoices):
    PRESENT = "present", _("出席")
    LATE = "late", _("遅刻・早退")
    ABSENT = "absent", _("欠席")


class LogStatus(models.TextChoices):
    PENDING = "pending", _("確認待ち")
    CONFIRMED = "confirmed", _("確認済み")
    REJECTED = "rejected", _("差し戻し")


class DayLog(models.Model):
    """One student's day at the company, logged by the teacher and confirmed (or rejected) by the mentor."""

    placement = models.ForeignKey(Placement, verbose_name=_("実習"), on_delete=models.CASCADE, related_name="logs")
    day = models.DateField(_("実習日"), validators=[validate_record_date])
    attendance = models.CharField(_("出欠"), max_length=10, choices=Attendance.choices, default=Attendance.PRESENT)
    hours = models.DecimalField(
        _("時間数"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("12"))],
    )
    activities = models.TextField(_("実習内容"), blank=True)
    reflection = models.TextField(_("生徒の振り返り（実習日誌）"), blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=LogStatus.choices, default=LogStatus.PENDING)
    feedback = models.TextField(_("指導担当者のコメント"), blank=True)
    rejection_reason = models.TextField(_("差し戻しの理由"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("記録者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("実習日誌の変更履歴"))
    objects = ScopedQuerySet.as_manager()
    scope_paths = _prefixed("placement", Placement.scope_paths)
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["placement", "day"]
        constraints = [models.UniqueConstraint(fields=["placement", "day"], name="day_log_once_per_day")]
        # The days waiting for the mentor or sent back: the dashboards count these among millions of confirmed ones.
        indexes = [
            models.Index(
                fields=["placement"],
                include=["status"],
                condition=models.Q(status__in=["pending", "rejected"]),
                name="day_log_waiting_status",
            )
        ]
        verbose_name = _("実習日の記録")
        verbose_name_plural = _("実習日の記録")

    def __str__(self):
        return f"{self.placement.student} {self.day}"

    # What the lists print for the two choices, from tables made once per language (`get_..._display` costs more).
    @property
    def status_label(self) -> str:
        return choice_label(LogStatus, self.status)

    @property
    def attendance_label(self) -> str:
        return choice_label(Attendance, self.attendance)

    def clean(self):
        super().clean()
        if self.attendance == Attendance.ABSENT and self.hours:
            raise ValidationError({"hours": _("欠席の日の時間数は0にしてください。")})
        if self.attendance != Attendance.ABSENT and not self.hours:
            raise ValidationError({"hours": _("時間数を入力してください。")})


class EventAction(models.TextChoices):
    LOGGED = "logged", _("記録")
    CORRECTED = "corrected", _("修正")
    CONFIRMED = "confirmed", _("確認")
    REJECTED = "rejected", _("差し戻し")
    UNDONE = "undone", _("確認の取り消し")


class DayLogEvent(models.Model):
    """The audit trail of a day log: who did what, when, and the status before and after."""

    day_log = models.ForeignKey(DayLog, verbose_name=_("実習日の記録"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("日時"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Who acted, in words: kept even for a mentor who came through an emailed link without an account.
    actor = models.CharField(_("操作者名"), max_length=100)
    action = models.CharField(_("操作"), max_length=10, choices=EventAction.choices)
    old_status = models.CharField(_("変更前"), max_length=10, choices=LogStatus.choices, blank=True)
    new_status = models.CharField(_("変更後"), max_length=10, choices=LogStatus.choices)
    note = models.TextField(_("メモ"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = _prefixed("day_log", DayLog.scope_paths)
    change_roles: set = set()

    class Meta:
        ordering = ["day_log", "at", "pk"]
        verbose_name = _("実習日の記録の履歴")
        verbose_name_plural = _("実習日の記録の履歴")

    def __str__(self):
        return f"{self.day_log} {self.get_action_display()}"
