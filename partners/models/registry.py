"""The registry of who is who: prefectures, industry divisions, schools and departments with their years, companies with
what they offer, and organisations."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import validate_fiscal_year, validate_text_line
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

    # Reference data everyone reads; the paths say which prefectures a user works in, so that a form offers only those.
    scope_paths = {
        ScopeKind.PREFECTURE: ("pk",),
        ScopeKind.CONSORTIUM: ("consortium",),
        ScopeKind.SCHOOL: ("school",),
        ScopeKind.COMPANY: ("company",),
    }

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
        return f"{self.code} {self.localized_name}"

    @property
    def localized_name(self) -> str:
        """The division's name in the reader's language (JSIC's own English names)."""
        return self.name_en if (get_language() or "ja").startswith("en") and self.name_en else self.name


class Establishment(models.TextChoices):
    NATIONAL = "1", _("国立")
    PUBLIC = "2", _("公立")
    PRIVATE = "3", _("私立")


class School(models.Model):
    """A specialist high school (専門高校) or a school with specialist courses."""

    code = models.CharField(_("学校コード"), max_length=13, unique=True, validators=[validate_school_code])
    name = models.CharField(_("学校名"), max_length=100, validators=[validate_text_line])
    kana = models.CharField(_("よみがな"), max_length=200, blank=True, validators=[validate_text_line])
    prefecture = models.ForeignKey(Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT)
    municipality = models.CharField(_("市区町村"), max_length=50, blank=True, validators=[validate_text_line])
    address = models.CharField(_("住所"), max_length=200, blank=True, validators=[validate_text_line])
    establishment = models.CharField(_("設置者"), max_length=1, choices=Establishment.choices)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("prefecture", "consortia__prefecture"),
        ScopeKind.CONSORTIUM: ("consortia",),
        ScopeKind.SCHOOL: ("pk",),
        ScopeKind.COMPANY: ("consortia__companies",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.TEACHER}
    change_scope_paths = {ScopeKind.PREFECTURE: ("prefecture",)}
    create_roles = {Role.ADMIN, Role.PREFECTURE}

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
    name = models.CharField(_("学科名"), max_length=50, validators=[validate_text_line])
    category = models.CharField(_("専門学科区分"), max_length=20, choices=CourseCategory.choices)

    scope_paths = {kind: tuple(f"school__{path}" for path in paths) for kind, paths in School.scope_paths.items()}

    class Meta:
        ordering = ["school", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="department_unique_per_school")]
        verbose_name = _("学科")
        verbose_name_plural = _("学科")

    def __str__(self):
        return f"{self.school} {self.name}"

    @property
    def badge_label(self) -> str:
        """水産食品科・水産 in Japanese; the category alone in English, as the school's own name for the course has no
        English form."""
        if (get_language() or "ja").startswith("en"):
            return self.get_category_display()
        return f"{self.name}・{self.get_category_display()}"


class SizeBand(models.TextChoices):
    MICRO = "micro", _("小規模（20人以下）")
    SMALL = "small", _("中小（21〜300人）")
    LARGE = "large", _("大企業（301人以上）")


def _month_label(month: int) -> str:
    return gettext("%(month)s月") % {"month": month}


# Lazy, so that the label follows the language of the request that shows it.
MONTHS = [(m, lazy(_month_label, str)(m)) for m in range(1, 13)]
WEEKDAYS = [(0, _("月")), (1, _("火")), (2, _("水")), (3, _("木")), (4, _("金")), (5, _("土")), (6, _("日"))]


class Company(models.Model):
    """A company that hosts students, sends lecturers or works with schools."""

    corporate_number = models.CharField(
        _("法人番号"), max_length=13, unique=True, null=True, blank=True, validators=[validate_corporate_number]
    )
    name = models.CharField(_("企業名"), max_length=100, validators=[validate_text_line])
    kana = models.CharField(_("よみがな"), max_length=200, blank=True, validators=[validate_text_line])
    prefecture = models.ForeignKey(Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT)
    municipality = models.CharField(_("市区町村"), max_length=50, blank=True, validators=[validate_text_line])
    address = models.CharField(_("住所"), max_length=200, blank=True, validators=[validate_text_line])
    latitude = models.DecimalField(_("緯度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("経度"), max_digits=9, decimal_places=6, null=True, blank=True)
    industry = models.ForeignKey(
        IndustryDivision, verbose_name=_("産業分類"), on_delete=models.PROTECT, null=True, blank=True
    )
    size_band = models.CharField(_("企業規模"), max_length=10, choices=SizeBand.choices, blank=True)
    description = models.TextField(_("事業内容"), blank=True)
    busy_months = models.JSONField(_("繁忙月"), default=list, blank=True, help_text=_("受入れが難しい月（1〜12）"))
    weekdays = models.JSONField(
        _("受入れ可能な曜日"), default=list, blank=True, help_text=_("0=月曜 … 6=日曜。空なら曜日の制約なし")
    )
    max_students = models.PositiveSmallIntegerField(_("一度に受け入れられる生徒数"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    # A coordinator looks for new partners across the consortium's prefecture, and edits only members.
    scope_paths = {
        ScopeKind.PREFECTURE: ("prefecture", "consortia__prefecture"),
        ScopeKind.CONSORTIUM: ("consortia", "prefecture__consortium"),
        ScopeKind.SCHOOL: ("consortia__schools",),
        ScopeKind.COMPANY: ("pk",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.COMPANY}
    change_scope_paths = {ScopeKind.PREFECTURE: ("prefecture",), ScopeKind.CONSORTIUM: ("consortia",)}
    create_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

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

    def clean(self):
        super().clean()
        errors = {}
        if any(not isinstance(m, int) or not 1 <= m <= 12 for m in self.busy_months or []):
            errors["busy_months"] = _("繁忙月は1〜12の数で指定してください。")
        if any(not isinstance(d, int) or not 0 <= d <= 6 for d in self.weekdays or []):
            errors["weekdays"] = _("曜日は0（月）〜6（日）で指定してください。")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("緯度と経度は両方入力してください。")
        if errors:
            raise ValidationError(errors)


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

    name = models.CharField(_("名称"), max_length=100, validators=[validate_text_line])
    kind = models.CharField(_("種別"), max_length=30, choices=OrganisationKind.choices)
    prefecture = models.ForeignKey(Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT)
    municipality = models.CharField(_("市区町村"), max_length=50, blank=True, validators=[validate_text_line])
    address = models.CharField(_("住所"), max_length=200, blank=True, validators=[validate_text_line])

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("prefecture",),
        ScopeKind.CONSORTIUM: ("consortia",),
        ScopeKind.SCHOOL: ("consortia__schools",),
        ScopeKind.COMPANY: ("consortia__companies",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR}

    class Meta:
        ordering = ["prefecture__code", "kind", "name"]
        verbose_name = _("関係機関")
        verbose_name_plural = _("関係機関")

    def __str__(self):
        return self.name


class DepartmentYear(models.Model):
    """A department's capacity (定員) and enrolment (在籍者数) in one fiscal year: 定員充足率 = enrolment ÷ capacity."""

    department = models.ForeignKey(Department, verbose_name=_("学科"), on_delete=models.CASCADE, related_name="years")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    capacity = models.PositiveIntegerField(_("定員"))
    enrolment = models.PositiveIntegerField(_("在籍者数"))

    class Meta:
        ordering = ["department", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["department", "fiscal_year"], name="department_year_once"),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="department_year_capacity_positive"),
        ]
        verbose_name = _("学科の定員・在籍者数")
        verbose_name_plural = _("学科の定員・在籍者数")

    def __str__(self):
        return f"{self.department} {self.fiscal_year}"

    @property
    def fill_rate(self) -> float:
        return self.enrolment / self.capacity


class OfferKind(models.TextChoices):
    LECTURER = "lecturer", _("講師派遣・出前授業")
    VISIT = "visit", _("企業見学")
    FACILITY = "facility", _("施設・設備を使った実習")
    DUAL_SYSTEM = "dual_system", _("デュアルシステム受入れ")
    INTERNSHIP = "internship", _("インターンシップ受入れ")
    JOINT_RESEARCH = "joint_research", _("共同研究")
    PRODUCT_DEVELOPMENT = "product_development", _("商品開発")
    CAREER_TALK = "career_talk", _("キャリア講話")


class CompanyOffer(models.Model):
    """What a company can give schools, with how many students or places."""

    company = models.ForeignKey(Company, verbose_name=_("企業"), on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(_("提供できること"), max_length=30, choices=OfferKind.choices)
    capacity = models.PositiveSmallIntegerField(_("受入れ人数・枠"), null=True, blank=True)
    description = models.TextField(_("内容"), blank=True)

    class Meta:
        ordering = ["company", "kind"]
        constraints = [models.UniqueConstraint(fields=["company", "kind"], name="offer_once_per_kind")]
        verbose_name = _("提供内容")
        verbose_name_plural = _("提供内容")

    def __str__(self):
        return f"{self.company} {self.get_kind_display()}"
