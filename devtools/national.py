"""Realistic, reproducible data at national scale, bulk-loaded into PostgreSQL with COPY.

`generate(scale=..., seed=...)` fills the registry, curricula and assessments around fiscal year 2024 (令和6年度):
schools with departments and their capacity, companies with valid 法人番号, consortia with designations and
budgets, practitioner teaching, engagements, needs and proposals, students, placements with their day logs,
graduates' destinations, Grit-S administrations with pre/post responses, and a fact-finding survey. Rows are
produced as Python streams from one seeded `random.Random`, and primary keys are assigned here (from the
table's current maximum), so the same seed on the same database gives the same rows, ids included.

It also creates one signed-in persona per role (`national-ministry`, `national-teacher`, …) scoped to the
generated data: the benchmark serves their pages.
"""

import datetime
import json
import math
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models, transaction

from assessments.models import (
    Administration,
    Instrument,
    Recipient,
    Response,
    Survey,
    SurveyAnswer,
)
from curricula.models import (
    ClassSession,
    DayLog,
    Destination,
    Placement,
    Student,
    Subject,
)
from meister.models import Role, User
from partners.models import (
    Company,
    CompanyOffer,
    Consortium,
    ConsortiumStage,
    Department,
    DepartmentYear,
    Designation,
    Engagement,
    IndustryDivision,
    Meeting,
    Organisation,
    Person,
    PractitionerTeaching,
    Prefecture,
    Proposal,
    School,
    SchoolNeed,
)
from partners.validators import corporate_number_check_digit

FISCAL_YEAR = 2024
YEARS = (2024, 2025, 2026)
STAMP = datetime.datetime(2025, 3, 31, 12, 0, tzinfo=datetime.UTC)
PERSONA_PREFIX = "national-"
# The day the benchmark opens the teacher's logging screen on (a Wednesday in 令和6年度).
LOG_DAY = datetime.date(2024, 10, 16)


@dataclass(frozen=True)
class Scale:
    schools: int
    companies: int
    students: int
    placements: int
    day_logs: int
    responses: int
    consortia: int


SCALES = {
    "national": Scale(
        schools=2_000,
        companies=30_000,
        students=600_000,
        placements=100_000,
        day_logs=2_000_000,
        responses=300_000,
        consortia=150,
    ),
    "small": Scale(
        schools=60, companies=600, students=6_000, placements=1_000, day_logs=20_000, responses=3_000, consortia=12
    ),
}


def _pairs(text: str) -> list[tuple[str, str]]:
    """Names with their kana: "佐藤:さとう 鈴木:すずき" → [("佐藤", "さとう"), ("鈴木", "すずき")]."""
    return [tuple(pair.split(":")) for pair in text.split()]


# Population (万人, 2020 census, rounded) by JIS code: weights for where schools and companies are.
POPULATION = [522, 124, 121, 230, 96, 107, 183, 287, 193, 194, 734, 628, 1405, 924, 220, 103, 113, 77, 81, 205, 198,
              363, 754, 177, 141, 258, 884, 547, 132, 92, 55, 67, 189, 280, 134, 72, 95, 133, 69, 514, 81, 131, 174,
              112, 107, 159, 147]  # fmt: skip

FAMILY = _pairs(
    "佐藤:さとう 鈴木:すずき 高橋:たかはし 田中:たなか 伊藤:いとう 渡辺:わたなべ 山本:やまもと "
    "中村:なかむら 小林:こばやし 加藤:かとう 吉田:よしだ 山田:やまだ 佐々木:ささき 山口:やまぐち "
    "松本:まつもと 井上:いのうえ 木村:きむら 林:はやし 斎藤:さいとう 清水:しみず 山崎:やまざき "
    "森:もり 池田:いけだ 橋本:はしもと 阿部:あべ 石川:いしかわ 前田:まえだ 藤田:ふじた 岡田:おかだ "
    "後藤:ごとう "
)
GIVEN = _pairs(
    "翔太:しょうた 蓮:れん 大翔:ひろと 陽菜:ひな 結衣:ゆい 美咲:みさき 悠真:ゆうま 湊:みなと "
    "葵:あおい さくら:さくら 健太:けんた 拓海:たくみ 優花:ゆうか 颯太:そうた 凛:りん 大輝:だいき "
    "花音:かのん 陸:りく 彩花:あやか 海斗:かいと 真央:まお 樹:いつき 琴音:ことね 匠:たくみ "
)
COMPANY_CORE = _pairs(
    "東和:とうわ 大和:やまと 三光:さんこう 中央:ちゅうおう 丸山:まるやま 新生:しんせい 北斗:ほくと "
    "旭:あさひ 協和:きょうわ 富士:ふじ 昭和:しょうわ 太平:たいへい 日進:にっしん 光洋:こうよう "
    "山陽:さんよう 若葉:わかば 青葉:あおば 緑川:みどりかわ 白山:はくさん 朝日:あさひ "
)
# JSIC division → (name endings, their kana); C 鉱業 and S 公務 host few students and are left out.
COMPANY_END = {
    "A": [("農園", "のうえん"), ("ファーム", "ふぁーむ")],
    "B": [("水産", "すいさん"), ("漁業", "ぎょぎょう")],
    "D": [("建設", "けんせつ"), ("工務店", "こうむてん")],
    "E": _pairs("精機:せいき 製作所:せいさくしょ 工業:こうぎょう 電機:でんき 化成:かせい 食品:しょくひん"),
    "F": [("電力", "でんりょく"), ("ガス", "がす")],
    "G": [("システム", "しすてむ"), ("情報サービス", "じょうほうさーびす")],
    "H": [("運輸", "うんゆ"), ("物流", "ぶつりゅう")],
    "I": [("商事", "しょうじ"), ("商店", "しょうてん")],
    "M": [("ホテル", "ほてる"), ("フーズ", "ふーず")],
    "N": [("サービス", "さーびす")],
    "P": [("福祉会", "ふくしかい"), ("メディカル", "めでぃかる")],
    "R": [("テクノサービス", "てくのさーびす")],
}  # fmt: skip
COMPANY_FORM = [("株式会社", "かぶしきがいしゃ"), ("有限会社", "ゆうげんがいしゃ"), ("合同会社", "ごうどうがいしゃ")]
TOWNS = ["中央", "北", "南", "東", "西", "本町", "港", "山手", "川端", "緑ケ丘", "旭", "若松"]
DEPARTMENTS = {
    "industry": ["機械科", "電気科", "電子機械科", "建築科", "情報技術科", "化学工業科"],
    "commerce": ["商業科", "情報ビジネス科", "会計科"],
    "agriculture": ["農業科", "食品科学科", "園芸科"],
    "fisheries": ["海洋科", "水産食品科"],
    "home_economics": ["生活文化科", "食物調理科"],
    "nursing": ["看護科"],
    "information": ["情報科"],
    "welfare": ["福祉科"],
    "integrated": ["総合学科"],
}
# Students by 専門学科 (2017, thousands): the weights of a school's main category.
CATEGORY_WEIGHT = {"industry": 250, "commerce": 195, "agriculture": 81, "home_economics": 40, "nursing": 14,
                   "fisheries": 9, "welfare": 9, "information": 3, "integrated": 60}  # fmt: skip
SCHOOL_WORD = {"industry": "工業", "commerce": "商業", "agriculture": "農業", "fisheries": "水産", "home_economics": "",
               "nursing": "", "information": "情報", "welfare": "", "integrated": ""}  # fmt: skip
CATEGORY_INDUSTRY = {"industry": "E", "commerce": "I", "agriculture": "A", "fisheries": "B", "home_economics": "M",
                     "nursing": "P", "information": "G", "welfare": "P", "integrated": "E"}  # fmt: skip
ACTIVITIES = (
    "旋盤加工の補助 製品の検査と記録 現場の安全点検に同行 CAD図面の修正 商品の陳列と接客 "
    "圃場での収穫作業 加工場での衛生管理 プログラムのテスト 介護記録の作成補助 朝礼と工程会議に参加"
).split()
OFFER_KINDS = ["lecturer", "visit", "facility", "dual_system", "internship", "joint_research", "product_development",
               "career_talk"]  # fmt: skip


@dataclass
class Generated:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    personas: dict[str, str] = field(default_factory=dict)


class AlreadyGenerated(Exception):
    pass


def corporate_number(base12: str) -> str:
    return f"{corporate_number_check_digit(base12)}{base12}"


def _school_code(pref_code: str, establishment: str, number: int) -> str:
    body = f"D1{pref_code}{establishment}{number:07d}"
    # The check character's algorithm is not published: any digit has the valid form.
    return body + str(sum(int(c) for c in body[2:]) % 10)


class _Loader:
    """COPY rows into a model's table; columns not given are filled with the field's default."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.counts: dict[str, int] = {}

    def next_id(self, model) -> int:
        self.cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
        return self.cursor.fetchone()[0]

    def copy(self, model, columns: list[str], rows: Iterable[tuple], label: str | None = None) -> int:
        fields = [f for f in model._meta.concrete_fields]
        given = set(columns)
        # Primary keys not given come from the table's identity column.
        rest = [f for f in fields if f.attname not in given and not f.primary_key]
        tail = tuple(_default(f) for f in rest)
        names = ", ".join(f'"{c}"' for c in [*columns, *(f.column for f in rest)])
        n = 0
        with self.cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row + tail)
                n += 1
        key = label or model._meta.db_table
        self.counts[key] = self.counts.get(key, 0) + n
        return n


def _default(f: models.Field):
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return STAMP
    if f.has_default():
        value = f.get_default()
        return json.dumps(value) if isinstance(f, models.JSONField) else value
    if f.null:
        return None
    if isinstance(f, (models.CharField, models.TextField, models.FileField)):
        return ""
    raise ValueError(f"{f.model.__name__}.{f.name} needs a value")


def generate(*, scale: str = "small", seed: int = 1, log=None) -> Generated:
    """Fill the database with `scale`'s rows; refused on anything but PostgreSQL and on a database that has them."""
    if connection.vendor != "postgresql":
        raise RuntimeError(
            "generate_national needs PostgreSQL (COPY): set DATABASE_URL=postgres://… "
            "(make bench starts a throwaway one). The embedded SQLite database is not supported."
        )
    if User.objects.filter(username__startswith=PERSONA_PREFIX).exists():
        raise AlreadyGenerated("this database already holds generated data (users national-*)")
    size = SCALES[scale]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        loader = _Loader(cursor)
        builder = _Builder(loader, random.Random(seed), size, log or (lambda message: None))
        builder.run()
        statements = connection.ops.sequence_reset_sql(no_style(), builder.models_loaded)
        for statement in statements:
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    result = Generated(counts=loader.counts, seconds=time.perf_counter() - started, personas=builder.personas)
    return result


class _Builder:
    def __init__(self, loader: _Loader, rng: random.Random, size: Scale, log):
        self.db = loader
        self.rng = rng
        self.size = size
        self.log = log
        self.models_loaded: list = []
        self.personas: dict[str, str] = {}

    def _step(self, message):
        self.log(message)

    def run(self):
        self.prefectures = list(Prefecture.objects.order_by("code").values_list("pk", "code", "name"))
        self.divisions = dict(IndustryDivision.objects.values_list("code", "pk"))
        weights = [POPULATION[int(code) - 1] for _pk, code, _n in self.prefectures]
        self.pref_weights = weights
        self.school_weights = [w**0.6 for w in weights]
        self._step("schools and departments")
        self._schools()
        self._step("companies, offers and people")
        self._companies()
        self._step("organisations, consortia and designations")
        self._consortia()
        self._step("subjects, needs, proposals and engagements")
        self._matching()
        self._step("students")
        self._students()
        self._step("placements and day logs")
        self._placements()
        self._step("destinations, assessments and the survey")
        self._destinations()
        self._assessments()
        self._survey()
        self._users()

    # --- registry --------------------------------------------------------------------------------------------

    def _schools(self):
        rng, size, db = self.rng, self.size, self.db
        first = self.school_id0 = db.next_id(School)
        self.schools = []  # (id, pref index, main category, [department ids], weight)
        per_pref_counter: dict[str, int] = {}
        categories = list(CATEGORY_WEIGHT)
        cat_weights = list(CATEGORY_WEIGHT.values())
        existing_codes = set(School.objects.values_list("code", flat=True))
        rows = []
        for i in range(size.schools):
            p = i if i < len(self.prefectures) else rng.choices(range(47), self.school_weights)[0]
            pk, code, name = self.prefectures[p]
            main = rng.choices(categories, cat_weights)[0]
            establishment = "3" if rng.random() < 0.12 else "2"
            while True:
                per_pref_counter[code] = per_pref_counter.get(code, 0) + 1
                school_code = _school_code(code, establishment, 9_000_000 + per_pref_counter[code])
                if school_code not in existing_codes:
                    break
            town = rng.choice(TOWNS)
            owner = "私立" if establishment == "3" else f"{name}立"
            word = SCHOOL_WORD[main]
            school_name = f"{owner}{name[:-1] if name[-1] in '都府県' else name}{town}{word}高等学校"
            sid = first + i
            rows.append((sid, school_code, school_name, "", pk, f"{town}市", "", establishment))
            self.schools.append([sid, p, main, [], rng.uniform(0.5, 1.5)])
        db.copy(
            School, ["id", "code", "name", "kana", "prefecture_id", "municipality", "address", "establishment"], rows
        )
        dep_id = db.next_id(Department)
        dep_rows, year_rows = [], []
        self.departments = {}  # id -> category
        for school in self.schools:
            cats = [school[2]] + rng.sample(categories, rng.choice([0, 0, 1, 2]))
            names_used = set()
            for cat in cats:
                for dep_name in rng.sample(DEPARTMENTS[cat], min(len(DEPARTMENTS[cat]), rng.choice([1, 1, 2]))):
                    if dep_name in names_used:
                        continue
                    names_used.add(dep_name)
                    dep_rows.append((dep_id, school[0], dep_name, cat))
                    school[3].append(dep_id)
                    self.departments[dep_id] = cat
                    capacity = rng.choice([40, 80, 120])
                    for fy in YEARS:
                        enrolment = int(capacity * 3 * rng.uniform(0.7, 1.05))
                        year_rows.append((dep_id, fy, capacity * 3, enrolment))
                    dep_id += 1
        db.copy(Department, ["id", "school_id", "name", "category"], dep_rows)
        db.copy(DepartmentYear, ["department_id", "fiscal_year", "capacity", "enrolment"], year_rows)
        self.models_loaded += [School, Department, DepartmentYear]
        self.schools_by_pref: dict[int, list] = {}
        for school in self.schools:
            self.schools_by_pref.setdefault(school[1], []).append(school)

    def _companies(self):
        rng, size, db = self.rng, self.size, self.db
        first = self.company_id0 = db.next_id(Company)
        taken = set(Company.objects.exclude(corporate_number=None).values_list("corporate_number", flat=True))
        self.companies_by_pref: dict[int, list[int]] = {}
        self.company_industry: list[str] = []
        divisions = list(COMPANY_END)
        div_weights = [4, 2, 12, 30, 2, 8, 8, 14, 8, 4, 6, 2]
        rows, offer_rows = [], []
        self.company_offers: dict[int, list[str]] = {}
        serial = 0
        for i in range(size.companies):
            p = i if i < len(self.prefectures) else rng.choices(range(47), self.pref_weights)[0]
            pk, code, _name = self.prefectures[p]
            division = rng.choices(divisions, div_weights)[0]
            form, form_kana = rng.choices(COMPANY_FORM, [8, 2, 1])[0]
            core, core_kana = rng.choice(COMPANY_CORE)
            end, end_kana = rng.choice(COMPANY_END[division])
            family, family_kana = rng.choice(FAMILY)
            if rng.random() < 0.4:
                core, core_kana = family, family_kana
            name = f"{form}{core}{end}" if rng.random() < 0.7 else f"{core}{end}{form}"
            while True:
                serial += 1
                # 登記所 code (4) · 種別 01 (株式会社等) · serial (6): the shape of a registered company's base.
                base = f"{int(code) * 100 + serial % 97:04d}01{serial:06d}"
                number = corporate_number(base)
                if number not in taken:
                    break
            cid = first + i
            busy = json.dumps(sorted(rng.sample(range(1, 13), rng.choice([0, 0, 1, 2]))))
            weekdays = json.dumps([] if rng.random() < 0.7 else sorted(rng.sample(range(5), rng.randint(2, 4))))
            rows.append(
                (
                    cid,
                    None if rng.random() < 0.03 else number,
                    name,
                    f"{core_kana}{end_kana}",
                    pk,
                    f"{rng.choice(TOWNS)}市",
                    self.divisions[division],
                    rng.choices(["micro", "small", "large"], [5, 4, 1])[0],
                    busy,
                    weekdays,
                    rng.choice([None, 1, 2, 3, 5]),
                )
            )
            self.companies_by_pref.setdefault(p, []).append(cid)
            self.company_industry.append(division)
            kinds = rng.sample(OFFER_KINDS, rng.randint(1, 3))
            self.company_offers[cid] = kinds
            for kind in kinds:
                offer_rows.append((cid, kind, rng.choice([None, 2, 3, 5, 10])))
        db.copy(
            Company,
            [
                "id",
                "corporate_number",
                "name",
                "kana",
                "prefecture_id",
                "municipality",
                "industry_id",
                "size_band",
                "busy_months",
                "weekdays",
                "max_students",
            ],
            rows,
        )
        db.copy(CompanyOffer, ["company_id", "kind", "capacity"], offer_rows)
        # One mentor per company; practitioner teachers at the companies that send lecturers.
        person_id = self.person_id0 = db.next_id(Person)
        people = []
        self.mentor_of: dict[int, int] = {}
        self.practitioners: list[tuple[int, int]] = []  # (person id, company prefecture index)
        pref_of_company = {cid: p for p, ids in self.companies_by_pref.items() for cid in ids}
        self.pref_of_company = pref_of_company
        for cid in range(first, first + size.companies):
            family, family_kana = rng.choice(FAMILY)
            given, given_kana = rng.choice(GIVEN)
            people.append((person_id, f"{family} {given}", f"{family_kana} {given_kana}", "mentor", "指導担当", cid))
            self.mentor_of[cid] = person_id
            person_id += 1
            if "lecturer" in self.company_offers[cid]:
                family, family_kana = rng.choice(FAMILY)
                given, given_kana = rng.choice(GIVEN)
                people.append(
                    (person_id, f"{family} {given}", f"{family_kana} {given_kana}", "practitioner", "技師", cid)
                )
                self.practitioners.append((person_id, pref_of_company[cid]))
                person_id += 1
        db.copy(Person, ["id", "name", "kana", "role", "title", "company_id"], people, label="partners_person")
        self.models_loaded += [Company, CompanyOffer, Person]

    def _consortia(self):
        rng, size, db = self.rng, self.size, self.db
        org_id = db.next_id(Organisation)
        orgs, self.board_of = [], {}
        for p, (pk, _code, name) in enumerate(self.prefectures):
            orgs.append((org_id, f"{name}教育委員会", "board_of_education", pk))
            self.board_of[p] = org_id
            orgs.append((org_id + 1, f"{name}商工会議所連合会", "chamber_of_commerce", pk))
            org_id += 2
        db.copy(Organisation, ["id", "name", "kind", "prefecture_id"], orgs)
        cons_id = self.consortium_id0 = db.next_id(Consortium)
        person_id = db.next_id(Person)
        rows, school_links, company_links, org_links, coord_links, coordinators = [], [], [], [], [], []
        designations, stages, meetings = [], [], []
        self.consortium_of_school: dict[int, int] = {}
        self.consortia: list[tuple[int, int]] = []  # (id, prefecture index)
        used_schools = set()
        for i in range(size.consortia):
            p = i if i < len(self.prefectures) else rng.choices(range(47), self.pref_weights)[0]
            pk, _code, name = self.prefectures[p]
            free = [s for s in self.schools_by_pref.get(p, []) if s[0] not in used_schools]
            if not free:
                continue
            members = rng.sample(free, min(len(free), rng.randint(2, 12)))
            cid = cons_id
            cons_id += 1
            rows.append((cid, f"{name}マイスター・ハイスクール管理機関 第{i + 1}", pk, "地域産業の担い手育成"))
            self.consortia.append((cid, p))
            for school in members:
                used_schools.add(school[0])
                school_links.append((cid, school[0]))
                self.consortium_of_school[school[0]] = cid
            pool = self.companies_by_pref.get(p, [])
            for company in rng.sample(pool, min(len(pool), rng.randint(20, 200))):
                company_links.append((cid, company))
            org_links += [(cid, self.board_of[p]), (cid, self.board_of[p] + 1)]
            family, family_kana = rng.choice(FAMILY)
            given, given_kana = rng.choice(GIVEN)
            coordinators.append(
                (person_id, f"{family} {given}", f"{family_kana} {given_kana}", "coordinator", "CEO", self.board_of[p])
            )
            coord_links.append((cid, person_id))
            person_id += 1
            first_year = rng.choice([2021, 2022, 2023, 2024])
            kind = rng.choices(["advanced", "strengthening", "support", "survey"], [5, 4, 1, 1])[0]
            for fy in YEARS:
                if fy < first_year or (fy >= 2024 and rng.random() < 0.1):
                    continue
                fy_kind = kind
                if fy - first_year >= 3:
                    fy_kind = "advanced_follow_on" if kind == "advanced" else "strengthening_follow_on"
                budget = rng.randrange(5_000_000, 40_000_000, 100_000)
                designations.append((cid, fy, fy_kind, fy == first_year, first_year, budget))
                stages.append((cid, fy, min(5, 1 + (fy - first_year) + rng.randint(0, 1)), ""))
            for n, (month, kind_of_meeting) in enumerate(
                ((5, "steering"), (8, "joint"), (11, "training"), (2, "steering"))
            ):
                year = FISCAL_YEAR + (1 if month < 4 else 0)
                meetings.append((cid, kind_of_meeting, datetime.date(year, month, 10 + n), f"第{n + 1}回 会議", "", ""))
        db.copy(
            Person, ["id", "name", "kana", "role", "title", "organisation_id"], coordinators, label="partners_person"
        )
        db.copy(Consortium, ["id", "name", "prefecture_id", "summary"], rows)
        links = (
            (Consortium.schools.through, ["consortium_id", "school_id"], school_links),
            (Consortium.companies.through, ["consortium_id", "company_id"], company_links),
            (Consortium.organisations.through, ["consortium_id", "organisation_id"], org_links),
            (Consortium.coordinators.through, ["consortium_id", "person_id"], coord_links),
        )
        for through, columns, link_rows in links:
            db.copy(through, columns, link_rows)
        db.copy(
            Designation,
            ["consortium_id", "fiscal_year", "type", "is_new", "first_fiscal_year", "budget_yen"],
            designations,
        )
        db.copy(ConsortiumStage, ["consortium_id", "fiscal_year", "stage", "note"], stages)
        db.copy(Meeting, ["consortium_id", "kind", "held_on", "title", "attendees", "minutes"], meetings)
        self.models_loaded += [Organisation, Consortium, Designation, ConsortiumStage, Meeting]
        self.models_loaded += [t for t, _c, _r in links]
        # 産業実務家教員: each practitioner teaches at one or two schools of the prefecture.
        teaching, seen = [], set()
        for person, p in self.practitioners:
            schools = self.schools_by_pref.get(p, [])
            for school in rng.sample(schools, min(len(schools), rng.choice([1, 1, 2]))):
                if (person, school[0]) in seen:
                    continue
                seen.add((person, school[0]))
                hours = Decimal(rng.choice([2, 4, 6, 8, 12, 20, 35])).quantize(Decimal("0.1"))
                teaching.append((person, school[0], FISCAL_YEAR, "課題研究・出前授業", hours))
        db.copy(PractitionerTeaching, ["person_id", "school_id", "fiscal_year", "subjects", "hours"], teaching)
        self.models_loaded.append(PractitionerTeaching)

    def _matching(self):
        rng, db = self.rng, self.db
        # Subjects: the 学校設定科目 sequence of each school, grades 1 → 2 → 3.
        subject_id = db.next_id(Subject)
        subjects = []
        self.dual_subject: dict[int, int] = {}
        for school in self.schools:
            previous = None
            for grade, name in ((1, "地域産業基礎"), (2, "ブラッシュアップ実習"), (3, "プログレス実習")):
                involvement = json.dumps(["visit"] if grade == 1 else ["lecture", "dual_system"])
                subjects.append((subject_id, school[0], school[3][0], name, grade, 2 + grade, involvement, previous))
                previous = subject_id
                subject_id += 1
            self.dual_subject[school[0]] = previous
        db.copy(
            Subject,
            ["id", "school_id", "department_id", "name", "grade", "credits", "involvement", "follows_id"],
            subjects,
        )
        # Each school's host companies (its consortium's prefecture pool): one engagement per pair.
        engagement_id = db.next_id(Engagement)
        engagements, self.hosts = [], {}
        kinds = ["dual_system", "internship", "lecturer", "visit"]
        for school in self.schools:
            pool = self.companies_by_pref.get(school[1], [])
            hosts = rng.sample(pool, min(len(pool), max(3, int(12 * school[4]))))
            self.hosts[school[0]] = []
            for company in hosts:
                kind = rng.choices(kinds, [4, 3, 2, 1])[0]
                start = datetime.date(FISCAL_YEAR, 4, 1) + datetime.timedelta(days=rng.randint(0, 60))
                engagements.append(
                    (
                        engagement_id,
                        school[0],
                        company,
                        kind,
                        "デュアルシステムの受入れ" if kind == "dual_system" else "連携活動",
                        start,
                        datetime.date(FISCAL_YEAR + 1, 3, 15),
                        rng.randint(1, 8),
                        rng.choices([None, True, False], [3, 6, 1])[0],
                    )
                )
                self.hosts[school[0]].append((company, engagement_id))
                engagement_id += 1
        db.copy(
            Engagement,
            ["id", "school_id", "company_id", "kind", "title", "start_on", "end_on", "students", "would_host_again"],
            engagements,
        )
        # Needs (3 a school) and proposals (3 a need) to companies of the school's prefecture.
        need_id = db.next_id(SchoolNeed)
        needs, proposals = [], []
        self.need_of_school: dict[int, int] = {}
        for school in self.schools:
            for n in range(3):
                kind = rng.choice(["dual_system", "lecturer", "visit", "facility", "internship"])
                start = datetime.date(FISCAL_YEAR + 2, rng.randint(5, 9), 1)
                category = self.departments[school[3][0]]
                needs.append(
                    (
                        need_id,
                        school[0],
                        school[3][0],
                        kind,
                        f"{SCHOOL_WORD[category] or '地域'}分野の受入れ・協力のお願い {n + 1}",
                        category,
                        self.divisions[CATEGORY_INDUSTRY[category]],
                        rng.choice([2, 3]),
                        start,
                        start + datetime.timedelta(days=rng.randint(30, 150)),
                        rng.choice([None, 2]),
                        rng.choice([None, 6]),
                        rng.randint(1, 6),
                        "open",
                    )
                )
                self.need_of_school.setdefault(school[0], need_id)
                pool = self.companies_by_pref.get(school[1], [])
                for company in rng.sample(pool, min(3, len(pool))):
                    status = rng.choices(["sent", "accepted", "declined"], [5, 3, 2])[0]
                    proposals.append((need_id, company, "ご協力をお願いできないでしょうか。", status))
                need_id += 1
        db.copy(
            SchoolNeed,
            [
                "id",
                "school_id",
                "department_id",
                "kind",
                "title",
                "category",
                "industry_id",
                "grade",
                "start_on",
                "end_on",
                "weekday",
                "hours",
                "students",
                "status",
            ],
            needs,
        )
        db.copy(Proposal, ["need_id", "company_id", "message", "status"], proposals)
        # Class sessions with industry (出前授業, 企業見学) in the year-2 subject.
        sessions = []
        for school in self.schools:
            hosts = self.hosts[school[0]]
            for _ in range(8):
                company, engagement = rng.choice(hosts)
                day = datetime.date(FISCAL_YEAR, 4, 8) + datetime.timedelta(days=rng.randint(0, 330))
                kind = rng.choice(["lecture", "visit", "facility"])
                hours = Decimal(rng.choice([1, 2, 2, 3, 4])).quantize(Decimal("0.1"))
                sessions.append(
                    (self.dual_subject[school[0]] - 1, day, kind, hours, rng.randint(20, 40), company, engagement)
                )
        db.copy(
            ClassSession,
            ["subject_id", "held_on", "kind", "hours", "student_count", "company_id", "engagement_id"],
            sessions,
        )
        self.models_loaded += [Subject, Engagement, SchoolNeed, Proposal, ClassSession]

    # --- students and their days ---------------------------------------------------------------------------

    def _students(self):
        rng, size, db = self.rng, self.size, self.db
        student_id = self.student_id0 = db.next_id(Student)
        total_weight = sum(s[4] for s in self.schools)
        self.cohorts: dict[tuple[int, int], list[int]] = {}  # (school id, entry year) → student ids

        def rows():
            nonlocal student_id
            remaining = size.students
            for n, school in enumerate(self.schools):
                count = remaining if n == len(self.schools) - 1 else round(size.students * school[4] / total_weight)
                count = min(count, remaining)
                remaining -= count
                per_year = [count // 3 + (1 if k < count % 3 else 0) for k in range(3)]
                for entry_year, in_year in zip((2022, 2023, 2024), per_year, strict=True):
                    ids = self.cohorts.setdefault((school[0], entry_year), [])
                    departments = school[3]
                    for k in range(in_year):
                        family = rng.choice(FAMILY)[1]
                        given = rng.choice(GIVEN)[1]
                        yield (
                            student_id,
                            school[0],
                            departments[(k // 40) % len(departments)],
                            entry_year,
                            str(k // 40 + 1),
                            k % 40 + 1,
                            f"{family} {given}",
                        )
                        ids.append(student_id)
                        student_id += 1

        db.copy(
            Student, ["id", "school_id", "department_id", "entry_year", "class_name", "number", "kana_name"], rows()
        )
        self.models_loaded.append(Student)

    def _placements(self):
        rng, size, db = self.rng, self.size, self.db
        placement_id = self.placement_id0 = db.next_id(Placement)
        log_id = db.next_id(DayLog)
        total = sum(len(self.cohorts.get((s[0], y), [])) for s in self.schools for y in (2022, 2023))
        placements, self.placed = [], {}  # student → company
        # Average expected days per placement ≈ target day logs ÷ placements (dual system weekly, internships
        # two or five days a week), with about 3% to spare for the days that stay unlogged.
        target_days = size.day_logs / size.placements / 0.97
        fy_start = datetime.date(FISCAL_YEAR, 4, 8)
        # Each school's share of the placements by its grade 2 and 3 students, largest remainders rounded up.
        shares = []
        for school in self.schools:
            candidates = self.cohorts.get((school[0], 2022), []) + self.cohorts.get((school[0], 2023), [])
            exact = size.placements * len(candidates) / total
            shares.append([school, candidates, int(exact), exact - int(exact)])
        short = size.placements - sum(share[2] for share in shares)
        for share in sorted(shares, key=lambda share: -share[3])[: max(0, short)]:
            share[2] += 1
        plans = []
        for school, candidates, count, _rest in shares:
            for student in rng.sample(candidates, min(count, len(candidates))):
                plans.append((school, student))
        for school, student in plans:
            company, engagement = rng.choice(self.hosts[school[0]])
            kind = rng.choices(["dual_system", "long_internship", "short_internship"], [4, 3, 3])[0]
            if kind == "dual_system":
                weekdays = str(rng.randint(0, 4))
                weeks = round(target_days * rng.uniform(1.28, 1.65))
            elif kind == "long_internship":
                weekdays = "".join(sorted(rng.sample("01234", 2)))
                weeks = round(target_days * rng.uniform(0.44, 0.64))
            else:
                weekdays = "01234"
                weeks = rng.choice([1, 2])
            start = fy_start + datetime.timedelta(days=7 * rng.randint(0, max(0, 48 - weeks)))
            start -= datetime.timedelta(days=start.weekday())
            end = start + datetime.timedelta(days=7 * weeks - 1)
            hours = Decimal("6.0") if kind != "short_internship" else Decimal("7.0")
            required = (hours * len(weekdays) * weeks).quantize(Decimal("0.1"))
            placements.append(
                (
                    placement_id,
                    student,
                    company,
                    self.mentor_of[company],
                    self.dual_subject[school[0]],
                    engagement,
                    kind,
                    start,
                    end,
                    weekdays,
                    hours,
                    required,
                    "signed",
                )
            )
            self.placed[student] = company
            placement_id += 1
        db.copy(
            Placement,
            [
                "id",
                "student_id",
                "company_id",
                "mentor_id",
                "subject_id",
                "engagement_id",
                "kind",
                "starts_on",
                "ends_on",
                "weekdays",
                "hours_per_day",
                "required_hours",
                "agreement_status",
            ],
            placements,
        )
        confirmed_at = STAMP

        # A few expected days stay unlogged, spread over every placement: the share that leaves exactly the
        # scale's number of day logs (the last placements absorb the rounding).
        expected_total = sum(((row[8] - row[7]).days + 1) // 7 * len(row[9]) for row in placements)
        margin = 4 * math.sqrt(size.day_logs * 0.03) + 10  # four standard deviations of the skipped days
        keep = min(1.0, (size.day_logs + margin) / max(1, expected_total))

        def logs():
            nonlocal log_id
            remaining = size.day_logs
            one_day = datetime.timedelta(days=1)
            for row in placements:
                pid, start, end, weekdays, hours = row[0], row[7], row[8], row[9], row[10]
                wanted = {int(c) for c in weekdays}
                day = start
                while day <= end and remaining > 0:
                    if day.weekday() in wanted and rng.random() < keep:
                        r = rng.random()
                        if r < 0.02:
                            attendance, logged_hours = "absent", Decimal("0.0")
                        elif r < 0.05:
                            attendance, logged_hours = "late", hours - 2
                        else:
                            attendance, logged_hours = "present", hours
                        s = rng.random()
                        status = "confirmed" if s < 0.85 else ("pending" if s < 0.97 else "rejected")
                        yield (
                            log_id,
                            pid,
                            day,
                            attendance,
                            logged_hours,
                            ACTIVITIES[rng.randrange(len(ACTIVITIES))],
                            status,
                            confirmed_at if status == "confirmed" else None,
                        )
                        log_id += 1
                        remaining -= 1
                    day += one_day

        db.copy(
            DayLog,
            ["id", "placement_id", "day", "attendance", "hours", "activities", "status", "confirmed_at"],
            logs(),
        )
        self.models_loaded += [Placement, DayLog]

    def _destinations(self):
        rng, db = self.rng, self.db
        kinds = ["local", "outside", "study", "other", "startup"]

        def rows():
            for school in self.schools:
                for student in self.cohorts.get((school[0], 2022), []):
                    company = self.placed.get(student)
                    if company and rng.random() < 0.25:
                        yield (student, FISCAL_YEAR, "host_company", company)
                    else:
                        yield (student, FISCAL_YEAR, rng.choices(kinds, [45, 15, 35, 4, 1])[0], None)

        db.copy(Destination, ["student_id", "graduated_fiscal_year", "kind", "company_id"], rows())
        self.models_loaded.append(Destination)

    def _assessments(self):
        rng, size, db = self.rng, self.size, self.db
        grit = Instrument.objects.get(code="grit-s")
        admin_id = db.next_id(Administration)
        administrations, pairs = [], []
        for school in self.schools:
            students = self.cohorts.get((school[0], 2023), [])
            if not students:
                continue
            pre, post = admin_id, admin_id + 1
            admin_id += 2
            administrations.append(
                (pre, grit.pk, school[0], 2023, FISCAL_YEAR, "pre", datetime.date(FISCAL_YEAR, 4, 15))
            )
            administrations.append(
                (post, grit.pk, school[0], 2023, FISCAL_YEAR, "post", datetime.date(FISCAL_YEAR, 11, 12))
            )
            pairs += [(pre, post, student) for student in students]
        db.copy(
            Administration,
            ["id", "instrument_id", "school_id", "entry_year", "fiscal_year", "timing", "administered_on"],
            administrations,
        )
        # Exactly the scale's number of responses: a pre and a post for a sample of the cohort, kept in order.
        chosen = sorted(rng.sample(range(len(pairs)), min(len(pairs), size.responses // 2)))
        pairs = [pairs[i] for i in chosen]

        def answers(growth: float) -> tuple[str, str]:
            values = {}
            for item in range(1, 9):
                reverse = item in (3, 5, 6, 8)
                value = rng.gauss(3.1 + growth, 0.9)
                value = 6 - value if reverse else value
                values[str(item)] = min(5, max(1, round(value)))
            perseverance = sum(values[str(i)] for i in (1, 2, 4, 7)) / 4
            consistency = sum(6 - values[str(i)] for i in (3, 5, 6, 8)) / 4
            scores = {"perseverance": round(perseverance, 4), "consistency": round(consistency, 4)}
            return json.dumps(values), json.dumps(scores)

        def rows():
            for pre, post, student in pairs:
                yield (pre, student, *answers(0.0))
                yield (post, student, *answers(0.25))

        db.copy(Response, ["administration_id", "student_id", "answers", "scores"], rows())
        self.models_loaded += [Administration, Response]

    def _survey(self):
        rng, db = self.rng, self.db
        survey_id = db.next_id(Survey)
        db.copy(
            Survey,
            ["id", "title", "fiscal_year", "deadline", "message"],
            [(survey_id, "令和6年度 マイスター・ハイスクール実態調査", FISCAL_YEAR, datetime.date(2024, 12, 20), "")],
        )
        recipient_id = db.next_id(Recipient)
        recipients, answers = [], []
        issues = ["recruiting", "company_burden", "teacher_load", "curriculum", "logistics", "funding", "sustaining"]
        for school in self.schools[: max(10, len(self.schools) // 2)]:
            pk = self.prefectures[school[1]][0]
            recipients.append((recipient_id, survey_id, "school", f"学校 {school[0]}", pk, STAMP))
            if rng.random() < 0.8:
                chosen = json.dumps(sorted(rng.sample(issues, rng.randint(1, 3))))
                answers.append((recipient_id, rng.randint(1, 5), chosen, "", rng.choice(issues), "", "担当者"))
            recipient_id += 1
        db.copy(Recipient, ["id", "survey_id", "respondent_type", "name", "prefecture_id", "sent_at"], recipients)
        db.copy(
            SurveyAnswer,
            ["recipient_id", "stage", "issues", "issue_detail", "solution_issue", "solution", "answered_by"],
            answers,
        )
        self.models_loaded += [Survey, Recipient, SurveyAnswer]

    # --- personas ------------------------------------------------------------------------------------------

    def _users(self):
        # The prefecture with the most schools, its largest consortium, the consortium school with the most
        # placements on the logging day, and the company hosting the most of them: the busiest pages.
        tokyo = max(range(47), key=lambda p: len(self.schools_by_pref.get(p, [])))
        consortia = [cid for cid, p in self.consortia if p == tokyo] or [self.consortia[0][0]]
        consortium = consortia[0]
        members = [s for s in self.schools if self.consortium_of_school.get(s[0]) == consortium]
        school = max(members, key=lambda s: len(self.hosts[s[0]]))
        company = Placement.objects.filter(student__school_id=school[0]).values_list("company_id", flat=True).first()
        specs = [
            ("ministry", Role.MINISTRY, {}),
            ("prefecture", Role.PREFECTURE, {"prefecture_id": self.prefectures[tokyo][0]}),
            ("coordinator", Role.COORDINATOR, {"consortium_id": consortium}),
            ("teacher", Role.TEACHER, {"school_id": school[0]}),
            ("company", Role.COMPANY, {"company_id": company}),
        ]
        for name, role, scope in specs:
            user = User(username=f"{PERSONA_PREFIX}{name}", role=role, **scope)
            user.set_unusable_password()
            user.save()
            self.personas[name] = user.username
        self.db.counts["meister_user"] = len(specs)
        self.need_for_coordinator = self.need_of_school[school[0]]


def persona_need(user) -> SchoolNeed:
    """The need whose candidates the coordinator persona looks at: the first need of the teacher persona's school."""
    teacher = User.objects.get(username=f"{PERSONA_PREFIX}teacher")
    return SchoolNeed.objects.filter(school_id=teacher.school_id).order_by("pk").first()
