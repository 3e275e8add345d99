"""Demo of the programme as the ministry runs it, around the Shiga case: Hikone's consortium as a ① site leading a
fictional ② region (福井県の嶺北ものづくり人材育成コンソーシアム), the ③ contractor's companion and advisor assigned to
both, another companion for Niigata, the ④ surveyor, a coordinator training and a 成果発表会, Hikone's plan with its
estimate and a few ledger entries with their receipts, and an advice thread. Idempotent."""

import datetime

from django.core.files.base import ContentFile

from meister import clock
from meister.fiscal import current_fiscal_year
from meister.models import Role, User
from partners.models import Consortium, Designation, DesignationType, Prefecture
from programme.categories import ensure_expense_categories
from programme.models import (
    AdviceMessage,
    AdviceStatus,
    AdviceThread,
    ContinuationPlan,
    ContinuationStatus,
    EstimateLine,
    EventKind,
    ExpenseCategory,
    ImplementationPlan,
    LedgerEntry,
    NetworkLink,
    PlannedActivity,
    ProgrammeEvent,
    SupportAssignment,
    SupporterPart,
)

REGION_NAME = "嶺北ものづくり人材育成コンソーシアム"
PLAN = {
    "objectives": "地域企業と一体となったデュアルシステム（プログレス実習）を全学科に広げ、"
    "生徒の自己効力感とやり抜く力を高める。福井県の連携校に実践を伝え、広域ネットワークを牽引する。",
    "approach": "彦根商工会議所のマイスター・ハイスクールCEOが企業と学校を調整し、産業実務家教員が授業を担う。",
}
ACTIVITIES = [
    (4, "運営委員会", "年間計画の確認"),
    (6, "企業見学（1年）", "近江マイスター：地域企業の先端技術を見学"),
    (9, "プログレス実習 開始", "3年生が週1日企業で勤務"),
    (11, "福井県連携校への訪問助言", "デュアルシステムの導入について"),
    (2, "成果発表会", "生徒・企業・教員による発表"),
]
ESTIMATE = [
    ("personnel", 6_000_000, "CEO 1名 × 12か月"),
    ("honoraria", 1_200_000, "産業実務家教員 60時間 × 20,000円"),
    ("travel", 800_000, "福井県への訪問助言ほか"),
    ("consumables", 900_000, "実習材料・センサー類"),
    ("meetings", 60_000, "運営委員会 6回"),
    ("subcontract", 3_000_000, "教材開発の一部"),
]
# (month, day, category, payee, description, yen)
LEDGER = [
    (5, 20, "consumables", "株式会社湖東精機", "実習用センサー部品", 184_800),
    (7, 3, "honoraria", "伊吹 健", "産業実務家教員 講師謝金（6月分）", 120_000),
    (9, 12, "travel", "近江鉄道株式会社", "企業見学の交通費", 46_200),
    (10, 28, "meetings", "彦根商工会議所", "運営委員会 飲料", 72_000),
]
# The smallest PDF and PNG that are what their bytes say: the receipts of the demo's ledger entries.
RECEIPT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
RECEIPT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _user(username, role, last, first):
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "last_name": last, "first_name": first}
    )
    if created:
        from devtools.management.commands.seed_demo import DEMO_PASSWORD

        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def load_demo(today: datetime.date | None = None) -> None:
    fy = current_fiscal_year(today)
    shiga = Consortium.objects.get(prefecture__code="25")
    niigata = Consortium.objects.get(prefecture__code="15")
    region, _created = Consortium.objects.get_or_create(
        name=REGION_NAME,
        defaults={
            "prefecture": Prefecture.objects.get(code="18"),
            "summary": "産業界との連携体制を強化中の地域（架空）。",
        },
    )
    Designation.objects.update_or_create(
        consortium=region,
        fiscal_year=fy,
        defaults={
            "type": DesignationType.STRENGTHENING,
            "first_fiscal_year": fy,
            "is_new": True,
            "budget_yen": 8_000_000,
        },
    )
    ministry = User.objects.get(username="ministry")
    companion = _user("supporter", Role.SUPPORTER, "伴走", "志保")
    advisor = _user("advisor", Role.SUPPORTER, "橋渡", "健一")
    _user("supporter-niigata", Role.SUPPORTER, "越後", "伴")
    _user("surveyor", Role.SURVEYOR, "調査", "礼子")
    for supporter, part, consortia in (
        (companion, SupporterPart.COMPANION, (shiga, region)),
        (advisor, SupporterPart.ADVISOR, (shiga, region)),
        (User.objects.get(username="supporter-niigata"), SupporterPart.COMPANION, (niigata,)),
    ):
        for consortium in consortia:
            SupportAssignment.objects.get_or_create(
                supporter=supporter,
                consortium=consortium,
                fiscal_year=fy,
                defaults={"part": part, "assigned_by": ministry},
            )
    NetworkLink.objects.get_or_create(
        fiscal_year=fy,
        leader=shiga,
        supported=region,
        defaults={
            "joint_activities": "彦根工業高校への視察（7月）\n"
            "合同研修：コーディネーター育成（10月）\n実習の手引きを共有"
        },
    )
    NetworkLink.objects.get_or_create(
        fiscal_year=fy,
        leader=shiga,
        supported_prefecture=Prefecture.objects.get(code="24"),
        defaults={"joint_activities": "三重県教育委員会への助言（オンライン）"},
    )
    _load_events(fy, shiga, region, niigata)
    _load_money(fy, shiga)
    _load_advice(today or datetime.date(fy, 11, 20), shiga, companion)
    plan, _created = ContinuationPlan.objects.get_or_create(
        consortium=niigata,
        defaults={
            "last_designated_year": 2023,
            "activities": "アンテナショップの運営と課題研究は市と企業の負担で継続する。",
            "funding": ["municipalities", "companies"],
            "funding_note": "糸魚川市の地域振興予算、能水商店の店舗運営",
        },
    )
    # Each year after the designation the prefecture checks, near the year's end or by today, whether it went on.
    today = today or clock.today()
    notes = {2024: "アンテナショップを市の予算で運営", 2025: "課題研究を企業の負担で継続"}
    for year in range(plan.last_designated_year + 1, fy + 1):
        ContinuationStatus.objects.get_or_create(
            plan=plan,
            fiscal_year=year,
            defaults={
                "active": True,
                "checked_on": min(datetime.date(year + 1, 3, 10), today),
                "note": notes.get(year, "市と企業の負担で継続"),
            },
        )


def _load_events(fy, shiga, region, niigata):
    training, _created = ProgrammeEvent.objects.get_or_create(
        title="コーディネーター育成研修",
        held_on=datetime.date(fy, 10, 15),
        defaults={
            "kind": EventKind.TRAINING,
            "place": "彦根商工会議所 会議室",
            "modules": "M1 産学連携の基礎\nM2 企業との調整の進め方\nM3 デュアルシステムの設計",
            "attendance": "近江 匠（彦根商工会議所）M1, M2, M3\n"
            "嶺北コンソーシアム 事務局 M1, M2\n糸魚川 誠（糸魚川市）M3",
            "minutes": "③の伴走者が進行。次回は福井県で開催。",
        },
    )
    training.consortia.set([shiga, region, niigata])
    results, _created = ProgrammeEvent.objects.get_or_create(
        title="マイスター・ハイスクール成果発表会",
        held_on=datetime.date(fy + 1, 2, 14),
        defaults={"kind": EventKind.RESULTS, "place": "オンライン", "materials": "発表資料（各管理機関）"},
    )
    results.consortia.set([shiga, region])


def _load_money(fy, shiga):
    designation = Designation.objects.get(consortium=shiga, fiscal_year=fy)
    plan, _created = ImplementationPlan.objects.get_or_create(designation=designation, defaults=PLAN)
    if not plan.activities.exists():
        PlannedActivity.objects.bulk_create(
            PlannedActivity(plan=plan, month=month, title=title, detail=detail) for month, title, detail in ACTIVITIES
        )
    ensure_expense_categories(fy)
    categories = {category.code: category for category in ExpenseCategory.objects.filter(fiscal_year=fy)}
    for code, yen, basis in ESTIMATE:
        if code not in categories:  # the ministry renamed or dropped the category this year
            continue
        EstimateLine.objects.get_or_create(
            designation=designation, category=categories[code], defaults={"amount_yen": yen, "basis": basis}
        )
    for index, (month, day, code, payee, description, yen) in enumerate(LEDGER):
        if code not in categories:
            continue
        year = fy if month >= 4 else fy + 1
        entry, created = LedgerEntry.objects.get_or_create(
            designation=designation,
            spent_on=datetime.date(year, month, day),
            payee=payee,
            defaults={"category": categories[code], "description": description, "amount_yen": yen},
        )
        if created:
            is_pdf = index % 2 == 0
            entry.evidence_type = "application/pdf" if is_pdf else "image/png"
            entry.evidence.save(
                f"receipt_{index + 1}.{'pdf' if is_pdf else 'png'}",
                ContentFile(RECEIPT_PDF if is_pdf else RECEIPT_PNG),
                save=True,
            )


def _load_advice(today, shiga, companion):
    thread, created = AdviceThread.objects.get_or_create(
        consortium=shiga,
        subject="福井県への訪問助言の準備",
        defaults={
            "kind": "advice",
            "status": AdviceStatus.AWAITING_COORDINATOR,
            "follow_up_on": today - datetime.timedelta(days=3),
            "opened_by": companion,
        },
    )
    if created:
        AdviceMessage.objects.create(
            thread=thread,
            author=companion,
            body="訪問前に、プログレス実習の受入れ企業の声を1ページにまとめておくと伝わりやすいと思います。",
        )
