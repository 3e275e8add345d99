"""The one job model: a report run, queued by a person, carried out by the Celery worker."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meister.models import Role
from meister.scoping import SHARED_BY_EVERY_SCOPE, ScopedQuerySet, ScopeKind
from meister.validators import validate_text_line


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("年次報告書")
    PDCA = "pdca", _("PDCA報告書")
    FACT_FINDING = "fact_finding", _("実態調査報告書")
    REGISTRY_SUMMARY = "registry_summary", _("連携先登録状況")


# Which scopes each kind of report covers: a PDCA report is one consortium's; the national ones are
# national or one prefecture's; the registry summary follows whoever asks.
KIND_SCOPES = {
    ReportKind.ANNUAL: {ScopeKind.NATIONAL, ScopeKind.PREFECTURE},
    ReportKind.PDCA: {ScopeKind.CONSORTIUM},
    ReportKind.FACT_FINDING: {ScopeKind.NATIONAL, ScopeKind.PREFECTURE},
    ReportKind.REGISTRY_SUMMARY: {ScopeKind.NATIONAL, ScopeKind.PREFECTURE, ScopeKind.CONSORTIUM},
}


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
    "no_data": _("この年度・範囲には報告書にする記録がありません。年度と対象を確かめてください。"),
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
    xlsx = models.FileField(_("Excel"), upload_to="reports/%Y/", blank=True)
    # Each worker that takes the run up counts one more; only the latest attempt may finish it, so a run
    # re-delivered after a worker died ends with exactly one set of files.
    attempt = models.PositiveSmallIntegerField(_("試行回数"), default=0, editable=False)
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    # When the figures were read: the replica's replay point when the build read a replica, else the build's time.
    data_as_of = models.DateTimeField(_("データ時点"), null=True, blank=True)

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
    def scope(self) -> tuple[str, int | None]:
        if self.consortium_id:
            return ScopeKind.CONSORTIUM, self.consortium_id
        if self.prefecture_id:
            return ScopeKind.PREFECTURE, self.prefecture_id
        return ScopeKind.NATIONAL, None

    @property
    def scope_label(self) -> str:
        if self.consortium_id:
            return str(self.consortium)
        if self.prefecture_id:
            return str(self.prefecture)
        return str(_("全国"))

    @property
    def title(self) -> str:
        """The report's name with what it covers: 年次報告書（滋賀県）, not 年次報告書（全国）, for a prefecture."""
        return _("%(report)s（%(scope)s）") % {"report": self.get_kind_display(), "scope": self.scope_label}


# --- PDCA: the KPI list the ministry keeps per fiscal year, each consortium's targets and Act notes ------------------


class KpiSource(models.TextChoices):
    COMPUTED = "computed", _("ポータルの記録から集計")
    MANUAL = "manual", _("手入力")


class Kpi(models.Model):
    """One indicator of the year's PDCA list. The list is data: the ministry adds, renames and retires them."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    name = models.CharField(_("指標名"), max_length=100, validators=[validate_text_line])
    unit = models.CharField(_("単位"), max_length=20, validators=[validate_text_line])
    source = models.CharField(_("実績の出し方"), max_length=10, choices=KpiSource.choices)
    metric = models.CharField(
        _("集計項目"),
        max_length=40,
        blank=True,
        help_text=_("「ポータルの記録から集計」のとき、どの記録を集計するか"),
    )
    instrument = models.ForeignKey(
        "assessments.Instrument",
        verbose_name=_("尺度"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("生徒の変容を指標にするときの尺度と下位尺度"),
    )
    subscale = models.CharField(_("下位尺度コード"), max_length=40, blank=True)
    description = models.TextField(_("説明"), blank=True)

    # One national list, read by everyone who works on the PDCA; the ministry keeps it.
    scope_paths = SHARED_BY_EVERY_SCOPE
    change_roles = {Role.ADMIN, Role.MINISTRY}

    class Meta:
        ordering = ["fiscal_year", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "name"], name="kpi_name_once_per_year")]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI")

    def __str__(self):
        return f"{self.name}（{self.unit}）"

    def clean(self):
        from django.core.exceptions import ValidationError

        from reports.metrics import METRICS

        errors = {}
        if self.source == KpiSource.COMPUTED:
            if self.metric not in METRICS:
                errors["metric"] = _("集計項目を選んでください。")
            elif METRICS[self.metric].needs_instrument:
                if self.instrument_id is None:
                    errors["instrument"] = _("生徒の変容には尺度の指定が必要です。")
                elif self.subscale and not self.instrument.subscales.filter(code=self.subscale).exists():
                    errors["subscale"] = _("この尺度にない下位尺度です。")
        elif self.metric:
            errors["metric"] = _("手入力の指標には集計項目を指定できません。")
        if errors:
            raise ValidationError(errors)


CONSORTIUM_PATHS = {
    ScopeKind.PREFECTURE: ("consortium__prefecture",),
    ScopeKind.CONSORTIUM: ("consortium",),
}


class KpiTarget(models.Model):
    """Plan and, for indicators entered by hand, the actual figure: one consortium, one KPI of one year."""

    consortium = models.ForeignKey(
        "partners.Consortium", verbose_name=_("管理機関"), on_delete=models.CASCADE, related_name="kpi_targets"
    )
    kpi = models.ForeignKey(Kpi, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="targets")
    target = models.DecimalField(_("目標値"), max_digits=12, decimal_places=1, null=True, blank=True)
    actual = models.DecimalField(_("実績値（手入力）"), max_digits=12, decimal_places=1, null=True, blank=True)
    note = models.CharField(_("備考"), max_length=300, blank=True, validators=[validate_text_line])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更新者"), on_delete=models.SET_NULL, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("KPI目標の履歴"))

    objects = ScopedQuerySet.as_manager()
    scope_paths = CONSORTIUM_PATHS
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["kpi__order", "kpi__pk"]
        constraints = [models.UniqueConstraint(fields=["consortium", "kpi"], name="kpi_target_once")]
        verbose_name = _("KPI目標")
        verbose_name_plural = _("KPI目標")

    def __str__(self):
        return f"{self.consortium} {self.kpi}"


class PdcaReview(models.Model):
    """The consortium's own words for a year: what was done, and the improvements (Act) carried into next year."""

    consortium = models.ForeignKey(
        "partners.Consortium", verbose_name=_("管理機関"), on_delete=models.CASCADE, related_name="pdca_reviews"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    plan_note = models.TextField(_("計画の重点（Plan）"), blank=True)
    do_note = models.TextField(_("取組の概要（Do）"), blank=True)
    check_note = models.TextField(_("評価・考察（Check）"), blank=True)
    act_note = models.TextField(_("改善事項（Act）"), blank=True, help_text=_("次年度の計画に引き継がれます"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更新者"), on_delete=models.SET_NULL, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("PDCAの記述の履歴"))

    objects = ScopedQuerySet.as_manager()
    scope_paths = CONSORTIUM_PATHS
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["consortium", "-fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["consortium", "fiscal_year"], name="pdca_review_once")]
        verbose_name = _("PDCAの記述")
        verbose_name_plural = _("PDCAの記述")

    def __str__(self):
        return f"{self.consortium} {self.fiscal_year}"


class DataChange(models.Model):
    """One write to a table a fiscal year's release reads, recorded by a PostgreSQL trigger (migration 0008) for
    every statement: `fiscal_year` where the rows say which year they touch (day logs, placements), empty for all
    years. Writes to the tables only the dashboards read (migration 0009) are recorded under year 0, which no release
    asks for. Only the sum of `n` per year matters (it is the year's data version, `reports.kept`; over all rows, the
    dashboards' version, `portal.kept`); rows are folded together now and then, keeping the sums."""

    fiscal_year = models.IntegerField(null=True)
    n = models.BigIntegerField(default=1)

    def __str__(self):
        return f"{self.fiscal_year or '*'} +{self.n}"


class KeptRelease(models.Model):
    """A fiscal year's release as it was built, kept for the next report of the year while the data it was built
    from is unchanged (`reports.kept`)."""

    fiscal_year = models.IntegerField(unique=True)
    version = models.CharField(max_length=100)
    built_at = models.DateTimeField()
    payload = models.BinaryField()

    def __str__(self):
        return f"{self.fiscal_year} @ {self.version}"
