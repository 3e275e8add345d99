"""Consortia (管理機関) and what they do: designations, collaboration stages, agreements, meetings with their action
items, and support consultations."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import validate_fiscal_year, validate_record_date, validate_text_line
from partners.models.people import Person
from partners.models.registry import Company, Organisation, Prefecture, School


class Consortium(models.Model):
    """管理機関: school establisher, industry and local government running a designation together."""

    name = models.CharField(_("名称"), max_length=150, validators=[validate_text_line])
    prefecture = models.ForeignKey(Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT)
    schools = models.ManyToManyField(School, verbose_name=_("参加校"), related_name="consortia", blank=True)
    companies = models.ManyToManyField(Company, verbose_name=_("参加企業"), related_name="consortia", blank=True)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("関係機関"), related_name="consortia", blank=True
    )
    summary = models.TextField(_("取組の概要"), blank=True)
    coordinators = models.ManyToManyField(
        "partners.Person",
        verbose_name=_("マイスター・ハイスクールCEO・コーディネーター"),
        related_name="coordinated_consortia",
        blank=True,
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("prefecture",),
        ScopeKind.CONSORTIUM: ("pk",),
        ScopeKind.SCHOOL: ("schools",),
        ScopeKind.COMPANY: ("companies",),
        # The ③ contractor's supporters, through the assignments the ministry makes each year (programme app).
        ScopeKind.SUPPORTER: ("support_assignments__supporter",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["prefecture__code", "name"]
        verbose_name = _("管理機関")
        verbose_name_plural = _("管理機関")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:consortium_detail", args=[self.pk])


class DesignationType(models.TextChoices):
    ADVANCED = "advanced", _("①先進的取組")
    STRENGTHENING = "strengthening", _("②産業界等と連携体制強化")
    SUPPORT = "support", _("③取組の支援")
    SURVEY = "survey", _("④実態調査")
    ADVANCED_FOLLOW_ON = "advanced_follow_on", _("先進的取組型")
    STRENGTHENING_FOLLOW_ON = "strengthening_follow_on", _("連携体制強化型")


class Designation(models.Model):
    """事業指定: a consortium's participation in one fiscal year."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("管理機関"), on_delete=models.CASCADE, related_name="designations"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    type = models.CharField(_("事業区分"), max_length=30, choices=DesignationType.choices)
    is_new = models.BooleanField(_("新規"), default=True)
    first_fiscal_year = models.PositiveSmallIntegerField(_("指定開始年度"), validators=[validate_fiscal_year])
    budget_yen = models.PositiveBigIntegerField(_("予算額（円）"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        kind: tuple(f"consortium__{path}" for path in paths) for kind, paths in Consortium.scope_paths.items()
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE}
    # A prefecture designates only its own consortia.
    change_scope_paths = {ScopeKind.PREFECTURE: ("consortium__prefecture",)}

    class Meta:
        ordering = ["-fiscal_year", "consortium"]
        constraints = [models.UniqueConstraint(fields=["consortium", "fiscal_year"], name="designation_once_per_year")]
        verbose_name = _("事業指定")
        verbose_name_plural = _("事業指定")

    def __str__(self):
        return f"{self.consortium} {self.fiscal_year} {self.get_type_display()}"

    def clean(self):
        super().clean()
        if self.first_fiscal_year and self.fiscal_year and self.first_fiscal_year > self.fiscal_year:
            raise ValidationError({"first_fiscal_year": _("指定開始年度は当該年度以前にしてください。")})


class CollaborationStage(models.IntegerChoices):
    """連携段階: how far a region's schools and industry have come in working together."""

    EXPLORING = 1, _("1 模索期（定期的な接点がない）")
    CONNECTING = 2, _("2 関係構築期（見学・講話など単発の連携）")
    PRACTISING = 3, _("3 連携実践期（授業・実習を継続して実施）")
    ESTABLISHED = 4, _("4 体制確立期（協定・教育課程の共同開発・デュアルシステム）")
    SPREADING = 5, _("5 自走・展開期（自立的に継続し他地域へ展開）")


class ConsortiumStage(models.Model):
    consortium = models.ForeignKey(
        Consortium, verbose_name=_("管理機関"), on_delete=models.CASCADE, related_name="stages"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    stage = models.PositiveSmallIntegerField(_("連携段階"), choices=CollaborationStage.choices)
    note = models.TextField(_("根拠・メモ"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = Designation.scope_paths
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["consortium", "-fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["consortium", "fiscal_year"], name="stage_once_per_year")]
        verbose_name = _("連携段階")
        verbose_name_plural = _("連携段階")

    def __str__(self):
        return f"{self.consortium} {self.fiscal_year} {self.get_stage_display()}"


class Agreement(models.Model):
    """連携協定: e.g. a prefecture and an industry association on talent development."""

    title = models.CharField(_("名称"), max_length=200, validators=[validate_text_line])
    prefecture = models.ForeignKey(Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT)
    consortium = models.ForeignKey(
        Consortium,
        verbose_name=_("管理機関"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("締結機関"), blank=True, related_name="agreements"
    )
    companies = models.ManyToManyField(Company, verbose_name=_("締結企業"), blank=True, related_name="agreements")
    schools = models.ManyToManyField(School, verbose_name=_("締結校"), blank=True, related_name="agreements")
    signed_on = models.DateField(_("締結日"), validators=[validate_record_date])
    scope = models.TextField(_("協定の範囲・内容"))
    document = models.FileField(_("協定書（署名済み）"), upload_to="agreements/%Y/", blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("prefecture",),
        ScopeKind.CONSORTIUM: ("consortium",),
        ScopeKind.SCHOOL: ("schools", "consortium__schools"),
        ScopeKind.COMPANY: ("companies", "consortium__companies"),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["-signed_on", "title"]
        verbose_name = _("連携協定")
        verbose_name_plural = _("連携協定")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partners:agreement_detail", args=[self.pk])


class MeetingKind(models.TextChoices):
    STEERING = "steering", _("運営委員会")
    JOINT = "joint", _("合同会議（産業界・大学・高専）")
    TRAINING = "training", _("研修")
    OTHER = "other", _("その他")


class Meeting(models.Model):
    consortium = models.ForeignKey(
        Consortium, verbose_name=_("管理機関"), on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(_("種別"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("開催日"), validators=[validate_record_date])
    title = models.CharField(_("名称"), max_length=200, validators=[validate_text_line])
    attendees = models.TextField(_("出席者"), blank=True)
    minutes = models.TextField(_("議事録"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = Designation.scope_paths
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("会議")
        verbose_name_plural = _("会議")

    def __str__(self):
        return self.title


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("会議"), on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(_("内容"), max_length=300, validators=[validate_text_line])
    owner = models.CharField(_("担当"), max_length=100, validators=[validate_text_line])
    due_on = models.DateField(_("期限"), null=True, blank=True, validators=[validate_record_date])
    done = models.BooleanField(_("完了"), default=False)

    class Meta:
        ordering = ["done", "due_on"]
        verbose_name = _("アクション項目")
        verbose_name_plural = _("アクション項目")

    def __str__(self):
        return self.description


class SupportConsultation(models.Model):
    """A consortium's question to its 伴走者 / アドバイザー and the advice given."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("管理機関"), on_delete=models.CASCADE, related_name="consultations"
    )
    asked_on = models.DateField(_("相談日"), validators=[validate_record_date])
    question = models.TextField(_("相談内容"))
    advisor = models.ForeignKey(
        Person, verbose_name=_("伴走者・アドバイザー"), on_delete=models.SET_NULL, null=True, blank=True
    )
    advice = models.TextField(_("助言"), blank=True)
    answered_on = models.DateField(_("回答日"), null=True, blank=True, validators=[validate_record_date])

    objects = ScopedQuerySet.as_manager()
    scope_paths = Designation.scope_paths
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["-asked_on"]
        verbose_name = _("伴走支援の相談")
        verbose_name_plural = _("伴走支援の相談")

    def __str__(self):
        return self.question[:40]
