"""Load the demo: reference data, the Shiga (Hikone) and Niigata (Kaiyo) cases, one user per role.

Idempotent: running it again changes nothing. Refused unless MEISTER_DEMO is on (it is by default
only with DEBUG), so production never gets the demo logins.

The schools, boards of education, municipalities, the chamber of commerce and 株式会社能水商店 are
the ones named in MEXT's programme overview; school codes, the other companies, their 法人番号,
people and budgets are invented for the demo.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meister.models import Role, User
from partners.models import (
    Company,
    Consortium,
    CourseCategory,
    Department,
    Designation,
    DesignationType,
    Establishment,
    IndustryDivision,
    Organisation,
    OrganisationKind,
    Prefecture,
    School,
)
from partners.reference import load_industry_divisions, load_prefectures

DEMO_PASSWORD = "meister-demo"

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


class Command(BaseCommand):
    help = (
        "デモデータ（参照データ、滋賀・新潟の事例、役割ごとのデモ利用者）を読み込みます。"
        "何度実行しても同じ結果になります。"
    )

    def handle(self, *args, **options):
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
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo password: {DEMO_PASSWORD}"))

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
        for fy, kind, first, is_new, budget in case["designations"]:
            Designation.objects.update_or_create(
                consortium=consortium,
                fiscal_year=fy,
                defaults={"type": kind, "first_fiscal_year": first, "is_new": is_new, "budget_yen": budget},
            )
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
