"""School-set subjects and their sequence, class sessions with industry and joint projects."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from curricula.models.common import SCHOOL_PATHS, _prefixed
from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import (
    validate_fiscal_year,
    validate_record_date,
    validate_school_day_hours,
    validate_text_line,
)


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
