"""Dissemination: a consortium's public page, host companies' public profiles and the teaching-content library.

Nothing here reaches a visitor without a login unless its owner published it: pages and profiles have a
draft → published switch, and materials are public only when published under the public usage terms.
Who published or withdrew what, and when, is kept in the audit history (django-simple-history).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import validate_text_line
from partners.models import Company, Consortium, CourseCategory, School


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    PUBLISHED = "published", _("公開中")


def _in_english() -> bool:
    return (get_language() or "ja").startswith("en")


class Publishable(models.Model):
    status = models.CharField(
        _("公開状態"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


class ConsortiumPage(Publishable):
    """The public page of a 管理機関: what it does, for students, parents and local companies."""

    consortium = models.OneToOneField(
        Consortium, verbose_name=_("管理機関"), on_delete=models.CASCADE, related_name="public_page"
    )
    introduction = models.TextField(_("紹介文"))
    introduction_en = models.TextField(_("紹介文（英語）"), blank=True)
    outcomes = models.TextField(
        _("公開する成果"), blank=True, help_text=_("このページに載せてよい成果だけを書いてください。")
    )
    outcomes_en = models.TextField(_("公開する成果（英語）"), blank=True)
    contact = models.TextField(_("問い合わせ先"), blank=True)
    projects = models.ManyToManyField(
        "curricula.JointProject", verbose_name=_("掲載する共同プロジェクト"), blank=True, related_name="+"
    )
    engagements = models.ManyToManyField(
        "partners.Engagement", verbose_name=_("掲載する連携活動"), blank=True, related_name="+"
    )
    history = HistoricalRecords(verbose_name=_("公開ページの変更履歴"), excluded_fields=["updated_at"])

    objects = ScopedQuerySet.as_manager()
    scope_paths = {kind: tuple(f"consortium__{p}" for p in paths) for kind, paths in Consortium.scope_paths.items()}
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}
    change_scope_paths = {ScopeKind.PREFECTURE: ("consortium__prefecture",)}

    class Meta:
        ordering = ["consortium__prefecture__code", "consortium__name"]
        verbose_name = _("管理機関の公開ページ")
        verbose_name_plural = _("管理機関の公開ページ")

    def __str__(self):
        return str(self.consortium)

    def get_absolute_url(self):
        return reverse("showcase:consortium", args=[self.pk])

    @property
    def introduction_shown(self) -> str:
        return self.introduction_en if _in_english() and self.introduction_en else self.introduction

    @property
    def outcomes_shown(self) -> str:
        return self.outcomes_en if _in_english() and self.outcomes_en else self.outcomes


class CompanyProfile(Publishable):
    """A host company's public profile, shown only when the company itself opted in by publishing it."""

    company = models.OneToOneField(
        Company, verbose_name=_("企業"), on_delete=models.CASCADE, related_name="public_profile"
    )
    what_we_do = models.TextField(_("事業内容"))
    what_we_do_en = models.TextField(_("事業内容（英語）"), blank=True)
    what_students_learn = models.TextField(_("生徒が学べること"))
    what_students_learn_en = models.TextField(_("生徒が学べること（英語）"), blank=True)
    website = models.URLField(_("ウェブサイト"), blank=True)
    history = HistoricalRecords(verbose_name=_("企業プロフィールの変更履歴"), excluded_fields=["updated_at"])

    objects = ScopedQuerySet.as_manager()
    scope_paths = {kind: tuple(f"company__{p}" for p in paths) for kind, paths in Company.scope_paths.items()}
    # The company decides what is said about it in public.
    change_roles = {Role.ADMIN, Role.COMPANY}

    class Meta:
        ordering = ["company__prefecture__code", "company__kana", "company__name"]
        verbose_name = _("企業の公開プロフィール")
        verbose_name_plural = _("企業の公開プロフィール")

    def __str__(self):
        return str(self.company)

    def get_absolute_url(self):
        return reverse("showcase:company", args=[self.pk])

    @property
    def what_we_do_shown(self) -> str:
        return self.what_we_do_en if _in_english() and self.what_we_do_en else self.what_we_do

    @property
    def what_students_learn_shown(self) -> str:
        return (
            self.what_students_learn_en if _in_english() and self.what_students_learn_en else self.what_students_learn
        )


class UsageTerms(models.TextChoices):
    PUBLIC = "public", _("公開（どなたでも利用可）")
    SCHOOLS = "schools", _("学校等で無償利用可（ログインした利用者）")
    CONSORTIUM = "consortium", _("管理機関内のみ")


class MaterialKind(models.TextChoices):
    PDF = "pdf", _("PDF")
    SLIDES = "slides", _("スライド")
    IMAGE = "image", _("画像")
    VIDEO = "video", _("動画")
    LINK = "link", _("リンク")


def _material_path(instance, filename):
    return f"library/{instance.consortium_id}/{filename}"


class Material(Publishable):
    """A teaching material for specialist courses (専門学科デジタルコンテンツ): a file or a link."""

    title = models.CharField(_("タイトル"), max_length=200, validators=[validate_text_line])
    description = models.TextField(_("概要"), max_length=2000)
    category = models.CharField(_("専門学科区分"), max_length=20, choices=CourseCategory.choices)
    subject = models.CharField(_("科目"), max_length=100, blank=True, validators=[validate_text_line])
    grade = models.PositiveSmallIntegerField(
        _("学年"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    consortium = models.ForeignKey(
        Consortium, verbose_name=_("管理機関"), on_delete=models.CASCADE, related_name="materials"
    )
    school = models.ForeignKey(
        School, verbose_name=_("提供校"), on_delete=models.SET_NULL, null=True, blank=True, related_name="materials"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("提供企業"), on_delete=models.SET_NULL, null=True, blank=True, related_name="materials"
    )
    usage = models.CharField(_("利用条件"), max_length=20, choices=UsageTerms.choices)
    kind = models.CharField(_("形式"), max_length=10, choices=MaterialKind.choices, editable=False)
    file = models.FileField(_("ファイル"), upload_to=_material_path, blank=True, max_length=300)
    content_type = models.CharField(_("ファイルの種類"), max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("ファイルサイズ"), default=0, editable=False)
    preview = models.FileField(_("プレビュー画像"), upload_to="library/previews/", blank=True, editable=False)
    captions = models.FileField(
        _("字幕（WebVTT）"), upload_to=_material_path, blank=True, editable=False, max_length=300
    )
    link = models.URLField(_("リンク"), blank=True, max_length=500)
    download_count = models.PositiveIntegerField(_("ダウンロード数"), default=0, editable=False)
    contributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    history = HistoricalRecords(
        verbose_name=_("教材の変更履歴"), excluded_fields=["updated_at", "download_count", "preview"]
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = {kind: tuple(f"consortium__{p}" for p in paths) for kind, paths in Consortium.scope_paths.items()}
    change_roles = {Role.ADMIN, Role.COORDINATOR, Role.TEACHER, Role.COMPANY}
    # A teacher or company changes only what their own school or company contributed.
    change_scope_paths = {ScopeKind.SCHOOL: ("school",), ScopeKind.COMPANY: ("company",)}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("教材")
        verbose_name_plural = _("教材")
        indexes = [models.Index(fields=["status", "usage", "category"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:detail", args=[self.pk])

    @property
    def contributor(self):
        return self.company or self.school or self.consortium

    @property
    def is_public(self) -> bool:
        return self.is_published and self.usage == UsageTerms.PUBLIC
