"""Demo curricula, students (fictional, kana only), placements and logs, called by `seed_demo`.

Days are laid out relative to today so that the demo always has a story: older Wednesdays confirmed
(one rejected), the one before last waiting for the mentor, the last one not yet logged.
Idempotent: objects are found by their natural keys and logs are never overwritten.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from curricula.models import (
    AgreementStatus,
    Attendance,
    ClassSession,
    DayLog,
    DayLogEvent,
    Destination,
    DestinationKind,
    EventAction,
    InvolvementKind,
    JointProject,
    LogStatus,
    Placement,
    PlacementKind,
    ProjectKind,
    SessionKind,
    Student,
    Subject,
)
from meister import clock
from meister.fiscal import fiscal_year
from meister.models import Role, User
from partners.models import ClosedPeriod, ClosureKind, Company, Department, Person, PersonRole, School

HIKONE = "滋賀県立彦根工業高等学校"
KAIYO = "新潟県立海洋高等学校"

SUBJECTS = [
    # school, department, name, grade, credits, involvement, companies, follows, description
    (
        HIKONE,
        "機械科",
        "近江マイスター",
        1,
        2,
        [InvolvementKind.VISIT, InvolvementKind.LECTURE],
        ["株式会社びわ湖システムズ", "株式会社湖東精機"],
        None,
        "地域企業の見学と講話で、地元のものづくりを知る。",
    ),
    (
        HIKONE,
        "機械科",
        "ブラッシュアップ実習",
        2,
        3,
        [InvolvementKind.LECTURE, InvolvementKind.FACILITY],
        ["近江エンジニアリング株式会社"],
        "近江マイスター",
        "地域企業や専門家から、制御・加工の技術を学ぶ。",
    ),
    (
        HIKONE,
        "機械科",
        "プログレス実習",
        3,
        4,
        [InvolvementKind.DUAL_SYSTEM],
        ["株式会社湖東精機", "近江エンジニアリング株式会社"],
        "ブラッシュアップ実習",
        "週1日（水曜日）のデュアルシステム。企業のプロジェクトチームの一員として働く。",
    ),
    (
        KAIYO,
        "水産食品科",
        "水産加工デュアル実習",
        3,
        4,
        [InvolvementKind.DUAL_SYSTEM, InvolvementKind.JOINT_PROJECT],
        ["株式会社能水商店"],
        None,
        "能水商店の加工場とアンテナショップでの実習（毎週木曜日）。",
    ),
]

SESSIONS = [
    # subject, month, day, kind, hours, students, company, person, notes
    (
        "近江マイスター",
        6,
        10,
        SessionKind.VISIT,
        "3",
        40,
        "株式会社びわ湖システムズ",
        None,
        "AIを活用した生産管理の見学",
    ),
    (
        "ブラッシュアップ実習",
        7,
        8,
        SessionKind.LECTURE,
        "2",
        38,
        "近江エンジニアリング株式会社",
        "伊吹 健",
        "PLC制御の出前授業",
    ),
    (
        "ブラッシュアップ実習",
        10,
        14,
        SessionKind.FACILITY,
        "4",
        10,
        "近江エンジニアリング株式会社",
        "伊吹 健",
        "制御盤の組立",
    ),
    ("水産加工デュアル実習", 5, 21, SessionKind.JOINT_MEETING, "2", 3, "株式会社能水商店", None, "商品開発の合同会議"),
]

PROJECTS = [
    (HIKONE, ProjectKind.ASSIGNMENT, "AI外観検査装置の試作", ["株式会社びわ湖システムズ"], 5, "校内発表会で発表"),
    (
        KAIYO,
        ProjectKind.PRODUCT_DEVELOPMENT,
        "鮭の魚醤を使った新商品",
        ["株式会社能水商店"],
        6,
        "アンテナショップで試験販売",
    ),
    (KAIYO, ProjectKind.JOINT_RESEARCH, "モズク育成域マップ", ["株式会社ひすい海洋開発"], 8, ""),
]

# school, department, class, number, kana, guardian, company, mentor
HIKONE_STUDENTS = [
    ("3-1", 3, "あおき はると", "あおき ひろし", "株式会社湖東精機"),
    ("3-1", 8, "いのうえ さくら", "いのうえ まゆみ", "株式会社湖東精機"),
    ("3-1", 15, "うえだ れん", "", "株式会社湖東精機"),
    ("3-2", 4, "えんどう ひなた", "えんどう たけし", "近江エンジニアリング株式会社"),
    ("3-2", 11, "おかだ ゆい", "", "近江エンジニアリング株式会社"),
    ("3-2", 20, "かとう そうた", "かとう のりこ", "近江エンジニアリング株式会社"),
]
KAIYO_STUDENTS = [
    ("3-1", 5, "きむら みなと", "きむら あきら", "株式会社能水商店"),
    ("3-1", 12, "くどう あおい", "", "株式会社能水商店"),
]

MENTORS = {
    "株式会社湖東精機": ("湖東 精一", "ことう せいいち", "kotoh.mentor@example.jp"),
    "近江エンジニアリング株式会社": ("瀬田 真理", "せた まり", "seta.mentor@example.jp"),
    "株式会社能水商店": ("寺町 渚", "てらまち なぎさ", "teramachi.mentor@example.jp"),
}

ACTIVITIES = [
    ("治具の設計補助とCADでの図面修正", "寸法公差の考え方が分かってきた。次は自分で治具を考えたい。"),
    ("マシニングセンタの段取りと加工品の測定", "三次元測定機の使い方を教わった。測定の手順を日誌にまとめた。"),
    ("組立ラインの改善提案のためのデータ収集", "作業時間を計測した。無駄な動きが多い工程を見つけた。"),
    ("制御盤の配線とPLCプログラムの動作確認", "ラダー図の読み方に慣れてきた。配線ミスを自分で見つけられた。"),
]


def _wednesday_story(days: list[datetime.date]) -> dict[datetime.date, str]:
    """Older days confirmed, the one before last pending, the last one left for the teacher to log."""
    story = {}
    for index, day in enumerate(days):
        from_end = len(days) - index
        if from_end == 1:
            continue
        story[day] = LogStatus.PENDING if from_end == 2 else LogStatus.CONFIRMED
    return story


# (school or company, kind, first (month, day), last (month, day), label): a realistic year, laid on the demo's fiscal
# year (months 1–3 fall in the next calendar year).
CALENDARS = [
    (HIKONE, ClosureKind.EVENT, (6, 10), (6, 10), "創立記念日"),
    (HIKONE, ClosureKind.SUMMER, (7, 21), (8, 31), "夏季休業"),
    (HIKONE, ClosureKind.EVENT, (10, 14), (10, 14), "体育祭"),
    (HIKONE, ClosureKind.WINTER, (12, 24), (1, 7), "冬季休業"),
    (HIKONE, ClosureKind.SPRING, (3, 25), (3, 31), "学年末休業"),
    (KAIYO, ClosureKind.SUMMER, (7, 24), (8, 31), "夏季休業"),
    (KAIYO, ClosureKind.WINTER, (12, 25), (1, 9), "冬季休業"),
    (KAIYO, ClosureKind.SPRING, (3, 24), (3, 31), "学年末休業"),
    ("株式会社湖東精機", ClosureKind.COMPANY, (8, 13), (8, 16), "お盆休み"),
    ("株式会社湖東精機", ClosureKind.COMPANY, (12, 28), (1, 4), "年末年始休業"),
    ("株式会社能水商店", ClosureKind.COMPANY, (12, 30), (1, 3), "年末年始休業"),
]


def _load_calendars(schools, companies, fy: int) -> None:
    """The schools' breaks and events and the companies' closed days of the fiscal year (and of the year before, so
    that copying last year's calendar has something to copy)."""

    def on(year, month_day):
        month, day = month_day
        return datetime.date(year if month >= 4 else year + 1, month, day)

    for year in (fy - 1, fy):
        for owner_name, kind, first, last, label in CALENDARS:
            owner = {"school": schools[owner_name]} if owner_name in schools else {"company": companies[owner_name]}
            ClosedPeriod.objects.get_or_create(
                **owner,
                fiscal_year=year,
                starts_on=on(year, first),
                defaults={"kind": kind, "ends_on": on(year, last), "label": label},
            )


def load_demo(today: datetime.date | None = None) -> None:
    """Lay the demo's placements out around `today` (the real date unless given)."""
    today = today or clock.today()
    fy = fiscal_year(today)
    schools = {s.name: s for s in School.objects.filter(name__in=[HIKONE, KAIYO])}
    companies = {c.name: c for c in Company.objects.filter(prefecture__code__in=["25", "15"])}
    _load_calendars(schools, companies, fy)
    teachers = {
        HIKONE: User.objects.filter(username="teacher").first(),
        KAIYO: User.objects.filter(username="teacher-niigata").first(),
    }
    mentors = {}
    for company_name, (name, kana, email) in MENTORS.items():
        mentor, _ = Person.objects.get_or_create(
            name=name,
            company=companies[company_name],
            defaults={"kana": kana, "role": PersonRole.MENTOR, "title": "指導担当者", "email": email},
        )
        if not mentor.email:
            mentor.email = email
            mentor.save(update_fields=["email"])
        mentors[company_name] = mentor

    subjects = {}
    for school_name, department, name, grade, credits, involvement, partner_names, follows, description in SUBJECTS:
        school = schools[school_name]
        subject, _ = Subject.objects.update_or_create(
            school=school,
            name=name,
            defaults={
                "department": Department.objects.get(school=school, name=department),
                "grade": grade,
                "credits": credits,
                "involvement": list(involvement),
                "description": description,
                "follows": subjects.get(follows),
            },
        )
        subject.companies.add(*[companies[n] for n in partner_names])
        subjects[name] = subject

    for subject_name, month, day, kind, hours, count, company_name, person_name, notes in SESSIONS:
        held_on = datetime.date(fy if month >= 4 else fy + 1, month, day)
        ClassSession.objects.update_or_create(
            subject=subjects[subject_name],
            held_on=held_on,
            kind=kind,
            defaults={
                "hours": Decimal(hours),
                "student_count": count,
                "company": companies[company_name],
                "person": Person.objects.filter(name=person_name).first() if person_name else None,
                "notes": notes,
            },
        )
    for school_name, kind, theme, partner_names, count, outcomes in PROJECTS:
        project, _ = JointProject.objects.update_or_create(
            school=schools[school_name],
            fiscal_year=fy,
            theme=theme,
            defaults={"kind": kind, "student_count": count, "outcomes": outcomes},
        )
        project.companies.add(*[companies[n] for n in partner_names])

    cases = [
        (HIKONE, "機械科", HIKONE_STUDENTS, "プログレス実習", "2", datetime.date(fy, 4, 8), Decimal("240")),
        (KAIYO, "水産食品科", KAIYO_STUDENTS, "水産加工デュアル実習", "3", datetime.date(fy, 5, 7), Decimal("210")),
    ]
    for school_name, department_name, rows, subject_name, weekdays, starts_on, required in cases:
        school = schools[school_name]
        department = Department.objects.get(school=school, name=department_name)
        for index, (class_name, number, kana, guardian, company_name) in enumerate(rows):
            student, _ = Student.objects.update_or_create(
                school=school,
                entry_year=fy - 2,
                class_name=class_name,
                number=number,
                defaults={
                    "department": department,
                    "kana_name": kana,
                    "guardian_name": guardian,
                    "guardian_contact": f"090-0000-{1000 + index:04d}" if guardian else "",
                },
            )
            placement, _ = Placement.objects.update_or_create(
                student=student,
                company=companies[company_name],
                kind=PlacementKind.DUAL_SYSTEM,
                defaults={
                    "mentor": mentors[company_name],
                    "subject": subjects[subject_name],
                    "starts_on": starts_on,
                    "ends_on": datetime.date(fy + 1, 2, 24),
                    "weekdays": weekdays,
                    "hours_per_day": Decimal("6.0"),
                    "required_hours": required,
                    "agreement_status": AgreementStatus.SIGNED if guardian else AgreementStatus.SENT,
                },
            )
            _load_logs(placement, index, today, teachers[school_name], mentors[company_name])
    _load_student_accounts(schools, fy)
    _load_graduates(schools, companies, fy)


# Each school's student accounts (GIGA) on the roster; the first student of each school has signed in already.
STUDENT_MAIL_DOMAINS = {HIKONE: "hikone.example.jp", KAIYO: "kaiyo.example.jp"}
STUDENT_PERSONAS = {HIKONE: "student", KAIYO: "student-niigata"}


def _load_student_accounts(schools, fy: int) -> None:
    for school_name, domain in STUDENT_MAIL_DOMAINS.items():
        school = schools[school_name]
        students = Student.objects.filter(school=school, entry_year=fy - 2).order_by("class_name", "number")
        for student in students:
            if not student.email:
                local = f"s{student.entry_year}{student.class_name.replace('-', '')}{student.number:02d}"
                student.email = f"{local}@{domain}"
                student.save(update_fields=["email"])
        first = students[0]
        account, created = User.objects.get_or_create(
            username=STUDENT_PERSONAS[school_name],
            defaults={"role": Role.STUDENT, "school": school, "email": first.email, "last_name": first.kana_name},
        )
        if created or not account.has_usable_password():
            # A real student signs in with the school account only; the demo's two student personas also take the
            # demo password, so that the student's pages can be seen on a portal with no identity provider.
            from devtools.management.commands.seed_demo import DEMO_PASSWORD

            account.set_password(DEMO_PASSWORD)
            account.full_clean()
            account.save()
        # Linked once: loading the demo again keeps the row the account already has.
        if not Student.objects.filter(account=account).exists():
            first.account = account
            first.save(update_fields=["account"])


def _load_logs(placement, index, today, teacher, mentor):
    story = _wednesday_story(placement.expected_days(until=today))
    days = sorted(story)
    for position, day in enumerate(days):
        # One student skipped an old day, so the missing list is not only last week.
        if index == 4 and position == 3:
            continue
        status = story[day]
        if index == 1 and position == len(days) - 2 and status == LogStatus.CONFIRMED:
            status = LogStatus.REJECTED
        absent = index == 2 and position % 9 == 5
        activities, reflection = ACTIVITIES[(index + position) % len(ACTIVITIES)]
        log, created = DayLog.objects.get_or_create(
            placement=placement,
            day=day,
            defaults={
                "attendance": Attendance.ABSENT if absent else Attendance.PRESENT,
                "hours": Decimal("0") if absent else placement.hours_per_day,
                "activities": "" if absent else activities,
                "reflection": "" if absent else reflection,
                "status": status,
                "logged_by": teacher,
                "feedback": "よく取り組んでいました。" if status == LogStatus.CONFIRMED else "",
                "rejection_reason": "時間数が実際と違います（午後は早退）。" if status == LogStatus.REJECTED else "",
                "confirmed_at": timezone.now() if status == LogStatus.CONFIRMED else None,
            },
        )
        if not created:
            continue
        actor = teacher.get_full_name() if teacher else "教員"
        DayLogEvent.objects.create(
            day_log=log, user=teacher, actor=actor, action=EventAction.LOGGED, old_status="", new_status="pending"
        )
        if status != LogStatus.PENDING:
            action = EventAction.CONFIRMED if status == LogStatus.CONFIRMED else EventAction.REJECTED
            DayLogEvent.objects.create(
                day_log=log,
                actor=f"{mentor.name}（メールのリンクから）",
                action=action,
                old_status=LogStatus.PENDING,
                new_status=status,
                note=log.feedback or log.rejection_reason,
            )


GRADUATES = [
    # school, department, number, kana, destination, company
    (HIKONE, "機械科", 2, "さとう ゆうき", DestinationKind.HOST_COMPANY, "株式会社湖東精機"),
    (HIKONE, "機械科", 9, "しみず かな", DestinationKind.LOCAL, None),
    (HIKONE, "機械科", 17, "すずき だいち", DestinationKind.OUTSIDE, None),
    (HIKONE, "電気科", 6, "せきぐち りこ", DestinationKind.STUDY, None),
    (KAIYO, "水産食品科", 3, "たなか うみ", DestinationKind.HOST_COMPANY, "株式会社能水商店"),
    (KAIYO, "海洋開発科", 7, "ちば こうせい", DestinationKind.STARTUP, None),
]


def _load_graduates(schools, companies, fy):
    for school_name, department_name, number, kana, kind, company_name in GRADUATES:
        school = schools[school_name]
        student, _ = Student.objects.update_or_create(
            school=school,
            entry_year=fy - 3,
            class_name="3-1",
            number=number,
            defaults={"department": Department.objects.get(school=school, name=department_name), "kana_name": kana},
        )
        Destination.objects.update_or_create(
            student=student,
            defaults={
                "graduated_fiscal_year": fy - 1,
                "kind": kind,
                "company": companies[company_name] if company_name else None,
            },
        )
