"""Demo data for matching: a Niigata need for a fisheries-processing practical with candidates to rank,
a Shiga need, past engagements with the schools' feedback, and contact addresses for proposals."""

import datetime

from django.utils import timezone

from partners.models import (
    Company,
    CompanyOffer,
    CourseCategory,
    Engagement,
    IndustryDivision,
    OfferKind,
    Person,
    PersonRole,
    Prefecture,
    Proposal,
    School,
    SchoolNeed,
    SizeBand,
)
from partners.services.matching import default_message

# Demo addresses on a domain reserved for examples; the console email backend prints the mail.
EMAILS = {
    "湖東 精一": "kotoh@kotoh-seiki.example.jp",
    "伊吹 健": "ibuki@omi-eng.example.jp",
    "能水 太郎": "info@nosui.example.jp",
}


def load_matching_demo() -> None:
    for name, email in EMAILS.items():
        Person.objects.filter(name=name, email="").update(email=email)
    niigata = Prefecture.objects.get(code="15")
    kaiyo = School.objects.get(name="新潟県立海洋高等学校")
    hikone = School.objects.get(name="滋賀県立彦根工業高等学校")
    foods, _ = Company.objects.update_or_create(
        corporate_number="1110001056789",
        defaults={
            "name": "株式会社糸魚川フーズ",
            "kana": "いといがわふーず",
            "prefecture": niigata,
            "municipality": "糸魚川市",
            "industry": IndustryDivision.objects.get(code="E"),
            "size_band": SizeBand.SMALL,
            "busy_months": [1, 12],
            "max_students": 4,
            "description": "鮮魚の一次加工と冷凍食品の製造（デモ用の架空の企業）。",
        },
    )
    foods.full_clean()
    CompanyOffer.objects.update_or_create(
        company=foods, kind=OfferKind.FACILITY, defaults={"capacity": 4, "description": "冷凍加工ラインの見学と実習"}
    )
    Person.objects.update_or_create(
        name="川上 真央",
        company=foods,
        defaults={
            "kana": "かわかみ まお",
            "role": PersonRole.CONTACT,
            "title": "総務課",
            "email": "soumu@itoigawa-foods.example.jp",
        },
    )
    nosui = Company.objects.get(name="株式会社能水商店")
    Engagement.objects.update_or_create(
        school=kaiyo,
        company=nosui,
        title="アンテナショップでの販売実習",
        defaults={
            "kind": OfferKind.PRODUCT_DEVELOPMENT,
            "start_on": datetime.date(2025, 7, 1),
            "end_on": datetime.date(2025, 8, 31),
            "students": 6,
            "would_host_again": True,
            "feedback": "生徒が商品の価格設定から接客まで経験できた。",
        },
    )
    SchoolNeed.objects.update_or_create(
        school=kaiyo,
        title="水産加工の施設実習（サケの一次加工）",
        defaults={
            "department": kaiyo.departments.filter(name="水産食品科").first(),
            "kind": OfferKind.FACILITY,
            "category": CourseCategory.FISHERIES,
            "industry": IndustryDivision.objects.get(code="E"),
            "subject": "水産加工実習",
            "grade": 2,
            "start_on": datetime.date(2027, 1, 12),
            "end_on": datetime.date(2027, 2, 16),
            "weekday": 1,
            "hours": 3,
            "students": 6,
            "place": "企業の加工場",
            "details": "衛生管理と一次加工の工程を、実際の加工ラインで学ぶ。",
        },
    )
    lecture, _ = SchoolNeed.objects.update_or_create(
        school=hikone,
        title="制御技術の出前授業（3年 課題研究）",
        defaults={
            "kind": OfferKind.LECTURER,
            "category": CourseCategory.INDUSTRY,
            "subject": "課題研究",
            "grade": 3,
            "start_on": datetime.date(2027, 1, 13),
            "end_on": datetime.date(2027, 1, 27),
            "weekday": 2,
            "hours": 2,
            "students": 40,
            "place": "彦根工業高校 実習棟",
            "details": "PLCとセンサを使った自動化の考え方を、現場の事例で学ぶ。",
        },
    )
    Proposal.objects.get_or_create(
        need=lecture,
        company=Company.objects.get(name="近江エンジニアリング株式会社"),
        # Mailed when it was made, as the portal records it once the mail server has taken the mail.
        defaults={"message": default_message(lecture), "sent_to": EMAILS["伊吹 健"], "mailed_at": timezone.now()},
    )
