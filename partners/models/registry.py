"""The registry of who is who: prefectures, schools, companies, organisations, consortia, designations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from meister.models import Role
from meister.scoping import ScopedQuerySet, ScopeKind
from meister.validators import validate_fiscal_year, validate_record_date, validate_text_line
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
        return f"{self.code} {self.name}"


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


class PersonRole(models.TextChoices):
    MENTOR = "mentor", _("指導担当者（メンター）")
    PRACTITIONER = "practitioner", _("産業実務家教員")
    BOARD_STAFF = "board_staff", _("教育委員会・行政職員")
    COORDINATOR = "coordinator", _("マイスター・ハイスクールCEO・コーディネーター")
    TEACHER = "teacher", _("教員")
    COMPANION = "companion", _("伴走者・アドバイザー")
    CONTACT = "contact", _("窓口担当者")


class Person(models.Model):
    """A contact person at a company, school or organisation."""

    name = models.CharField(_("氏名"), max_length=60, validators=[validate_text_line])
    kana = models.CharField(_("よみがな"), max_length=100, blank=True, validators=[validate_text_line])
    role = models.CharField(_("役割"), max_length=20, choices=PersonRole.choices)
    title = models.CharField(_("役職"), max_length=60, blank=True, validators=[validate_text_line])
    company = models.ForeignKey(
        Company, verbose_name=_("企業"), on_delete=models.CASCADE, null=True, blank=True, related_name="people"
    )
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, null=True, blank=True, related_name="people"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("関係機関"), on_delete=models.CASCADE, null=True, blank=True, related_name="people"
    )
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True, validators=[validate_text_line])

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("company__prefecture", "school__prefecture", "organisation__prefecture"),
        ScopeKind.CONSORTIUM: ("company__consortia", "school__consortia", "organisation__consortia"),
        ScopeKind.SCHOOL: ("school", "company__consortia__schools"),
        ScopeKind.COMPANY: ("company",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.TEACHER, Role.COMPANY}

    class Meta:
        ordering = ["kana", "name"]
        verbose_name = _("担当者")
        verbose_name_plural = _("担当者")

    def __str__(self):
        return self.name

    @property
    def affiliation(self):
        return self.company or self.school or self.organisation

    def clean(self):
        super().clean()
        if sum(x is not None for x in (self.company_id, self.school_id, self.organisation_id)) != 1:
            raise ValidationError(_("所属（企業・学校・関係機関のいずれか一つ）を指定してください。"))


class ContactChannel(models.TextChoices):
    VISIT = "visit", _("訪問")
    PHONE = "phone", _("電話")
    EMAIL = "email", _("メール")
    MEETING = "meeting", _("会議・打合せ")
    ONLINE = "online", _("オンライン")


class ContactLog(models.Model):
    """Who spoke with whom, when, about what, and the next step."""

    company = models.ForeignKey(
        Company, verbose_name=_("企業"), on_delete=models.CASCADE, null=True, blank=True, related_name="contact_logs"
    )
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, null=True, blank=True, related_name="contact_logs"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("相手方"), on_delete=models.SET_NULL, null=True, blank=True, related_name="contact_logs"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("記録者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    contacted_on = models.DateField(_("日付"), validators=[validate_record_date])
    channel = models.CharField(_("方法"), max_length=10, choices=ContactChannel.choices)
    subject = models.CharField(_("用件"), max_length=200, validators=[validate_text_line])
    notes = models.TextField(_("内容"), blank=True)
    next_step = models.CharField(_("次のアクション"), max_length=200, blank=True, validators=[validate_text_line])
    next_step_on = models.DateField(_("次のアクションの期日"), null=True, blank=True, validators=[validate_record_date])
    created_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("company__prefecture", "school__prefecture"),
        ScopeKind.CONSORTIUM: ("company__consortia", "school__consortia"),
        ScopeKind.SCHOOL: ("school", "company__consortia__schools"),
        ScopeKind.COMPANY: ("company",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.TEACHER, Role.COMPANY}

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name = _("連絡記録")
        verbose_name_plural = _("連絡記録")

    def __str__(self):
        return f"{self.contacted_on} {self.subject}"

    def clean(self):
        super().clean()
        if self.company_id is None and self.school_id is None:
            raise ValidationError(_("企業または学校を指定してください。"))
        if self.next_step_on and self.contacted_on and self.next_step_on < self.contacted_on:
            raise ValidationError({"next_step_on": _("次のアクションの期日は連絡日以降にしてください。")})


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


class PractitionerTeaching(models.Model):
    """産業実務家教員 registry: who taught what at which school, and for how many hours, in a fiscal year."""

    person = models.ForeignKey(
        Person, verbose_name=_("産業実務家教員"), on_delete=models.CASCADE, related_name="teaching"
    )
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="practitioners")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_fiscal_year])
    subjects = models.CharField(_("担当科目"), max_length=200, validators=[validate_text_line])
    hours = models.DecimalField(_("授業時間数"), max_digits=6, decimal_places=1)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        ScopeKind.PREFECTURE: ("school__prefecture",),
        ScopeKind.CONSORTIUM: ("school__consortia",),
        ScopeKind.SCHOOL: ("school",),
        ScopeKind.COMPANY: ("person__company",),
    }
    change_roles = {Role.ADMIN, Role.PREFECTURE, Role.COORDINATOR, Role.TEACHER}

    class Meta:
        ordering = ["-fiscal_year", "school", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "school", "fiscal_year"], name="teaching_once_per_year")
        ]
        verbose_name = _("産業実務家教員の授業")
        verbose_name_plural = _("産業実務家教員の授業")

    def __str__(self):
        return f"{self.person} {self.school} {self.fiscal_year}"


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
