"""The demo's assessments, survey and practices: Hikone's grade-3 cohort with pre and post results.

Answers are generated from a fixed seed, so every run of seed_demo produces the same students and numbers.
"""

import datetime
import random

from assessments.builtins import load_builtin_instruments
from assessments.models import (
    Administration,
    Instrument,
    Item,
    Practice,
    Response,
    Subscale,
    Survey,
    SurveyAnswer,
    Timing,
)
from assessments.scoring import InstrumentSpec
from assessments.services.survey import survey_create
from curricula.models import Student
from meister import clock
from meister.fiscal import fiscal_year
from meister.models import User
from partners.models import CollaborationStage, Consortium, Department, School

HIKONE = "滋賀県立彦根工業高等学校"
FAMILY = ["あさの", "いしだ", "うちだ", "えがわ", "おおの", "かわい", "きのした", "くどう", "けやま", "こばやし"]
GIVEN = ["あおい", "いつき", "かい", "こはる", "しょう", "たいが", "つむぎ", "なつき", "はやと", "みお", "りく"]
# How much each instrument's answers rise between pre and post, on the answer scale.
GROWTH = {"grit-s": 0.35, "self-efficacy": 0.3}
SURVEY_TITLE = "マイスター・ハイスクール実態調査（デモ）"

PRACTICES = [
    {
        "title": "学年進行で深める企業連携：近江マイスター → ブラッシュアップ実習 → プログレス実習",
        "stage": CollaborationStage.ESTABLISHED,
        "issue": "curriculum",
        "consortium": "彦根工業高等学校マイスター・ハイスクール管理機関",
        "summary": "1年「近江マイスター」で地域企業を見学し、"
        "2年「ブラッシュアップ実習」で企業の技術者や専門家から学び、"
        "3年「プログレス実習」で週1日のデュアルシステムに参加する。学校設定科目として教育課程に位置づけ、"
        "学年ごとに企業との関わりを段階的に深める。",
        "outcome": "受入れ企業が学年を通じて生徒の成長を見られるため、企業側の継続意欲が高い。"
        "協定（滋賀県と彦根商工会議所）が受入れの根拠となり、教員の調整負担も下がった。",
    },
    {
        "title": "地域資源を題材にした課題研究と販売の場：鮭の放流・モズク育成域マップ・アンテナショップ「能水商店」",
        "stage": CollaborationStage.PRACTISING,
        "issue": "sustaining",
        "consortium": "海洋高等学校マイスター・ハイスクール管理機関",
        "summary": "課題研究で低コスト型の鮭の発眼卵放流やモズク育成域マップづくりに地元企業と取り組み、"
        "学校発の株式会社能水商店が道の駅のアンテナショップで生徒の開発した水産加工品を販売する。",
        "outcome": "販売の収益と地域の評価が取組の継続を支える。生徒は生産から販売まで一貫して学べる。",
    },
]

SURVEY_ANSWERS = {
    HIKONE: {
        "stage": CollaborationStage.SPREADING,
        "issues": ["company_burden", "sustaining"],
        "issue_detail": "受入れ企業の負担感。事業終了後の財源。",
        "solution_issue": "company_burden",
        "solution": "受入れ側のメリット（業務改善提案、採用広報）を事前に言語化して共有した。",
        "answered_by": "彦根 工",
    },
    "新潟県立海洋高等学校": {
        "stage": CollaborationStage.PRACTISING,
        "issues": ["recruiting", "logistics"],
        "issue_detail": "実習先までの移動時間が長い。",
        "solution_issue": "logistics",
        "solution": "調査船の利用日を年間計画に先に組み込み、時間割を学期ごとにまとめ取りした。",
        "answered_by": "海野 翔",
    },
    "株式会社湖東精機": {
        "stage": CollaborationStage.ESTABLISHED,
        "issues": ["company_burden"],
        "issue_detail": "",
        "solution_issue": "",
        "solution": "",
        "answered_by": "湖東 精一",
    },
}


def load_demo(today: datetime.date | None = None) -> None:
    # The data migration loads these; a flushed database (transactional tests) has lost them.
    load_builtin_instruments(Instrument, Subscale, Item)
    fy = fiscal_year(today or clock.today())
    hikone = School.objects.get(name=HIKONE)
    department = Department.objects.get(school=hikone, name="機械科")
    entry_year = fy - 2
    students = _students(hikone, department, entry_year)
    teacher = User.objects.filter(username="teacher").first()
    for code, growth in GROWTH.items():
        instrument = Instrument.objects.get(code=code)
        spec = InstrumentSpec.load(instrument)
        for timing, day in ((Timing.PRE, datetime.date(fy, 4, 15)), (Timing.POST, datetime.date(fy, 11, 10))):
            administration, _ = Administration.objects.get_or_create(
                instrument=instrument,
                school=hikone,
                entry_year=entry_year,
                department=None,
                fiscal_year=fy,
                timing=timing,
                defaults={"administered_on": day, "created_by": teacher},
            )
            if administration.responses.exists():
                continue
            responses = []
            for student in students:
                answers = _answers(spec, student, code, growth if timing == Timing.POST else 0.0)
                responses.append(
                    Response(
                        administration=administration, student=student, answers=answers, scores=spec.scores(answers)
                    )
                )
            Response.objects.bulk_create(responses)
    _load_survey(fy)
    _load_practices()


def _students(school, department, entry_year) -> list[Student]:
    """Two classes of fifteen; curricula's own students keep their rows, the rest are fictional."""
    rng = random.Random(2024)
    students = []
    for class_name in ("3-1", "3-2"):
        for number in range(1, 16):
            kana = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
            student, _ = Student.objects.get_or_create(
                school=school,
                entry_year=entry_year,
                class_name=class_name,
                number=number,
                defaults={"department": department, "kana_name": kana},
            )
            students.append(student)
    return students


def _answers(spec, student, code, growth) -> dict:
    # The seed depends on the student and instrument only, so pre and post share each student's disposition.
    rng = random.Random(f"{code}-{student.class_name}-{student.number}")
    trait = rng.gauss(0, 0.6)
    later = random.Random(f"{code}-{student.class_name}-{student.number}-{growth}")
    change = growth + later.gauss(0, 0.35) if growth else 0.0
    middle = (spec.low + spec.high) / 2
    answers = {}
    for item in spec.items:
        level = middle + trait + change + later.gauss(0, 0.8)
        if item.reverse_scored:
            level = spec.low + spec.high - level
        answers[item.key] = int(min(spec.high, max(spec.low, round(level))))
    return answers


def _load_survey(fy) -> None:
    ministry = User.objects.filter(username="ministry").first()
    survey = Survey.objects.filter(title=SURVEY_TITLE).first()
    if survey is None:
        survey = survey_create(
            user=ministry,
            respondent_types=["prefecture", "school", "company"],
            title=SURVEY_TITLE,
            fiscal_year=fy,
            deadline=datetime.date(fy + 1, 1, 31),
            message="連携段階と、各段階で直面した課題・うまくいった解決策を教えてください。",
        )
    for name, values in SURVEY_ANSWERS.items():
        recipient = survey.recipients.filter(name=name).first()
        if recipient is not None:
            SurveyAnswer.objects.update_or_create(recipient=recipient, defaults=values)


def _load_practices() -> None:
    for spec in PRACTICES:
        consortium = Consortium.objects.get(name=spec["consortium"])
        values = {k: v for k, v in spec.items() if k not in {"title", "consortium"}}
        Practice.objects.update_or_create(
            title=spec["title"], defaults={**values, "consortium": consortium, "prefecture": consortium.prefecture}
        )
