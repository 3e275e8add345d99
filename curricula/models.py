"""Curricula, class sessions with industry, joint projects, students, placements and their day logs.

Students carry only what the programme needs: kana name, school, class and number, and a guardian
contact kept for the 三者協定. Company users reach students only through their own placements, and
the ministry sees counts, never names (the views enforce the latter: `meister.scoping.may_see_named_students`).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curricula.models_roster import Enrolment, EnrolmentStatus, Rollover  # noqa: F401 (the roster's models)
from curricula.schedule import calendar_of, pattern_days
from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import (
    period_errors,
    validate_fiscal_year,
    validate_positive,
    validate_record_date,
    validate_school_day_hours,
    validate_text_line,
)
from partners.models import WEEKDAYS

SCHOOL_PATHS = {
    ScopeKind.PREFECTURE: ("school__prefecture",),
    ScopeKind.CONSORTIUM: ("school__consortia",),
    ScopeKind.SCHOOL: ("school",),
}


def _prefixed(prefix: str, paths: dict) -> dict:
    return {kind: tuple(f"{prefix}__{path}" for path in values) for kind, values in paths.items()}


def valid_weekdays(digits: str | None) -> bool:
    """A weekday pattern: one or more distinct digits 0 (Monday) … 6 (Sunday)."""
    digits = digits or ""
    return bool(digits) and all(c in "0123456" for c in digits) and len(set(digits)) == len(digits)


class InvolvementKind(models.TextChoices):
    LECTURE = "lecture", _("出前授業")
    VISIT = "visit", _("企業見学")
    FACILITY = "facility", _("施設・設備を使った実習")
    JOINT_MEETING = "joint_meeting", _("合同会議")
    TRAINING = "training", _("研修")
    DUAL_SYSTEM = "dual_system", _("デュアルシステム")
    INTERNSHIP = "internship", _("インターンシップ")
    JOINT_PROJECT = "joint_project", _("共同研究・商品開発")


class Subject(models.Model):
    """A 学校設定科目; `follows` links the sequence across grades (近江マイスター → ブラッシュアップ実習 → …)."""

    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.CASCADE, related_name="subjects"
    )
    department = models.ForeignKey(
        "partners.Department", verbose_name=_("学科"), on_delete=models.SET_NULL, null=True, blank=True
    )
    name = models.CharField(_("科目名"), max_length=100, validators=[validate_text_line])
    grade = models.PositiveSmallIntegerField(_("学年"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    credits = models.PositiveSmallIntegerField(_("単位数"))
    description = models.TextField(_("内容"), blank=True)
    involvement = models.JSONField(_("産業界の関わり方"), default=list, blank=True)
    companies = models.ManyToManyField(
        "partners.Company", verbose_name=_("連携企業"), blank=True, related_name="subjects"
    )
    follows = models.ForeignKey(
        "self",
        verbose_name=_("前の学年の科目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = {**SCHOOL_PATHS, ScopeKind.COMPANY: ("companies",)}
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["school", "grade", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="subject_unique_per_school")]
        verbose_name = _("学校設定科目")
        verbose_name_plural = _("学校設定科目")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        allowed = set(InvolvementKind.values)
        if any(kind not in allowed for kind in self.involvement or []):
            raise ValidationError({"involvement": _("産業界の関わり方の値が正しくありません。")})
        if self.department_id and self.school_id and self.department.school_id != self.school_id:
            raise ValidationError({"department": _("学科は同じ学校のものを選んでください。")})

    def involvement_labels(self) -> list[str]:
        labels = dict(InvolvementKind.choices)
        return [str(labels[kind]) for kind in self.involvement or [] if kind in labels]


class SessionKind(models.TextChoices):
    LECTURE = "lecture", _("出前授業")
    VISIT = "visit", _("企業見学")
    FACILITY = "facility", _("施設・設備を使った実習")
    JOINT_MEETING = "joint_meeting", _("合同会議")
    TRAINING = "training", _("研修")


class ClassSession(models.Model):
    """A lesson given with industry: who came (or where the class went), for how long, for how many."""

    subject = models.ForeignKey(Subject, verbose_name=_("科目"), on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("実施日"), validators=[validate_record_date])
    kind = models.CharField(_("種別"), max_length=20, choices=SessionKind.choices)
    hours = models.DecimalField(_("時間数"), max_digits=4, decimal_places=1, validators=[validate_school_day_hours])
    student_count = models.PositiveSmallIntegerField(_("参加生徒数"))
    company = models.ForeignKey(
        "partners.Company", verbose_name=_("企業"), on_delete=models.SET_NULL, null=True, blank=True
    )
    person = models.ForeignKey(
        "partners.Person", verbose_name=_("講師・担当者"), on_delete=models.SET_NULL, null=True, blank=True
    )
    engagement = models.ForeignKey(
        "partners.Engagement",
        verbose_name=_("連携活動"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    notes = models.TextField(_("内容"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {**_prefixed("subject", SCHOOL_PATHS), ScopeKind.COMPANY: ("company",)}
    # The coordinator arranges the lecturers and visits for the consortium's schools, so records them too.
    change_roles = {Role.ADMIN, Role.TEACHER, Role.COORDINATOR}

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("産業界と連携した授業")
        verbose_name_plural = _("産業界と連携した授業")

    def __str__(self):
        return f"{self.held_on} {self.subject} {self.get_kind_display()}"


class ProjectKind(models.TextChoices):
    ASSIGNMENT = "assignment", _("課題研究")
    JOINT_RESEARCH = "joint_research", _("共同研究")
    PRODUCT_DEVELOPMENT = "product_development", _("商品開発")


class JointProject(models.Model):
    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.CASCADE, related_name="joint_projects"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    kind = models.CharField(_("種別"), max_length=30, choices=ProjectKind.choices)
    theme = models.CharField(_("テーマ"), max_length=200, validators=[validate_text_line])
    companies = models.ManyToManyField(
        "partners.Company", verbose_name=_("連携企業"), blank=True, related_name="joint_projects"
    )
    organisations = models.ManyToManyField(
        "partners.Organisation", verbose_name=_("連携機関"), blank=True, related_name="joint_projects"
    )
    student_count = models.PositiveSmallIntegerField(_("参加生徒数"), default=0)
    outcomes = models.TextField(_("成果"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {**SCHOOL_PATHS, ScopeKind.COMPANY: ("companies",)}
    change_roles = {Role.ADMIN, Role.TEACHER, Role.COORDINATOR}

    class Meta:
        ordering = ["-fiscal_year", "school", "theme"]
        verbose_name = _("共同プロジェクト")
        verbose_name_plural = _("共同プロジェクト")

    def __str__(self):
        return self.theme


class Student(models.Model):
    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="students"
    )
    department = models.ForeignKey(
        "partners.Department", verbose_name=_("学科"), on_delete=models.PROTECT, related_name="students"
    )
    entry_year = models.PositiveSmallIntegerField(_("入学年度"), validators=[validate_fiscal_year])
    class_name = models.CharField(_("組"), max_length=10, validators=[validate_text_line])
    number = models.PositiveSmallIntegerField(_("出席番号"))
    kana_name = models.CharField(_("氏名（かな）"), max_length=60, validators=[validate_text_line])
    full_name = models.CharField(_("氏名"), max_length=60, blank=True, validators=[validate_text_line])
    # The school's own key (校務支援システムの生徒番号): what a roster import matches rows by.
    student_number = models.CharField(_("生徒番号"), max_length=20, blank=True, validators=[validate_text_line])
    gender = models.CharField(_("性別"), max_length=10, blank=True, validators=[validate_text_line])
    # Only for the 三者協定 of a placement; never shown to companies.
    guardian_name = models.CharField(_("保護者氏名"), max_length=60, blank=True, validators=[validate_text_line])
    guardian_contact = models.CharField(_("保護者連絡先"), max_length=100, blank=True, validators=[validate_text_line])
    anonymised_on = models.DateField(_("匿名化日"), null=True, blank=True, editable=False)
    history = HistoricalRecords(verbose_name=_("生徒の変更履歴"))

    objects = ScopedQuerySet.as_manager()
    scope_paths = {**SCHOOL_PATHS, ScopeKind.COMPANY: ("placements__company",)}
    change_roles = {Role.ADMIN, Role.TEACHER}
    # Who sees 氏名 (meister.scoping.may_see_full_names); the ministry never does.
    full_name_scopes = frozenset({ScopeKind.PREFECTURE, ScopeKind.CONSORTIUM, ScopeKind.SCHOOL, ScopeKind.COMPANY})
    full_name_roles = frozenset({Role.ADMIN})

    class Meta:
        ordering = ["school", "-entry_year", "class_name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "entry_year", "class_name", "number"],
                name="student_unique_class_number",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.UniqueConstraint(
                fields=["school", "student_number"], condition=~models.Q(student_number=""), name="student_number_once"
            ),
        ]
        verbose_name = _("生徒")
        verbose_name_plural = _("生徒")

    def __str__(self):
        return self.kana_name

    def clean(self):
        super().clean()
        if self.department_id and self.school_id and self.department.school_id != self.school_id:
            raise ValidationError({"department": _("学科は同じ学校のものを選んでください。")})

    def grade_in(self, fiscal_year: int) -> int:
        return fiscal_year - self.entry_year + 1

    @property
    def graduation_fiscal_year(self) -> int:
        """The recorded graduation, else the end of a three-year course (entering FY2024 → FY2026)."""
        destination = getattr(self, "destination", None)
        return destination.graduated_fiscal_year if destination else self.entry_year + 2


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

    history = HistoricalRecords(verbose_name=_("実習の変更履歴"))
    objects = ScopedQuerySet.as_manager()
    scope_paths = {**_prefixed("student", SCHOOL_PATHS), ScopeKind.COMPANY: ("company",)}
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["student__school", "student__class_name", "student__number", "starts_on"]
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
        verbose_name = _("実習日の記録")
        verbose_name_plural = _("実習日の記録")

    def __str__(self):
        return f"{self.placement.student} {self.day}"

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


class DestinationKind(models.TextChoices):
    HOST_COMPANY = "host_company", _("受入れ企業に就職")
    LOCAL = "local", _("県内に就職")
    OUTSIDE = "outside", _("県外に就職")
    STUDY = "study", _("進学")
    STARTUP = "startup", _("起業")
    OTHER = "other", _("その他")


LOCAL_EMPLOYMENT = (DestinationKind.HOST_COMPANY, DestinationKind.LOCAL)
EMPLOYMENT = (*LOCAL_EMPLOYMENT, DestinationKind.OUTSIDE)


class Destination(models.Model):
    """Where a student went after graduating: the basis of 地元就職率 and hires by host companies."""

    student = models.OneToOneField(
        Student, verbose_name=_("生徒"), on_delete=models.CASCADE, related_name="destination"
    )
    graduated_fiscal_year = models.PositiveSmallIntegerField(_("卒業年度"), validators=[validate_fiscal_year])
    kind = models.CharField(_("進路"), max_length=20, choices=DestinationKind.choices)
    company = models.ForeignKey(
        "partners.Company", verbose_name=_("就職先企業"), on_delete=models.SET_NULL, null=True, blank=True
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = _prefixed("student", SCHOOL_PATHS)
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["-graduated_fiscal_year", "student"]
        verbose_name = _("卒業後の進路")
        verbose_name_plural = _("卒業後の進路")

    def __str__(self):
        return f"{self.student} {self.get_kind_display()}"

    def clean(self):
        super().clean()
        if self.kind == DestinationKind.HOST_COMPANY and not self.company_id:
            raise ValidationError({"company": _("就職した受入れ企業を選んでください。")})


class AllocationStatus(models.TextChoices):
    OPEN = "open", _("希望を入力中")
    CONFIRMED = "confirmed", _("確定")


class AllocationRound(models.Model):
    """A cohort's allocation to dual-system or internship places: students rank companies, the portal
    proposes an optimal allocation, the school or coordinator adjusts and confirms it into placements."""

    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.CASCADE, related_name="allocation_rounds"
    )
    entry_year = models.PositiveSmallIntegerField(_("入学年度"), validators=[validate_fiscal_year])
    title = models.CharField(_("名称"), max_length=100, validators=[validate_text_line])
    kind = models.CharField(_("形態"), max_length=20, choices=PlacementKind.choices, default=PlacementKind.DUAL_SYSTEM)
    subject = models.ForeignKey(
        Subject, verbose_name=_("科目"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField(_("開始日"), validators=[validate_record_date])
    ends_on = models.DateField(_("終了日"), validators=[validate_record_date])
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
    status = models.CharField(_("状態"), max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.OPEN)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = SCHOOL_PATHS
    change_roles = {Role.ADMIN, Role.TEACHER, Role.COORDINATOR}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("受入れ先の割り当て")
        verbose_name_plural = _("受入れ先の割り当て")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("curricula:allocation_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = period_errors(
            self.starts_on, self.ends_on, start_field="starts_on", end_field="ends_on", one_fiscal_year=True
        )
        if not valid_weekdays(self.weekdays):
            errors["weekdays"] = _("曜日を1つ以上選んでください。")
        if errors:
            raise ValidationError(errors)


class AllocationChoice(models.Model):
    """A student's n-th choice of company in a round."""

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="choices")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("希望順位"))
    company = models.ForeignKey("partners.Company", verbose_name=_("企業"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["round", "student", "rank"]
        constraints = [models.UniqueConstraint(fields=["round", "student", "rank"], name="allocation_choice_once")]
        verbose_name = _("希望")
        verbose_name_plural = _("希望")

    def __str__(self):
        return f"{self.student} {self.rank}: {self.company}"
