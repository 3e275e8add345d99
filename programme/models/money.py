"""Plans and money per designation: the 実施計画書 with its activities by month, the 所要経費 estimate by the ministry's
expense categories, and the ledger of actual spending with the evidence for each entry. Amounts are whole yen."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meister.fiscal import fiscal_year
from meister.scoping import SHARED_BY_EVERY_SCOPE, Role, ScopedQuerySet
from meister.validators import validate_fiscal_year, validate_record_date, validate_text_line
from partners.models import Designation

DESIGNATION_PATHS = {
    kind: tuple(f"designation__{path}" for path in paths) for kind, paths in Designation.scope_paths.items()
}
KEEPERS = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}
# The fiscal year's months in order, April first.
FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
MONTH_CHOICES = [(month, _("%(month)d月") % {"month": month}) for month in FISCAL_MONTHS]


class ExpenseCategory(models.Model):
    """One of the ministry's expense categories (費目) of a fiscal year: kept as data, as the ministry changes them."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    code = models.SlugField(_("コード"), max_length=30)
    name = models.CharField(_("費目"), max_length=50, validators=[validate_text_line])
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    description = models.CharField(_("説明"), max_length=200, blank=True, validators=[validate_text_line])

    scope_paths = SHARED_BY_EVERY_SCOPE
    change_roles = {Role.ADMIN, Role.MINISTRY}

    class Meta:
        ordering = ["fiscal_year", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="expense_category_once_per_year"),
            models.UniqueConstraint(fields=["fiscal_year", "name"], name="expense_category_name_once_per_year"),
        ]
        verbose_name = _("経費の費目")
        verbose_name_plural = _("経費の費目")

    def __str__(self):
        return self.name


class ImplementationPlan(models.Model):
    """実施計画書: what a designation sets out to do in its year. Its KPI targets are the consortium's PDCA targets."""

    designation = models.OneToOneField(
        Designation, verbose_name=_("事業指定"), on_delete=models.CASCADE, related_name="plan"
    )
    objectives = models.TextField(_("事業の目的・目標"))
    approach = models.TextField(_("実施体制・方法"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = DESIGNATION_PATHS
    change_roles = KEEPERS

    class Meta:
        verbose_name = _("実施計画書")
        verbose_name_plural = _("実施計画書")

    def __str__(self):
        return str(self.designation)

    def get_absolute_url(self):
        return reverse("programme:designation_money", args=[self.designation_id])


class PlannedActivity(models.Model):
    plan = models.ForeignKey(
        ImplementationPlan, verbose_name=_("実施計画書"), on_delete=models.CASCADE, related_name="activities"
    )
    month = models.PositiveSmallIntegerField(_("実施月"), choices=MONTH_CHOICES)
    title = models.CharField(_("活動"), max_length=150, validators=[validate_text_line])
    detail = models.CharField(_("内容"), max_length=300, blank=True, validators=[validate_text_line])

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("月別の実施予定")
        verbose_name_plural = _("月別の実施予定")

    def __str__(self):
        return self.title


class EstimateLine(models.Model):
    """A line of the 所要経費 estimate: an amount under one expense category, with how it was reckoned (積算内訳)."""

    designation = models.ForeignKey(
        Designation, verbose_name=_("事業指定"), on_delete=models.CASCADE, related_name="estimate_lines"
    )
    category = models.ForeignKey(ExpenseCategory, verbose_name=_("費目"), on_delete=models.PROTECT, related_name="+")
    amount_yen = models.PositiveBigIntegerField(_("金額（円）"))
    basis = models.CharField(_("積算内訳"), max_length=200, blank=True, validators=[validate_text_line])

    objects = ScopedQuerySet.as_manager()
    scope_paths = DESIGNATION_PATHS
    change_roles = KEEPERS

    class Meta:
        ordering = ["designation", "category__order", "pk"]
        verbose_name = _("所要経費")
        verbose_name_plural = _("所要経費")

    def __str__(self):
        return f"{self.category} {self.amount_yen:,}"

    def clean(self):
        super().clean()
        _check_category_year(self)


def _check_category_year(row) -> None:
    if row.category_id and row.designation_id and row.category.fiscal_year != row.designation.fiscal_year:
        raise ValidationError({"category": _("事業指定の年度の費目を選んでください。")})


class LedgerEntry(models.Model):
    """One payment out of a designation's budget, with the receipt or invoice that proves it."""

    designation = models.ForeignKey(
        Designation, verbose_name=_("事業指定"), on_delete=models.CASCADE, related_name="ledger_entries"
    )
    category = models.ForeignKey(ExpenseCategory, verbose_name=_("費目"), on_delete=models.PROTECT, related_name="+")
    spent_on = models.DateField(_("支出日"), validators=[validate_record_date])
    payee = models.CharField(_("支払先"), max_length=100, validators=[validate_text_line])
    description = models.CharField(_("内容"), max_length=200, validators=[validate_text_line])
    amount_yen = models.PositiveBigIntegerField(_("金額（円）"))
    evidence = models.FileField(_("証拠書類（領収書・請求書）"), upload_to="ledger/%Y/", blank=True)
    evidence_type = models.CharField(_("証拠書類の形式"), max_length=50, blank=True, editable=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記帳者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("記帳日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = DESIGNATION_PATHS
    change_roles = KEEPERS

    class Meta:
        ordering = ["designation", "spent_on", "pk"]
        indexes = [models.Index(fields=["designation", "spent_on"], name="ledger_by_designation_day")]
        verbose_name = _("支出の記録")
        verbose_name_plural = _("支出の記録")

    def __str__(self):
        return f"{self.spent_on} {self.payee} {self.amount_yen:,}"

    def clean(self):
        super().clean()
        _check_category_year(self)
        if self.spent_on and self.designation_id:
            if fiscal_year(self.spent_on) != self.designation.fiscal_year:
                raise ValidationError({"spent_on": _("支出日は事業指定の年度内の日付にしてください。")})
