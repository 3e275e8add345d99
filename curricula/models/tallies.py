"""Running totals of placements per school and kind, kept current by the services that write placements and
day logs, so that national and prefecture counts read a few thousand rows instead of millions.

Reports still read the source rows; `curricula.tallies.tallies_rebuild` recomputes these from them.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from curricula.models.common import SCHOOL_PATHS
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
