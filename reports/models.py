"""The one job model: a report run, queued by a person, carried out by the Celery worker."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind


class ReportKind(models.TextChoices):
    REGISTRY_SUMMARY = "registry_summary", _("連携先登録状況")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("作成中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


# Errors are stored as codes and put into words when shown, in the reader's language.
RUN_ERRORS = {
    "build_failed": _(
        "報告書を作成できませんでした。時間をおいて再度お試しください。解決しない場合は運用管理者に連絡してください。"
    ),
    "timed_out": _("時間内に作成が終わりませんでした。もう一度作成を開始してください。"),
}


class ReportRun(models.Model):
    kind = models.CharField(_("種類"), max_length=30, choices=ReportKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    # The scope the report covers: national when both are empty.
    prefecture = models.ForeignKey(
        "partners.Prefecture", verbose_name=_("都道府県"), on_delete=models.PROTECT, null=True, blank=True
    )
    consortium = models.ForeignKey(
        "partners.Consortium", verbose_name=_("管理機関"), on_delete=models.PROTECT, null=True, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("依頼者"), on_delete=models.SET_NULL, null=True
    )
    status = models.CharField(_("状態"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("進捗（%）"), default=0)
    error = models.CharField(_("エラー"), max_length=30, blank=True, choices=list(RUN_ERRORS.items()))
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/", blank=True)
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("報告書の作成の履歴"))

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("prefecture", "consortium__prefecture"),
        ScopeKind.CONSORTIUM: ("consortium",),
    }
    change_roles = {Role.ADMIN, Role.MINISTRY, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("報告書の作成")
        verbose_name_plural = _("報告書の作成")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def error_message(self) -> str:
        return str(RUN_ERRORS.get(self.error, self.error))

    @property
    def is_finished(self) -> bool:
        return self.status in {RunStatus.DONE, RunStatus.FAILED}

    @property
    def scope_label(self) -> str:
        if self.consortium_id:
            return str(self.consortium)
        if self.prefecture_id:
            return str(self.prefecture)
        return str(_("全国"))
