"""Students and their destinations after graduation (地元就職率 reads these)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curricula.models.common import SCHOOL_PATHS, _prefixed
from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import (
    validate_fiscal_year,
    validate_text_line,
)


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
    # The student's school account (GIGA): what links the roster row to their portal account at sign-in.
    email = models.EmailField(_("メールアドレス"), blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生徒のアカウント"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="student_record",
    )
    anonymised_on = models.DateField(_("匿名化日"), null=True, blank=True, editable=False)
    history = HistoricalRecords(verbose_name=_("生徒の変更履歴"))

    objects = ScopedQuerySet.as_manager()
    scope_paths = {**SCHOOL_PATHS, ScopeKind.COMPANY: ("placements__company",), ScopeKind.STUDENT: ("account",)}
    change_roles = {Role.ADMIN, Role.TEACHER}
    # Who sees 氏名 (meister.scoping.may_see_full_names); the ministry never does, a student their own only.
    full_name_scopes = frozenset(
        {ScopeKind.PREFECTURE, ScopeKind.CONSORTIUM, ScopeKind.SCHOOL, ScopeKind.COMPANY, ScopeKind.STUDENT}
    )
    full_name_roles = frozenset({Role.ADMIN})

    class Meta:
        # By ふりがな, as people look students up; 組・番号 tell two students of one name apart.
        ordering = ["school", "kana_name", "class_name", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "entry_year", "class_name", "number"],
                name="student_unique_class_number",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.UniqueConstraint(
                fields=["school", "student_number"], condition=~models.Q(student_number=""), name="student_number_once"
            ),
            models.UniqueConstraint(
                Lower("email"), "school", condition=~models.Q(email=""), name="student_email_once_per_school"
            ),
        ]
        # A prefecture's or school's placements are found through its students: their ids straight from the index.
        indexes = [models.Index(fields=["school"], include=["id"], name="student_school_ids")]
        verbose_name = _("生徒")
        verbose_name_plural = _("生徒")

    def __str__(self):
        return self.kana_name

    @property
    def label(self) -> str:
        """The ふりがな with 組・番号 (or 生徒番号), for a choice between students who may share a name."""
        seat = f"{self.class_name}-{self.number}" if self.class_name else self.student_number
        return f"{self.kana_name}（{seat}）" if seat else self.kana_name

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
