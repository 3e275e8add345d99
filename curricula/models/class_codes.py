"""Class codes: how a class's students link their school accounts to their own roster rows.

A teacher makes a code for one class (入学年度 and 組 of the school's roster) and prints it as QR codes. A student
opens the code's signed link, signs in with the school account, and picks their own row of that class (or is linked
at once when the row holds their account's address). A code expires with its link (`CLASS_CODE_DAYS`), or earlier
when the teacher makes a new one for the class; each row is claimed once, by one account.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from curricula.models.common import SCHOOL_PATHS
from curricula.models.students import Student
from meister.models import Role
from meister.scoping import ScopedQuerySet


class ClassCode(models.Model):
    school = models.ForeignKey(
        "partners.School", verbose_name=_("学校"), on_delete=models.CASCADE, related_name="class_codes"
    )
    entry_year = models.PositiveSmallIntegerField(_("入学年度"))
    class_name = models.CharField(_("組"), max_length=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作成者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    # Set when a newer code replaces this one (or the teacher stops it): its link no longer opens.
    withdrawn_at = models.DateTimeField(_("取り消し日時"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = SCHOOL_PATHS
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("クラスのコード")
        verbose_name_plural = _("クラスのコード")

    def __str__(self):
        return f"{self.school} {self.class_name}"

    def students(self):
        """The roster rows of the code's class."""
        return Student.objects.filter(
            school_id=self.school_id, entry_year=self.entry_year, class_name=self.class_name, anonymised_on__isnull=True
        ).order_by("number")
