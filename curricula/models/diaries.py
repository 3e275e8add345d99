"""The practice diary (実習日誌): what the student did and learned on each practice day, read by the mentor and the
teacher, who comment on it or send it back for rework. Every change is kept in its history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from curricula.models.placements import Placement
from meister.models import Role
from meister.scoping import ScopedQuerySet
from meister.validators import validate_record_date


class DiaryStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("提出済み")
    RETURNED = "returned", _("書き直し")


class DiaryEntry(models.Model):
    placement = models.ForeignKey(
        Placement, verbose_name=_("実習"), on_delete=models.CASCADE, related_name="diary_entries"
    )
    day = models.DateField(_("実習日"), validators=[validate_record_date])
    did = models.TextField(_("今日したこと"), blank=True, max_length=4000)
    learned = models.TextField(_("学んだこと・気づいたこと"), blank=True, max_length=4000)
    # Re-encoded on upload: the type read from its bytes, its EXIF (location included) dropped, its size capped.
    photo = models.FileField(_("写真"), upload_to="diaries/%Y/", blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=DiaryStatus.choices, default=DiaryStatus.DRAFT)
    teacher_comment = models.TextField(_("教員のコメント"), blank=True)
    mentor_comment = models.TextField(_("指導担当者のコメント"), blank=True)
    mentor_name = models.CharField(_("コメントした指導担当者"), max_length=100, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("記入者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("実習日誌の履歴"))
    objects = ScopedQuerySet.as_manager()
    scope_paths = {kind: tuple(f"placement__{p}" for p in paths) for kind, paths in Placement.scope_paths.items()}
    change_roles = {Role.ADMIN, Role.TEACHER}

    class Meta:
        ordering = ["placement", "day"]
        constraints = [models.UniqueConstraint(fields=["placement", "day"], name="diary_once_per_day")]
        # Diaries submitted and not yet commented on: the teachers' work, counted on the dashboards.
        indexes = [
            models.Index(
                fields=["placement"], condition=models.Q(status="submitted", teacher_comment=""), name="diary_waiting"
            )
        ]
        verbose_name = _("実習日誌")
        verbose_name_plural = _("実習日誌")

    def __str__(self):
        return f"{self.placement.student} {self.day}"

    @property
    def shared(self) -> bool:
        """Submitted or sent back: the mentor and the teacher read it; a draft is the student's alone."""
        return self.status != DiaryStatus.DRAFT
