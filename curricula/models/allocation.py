"""A cohort's allocation to dual-system places: the rounds and the students' choices."""

import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from curricula.models.common import SCHOOL_PATHS, valid_weekdays
from curricula.models.placements import Placement, PlacementKind
from curricula.models.students import Student
from curricula.models.teaching import Subject
from meister.models import Role
from meister.scoping import ScopedQuerySet
from meister.validators import (
    period_errors,
    validate_fiscal_year,
    validate_positive,
    validate_record_date,
    validate_school_day_hours,
    validate_text_line,
)


class AllocationStatus(models.TextChoices):
    OPEN = "open", _("希望を入力中")
    CONFIRMED = "confirmed", _("確定")


def new_lottery_seed() -> int:
    return 100000 + secrets.randbelow(900000)


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
    # Orders the students for ties (a hash of the seed and each student's id): shown, and the same every time.
    lottery_seed = models.PositiveIntegerField(_("抽選のシード"), default=new_lottery_seed, editable=False)
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


class AllocationOutcome(models.Model):
    """Where a confirmed round put one student, and why: kept so the round still shows who went where."""

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="outcomes")
    student = models.ForeignKey(Student, verbose_name=_("生徒"), on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(
        "partners.Company", verbose_name=_("企業"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    placement = models.ForeignKey(
        Placement, verbose_name=_("実習"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("希望順位"), null=True, blank=True)
    lottery = models.PositiveIntegerField(_("抽選順"))
    adjusted = models.BooleanField(_("提案から調整"), default=False)
    # The proposal's reasons as numbers (partners.allocation.Contest per choice), put in words when shown.
    contests = models.JSONField(_("理由"), default=list, blank=True)

    class Meta:
        ordering = ["round", "student__class_name", "student__number"]
        constraints = [models.UniqueConstraint(fields=["round", "student"], name="allocation_outcome_once")]
        verbose_name = _("割り当ての結果")
        verbose_name_plural = _("割り当ての結果")

    def __str__(self):
        return f"{self.round} {self.student}: {self.company or '-'}"
