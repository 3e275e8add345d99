"""The wide-area network: which ① consortia lead and advise which ② consortia or prefectures each fiscal year, and the
programme's events (合同会議, 研修, 成果発表会, 企画評価会議) with participants from several consortia."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meister.fiscal import fiscal_year
from meister.labels import choice_label
from meister.scoping import Role, ScopedQuerySet, ScopeKind
from meister.validators import validate_fiscal_year, validate_record_date, validate_text_line
from partners.models import Consortium, Prefecture


class NetworkLink(models.Model):
    """A ① consortium leading and advising a ② consortium, or a whole prefecture, in one fiscal year."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    leader = models.ForeignKey(
        Consortium, verbose_name=_("牽引する管理機関（①）"), on_delete=models.CASCADE, related_name="network_led"
    )
    supported = models.ForeignKey(
        Consortium,
        verbose_name=_("学ぶ管理機関（②）"),
        on_delete=models.CASCADE,
        related_name="network_supported",
        null=True,
        blank=True,
    )
    supported_prefecture = models.ForeignKey(
        Prefecture,
        verbose_name=_("助言先の都道府県"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("管理機関ではなく都道府県全体に助言するとき（学ぶ管理機関を選んだときはそちらが先）"),
    )
    joint_activities = models.TextField(
        _("共同の取組"), blank=True, help_text=_("訪問、合同研修、教材の共有など（1行に1件）")
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("leader__prefecture", "supported__prefecture", "supported_prefecture"),
        ScopeKind.CONSORTIUM: ("leader", "supported"),
        ScopeKind.SCHOOL: ("leader__schools", "supported__schools"),
        ScopeKind.SUPPORTER: ("leader__support_assignments__supporter", "supported__support_assignments__supporter"),
    }
    change_roles = {Role.ADMIN, Role.MINISTRY}

    class Meta:
        ordering = ["-fiscal_year", "leader", "pk"]
        verbose_name = _("広域ネットワーク")
        verbose_name_plural = _("広域ネットワーク")

    def __str__(self):
        return f"{self.leader} → {self.supported_label}"

    @property
    def supported_label(self) -> str:
        return str(self.supported or self.supported_prefecture or "")

    def clean(self):
        super().clean()
        if self.supported_id is None and self.supported_prefecture_id is None:
            raise ValidationError(_("学ぶ管理機関か助言先の都道府県を選んでください。"))
        if self.supported_id and self.supported_id == self.leader_id:
            raise ValidationError({"supported": _("牽引する管理機関とは別の管理機関を選んでください。")})


class EventKind(models.TextChoices):
    JOINT_MEETING = "joint_meeting", _("合同会議")
    TRAINING = "training", _("研修")
    RESULTS = "results", _("成果発表会")
    EVALUATION = "evaluation", _("企画評価会議")


class ProgrammeEvent(models.Model):
    """An event of the programme that brings several consortia together; it counts in the reports of each."""

    kind = models.CharField(_("種別"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("名称"), max_length=150, validators=[validate_text_line])
    held_on = models.DateField(_("開催日"), validators=[validate_record_date])
    place = models.CharField(_("会場"), max_length=150, blank=True, validators=[validate_text_line])
    consortia = models.ManyToManyField(Consortium, verbose_name=_("参加した管理機関"), related_name="programme_events")
    modules = models.TextField(_("研修の内容（モジュール）"), blank=True, help_text=_("1行に1つ"))
    attendance = models.TextField(_("出席者"), blank=True, help_text=_("1行に1人：氏名、所属、受講したモジュール"))
    materials = models.TextField(_("資料"), blank=True)
    minutes = models.TextField(_("記録・議事録"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        kind: tuple(f"consortia__{path}" for path in paths) for kind, paths in Consortium.scope_paths.items()
    }
    change_roles = {Role.ADMIN, Role.MINISTRY, Role.PREFECTURE, Role.COORDINATOR, Role.SUPPORTER}

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("事業の行事")
        verbose_name_plural = _("事業の行事")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programme:event_detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        return choice_label(EventKind, self.kind)

    @property
    def fiscal_year(self) -> int:
        return fiscal_year(self.held_on)

    @property
    def attendee_count(self) -> int:
        return sum(1 for line in self.attendance.splitlines() if line.strip())
