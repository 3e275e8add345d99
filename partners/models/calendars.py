"""School and company calendars: the days a school is closed (breaks, events) or a company does not host students.

National holidays are not stored: they come from `meister.calendar`. A closed period belongs to one school or one
company and to one fiscal year; the expected days of a placement leave out every closed day of its school and of its
company (curricula.schedule).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from meister.fiscal import fiscal_year, fiscal_year_bounds
from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import period_errors, validate_fiscal_year, validate_record_date, validate_text_line
from partners.models.registry import Company, School

__all__ = ["ClosedPeriod", "ClosureKind", "SCHOOL_KINDS"]


class ClosureKind(models.TextChoices):
    SUMMER = "summer", _("夏季休業")
    WINTER = "winter", _("冬季休業")
    SPRING = "spring", _("学年末休業")
    EVENT = "event", _("行事")
    EMERGENCY = "emergency", _("臨時休校")
    COMPANY = "company", _("企業の休業日")


SCHOOL_KINDS = [choice for choice in ClosureKind.choices if choice[0] != ClosureKind.COMPANY]


class ClosedPeriod(models.Model):
    """休業日: one day or a range of days when a school has no classes or a company takes no students."""

    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("企業"), on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    kind = models.CharField(_("区分"), max_length=10, choices=ClosureKind.choices)
    starts_on = models.DateField(_("開始日"), validators=[validate_record_date])
    ends_on = models.DateField(_("終了日"), validators=[validate_record_date])
    label = models.CharField(
        _("名称"), max_length=60, validators=[validate_text_line], help_text=_("例: 夏季休業、お盆")
    )

    objects = ScopedQuerySet.as_manager()
    # Read by everyone who sees the school or the company; kept by the school's keepers (teachers, the prefecture) or
    # the company's (its staff, the consortium's coordinator), each for their own only.
    scope_paths = {
        ScopeKind.PREFECTURE: ("school__prefecture", "company__prefecture"),
        ScopeKind.CONSORTIUM: ("school__consortia", "company__consortia"),
        ScopeKind.SCHOOL: ("school", "company__consortia__schools"),
        ScopeKind.COMPANY: ("company", "school__consortia__companies"),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.TEACHER, Role.COMPANY}
    change_scope_paths = {
        ScopeKind.PREFECTURE: ("school__prefecture", "company__prefecture"),
        ScopeKind.SCHOOL: ("school",),
        ScopeKind.COMPANY: ("company",),
    }

    class Meta:
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["school", "ends_on"]), models.Index(fields=["company", "ends_on"])]
        verbose_name = _("休業日")
        verbose_name_plural = _("休業日")

    def __str__(self):
        if self.starts_on == self.ends_on:
            return f"{self.label} {self.starts_on:%Y-%m-%d}"
        return f"{self.label} {self.starts_on:%Y-%m-%d}〜{self.ends_on:%Y-%m-%d}"

    @property
    def owner(self):
        return self.school or self.company

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def clean(self):
        super().clean()
        if (self.school_id is None) == (self.company_id is None):
            raise ValidationError(_("学校か企業のどちらか一つを指定してください。"))
        errors = period_errors(
            self.starts_on, self.ends_on, start_field="starts_on", end_field="ends_on", one_fiscal_year=True
        )
        if not errors and isinstance(self.starts_on, datetime.date) and self.fiscal_year:
            if fiscal_year(self.starts_on) != self.fiscal_year:
                first, last = fiscal_year_bounds(self.fiscal_year)
                errors["starts_on"] = _("%(first)s〜%(last)sの間の日付にしてください（選んだ年度の外です）。") % {
                    "first": f"{first:%Y-%m-%d}",
                    "last": f"{last:%Y-%m-%d}",
                }
        if self.company_id is not None and self.kind and self.kind != ClosureKind.COMPANY:
            errors["kind"] = _("企業の休業日は区分「企業の休業日」にしてください。")
        if self.school_id is not None and self.kind == ClosureKind.COMPANY:
            errors["kind"] = _("学校の休業日には「企業の休業日」以外の区分を選んでください。")
        if errors:
            raise ValidationError(errors)
