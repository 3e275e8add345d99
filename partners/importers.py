"""The registry's importers: schools, companies and contacts (担当者), with the headers offices give them.

Each importer turns a row's text into model values (prefecture by name or code, JSIC division by letter or
name, …), finds the registered record it would update (by school code or 法人番号, otherwise by normalised
name), and leaves the checking to the model's own validation and the user's scope (meister.importing).
"""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meister.fiscal import fiscal_year
from meister.importing import Importer, ImportField, Problems, keep_text, name_key, nfkc, normalise_code
from meister.models import ImportKind
from meister.scoping import coordinates_consortium, visible_to
from partners.models import (
    SCHOOL_KINDS,
    ClosedPeriod,
    ClosureKind,
    Company,
    Establishment,
    IndustryDivision,
    Organisation,
    Person,
    PersonRole,
    Prefecture,
    School,
    SizeBand,
)
from partners.validators import SCHOOL_CODE_RE, validate_corporate_number

KANA = ("ふりがな", "フリガナ", "ヨミガナ", "読み仮名", "読みがな", "かな", "カナ")
PREFECTURE = ("都道府県名", "都道府県コード", "所在都道府県", "県名", "prefecture")
MUNICIPALITY = ("市町村", "市区町村名", "市町村名", "所在市区町村", "municipality")
ADDRESS = ("所在地", "番地", "address")
# The 法人番号公表サイト's own item names (基本3情報), as its downloads and search results name them.
HOUJIN_PREFECTURE = ("国内所在地(都道府県)",)
HOUJIN_MUNICIPALITY = ("国内所在地(市区町村)",)
HOUJIN_ADDRESS = ("国内所在地(丁目番地等)",)

# 県立・市立… are all 公立 (the establishment digit of a school code).
ESTABLISHMENT_WORDS = {
    "国立": Establishment.NATIONAL,
    "公立": Establishment.PUBLIC,
    "私立": Establishment.PRIVATE,
    "学校法人": Establishment.PRIVATE,
    **{f"{prefix}立": Establishment.PUBLIC for prefix in ("都", "道", "府", "県", "市", "区", "町", "村", "組合")},
}
SIZE_WORDS = {"中小企業": SizeBand.SMALL, "小規模企業": SizeBand.MICRO, "小規模事業者": SizeBand.MICRO}
ROLE_WORDS = {
    "メンター": PersonRole.MENTOR,
    "実務家教員": PersonRole.PRACTITIONER,
    "コーディネーター": PersonRole.COORDINATOR,
    "CEO": PersonRole.COORDINATOR,
    "伴走者": PersonRole.COMPANION,
    "アドバイザー": PersonRole.COMPANION,
    "窓口": PersonRole.CONTACT,
    "担当者": PersonRole.CONTACT,
}
PHONE_DASHES = str.maketrans({c: "-" for c in "ー‐‑–—−―"})


def _choice_keys(choices, extra: dict) -> dict[str, str]:
    """Every way a choice is written: its value, its label in Japanese and English, and the label's parts."""
    keys = {name_key(word): value for word, value in extra.items()}
    for value, label in choices:
        names = {value, str(label)}
        with translation.override("ja"):
            names.add(str(label))
        for name in list(names):
            # 指導担当者（メンター） is also written 指導担当者 or メンター.
            names.update(part for part in re.split(r"[（）()]", name) if part)
        for name in names:
            keys.setdefault(name_key(name), value)
    return keys


def _set_text(values: dict, row, *names: str) -> None:
    for name in names:
        if row.get(name):
            values[name] = row.get(name)


def _prefectures(context) -> dict[str, Prefecture]:
    def build():
        keys = {}
        for prefecture in Prefecture.objects.all():
            keys[prefecture.code] = prefecture
            keys[str(int(prefecture.code))] = prefecture
            keys[name_key(prefecture.name)] = prefecture
            keys[name_key(prefecture.romaji)] = prefecture
            if prefecture.name != "北海道":
                # 滋賀 for 滋賀県, 東京 for 東京都
                keys[name_key(prefecture.name[:-1])] = prefecture
        return keys

    return context.cached("prefectures", build)


def resolve_prefecture(text: str, context, problems: Problems, values: dict) -> None:
    if not text:
        return
    prefecture = _prefectures(context).get(name_key(text))
    if prefecture is None:
        problems.add(
            "prefecture",
            gettext_lazy(
                "都道府県「%(value)s」が見つかりません。"
                "滋賀県のような名前か、25 のような2桁のコードで入力してください。"
            ),
            value=text,
        )
    else:
        values["prefecture"] = prefecture


class SchoolImporter(Importer):
    kind = ImportKind.SCHOOLS
    model = School
    unique_in_prepare = frozenset({"code"})
    fields = (
        ImportField("code", gettext_lazy("学校コード"), ("学校番号",), required=True, normalise=normalise_code),
        ImportField("name", gettext_lazy("学校名"), ("学校名称", "名称"), required=True, normalise=keep_text),
        ImportField("kana", gettext_lazy("よみがな"), (*KANA, "学校名よみがな", "学校名ふりがな", "学校名(ふりがな)")),
        ImportField("prefecture", gettext_lazy("都道府県"), PREFECTURE),
        ImportField("municipality", gettext_lazy("市区町村"), MUNICIPALITY, normalise=keep_text),
        ImportField("address", gettext_lazy("住所"), ADDRESS, normalise=keep_text),
        ImportField("establishment", gettext_lazy("設置者"), ("設置区分", "設置者区分", "設置者別")),
    )

    def prepare(self, rows, context):
        codes = {row.get("code") for row in rows if row.get("code")}
        context.cache["schools"] = {
            school.code: school for school in School.objects.select_related("prefecture").filter(code__in=codes)
        }

    def clean_values(self, row, context, problems):
        values = {}
        _set_text(values, row, "code", "name", "kana", "municipality", "address")
        code = row.get("code")
        code_is_valid = bool(SCHOOL_CODE_RE.match(code))
        resolve_prefecture(row.get("prefecture"), context, problems, values)
        if not row.get("prefecture") and code_is_valid:
            # The code carries the prefecture (JIS X 0401) in its 3rd–4th characters.
            values["prefecture"] = _prefectures(context).get(code[2:4])
        establishment = row.get("establishment")
        if establishment:
            choice = _choice_keys(Establishment.choices, ESTABLISHMENT_WORDS).get(name_key(establishment))
            if choice is None:
                problems.add(
                    "establishment",
                    gettext_lazy("設置者「%(value)s」が分かりません。国立・公立・私立のいずれかで入力してください。"),
                    value=establishment,
                )
            else:
                values["establishment"] = choice
        elif code_is_valid:
            values["establishment"] = code[4]
        return values

    def find_existing(self, values, context, problems):
        return context.cache["schools"].get(values.get("code"))

    def key(self, instance):
        return instance.code or None


class CompanyImporter(Importer):
    kind = ImportKind.COMPANIES
    model = Company
    unique_in_prepare = frozenset({"corporate_number"})
    fields = (
        ImportField("corporate_number", gettext_lazy("法人番号"), ("法人番号(13桁)",), normalise=normalise_code),
        ImportField(
            "name",
            gettext_lazy("企業名"),
            ("会社名", "法人名", "事業所名", "商号", "名称", "商号又は名称"),
            required=True,
            normalise=keep_text,
        ),
        ImportField("kana", gettext_lazy("よみがな"), (*KANA, "企業名よみがな", "会社名フリガナ", "会社名(フリガナ)")),
        ImportField("prefecture", gettext_lazy("都道府県"), (*PREFECTURE, *HOUJIN_PREFECTURE), required=True),
        ImportField(
            "municipality", gettext_lazy("市区町村"), (*MUNICIPALITY, *HOUJIN_MUNICIPALITY), normalise=keep_text
        ),
        ImportField("address", gettext_lazy("住所"), (*ADDRESS, *HOUJIN_ADDRESS, "本社所在地"), normalise=keep_text),
        ImportField("industry", gettext_lazy("産業分類"), ("業種", "産業大分類", "日本標準産業分類")),
        ImportField("size_band", gettext_lazy("企業規模"), ("規模", "従業員数", "従業者数")),
    )

    def prepare(self, rows, context):
        numbers = {row.get("corporate_number") for row in rows if row.get("corporate_number")}
        context.cache["by_number"] = {
            company.corporate_number: company
            for company in Company.objects.select_related("prefecture").filter(corporate_number__in=numbers)
        }
        industries = {}
        for division in IndustryDivision.objects.all():
            industries[name_key(division.code)] = division
            for name in (division.name, division.name_en, f"{division.code}{division.name}"):
                industries[name_key(name)] = division
            for part in division.name.split("、"):
                industries.setdefault(name_key(part), division)
        context.cache["industries"] = industries

    def clean_values(self, row, context, problems):
        values = {}
        _set_text(values, row, "corporate_number", "name", "kana", "municipality", "address")
        resolve_prefecture(row.get("prefecture"), context, problems, values)
        industry = row.get("industry")
        if industry:
            # E, E 製造業, E:製造業 and 製造業 all name division E.
            division = context.cache["industries"].get(name_key(re.sub(r"^([A-Za-z])\s*[:：.．]\s*", r"\1", industry)))
            if division is None:
                problems.add(
                    "industry",
                    gettext_lazy(
                        "産業分類「%(value)s」が分かりません。"
                        "E のような大分類の記号か、製造業のような名前で入力してください。"
                    ),
                    value=industry,
                )
            else:
                values["industry"] = division
        size = row.get("size_band")
        if size:
            band = self._size_band(size)
            if band is None:
                problems.add(
                    "size_band",
                    gettext_lazy(
                        "企業規模「%(value)s」が分かりません。小規模・中小・大企業のいずれかか、従業員数で入力してください。"
                    ),
                    value=size,
                )
            else:
                values["size_band"] = band
        return values

    @staticmethod
    def _size_band(text: str) -> str | None:
        count = re.fullmatch(r"([0-9,]+)\s*(人|名)?", text)
        if count:
            employees = int(count.group(1).replace(",", ""))
            return SizeBand.MICRO if employees <= 20 else SizeBand.SMALL if employees <= 300 else SizeBand.LARGE
        return _choice_keys(SizeBand.choices, SIZE_WORDS).get(name_key(text))

    def _by_name(self, context, prefecture) -> dict[str, list[Company]]:
        def build():
            companies = defaultdict(list)
            for company in Company.objects.filter(prefecture=prefecture).order_by("pk"):
                companies[name_key(company.name)].append(company)
            return companies

        return context.cached(("companies_in", prefecture.pk), build)

    def find_existing(self, values, context, problems):
        number = values.get("corporate_number")
        if number and number in context.cache["by_number"]:
            return context.cache["by_number"][number]
        prefecture = values.get("prefecture")
        if not values.get("name") or prefecture is None:
            return None
        same_name = self._by_name(context, prefecture).get(name_key(values["name"]), [])
        if number:
            # A company registered by name before its 法人番号 was known gets the number now.
            same_name = [company for company in same_name if not company.corporate_number]
        if len(same_name) > 1:
            problems.add(
                None,
                gettext_lazy(
                    "同じ都道府県に同じ名前の企業が複数登録されています。法人番号を入れて、どれのことか指定してください。"
                ),
            )
            return None
        return same_name[0] if same_name else None

    def key(self, instance):
        if instance.corporate_number:
            return ("number", instance.corporate_number)
        if instance.name and instance.prefecture_id:
            return ("name", name_key(instance.name), instance.prefecture_id)
        return None

    def in_scope(self, instance, existing, context):
        user = context.user
        if not existing and coordinates_consortium(user):
            # A coordinator's new company joins their consortium (as on the form), so it stays in their scope.
            return True
        return super().in_scope(instance, existing, context)

    def after_save(self, instance, *, created, context):
        user = context.user
        if created and coordinates_consortium(user):
            user.consortium.companies.add(instance)


class ContactImporter(Importer):
    kind = ImportKind.CONTACTS
    model = Person
    scope_fields = frozenset({"affiliation"})
    fields = (
        ImportField(
            "name",
            gettext_lazy("氏名"),
            ("名前", "担当者名", "担当者氏名", "氏名(漢字)"),
            required=True,
            normalise=keep_text,
        ),
        ImportField("kana", gettext_lazy("よみがな"), (*KANA, "氏名よみがな", "氏名(ふりがな)", "氏名(フリガナ)")),
        ImportField("role", gettext_lazy("役割"), ("区分",)),
        ImportField("title", gettext_lazy("役職"), ("職名", "肩書", "肩書き"), normalise=keep_text),
        ImportField(
            "affiliation",
            gettext_lazy("所属"),
            ("所属先", "勤務先", "所属企業", "所属学校", "法人番号・学校コード"),
            required=True,
            normalise=keep_text,
        ),
        ImportField("email", gettext_lazy("メールアドレス"), ("メール", "電子メール", "e-mail", "eメール", "mail")),
        ImportField("phone", gettext_lazy("電話番号"), ("電話", "tel", "連絡先電話番号")),
    )

    def new_instance(self, values, context):
        # Contact lists rarely say more than who to call; a blank 役割 means the contact person (窓口担当者).
        return Person(role=PersonRole.CONTACT)

    def _named(self, context) -> dict[str, list]:
        """Visible companies, schools and organisations by normalised name, for 所属 given as a name."""

        def build():
            user = context.user
            named = defaultdict(list)
            for model in (Company, School, Organisation):
                queryset = model.objects.all()
                for obj in queryset if user is None else visible_to(queryset, user):
                    named[name_key(obj.name)].append(obj)
            return named

        return context.cached("named", build)

    def _affiliation(self, text: str, context, problems: Problems) -> dict:
        # Looked up among what the user sees only: a school or company outside their scope reads exactly like one
        # that is not registered, so an import never tells whether a code or number exists elsewhere.
        user = context.user
        code = normalise_code(text)
        if SCHOOL_CODE_RE.match(code):
            schools = School.objects.filter(code=code)
            school = (schools if user is None else visible_to(schools, user)).first()
            if school is None:
                problems.add(
                    "school",
                    gettext_lazy("所属の学校コード「%(code)s」の学校は、登録されていないか、担当範囲外です。"),
                    code=code,
                )
                return {}
            return {"school": school}
        if re.fullmatch(r"[0-9]{13}", code):
            try:
                validate_corporate_number(code)
            except ValidationError as error:
                problems.add(
                    "company",
                    gettext_lazy("所属の%(message)s"),
                    message=error.messages[0],
                )
                return {}
            companies = Company.objects.filter(corporate_number=code)
            company = (companies if user is None else visible_to(companies, user)).first()
            if company is None:
                problems.add(
                    "company",
                    gettext_lazy("所属の法人番号「%(number)s」の企業は、登録されていないか、担当範囲外です。"),
                    number=code,
                )
                return {}
            return {"company": company}
        matches = self._named(context).get(name_key(text), [])
        if len(matches) != 1:
            message = (
                _("所属「%(value)s」に当たる企業・学校・関係機関が見つかりません。")
                if not matches
                else _("所属「%(value)s」に当たるものが複数あります。")
            )
            problems.add("company", message % {"value": text} + _("法人番号か学校コードで指定してください。"))
            return {}
        match = matches[0]
        return {{Company: "company", School: "school", Organisation: "organisation"}[type(match)]: match}

    def clean_values(self, row, context, problems):
        values = {}
        _set_text(values, row, "name", "kana", "title", "email")
        if row.get("affiliation"):
            values.update(self._affiliation(row.get("affiliation"), context, problems))
        role = row.get("role")
        if role:
            choice = _choice_keys(PersonRole.choices, ROLE_WORDS).get(name_key(role))
            if choice is None:
                problems.add(
                    "role",
                    gettext_lazy("役割「%(value)s」が分かりません。次のいずれかで入力してください: %(choices)s"),
                    value=role,
                    choices="、".join(str(label) for _value, label in PersonRole.choices),
                )
            else:
                values["role"] = choice
        phone = row.get("phone").translate(PHONE_DASHES)
        if phone:
            if not re.fullmatch(r"\+?[0-9()\- ]+", phone):
                problems.add(
                    "phone",
                    gettext_lazy("電話番号「%(value)s」は数字とハイフン（-）で入力してください。"),
                    value=row.get("phone"),
                )
            else:
                values["phone"] = phone
        return values

    def find_existing(self, values, context, problems):
        affiliation = {name: values[name] for name in ("company", "school", "organisation") if name in values}
        if not affiliation or not values.get("name"):
            return None
        (field_name, owner), *_rest = affiliation.items()

        def build():
            people = defaultdict(list)
            for person in Person.objects.filter(**{field_name: owner}).order_by("pk"):
                people[name_key(person.name)].append(person)
            return people

        same = context.cached(("people_of", field_name, owner.pk), build).get(name_key(values["name"]), [])
        return same[0] if same else None

    def key(self, instance):
        if not instance.name:
            return None
        return (name_key(instance.name), instance.company_id, instance.school_id, instance.organisation_id)

    def label(self, row, instance):
        affiliation = row.get("affiliation")
        return f"{row.get('name')}（{affiliation}）" if affiliation else row.get("name")


def _import_date(text: str):
    """2026-08-01, 2026/8/1 or 2026.8.1, in half- or full-width digits; None when it is not a date."""
    import datetime

    parts = re.split(r"[-/.]", nfkc(text).replace("年", "-").replace("月", "-").removesuffix("日"))
    try:
        return datetime.date(*(int(part) for part in parts)) if len(parts) == 3 else None
    except ValueError:
        return None


class CalendarImporter(Importer):
    """A school's or a company's closed days (休業日): one row per period, the school or company by code or name."""

    kind = ImportKind.CALENDARS
    model = ClosedPeriod
    import_roles = frozenset(ClosedPeriod.change_roles)
    name_fields = frozenset({"label"})
    scope_fields = frozenset({"owner"})
    fields = (
        ImportField(
            "owner",
            gettext_lazy("学校・企業"),
            ("学校", "企業", "学校コード", "法人番号", "学校名", "企業名", "所属"),
            required=True,
            normalise=keep_text,
        ),
        ImportField("kind", gettext_lazy("区分"), ("種別", "種類")),
        ImportField("starts_on", gettext_lazy("開始日"), ("日付", "開始", "から", "期間開始"), required=True),
        ImportField("ends_on", gettext_lazy("終了日"), ("終了", "まで", "期間終了")),
        ImportField("label", gettext_lazy("名称"), ("行事名", "休業名", "内容"), required=True, normalise=keep_text),
    )
    # The school or company is found among what the user sees, as a contact's 所属 is.
    _named = ContactImporter._named
    _owner = ContactImporter._affiliation

    def clean_values(self, row, context, problems):
        values = {}
        _set_text(values, row, "label")
        if row.get("owner"):
            owner = self._owner(row.get("owner"), context, problems)
            if "organisation" in owner:
                problems.add("school", gettext_lazy("休業日は学校か企業について登録してください。"))
            else:
                values.update(owner)
        for name in ("starts_on", "ends_on"):
            if row.get(name):
                day = _import_date(row.get(name))
                if day is None:
                    problems.add(
                        name,
                        gettext_lazy("日付「%(value)s」が読めません。2026-08-01 のように入力してください。"),
                        value=row.get(name),
                    )
                else:
                    values[name] = day
        if "starts_on" in values:
            values.setdefault("ends_on", values["starts_on"])
            values["fiscal_year"] = fiscal_year(values["starts_on"])
        kind = row.get("kind")
        if "company" in values:
            values["kind"] = ClosureKind.COMPANY
        elif kind:
            choice = _choice_keys(SCHOOL_KINDS, {}).get(name_key(kind))
            if choice is None:
                problems.add(
                    "kind",
                    gettext_lazy("区分「%(value)s」が分かりません。次のいずれかで入力してください: %(choices)s"),
                    value=kind,
                    choices="、".join(str(label) for _value, label in SCHOOL_KINDS),
                )
            else:
                values["kind"] = choice
        elif "school" in values:
            values["kind"] = ClosureKind.EVENT
        return values

    def find_existing(self, values, context, problems):
        owner = {name: values[name] for name in ("school", "company") if name in values}
        if not owner or "starts_on" not in values:
            return None
        same = ClosedPeriod.objects.filter(**owner, starts_on=values["starts_on"], ends_on=values["ends_on"])
        return same.filter(kind=values.get("kind")).first() if values.get("kind") else same.first()

    def key(self, instance):
        if instance.starts_on is None:
            return None
        return (instance.school_id, instance.company_id, instance.kind, instance.starts_on, instance.ends_on)

    def label(self, row, instance):
        return f"{row.get('label')}（{row.get('starts_on')}〜{row.get('ends_on') or row.get('starts_on')}）"


IMPORTERS = {
    importer.kind: importer for importer in (SchoolImporter, CompanyImporter, ContactImporter, CalendarImporter)
}


def importer_for(kind: str) -> Importer | None:
    importer = IMPORTERS.get(kind)
    return importer() if importer else None
