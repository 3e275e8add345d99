"""The registry of who is who: prefectures, schools, companies, organisations, consortia, designations."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from partners.validators import validate_corporate_number, validate_school_code


class Block(models.TextChoices):
    HOKKAIDO = "hokkaido", _("北海道")
    TOHOKU = "tohoku", _("東北")
    KANTO = "kanto", _("関東")
    CHUBU = "chubu", _("中部")
    KINKI = "kinki", _("近畿")
    CHUGOKU = "chugoku", _("中国")
    SHIKOKU = "shikoku", _("四国")
    KYUSHU = "kyushu", _("九州・沖縄")


class Prefecture(models.Model):
    """都道府県, by JIS X 0401 code."""

    code = models.CharField(_("都道府県コード"), max_length=2, unique=True)
    name = models.CharField(_("名称"), max_length=10)
    kana = models.CharField(_("よみがな"), max_length=20)
    romaji = models.CharField(_("ローマ字"), max_length=20)
    block = models.CharField(_("地方ブロック"), max_length=10, choices=Block.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("都道府県")
        verbose_name_plural = _("都道府県")

    def __str__(self):
        return self.romaji if (get_language() or "ja").startswith("en") else self.name


class CourseCategory(models.TextChoices):
    """専門学科 categories."""

    AGRICULTURE = "agriculture", _("農業")
    INDUSTRY = "industry", _("工業")
    COMMERCE = "commerce", _("商業")
    FISHERIES = "fisheries", _("水産")
    HOME_ECONOMICS = "home_economics", _("家庭")
    NURSING = "nursing", _("看護")
    INFORMATION = "information", _("情報")
    WELFARE = "welfare", _("福祉")
    OTHER = "other", _("その他")
    INTEGRATED = "integrated", _("総合学科")


class IndustryDivision(models.Model):
    """JSIC Rev.14 大分類 (A 農業、林業 … T 分類不能の産業)."""

    code = models.CharField(_("大分類コード"), max_length=1, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英語名"), max_length=80)

    class Meta:
        ordering = ["code"]
        verbose_name = _("産業大分類")
        verbose_name_plural = _("産業大分類")

    def __str__(self):
        return f"{self.code} {self.name}"


class Establishment(models.TextChoices):
    NATIONAL = "1", _("国立")
    PUBLIC = "2", _("公立")
    PRIVATE = "3", _("私立")


class School(models.Model):
    """A specialist high school (専門高校) or a school with specialist courses."""

    code = models.CharField(_("学校コード"), max_length=13, unique=True, validators=[validate_school_code])
    name = models.CharField(_("学校名"), max_length=100)
    kana = models.CharField(_("よみがな"), max_length=200, blank=True)
    prefecture = models.ForeignKey(Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT)
    municipality = models.CharField(_("市区町村"), max_length=50, blank=True)
    establishment = models.CharField(_("設置者"), max_length=1, choices=Establishment.choices)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("prefecture",),
        ScopeKind.CONSORTIUM: ("consortia",),
        ScopeKind.SCHOOL: ("pk",),
        ScopeKind.COMPANY: ("consortia__companies",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.TEACHER}

    class Meta:
        ordering = ["prefecture__code", "code"]
        verbose_name = _("学校")
        verbose_name_plural = _("学校")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:school_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.code and len(self.code) == 13:
            if self.prefecture_id and self.code[2:4] != self.prefecture.code:
                errors["code"] = _("学校コードの都道府県番号が所在都道府県と一致しません。")
            elif self.establishment and self.code[4] != self.establishment:
                errors["code"] = _("学校コードの設置者区分が設置者と一致しません。")
        if errors:
            raise ValidationError(errors)


class Department(models.Model):
    """A 学科 of a school, by 専門学科 category."""

    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("学科名"), max_length=50)
    category = models.CharField(_("専門学科区分"), max_length=20, choices=CourseCategory.choices)

    class Meta:
        ordering = ["school", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="department_unique_per_school")]
        verbose_name = _("学科")
        verbose_name_plural = _("学科")

    def __str__(self):
        return f"{self.school} {self.name}"


class Company(models.Model):
    """A company that hosts students, sends lecturers or works with schools."""

    corporate_number = models.CharField(
        _("法人番号"), max_length=13, unique=True, null=True, blank=True, validators=[validate_corporate_number]
    )
    name = models.CharField(_("企業名"), max_length=100)
    kana = models.CharField(_("よみがな"), max_length=200, blank=True)
    prefecture = models.ForeignKey(Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT)
    municipality = models.CharField(_("市区町村"), max_length=50, blank=True)
    industry = models.ForeignKey(
        IndustryDivision, verbose_name=_("産業分類"), on_delete=models.PROTECT, null=True, blank=True
    )
    description = models.TextField(_("事業内容"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("prefecture", "consortia__prefecture"),
        ScopeKind.CONSORTIUM: ("consortia",),
        ScopeKind.SCHOOL: ("consortia__schools",),
        ScopeKind.COMPANY: ("pk",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.COMPANY}

    class Meta:
        ordering = ["prefecture__code", "kana", "name"]
        verbose_name = _("企業")
        verbose_name_plural = _("企業")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:company_detail", args=[self.pk])

    @property
    def lacks_corporate_number(self) -> bool:
        return not self.corporate_number


class OrganisationKind(models.TextChoices):
    BOARD_OF_EDUCATION = "board_of_education", _("教育委員会")
    PREFECTURAL_DEPARTMENT = "prefectural_department", _("都道府県産業振興部局")
    MUNICIPALITY = "municipality", _("市区町村")
    CHAMBER_OF_COMMERCE = "chamber_of_commerce", _("商工会議所・商工会")
    INDUSTRY_ASSOCIATION = "industry_association", _("経済・業界団体")
    UNIVERSITY = "university", _("大学")
    KOSEN = "kosen", _("高等専門学校")
    OTHER = "other", _("その他")


class Organisation(models.Model):
    """Boards of education, municipalities, chambers of commerce, associations, universities, 高専."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("種別"), max_length=30, choices=OrganisationKind.choices)
    prefecture = models.ForeignKey(Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT)

    class Meta:
        ordering = ["prefecture__code", "kind", "name"]
        verbose_name = _("関係機関")
        verbose_name_plural = _("関係機関")

    def __str__(self):
        return self.name


class Consortium(models.Model):
    """管理機関: school establisher, industry and local government running a designation together."""

    name = models.CharField(_("名称"), max_length=150)
    prefecture = models.ForeignKey(Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT)
    schools = models.ManyToManyField(School, verbose_name=_("参加校"), related_name="consortia", blank=True)
    companies = models.ManyToManyField(Company, verbose_name=_("参加企業"), related_name="consortia", blank=True)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("関係機関"), related_name="consortia", blank=True
    )
    summary = models.TextField(_("取組の概要"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("prefecture",),
        ScopeKind.CONSORTIUM: ("pk",),
        ScopeKind.SCHOOL: ("schools",),
        ScopeKind.COMPANY: ("companies",),
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
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    type = models.CharField(_("事業区分"), max_length=30, choices=DesignationType.choices)
    is_new = models.BooleanField(_("新規"), default=True)
    first_fiscal_year = models.PositiveSmallIntegerField(_("指定開始年度"))
    budget_yen = models.PositiveBigIntegerField(_("予算額（円）"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        kind: tuple(f"consortium__{path}" for path in paths) for kind, paths in Consortium.scope_paths.items()
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE}

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
