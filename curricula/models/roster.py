"""A school year's roster: where each student stood in each fiscal year, and the April rollover (年度更新).

The 組, 番号 and 学年 of a student change every April, so they are kept per fiscal year (`Enrolment`); what a
past year's pages and reports show stays as it was. `Student.class_name` and `Student.number` hold the latest
year's values for the code that reads them from the student (the class is written 3-1: 学年-組); their uniqueness
within a cohort is checked at commit, since a new year's roster moves whole classes at once.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import validate_fiscal_year, validate_text_line

ROSTER_SCHOOL_PATHS = {
    ScopeKind.PREFECTURE: ("school__prefecture",),
    ScopeKind.CONSORTIUM: ("school__consortia",),
    ScopeKind.SCHOOL: ("school",),
}


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("在籍")
    GRADUATED = "graduated", _("卒業")
    TRANSFERRED = "transferred", _("転学")
    WITHDRAWN = "withdrawn", _("退学")
    ON_LEAVE = "on_leave", _("休学")


# Still on the school's books: they go on to the next year at the rollover.
STAYING = (EnrolmentStatus.ENROLLED, EnrolmentStatus.ON_LEAVE)


def cached_class_name(grade: int, class_name: str) -> str:
    """How the student row writes a class: 3-1 for 学年 3, 組 1 (a 組 already written 3-1 stays so)."""
    return class_name if "-" in class_name else f"{grade}-{class_name}"


class Rollover(models.Model):
    """One school's 年度更新 into `fiscal_year`: what it changed, so that it can be undone until the year starts."""

    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.CASCADE, related_name="rollovers"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("新しい年度"), validators=[validate_fiscal_year])
    run_at = models.DateTimeField(_("実行日時"), auto_now_add=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("実行者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # What the undo puts back: {"statuses": {enrolment id: status}, "students": {student id: [class, number]},
    # "destinations": [ids created]}.
    undo = models.JSONField(_("元に戻す内容"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = ROSTER_SCHOOL_PATHS
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["-fiscal_year", "school"]
        constraints = [models.UniqueConstraint(fields=["school", "fiscal_year"], name="rollover_once_per_year")]
        verbose_name = _("年度更新")
        verbose_name_plural = _("年度更新")

    def __str__(self):
        return f"{self.school} {self.fiscal_year}"


class Enrolment(models.Model):
    """A student's place in one fiscal year: 学年, 組, 番号 and whether they are still at the school."""

    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="enrolments"
    )
    student = models.ForeignKey(
        "curricula.Student", verbose_name=_("生徒"), on_delete=models.CASCADE, related_name="enrolments"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    grade = models.PositiveSmallIntegerField(_("学年"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    class_name = models.CharField(_("組"), max_length=10, validators=[validate_text_line])
    number = models.PositiveSmallIntegerField(_("番号"), validators=[MinValueValidator(1), MaxValueValidator(99)])
    status = models.CharField(
        _("在籍状況"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    # Set on the enrolments a rollover made, so that its undo removes exactly those.
    rollover = models.ForeignKey(
        Rollover, verbose_name=_("年度更新"), on_delete=models.CASCADE, null=True, blank=True, related_name="enrolments"
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = {**ROSTER_SCHOOL_PATHS, ScopeKind.COMPANY: ("student__placements__company",)}
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["school", "-fiscal_year", "grade", "class_name", "number"]
        constraints = [models.UniqueConstraint(fields=["student", "fiscal_year"], name="enrolment_once_per_year")]
        indexes = [models.Index(fields=["school", "fiscal_year"], name="enrolment_school_year")]
        verbose_name = _("在籍")
        verbose_name_plural = _("在籍")

    def __str__(self):
        return f"{self.fiscal_year} {self.grade}-{self.class_name} {self.number}"

    @property
    def cached_class_name(self) -> str:
        return cached_class_name(self.grade, self.class_name)
