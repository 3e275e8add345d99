"""自走化: how a consortium whose designation ends means to go on, who pays for it, and whether it did."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from meister.scoping import Role, ScopedQuerySet
from meister.validators import validate_fiscal_year, validate_record_date, validate_text_line
from partners.models import Consortium
from programme.models.support import CONSORTIUM_PATHS


class FundingSource(models.TextChoices):
    PREFECTURE = "prefecture", _("都道府県の予算")
    COMPANIES = "companies", _("企業の負担")
    MUNICIPALITIES = "municipalities", _("市町村の予算")
    GRANTS = "grants", _("その他の補助金・助成金")


class ContinuationPlan(models.Model):
    """The plan for the years after a consortium's last designated year."""

    consortium = models.OneToOneField(
        Consortium, verbose_name=_("管理機関"), on_delete=models.CASCADE, related_name="continuation_plan"
    )
    last_designated_year = models.PositiveSmallIntegerField(_("指定最終年度"), validators=[validate_fiscal_year])
    activities = models.TextField(_("継続する取組"))
    funding = models.JSONField(_("費用の負担"), default=list, blank=True)
    funding_note = models.CharField(_("負担の内訳"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = CONSORTIUM_PATHS
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["-last_designated_year", "consortium"]
        verbose_name = _("自走化の計画")
        verbose_name_plural = _("自走化の計画")

    def __str__(self):
        return f"{self.consortium} {self.last_designated_year}"

    def clean(self):
        super().clean()
        if any(source not in FundingSource.values for source in self.funding or []):
            raise ValidationError({"funding": _("費用の負担の値が正しくありません。")})


class ContinuationStatus(models.Model):
    """Whether the consortium's work went on in a year after its designation."""

    plan = models.ForeignKey(
        ContinuationPlan, verbose_name=_("自走化の計画"), on_delete=models.CASCADE, related_name="years"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    active = models.BooleanField(_("継続している"))
    checked_on = models.DateField(
        _("確認日"), validators=[validate_record_date], help_text=_("継続しているかを確かめた日")
    )
    note = models.CharField(_("状況"), max_length=300, blank=True, validators=[validate_text_line])

    objects = ScopedQuerySet.as_manager()
    scope_paths = {kind: tuple(f"plan__{path}" for path in paths) for kind, paths in CONSORTIUM_PATHS.items()}
    change_roles = ContinuationPlan.change_roles

    class Meta:
        ordering = ["plan", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["plan", "fiscal_year"], name="continuation_once_per_year")]
        verbose_name = _("自走化の状況")
        verbose_name_plural = _("自走化の状況")

    def __str__(self):
        return f"{self.plan} {self.fiscal_year}"

    def clean(self):
        super().clean()
        if self.plan_id and self.fiscal_year and self.fiscal_year <= self.plan.last_designated_year:
            raise ValidationError({"fiscal_year": _("指定最終年度より後の年度にしてください。")})

    @property
    def years_after(self) -> int:
        """1 for the first year after the designation ended, 2 for the second…"""
        return self.fiscal_year - self.plan.last_designated_year
