"""The ③ contractor's supporters: their assignment to consortia by the ministry, and the advice threads they keep
with each consortium's coordinator."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meister import clock
from meister.scoping import Role, ScopedQuerySet, ScopeKind, supports_consortia
from meister.validators import validate_fiscal_year, validate_text_line
from partners.models import Consortium

# A consortium's rows for its own scopes and, through this year's assignments, its supporters'.
CONSORTIUM_PATHS = {
    kind: tuple(f"consortium__{path}" for path in paths) for kind, paths in Consortium.scope_paths.items()
}


class SupporterPart(models.TextChoices):
    COMPANION = "companion", _("伴走者")
    ADVISOR = "advisor", _("アドバイザー")


class SupportAssignment(models.Model):
    """The ministry assigns a supporter to a consortium for one fiscal year; the supporter's scope follows it."""

    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("伴走者・アドバイザー"),
        on_delete=models.CASCADE,
        related_name="support_assignments",
    )
    consortium = models.ForeignKey(
        Consortium, verbose_name=_("管理機関"), on_delete=models.CASCADE, related_name="support_assignments"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    part = models.CharField(_("役割"), max_length=20, choices=SupporterPart.choices, default=SupporterPart.COMPANION)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("割り当てた人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("割り当て日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {**CONSORTIUM_PATHS, ScopeKind.SUPPORTER: ("supporter",)}
    change_roles = {Role.ADMIN, Role.MINISTRY}

    class Meta:
        ordering = ["-fiscal_year", "consortium", "supporter"]
        constraints = [
            models.UniqueConstraint(fields=["supporter", "consortium", "fiscal_year"], name="support_assigned_once")
        ]
        verbose_name = _("伴走支援の割り当て")
        verbose_name_plural = _("伴走支援の割り当て")

    def __str__(self):
        return f"{self.supporter.get_full_name()} → {self.consortium} {self.fiscal_year}"

    def clean(self):
        super().clean()
        if self.supporter_id and not supports_consortia(self.supporter):
            raise ValidationError({"supporter": _("伴走者・アドバイザーの利用者を選んでください。")})


class AdviceKind(models.TextChoices):
    CONSULTATION = "consultation", _("相談")
    ADVICE = "advice", _("助言")
    VISIT = "visit", _("訪問・面談の記録")


class AdviceStatus(models.TextChoices):
    AWAITING_COORDINATOR = "awaiting_coordinator", _("管理機関の回答待ち")
    AWAITING_SUPPORTER = "awaiting_supporter", _("伴走者の回答待ち")
    CLOSED = "closed", _("完了")


class AdviceThread(models.Model):
    """A consultation or a piece of advice between a consortium and its supporters, with its replies and a date by
    which it is to be followed up."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("管理機関"), on_delete=models.CASCADE, related_name="advice_threads"
    )
    kind = models.CharField(_("種別"), max_length=20, choices=AdviceKind.choices, default=AdviceKind.ADVICE)
    subject = models.CharField(_("件名"), max_length=150, validators=[validate_text_line])
    status = models.CharField(
        _("状況"), max_length=25, choices=AdviceStatus.choices, default=AdviceStatus.AWAITING_COORDINATOR
    )
    follow_up_on = models.DateField(_("フォローアップ期日"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起票者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("起票日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = CONSORTIUM_PATHS
    change_roles = {Role.ADMIN, Role.COORDINATOR, Role.SUPPORTER}

    class Meta:
        ordering = ["status", "follow_up_on", "-updated_at"]
        verbose_name = _("相談・助言")
        verbose_name_plural = _("相談・助言")

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("programme:advice_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != AdviceStatus.CLOSED and self.follow_up_on is not None and self.follow_up_on < clock.today()
        )


class AdviceMessage(models.Model):
    thread = models.ForeignKey(
        AdviceThread, verbose_name=_("相談・助言"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記入者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("本文"))
    written_at = models.DateTimeField(_("記入日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {kind: tuple(f"thread__{path}" for path in paths) for kind, paths in CONSORTIUM_PATHS.items()}
    change_roles = AdviceThread.change_roles

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("相談・助言の記入")
        verbose_name_plural = _("相談・助言の記入")

    def __str__(self):
        return self.body[:40]


__all__ = [
    "AdviceKind",
    "AdviceMessage",
    "AdviceStatus",
    "AdviceThread",
    "SupportAssignment",
    "SupporterPart",
]
