"""Load the demo: reference data, the Shiga (Hikone) and Niigata (Kaiyo) cases, one user per role.

Idempotent: running it again changes nothing. Refused unless MEISTER_DEMO is on (it is by default
only with DEBUG), so production never gets the demo logins.

The schools, boards of education, municipalities, the chamber of commerce and 株式会社能水商店 are
the ones named in MEXT's programme overview; school codes, the other companies, their 法人番号,
people and budgets are invented for the demo.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meister.fiscal import current_fiscal_year, fiscal_year_label
from meister.models import Role, User
from partners.models import (
    ActionItem,
    Agreement,
    Company,
    CompanyOffer,
    Consortium,
    ConsortiumStage,
    ContactLog,
    CourseCategory,
    Department,
    DepartmentYear,
    Designation,
    DesignationType,
    Establishment,
    IndustryDivision,
    Meeting,
    OfferKind,
    Organisation,
    OrganisationKind,
    Person,
    PersonRole,
    PractitionerTeaching,
    Prefecture,
    School,
    SizeBand,
    SupportConsultation,
)
from partners.reference import load_industry_divisions, load_prefectures

DEMO_PASSWORD = "meister-demo"

# The fiscal year the cases below are written for; their meetings move with the demo's year.
CASES_WRITTEN_FOR = 2026

CASES = [
    {
        "key": "shiga",
        "prefecture": "25",
        "school": {
            "code": "D125210000012",
            "name": "滋賀県立彦根工業高等学校",
            "kana": "しがけんりつひこねこうぎょうこうとうがっこう",
            "municipality": "彦根市",
            "departments": [
                ("機械科", CourseCategory.INDUSTRY),
                ("電気科", CourseCategory.INDUSTRY),
                ("建設科", CourseCategory.INDUSTRY),
            ],
        },
        "organisations": [
            ("滋賀県教育委員会", OrganisationKind.BOARD_OF_EDUCATION),
            ("彦根市", OrganisationKind.MUNICIPALITY),
            ("彦根商工会議所", OrganisationKind.CHAMBER_OF_COMMERCE),
        ],
        "companies": [
            (
                "6160001012345",
                "株式会社湖東精機",
                "ことうせいき",
                "彦根市",
                "E",
                "精密機械部品の設計・製造。デュアルシステム（プログレス実習）で3年生を毎週水曜日に受け入れ、社内プロジェクトチームの一員として働いてもらう。",
            ),
            (
                "8160001023456",
                "近江エンジニアリング株式会社",
                "おうみえんじにありんぐ",
                "彦根市",
                "E",
                "産業用制御装置の開発。産業実務家教員としてエンジニアを派遣し、ブラッシュアップ実習を担当。",
            ),
            (
                "1160001034567",
                "株式会社びわ湖システムズ",
                "びわこしすてむず",
                "長浜市",
                "G",
                "製造業向けの生産管理システムとAI活用の支援。企業見学（近江マイスター）を受け入れ。",
            ),
        ],
        "consortium": {
            "name": "彦根工業高等学校マイスター・ハイスクール管理機関",
            "summary": "彦根工業高等学校×滋賀県教育委員会×彦根市×彦根商工会議所。"
            "学校設定科目「近江マイスター」（1年：地域企業の見学）→"
            "「ブラッシュアップ実習」（2年：地域企業や専門家から学ぶ）→「プログレス実習」（3年：週1日のデュアルシステム）。",
        },
        "designations": [
            (2021, DesignationType.ADVANCED, 2021, True, 30_000_000),
            (2022, DesignationType.ADVANCED, 2021, False, 30_000_000),
            (2023, DesignationType.ADVANCED, 2021, False, 28_000_000),
            (2025, DesignationType.ADVANCED_FOLLOW_ON, 2025, True, 20_000_000),
            (2026, DesignationType.ADVANCED_FOLLOW_ON, 2025, False, 20_000_000),
        ],
        "people": {
            "prefecture": ("滋賀", "県子"),
            "coordinator": ("近江", "匠"),
            "teacher": ("彦根", "工"),
            "company": ("湖東", "精一"),
        },
    },
    {
        "key": "niigata",
        "prefecture": "15",
        "school": {
            "code": "D115210000025",
            "name": "新潟県立海洋高等学校",
            "kana": "にいがたけんりつかいようこうとうがっこう",
            "municipality": "糸魚川市",
            "departments": [("海洋開発科", CourseCategory.FISHERIES), ("水産食品科", CourseCategory.FISHERIES)],
        },
        "organisations": [
            ("新潟県教育委員会", OrganisationKind.BOARD_OF_EDUCATION),
            ("糸魚川市", OrganisationKind.MUNICIPALITY),
        ],
        "companies": [
            (
                None,
                "株式会社能水商店",
                "のうすいしょうてん",
                "糸魚川市",
                "E",
                "水産加工品の製造・販売。道の駅の「新潟海洋高校アンテナショップ 能水商店」とオンライン販売。",
            ),
            (
                "8110001045678",
                "株式会社ひすい海洋開発",
                "ひすいかいようかいはつ",
                "糸魚川市",
                "B",
                "鮭の発眼卵放流とモズク育成域の調査を支援（課題研究の施設・実践の場）。",
            ),
        ],
        "consortium": {
            "name": "海洋高等学校マイスター・ハイスクール管理機関",
            "summary": "海洋高等学校×新潟県教育委員会×糸魚川市×株式会社能水商店。IT活用によるスマート水産業、"
            "課題研究での低コスト型鮭放流、モズク育成域マップ、アクアポニックスなど。",
        },
        "designations": [
            (2021, DesignationType.ADVANCED, 2021, True, 30_000_000),
            (2022, DesignationType.ADVANCED, 2021, False, 30_000_000),
            (2023, DesignationType.ADVANCED, 2021, False, 28_000_000),
            (2026, DesignationType.STRENGTHENING_FOLLOW_ON, 2026, True, 15_000_000),
        ],
        "people": {
            "prefecture": ("新潟", "花子"),
            "coordinator": ("糸魚川", "誠"),
            "teacher": ("海野", "翔"),
            "company": ("能水", "太郎"),
        },
    },
]


# The registry's detail for each case: department figures, what companies offer, people, the
# contact log, practitioner teaching, agreements, stages, meetings and support consultations.
REGISTRY = {
    "shiga": {
        "department_years": {
            "機械科": [(2024, 80, 78), (2025, 80, 79), (2026, 80, 80)],
            "電気科": [(2024, 80, 71), (2025, 80, 74), (2026, 80, 77)],
            "建設科": [(2024, 40, 33), (2025, 40, 35), (2026, 40, 36)],
        },
        "company_details": {
            "株式会社湖東精機": {
                "size_band": SizeBand.SMALL,
                "busy_months": [3, 12],
                "weekdays": [2],
                "max_students": 3,
                "address": "松原町（デモ）",
                "offers": [
                    (OfferKind.DUAL_SYSTEM, 3, "プログレス実習：毎週水曜日、社内プロジェクトチームの一員として勤務"),
                    (OfferKind.FACILITY, 20, "5軸マシニングセンタと三次元測定機を使った実習"),
                    (OfferKind.VISIT, 40, "近江マイスター（1年）の工場見学"),
                ],
            },
            "近江エンジニアリング株式会社": {
                "size_band": SizeBand.SMALL,
                "busy_months": [3],
                "weekdays": [1, 3],
                "max_students": 2,
                "offers": [
                    (OfferKind.LECTURER, None, "ブラッシュアップ実習：PLC制御とIoTセンサの出前授業"),
                    (OfferKind.FACILITY, 10, "制御盤の組立・配線実習"),
                    (OfferKind.INTERNSHIP, 2, "夏季の長期インターンシップ（2週間）"),
                ],
            },
            "株式会社びわ湖システムズ": {
                "size_band": SizeBand.MICRO,
                "busy_months": [9, 10],
                "weekdays": [],
                "max_students": 10,
                "offers": [
                    (OfferKind.VISIT, 20, "AIを活用した生産管理の現場見学"),
                    (OfferKind.CAREER_TALK, None, "情報系エンジニアのキャリア講話"),
                ],
            },
        },
        "people": [
            ("株式会社湖東精機", "湖東 精一", "ことう せいいち", PersonRole.MENTOR, "生産技術課長"),
            ("近江エンジニアリング株式会社", "伊吹 健", "いぶき けん", PersonRole.PRACTITIONER, "制御設計エンジニア"),
            ("滋賀県教育委員会", "滋賀 県子", "しが けんこ", PersonRole.BOARD_STAFF, "高校教育課 指導主事"),
            ("滋賀県立彦根工業高等学校", "彦根 工", "ひこね たくみ", PersonRole.TEACHER, "機械科 教諭"),
            ("彦根商工会議所", "近江 匠", "おうみ たくみ", PersonRole.COORDINATOR, "マイスター・ハイスクールCEO"),
        ],
        "contacts": [
            (
                "株式会社びわ湖システムズ",
                "visit",
                "2026-10-07",
                "施設実習の受入れについて相談",
                "AI外観検査の実習を3年生向けに組めるか確認。先方は秋の繁忙期を避けたい意向。",
                "実習案を作成して送付",
                "2026-11-30",
            ),
            (
                "株式会社湖東精機",
                "phone",
                "2026-09-16",
                "プログレス実習の後期日程の確認",
                "毎週水曜日、後期も3名受入れで合意。",
                "",
                None,
            ),
        ],
        "teaching": [
            ("伊吹 健", 2025, "ブラッシュアップ実習（制御）", "36"),
            ("伊吹 健", 2026, "ブラッシュアップ実習（制御）", "24"),
        ],
        "agreements": [
            (
                "滋賀県と彦根商工会議所の産業人材育成に関する連携協定",
                "2021-06-01",
                ["滋賀県教育委員会", "彦根商工会議所"],
                "地域産業を担う人材の育成に向けた、授業見学・人事交流・企業実習の受入れ等に関する連携",
            ),
        ],
        "stages": [
            (2024, 4, "デュアルシステムが定着し、協定に基づく企業実習を継続"),
            (2025, 4, ""),
            (2026, 5, "他校への横展開を開始"),
        ],
        "meetings": [
            (
                "steering",
                "2026-05-20",
                "{fy} 第1回運営委員会",
                "年間計画とKPI（デュアルシステム参加者数、実務家教員の授業時間）を確認。",
                [
                    ("デュアルシステム受入れ企業を1社増やす", "近江 匠", "2026-09-30", True),
                    ("企業向け説明資料の改訂", "彦根 工", "2026-12-20", False),
                ],
            ),
        ],
        "consultations": [
            (
                "2026-07-10",
                "受入れ企業の負担感を下げる工夫を知りたい",
                "受入れ側のメリット（業務改善提案、採用広報）を事前に言語化して共有することを助言。",
                "2026-07-24",
            )
        ],
    },
    "niigata": {
        "department_years": {
            "海洋開発科": [(2024, 40, 38), (2025, 40, 40), (2026, 40, 40)],
            "水産食品科": [(2024, 40, 35), (2025, 40, 37), (2026, 40, 39)],
        },
        "company_details": {
            "株式会社能水商店": {
                "size_band": SizeBand.MICRO,
                "busy_months": [11, 12],
                "weekdays": [],
                "max_students": 6,
                "offers": [
                    (OfferKind.PRODUCT_DEVELOPMENT, 6, "水産加工品の商品開発とアンテナショップでの販売"),
                    (OfferKind.LECTURER, None, "水産加工・経営についての出前授業"),
                    (OfferKind.FACILITY, 10, "加工場での実習"),
                ],
            },
            "株式会社ひすい海洋開発": {
                "size_band": SizeBand.MICRO,
                "busy_months": [],
                "weekdays": [5],
                "max_students": 8,
                "offers": [
                    (OfferKind.JOINT_RESEARCH, 8, "鮭の発眼卵放流、モズク育成域マップ"),
                    (OfferKind.FACILITY, 8, "調査船と観測機器を使った実習"),
                ],
            },
        },
        "people": [
            ("株式会社能水商店", "能水 太郎", "のうすい たろう", PersonRole.PRACTITIONER, "代表取締役"),
            ("新潟県教育委員会", "新潟 花子", "にいがた はなこ", PersonRole.BOARD_STAFF, "高等学校教育課"),
            ("糸魚川市", "糸魚川 誠", "いといがわ まこと", PersonRole.COORDINATOR, "マイスター・ハイスクールCEO"),
        ],
        "contacts": [
            (
                "株式会社ひすい海洋開発",
                "meeting",
                "2026-06-12",
                "モズク育成域マップの共同調査",
                "課題研究で調査船を使う日程を調整。",
                "観測日程の確定",
                "2026-07-01",
            ),
        ],
        "teaching": [("能水 太郎", 2026, "地域探究、水産加工", "30")],
        "agreements": [],
        "stages": [(2025, 3, ""), (2026, 3, "課題研究での継続的な連携")],
        "meetings": [],
        "consultations": [],
    },
}


def continued(rows: list[tuple], *, through: int, year_at: int, is_new: tuple[int, bool] | None = None) -> list[tuple]:
    """The case's yearly rows, carried on to fiscal year `through` by repeating the latest one.

    The cases are written up to FY2026; a demo laid out in a later year keeps its figures for that year
    (a continuing designation is not new). `year_at` is the position of the fiscal year in each row.
    """
    if not rows:
        return rows
    latest = max(rows, key=lambda row: row[year_at])
    extra = []
    for fy in range(latest[year_at] + 1, through + 1):
        row = list(latest)
        row[year_at] = fy
        if is_new is not None:
            row[is_new[0]] = is_new[1]
        extra.append(tuple(row))
    return [*rows, *extra]


def in_demo_year(day: str, fy: int) -> datetime.date:
    """A day the cases give in FY2026, moved to the same day of fiscal year `fy` (28 Feb for a 29th)."""
    written = datetime.date.fromisoformat(day)
    year = written.year + fy - CASES_WRITTEN_FOR
    try:
        return written.replace(year=year)
    except ValueError:
        return written.replace(year=year, day=28)


class Command(BaseCommand):
    help = (
        "デモデータ（参照データ、滋賀・新潟の事例、役割ごとのデモ利用者）を読み込みます。"
        "何度実行しても同じ結果になります。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="実習日・記録をこの日（YYYY-MM-DD）を基準に配置します（既定: 今日） / "
            "lay the demo's days out around this date (default: today)",
        )

    def handle(self, *args, today=None, **options):
        self.fiscal_year = current_fiscal_year(today)
        if not settings.DEMO_ENABLED:
            raise CommandError(
                "デモデータは MEISTER_DEMO が有効な環境でのみ読み込めます（本番環境では無効）。"
                " / Demo data loads only where MEISTER_DEMO is on (never in production)."
            )
        with transaction.atomic():
            load_prefectures(Prefecture)
            load_industry_divisions(IndustryDivision)
            for case in CASES:
                self._load_case(case)
            admin, created = User.objects.get_or_create(
                username="admin",
                defaults={
                    "role": Role.ADMIN,
                    "is_staff": True,
                    "is_superuser": True,
                    "last_name": "運用",
                    "first_name": "管理者",
                },
            )
            self._set_password(admin, created)
            ministry, created = User.objects.get_or_create(
                username="ministry",
                defaults={"role": Role.MINISTRY, "last_name": "文科", "first_name": "一郎"},
            )
            self._set_password(ministry, created)
            self._load_curricula(today)
            from devtools.demo.partners import load_matching_demo

            load_matching_demo()
            from devtools.demo.assessments import load_demo as load_assessments_demo

            load_assessments_demo(today)
            from devtools.demo.reports import load_demo as load_reports_demo

            load_reports_demo(today)
            from devtools.demo.showcase import load_demo as load_showcase_demo

            load_showcase_demo()
            from devtools.demo.rosters import load_demo as load_rosters_demo

            load_rosters_demo(today)
            from devtools.demo.programme import load_demo as load_programme_demo

            load_programme_demo(today)
            from curricula.tallies import tallies_rebuild

            tallies_rebuild()  # the demo writes its placements and days directly
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo password: {DEMO_PASSWORD}"))

    def _load_curricula(self, today):
        # Students, placements and day logs live with the curricula app; they need the cases' users.
        from devtools.demo.curricula import load_demo

        load_demo(today)

    def _set_password(self, user, created):
        if created:
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()

    def _load_case(self, case):
        prefecture = Prefecture.objects.get(code=case["prefecture"])
        spec = case["school"]
        school, _ = School.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "kana": spec["kana"],
                "prefecture": prefecture,
                "municipality": spec["municipality"],
                "establishment": Establishment.PUBLIC,
            },
        )
        for name, category in spec["departments"]:
            Department.objects.update_or_create(school=school, name=name, defaults={"category": category})
        organisations = [
            Organisation.objects.update_or_create(name=name, prefecture=prefecture, defaults={"kind": kind})[0]
            for name, kind in case["organisations"]
        ]
        companies = []
        for number, name, kana, municipality, division, description in case["companies"]:
            values = {
                "name": name,
                "kana": kana,
                "prefecture": prefecture,
                "municipality": municipality,
                "industry": IndustryDivision.objects.get(code=division),
                "description": description,
            }
            if number:
                company, _ = Company.objects.update_or_create(corporate_number=number, defaults=values)
            else:
                company, _ = Company.objects.update_or_create(
                    name=name, prefecture=prefecture, corporate_number=None, defaults=values
                )
            company.full_clean()
            companies.append(company)
        consortium, _ = Consortium.objects.update_or_create(
            name=case["consortium"]["name"],
            defaults={"prefecture": prefecture, "summary": case["consortium"]["summary"]},
        )
        consortium.schools.add(school)
        consortium.companies.add(*companies)
        consortium.organisations.add(*organisations)
        designations = continued(case["designations"], through=self.fiscal_year, year_at=0, is_new=(3, False))
        for fy, kind, first, is_new, budget in designations:
            Designation.objects.update_or_create(
                consortium=consortium,
                fiscal_year=fy,
                defaults={"type": kind, "first_fiscal_year": first, "is_new": is_new, "budget_yen": budget},
            )
        self._load_registry(REGISTRY[case["key"]], prefecture, school, companies, organisations, consortium)
        scopes = {
            Role.PREFECTURE: {"prefecture": prefecture},
            Role.COORDINATOR: {"consortium": consortium},
            Role.TEACHER: {"school": school},
            Role.COMPANY: {"company": companies[0]},
        }
        suffix = "" if case["key"] == "shiga" else f"-{case['key']}"
        for role, scope in scopes.items():
            last, first = case["people"][role.value]
            user, created = User.objects.get_or_create(
                username=f"{role.value}{suffix}",
                defaults={"role": role, "last_name": last, "first_name": first, **scope},
            )
            self._set_password(user, created)

    def _load_registry(self, spec, prefecture, school, companies, organisations, consortium):
        for department in school.departments.all():
            rows = continued(spec["department_years"].get(department.name, []), through=self.fiscal_year, year_at=0)
            for fy, capacity, enrolment in rows:
                DepartmentYear.objects.update_or_create(
                    department=department, fiscal_year=fy, defaults={"capacity": capacity, "enrolment": enrolment}
                )
        by_name = {c.name: c for c in companies} | {o.name: o for o in organisations} | {school.name: school}
        for name, details in spec["company_details"].items():
            company = by_name[name]
            offers = details["offers"]
            for field, value in details.items():
                if field != "offers":
                    setattr(company, field, value)
            company.full_clean()
            company.save()
            for kind, capacity, description in offers:
                CompanyOffer.objects.update_or_create(
                    company=company, kind=kind, defaults={"capacity": capacity, "description": description}
                )
        people = {}
        for affiliation_name, name, kana, role, title in spec["people"]:
            affiliation = by_name[affiliation_name]
            link = {type(affiliation).__name__.lower(): affiliation}
            person, _ = Person.objects.update_or_create(
                name=name, **link, defaults={"kana": kana, "role": role, "title": title}
            )
            people[name] = person
            if role == PersonRole.COORDINATOR:
                consortium.coordinators.add(person)
        for company_name, channel, day, subject, notes, next_step, next_on in spec["contacts"]:
            ContactLog.objects.update_or_create(
                company=by_name[company_name],
                contacted_on=day,
                subject=subject,
                defaults={
                    "channel": channel,
                    "notes": notes,
                    "next_step": next_step,
                    "next_step_on": next_on,
                    "person": by_name[company_name].people.first(),
                },
            )
        for person_name, fy, subjects, hours in continued(spec["teaching"], through=self.fiscal_year, year_at=1):
            PractitionerTeaching.objects.update_or_create(
                person=people[person_name],
                school=school,
                fiscal_year=fy,
                defaults={"subjects": subjects, "hours": Decimal(hours)},
            )
        for title, signed_on, party_names, scope in spec["agreements"]:
            agreement, _ = Agreement.objects.update_or_create(
                title=title,
                prefecture=prefecture,
                defaults={"signed_on": signed_on, "scope": scope, "consortium": consortium},
            )
            agreement.organisations.add(*[by_name[n] for n in party_names if isinstance(by_name[n], Organisation)])
            agreement.schools.add(school)
        for fy, stage, note in continued(spec["stages"], through=self.fiscal_year, year_at=0):
            ConsortiumStage.objects.update_or_create(
                consortium=consortium, fiscal_year=fy, defaults={"stage": stage, "note": note}
            )
        for kind, held_on, title, minutes, actions in spec["meetings"]:
            # The meetings are written for FY2026 and held in the demo's fiscal year: a later demo is not left
            # with a year-old action item overdue.
            title = title.format(fy=fiscal_year_label(self.fiscal_year))
            meeting, _ = Meeting.objects.update_or_create(
                consortium=consortium,
                title=title,
                defaults={"kind": kind, "held_on": in_demo_year(held_on, self.fiscal_year), "minutes": minutes},
            )
            for description, owner, due_on, done in actions:
                ActionItem.objects.update_or_create(
                    meeting=meeting,
                    description=description,
                    defaults={"owner": owner, "due_on": in_demo_year(due_on, self.fiscal_year), "done": done},
                )
        for asked_on, question, advice, answered_on in spec["consultations"]:
            SupportConsultation.objects.update_or_create(
                consortium=consortium,
                asked_on=asked_on,
                question=question,
                defaults={"advice": advice, "answered_on": answered_on},
            )
