"""Running totals of placements per school and kind, and each placement's expected days not yet logged, kept
current as placements, day logs and calendars change, so that national and prefecture counts and the dashboards'
work read a few thousand rows instead of millions.

Reports still read the source rows; `curricula.tallies.tallies_rebuild` recomputes these from them.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from curricula.models.common import SCHOOL_PATHS, _prefixed
from curricula.models.placements import Placement
from meister.scoping import ScopedQuerySet

# The kind of the row that counts every kind together (students with placements of two kinds count once there).
ALL_KINDS = ""


class PlacementTally(models.Model):
    """One school's placements of one kind (or of every kind, `kind` = ""): how many, for how many students, and
    the hours their mentors confirmed."""

    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.CASCADE, related_name="placement_tallies"
    )
    kind = models.CharField(_("形態"), max_length=20, blank=True)
    placements = models.PositiveIntegerField(_("件数"), default=0)
    students = models.PositiveIntegerField(_("生徒数"), default=0)
    confirmed_hours = models.DecimalField(_("確認済み時間数"), max_digits=12, decimal_places=1, default=Decimal("0"))
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = SCHOOL_PATHS
    change_roles: set = set()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "kind"], name="placement_tally_once")]
        verbose_name = _("実習の集計")
        verbose_name_plural = _("実習の集計")

    def __str__(self):
        return f"{self.school_id} {self.kind or '*'}"


class YearTally(models.Model):
    """One school's placements that start in a fiscal year and the hours its mentors confirmed on that year's days:
    the dashboards' three years of figures and their map read these instead of every day log."""

    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.CASCADE, related_name="year_tallies"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    placements = models.PositiveIntegerField(_("件数"), default=0)
    confirmed_hours = models.DecimalField(_("確認済み時間数"), max_digits=12, decimal_places=1, default=Decimal("0"))

    objects = ScopedQuerySet.as_manager()
    scope_paths = SCHOOL_PATHS
    change_roles: set = set()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "fiscal_year"], name="year_tally_once")]
        verbose_name = _("年度別の実習の集計")
        verbose_name_plural = _("年度別の実習の集計")

    def __str__(self):
        return f"{self.school_id} {self.fiscal_year}"


class UnloggedDay(models.Model):
    """One expected day of a placement (its weekday pattern, less holidays and the school's and company's closed
    days: `curricula.schedule`) that has no log: up to today a missing day, after it a day still to come.

    The dashboards and the lists of missing days count these in SQL instead of working out every placement's
    calendar on each request; `curricula.tallies` keeps them current when a day is logged, a placement or a
    calendar changes, and `tallies_rebuild` writes them all again from the source rows."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("実習"), on_delete=models.CASCADE, related_name="unlogged_days"
    )
    day = models.DateField(_("実習日"))

    objects = ScopedQuerySet.as_manager()
    scope_paths = _prefixed("placement", Placement.scope_paths)
    change_roles: set = set()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["placement", "day"], name="unlogged_day_once")]
        verbose_name = _("未記録の実習日")
        verbose_name_plural = _("未記録の実習日")

    def __str__(self):
        return f"{self.placement_id} {self.day}"
