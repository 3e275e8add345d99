"""The demo's reporting year: 令和6年度 across eight more prefectures, the KPI lists, and PDCA entries.

Everything here is fictional (the names carry （デモ）) and generated from fixed seeds, so every run of seed_demo
gives the same rows and the same report figures.
"""

import datetime
import random
from decimal import Decimal

from assessments.models import Administration, Instrument, Recipient, Response, Survey, SurveyAnswer, Timing
from assessments.scoring import InstrumentSpec
from curricula.models import (
    ClassSession,
    DayLog,
    Destination,
    DestinationKind,
    LogStatus,
    Placement,
    PlacementKind,
    SessionKind,
    Student,
    Subject,
)
from meister.fiscal import current_fiscal_year
from meister.models import User
from partners.models import (
    CollaborationStage,
    Company,
    Consortium,
    ConsortiumStage,
    CourseCategory,
    Department,
    DepartmentYear,
    Designation,
    DesignationType,
    Engagement,
    Establishment,
    IndustryDivision,
    OfferKind,
    Person,
    PersonRole,
    PractitionerTeaching,
    Prefecture,
    School,
)
from partners.validators import corporate_number_check_digit
from reports.models import Kpi, KpiSource, KpiTarget, PdcaReview

FY = 2024
FAMILY = [
    "あさの",
    "いしだ",
    "うちだ",
    "えがわ",
    "おおの",
    "かわい",
    "きのした",
    "くどう",
    "さとう",
    "たなか",
    "なかむら",
]
GIVEN = ["あおい", "いつき", "かい", "こはる", "しょう", "たいが", "つむぎ", "なつき", "はやと", "みお", "りく", "ゆい"]

# prefecture, school, municipality, department (name, category, capacity, enrolment), industry, companies,
# students in the dual system, designation type, budget (yen), stage
SITES = [
    (
        "01",
        "北海道立オホーツク水産高等学校（デモ）",
        "網走市",
        ("水産科", CourseCategory.FISHERIES, 40, 31),
        "A",
        ["株式会社オホーツク水産加工（デモ）", "網走漁業協同組合（デモ）"],
        24,
        DesignationType.ADVANCED_FOLLOW_ON,
        18_000_000,
        CollaborationStage.PRACTISING,
    ),
    (
        "04",
        "宮城県立仙台南工業高等学校（デモ）",
        "仙台市",
        ("電子機械科", CourseCategory.INDUSTRY, 80, 74),
        "E",
        ["東北精密工業株式会社（デモ）", "株式会社みやぎ制御（デモ）"],
        30,
        DesignationType.ADVANCED_FOLLOW_ON,
        20_000_000,
        CollaborationStage.ESTABLISHED,
    ),
    (
        "09",
        "栃木県立那須農業高等学校（デモ）",
        "那須塩原市",
        ("農業経営科", CourseCategory.AGRICULTURE, 40, 33),
        "A",
        ["那須高原ファーム株式会社（デモ）", "株式会社とちぎ食品（デモ）"],
        18,
        DesignationType.STRENGTHENING_FOLLOW_ON,
        12_000_000,
        CollaborationStage.PRACTISING,
    ),
    (
        "23",
        "愛知県立三河工業高等学校（デモ）",
        "豊田市",
        ("機械科", CourseCategory.INDUSTRY, 120, 118),
        "E",
        ["三河オートパーツ株式会社（デモ）", "株式会社西三河ロボティクス（デモ）"],
        40,
        DesignationType.ADVANCED_FOLLOW_ON,
        22_000_000,
        CollaborationStage.SPREADING,
    ),
    (
        "28",
        "兵庫県立播磨商業高等学校（デモ）",
        "姫路市",
        ("流通経済科", CourseCategory.COMMERCE, 80, 61),
        "I",
        ["株式会社播磨百貨（デモ）", "姫路商事株式会社（デモ）"],
        8,
        DesignationType.STRENGTHENING_FOLLOW_ON,
        10_000_000,
        CollaborationStage.CONNECTING,
    ),
    (
        "34",
        "広島県立呉工業高等学校（デモ）",
        "呉市",
        ("造船科", CourseCategory.INDUSTRY, 40, 36),
        "E",
        ["呉ドック工業株式会社（デモ）", "株式会社瀬戸内マリンテック（デモ）"],
        22,
        DesignationType.ADVANCED_FOLLOW_ON,
        19_000_000,
        CollaborationStage.ESTABLISHED,
    ),
    (
        "33",
        "岡山県立備前水産高等学校（デモ）",
        "備前市",
        ("水産食品科", CourseCategory.FISHERIES, 40, 27),
        "A",
        ["備前かき養殖株式会社（デモ）", "株式会社瀬戸内フーズ（デモ）"],
        6,
        DesignationType.STRENGTHENING_FOLLOW_ON,
        9_000_000,
        CollaborationStage.CONNECTING,
    ),
    (
        "43",
        "熊本県立阿蘇農業高等学校（デモ）",
        "阿蘇市",
        ("畜産科", CourseCategory.AGRICULTURE, 40, 35),
        "A",
        ["阿蘇牧場株式会社（デモ）", "くまもと農機株式会社（デモ）"],
        16,
        DesignationType.STRENGTHENING_FOLLOW_ON,
        11_000_000,
        CollaborationStage.PRACTISING,
    ),
]

KPIS = [
    ("産業実務家教員の授業時間数", "時間", "practitioner_hours"),
    ("連携した企業数", "社", "companies_engaged"),
    ("デュアルシステム参加生徒数", "人", "students_dual_system"),
    ("インターンシップ参加生徒数", "人", "students_internship"),
    ("企業実習の確認済み時間数", "時間", "hours_completed"),
    ("生徒の変容（Grit-S 根気）", "点", "assessment_change"),
    ("定員充足率", "%", "enrolment_rate"),
    ("地元就職率", "%", "local_employment_rate"),
    ("企業向け説明会に参加した企業数", "社", ""),
]

SHIGA_TARGETS = {
    "産業実務家教員の授業時間数": ("40", None),
    "連携した企業数": ("4", None),
    "デュアルシステム参加生徒数": ("8", None),
    "インターンシップ参加生徒数": ("2", None),
    "企業実習の確認済み時間数": ("600", None),
    "生徒の変容（Grit-S 根気）": ("0.2", None),
    "定員充足率": ("95", None),
    "地元就職率": ("70", None),
    "企業向け説明会に参加した企業数": ("12", "9"),
}


def load_demo(today: datetime.date | None = None) -> None:
    current = current_fiscal_year(today)
    _load_kpis(last=max(FY + 2, current + 1))
    _load_reporting_year()
    _load_pdca(current)


def _load_kpis(*, last: int) -> None:
    grit = Instrument.objects.filter(code="grit-s").first()
    for fy in range(FY, last + 1):
        for order, (name, unit, metric) in enumerate(KPIS, start=1):
            Kpi.objects.update_or_create(
                fiscal_year=fy,
                name=name,
                defaults={
                    "order": order,
                    "unit": unit,
                    "source": KpiSource.COMPUTED if metric else KpiSource.MANUAL,
                    "metric": metric,
                    "instrument": grit if metric == "assessment_change" else None,
                    "subscale": "perseverance" if metric == "assessment_change" and grit else "",
                },
            )


def _load_pdca(fy: int) -> None:
    shiga = Consortium.objects.filter(prefecture__code="25").first()
    coordinator = User.objects.filter(username="coordinator").first()
    if shiga is None:
        return
    for kpi in Kpi.objects.filter(fiscal_year=fy):
        target, actual = SHIGA_TARGETS.get(kpi.name, (None, None))
        KpiTarget.objects.update_or_create(
            consortium=shiga,
            kpi=kpi,
            defaults={
                "target": Decimal(target) if target else None,
                "actual": Decimal(actual) if actual else None,
                "updated_by": coordinator,
            },
        )
    PdcaReview.objects.update_or_create(
        consortium=shiga,
        fiscal_year=fy - 1,
        defaults={
            "act_note": "受入れ企業の負担感を下げるため、"
            "企業向け説明資料に受入れのメリット（業務改善提案・採用広報）を明記する。"
            "デュアルシステムの受入れ企業を1社増やす。",
            "updated_by": coordinator,
        },
    )
    PdcaReview.objects.update_or_create(
        consortium=shiga,
        fiscal_year=fy,
        defaults={
            "plan_note": "プログレス実習（週1日のデュアルシステム）を継続し、受入れ企業を増やす。",
            "do_note": "毎週水曜日のプログレス実習を前期から実施。"
            "ブラッシュアップ実習では実務家教員による制御の授業を行った。",
            "updated_by": coordinator,
        },
    )


def _corporate_number(seed: int) -> str:
    base = f"{7000000 + seed:07d}01001"[:12]
    return f"{corporate_number_check_digit(base)}{base}"


def _load_reporting_year() -> None:
    if Designation.objects.filter(fiscal_year=FY, consortium__name__endswith="（デモ）").exists():
        return
    rng = random.Random(FY)
    grit = Instrument.objects.filter(code="grit-s").first()
    spec = InstrumentSpec.load(grit) if grit else None
    survey, _ = Survey.objects.get_or_create(
        title="令和6年度 マイスター・ハイスクール実態調査（デモ）",
        defaults={
            "fiscal_year": FY,
            "deadline": datetime.date(FY + 1, 1, 31),
            "created_by": User.objects.filter(username="ministry").first(),
        },
    )
    for index, (pref, name, city, department_spec, industry, company_names, students, kind, budget, stage) in enumerate(
        SITES, start=1
    ):
        prefecture = Prefecture.objects.get(code=pref)
        school, _ = School.objects.get_or_create(
            code=f"D1{pref}2{9000000 + index:07d}{index % 10}",
            defaults={
                "name": name,
                "prefecture": prefecture,
                "municipality": city,
                "establishment": Establishment.PUBLIC,
            },
        )
        dept_name, category, capacity, enrolment = department_spec
        department, _ = Department.objects.get_or_create(school=school, name=dept_name, defaults={"category": category})
        DepartmentYear.objects.update_or_create(
            department=department, fiscal_year=FY, defaults={"capacity": capacity, "enrolment": enrolment}
        )
        companies = []
        for offset, company_name in enumerate(company_names):
            company, _ = Company.objects.get_or_create(
                name=company_name,
                defaults={
                    "prefecture": prefecture,
                    "municipality": city,
                    "corporate_number": _corporate_number(index * 10 + offset),
                    "industry": IndustryDivision.objects.filter(code=industry).first(),
                },
            )
            companies.append(company)
        consortium, _ = Consortium.objects.get_or_create(
            name=f"{name.removesuffix('（デモ）')}マイスター・ハイスクール管理機関（デモ）",
            defaults={"prefecture": prefecture, "summary": "令和6年度の報告書のデモ用の管理機関です。"},
        )
        consortium.schools.add(school)
        consortium.companies.add(*companies)
        Designation.objects.get_or_create(
            consortium=consortium,
            fiscal_year=FY,
            defaults={"type": kind, "is_new": False, "first_fiscal_year": FY - 1, "budget_yen": budget},
        )
        ConsortiumStage.objects.get_or_create(consortium=consortium, fiscal_year=FY, defaults={"stage": stage})
        _activity(rng, school, department, companies, students, spec, grit)
        _survey_answers(rng, survey, prefecture, school, companies, stage)


def _activity(rng, school, department, companies, count, spec, grit) -> None:
    """A year of one school's work with its companies: students, placements, logs, classes, graduates, scores."""
    practitioner, _ = Person.objects.get_or_create(
        name=f"{companies[0].name.split('株式会社')[-1][:4]} 講師",
        company=companies[0],
        defaults={"role": PersonRole.PRACTITIONER, "title": "技術者"},
    )
    PractitionerTeaching.objects.get_or_create(
        person=practitioner,
        school=school,
        fiscal_year=FY,
        defaults={"subjects": "専門科目（実務）", "hours": Decimal(rng.choice([12, 18, 24, 30, 36]))},
    )
    subject, _ = Subject.objects.get_or_create(
        school=school, name="地域産業実習（令和6年度）", defaults={"department": department, "grade": 3, "credits": 2}
    )
    for month, kind in ((6, SessionKind.LECTURE), (9, SessionKind.VISIT), (11, SessionKind.FACILITY)):
        ClassSession.objects.get_or_create(
            subject=subject,
            held_on=datetime.date(FY, month, 10),
            kind=kind,
            defaults={"hours": Decimal("2.0"), "student_count": count, "company": companies[0], "person": practitioner},
        )
    for offset, company in enumerate(companies):
        Engagement.objects.get_or_create(
            school=school,
            company=company,
            title=f"令和6年度 {OfferKind.DUAL_SYSTEM.label if offset == 0 else OfferKind.FACILITY.label}",
            defaults={
                "kind": OfferKind.DUAL_SYSTEM if offset == 0 else OfferKind.FACILITY,
                "start_on": datetime.date(FY, 5 + offset, 1),
                "end_on": datetime.date(FY + 1, 1, 31),
                "students": count,
                "would_host_again": True,
            },
        )
    students = [
        Student(
            school=school,
            department=department,
            entry_year=FY - 2,
            class_name="R6",
            number=number,
            kana_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
        )
        for number in range(1, count + 1)
    ]
    students = Student.objects.bulk_create(students)
    placements = []
    for position, student in enumerate(students):
        company = companies[position % len(companies)]
        internship = position % 4 == 3
        placements.append(
            Placement(
                student=student,
                company=company,
                kind=PlacementKind.SHORT_INTERNSHIP if internship else PlacementKind.DUAL_SYSTEM,
                starts_on=datetime.date(FY, 8, 5) if internship else datetime.date(FY, 5, 8),
                ends_on=datetime.date(FY, 8, 9) if internship else datetime.date(FY + 1, 1, 29),
                weekdays="01234" if internship else "2",
                required_hours=Decimal("30") if internship else Decimal("180"),
                agreement_status="signed",
            )
        )
    placements = Placement.objects.bulk_create(placements)
    logs = []
    for placement in placements:
        days = (
            [datetime.date(FY, 8, 5) + datetime.timedelta(days=d) for d in range(5)]
            if placement.kind == PlacementKind.SHORT_INTERNSHIP
            else [datetime.date(FY, 5, 8) + datetime.timedelta(weeks=w) for w in range(24)]
        )
        for day in days:
            confirmed = rng.random() < 0.92
            logs.append(
                DayLog(
                    placement=placement,
                    day=day,
                    hours=Decimal("6.0"),
                    activities="実習",
                    status=LogStatus.CONFIRMED if confirmed else LogStatus.PENDING,
                )
            )
    DayLog.objects.bulk_create(logs)
    destinations = []
    for position, student in enumerate(students):
        roll = rng.random()
        kind = (
            DestinationKind.HOST_COMPANY
            if roll < 0.25
            else DestinationKind.LOCAL
            if roll < 0.6
            else DestinationKind.OUTSIDE
            if roll < 0.75
            else DestinationKind.STUDY
        )
        destinations.append(
            Destination(
                student=student,
                graduated_fiscal_year=FY,
                kind=kind,
                company=placements[position].company if kind == DestinationKind.HOST_COMPANY else None,
            )
        )
    Destination.objects.bulk_create(destinations)
    if spec is None:
        return
    for timing, day, growth in (
        (Timing.PRE, datetime.date(FY, 4, 20), 0.0),
        (Timing.POST, datetime.date(FY, 12, 5), 0.3),
    ):
        administration, _ = Administration.objects.get_or_create(
            instrument=grit,
            school=school,
            entry_year=FY - 2,
            department=None,
            fiscal_year=FY,
            timing=timing,
            defaults={"administered_on": day},
        )
        responses = []
        for student in students:
            seeded = random.Random(f"{school.code}-{student.number}")
            trait = seeded.gauss(0, 0.6)
            later = random.Random(f"{school.code}-{student.number}-{timing}")
            answers = {}
            for item in spec.items:
                level = (spec.low + spec.high) / 2 + trait + growth + later.gauss(0, 0.7)
                if item.reverse_scored:
                    level = spec.low + spec.high - level
                answers[item.key] = int(min(spec.high, max(spec.low, round(level))))
            responses.append(
                Response(administration=administration, student=student, answers=answers, scores=spec.scores(answers))
            )
        Response.objects.bulk_create(responses)


ISSUES = ["recruiting", "company_burden", "teacher_load", "curriculum", "logistics", "funding", "sustaining"]
SOLUTIONS = {
    CollaborationStage.CONNECTING: "商工会議所の会合で学校の取組を紹介し、見学の受入れ企業を募った。",
    CollaborationStage.PRACTISING: "受入れ企業と年間計画を共有し、繁忙期を避けた日程で実習を組んだ。",
    CollaborationStage.ESTABLISHED: "協定に基づき受入れ枠を毎年確認し、教員と企業の担当者で振り返りを行っている。",
    CollaborationStage.SPREADING: "他校の教員を招いた公開授業で、企業連携の進め方を伝えている。",
}


def _survey_answers(rng, survey, prefecture, school, companies, stage) -> None:
    respondents = [("school", school.name), *[("company", company.name) for company in companies]]
    respondents.append(("prefecture", f"{prefecture.name}教育委員会（デモ）"))
    for respondent_type, name in respondents:
        recipient, created = Recipient.objects.get_or_create(
            survey=survey, name=name, defaults={"respondent_type": respondent_type, "prefecture": prefecture}
        )
        if not created or rng.random() < 0.2:
            continue  # about one in five does not answer
        issues = rng.sample(ISSUES, 2)
        SurveyAnswer.objects.create(
            recipient=recipient,
            stage=stage,
            issues=issues,
            issue_detail="",
            solution_issue=issues[0],
            solution=SOLUTIONS.get(stage, ""),
            answered_by="デモ回答者",
        )
