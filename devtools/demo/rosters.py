"""The demo's rosters: every student gets a 氏名 in kanji, a 生徒番号 and the enrolment of the year they stand in.

Students who share a ふりがな (two おおの はやと at 彦根工業) get different kanji and numbers, as in a real school,
so that a teacher can tell them apart; the portal still marks them as likely duplicates.
"""

from collections import Counter, defaultdict

from curricula.models import Destination, Enrolment, EnrolmentStatus, Student
from meister import clock
from meister.fiscal import fiscal_year

FAMILY = {
    "あおき": "青木",
    "あさの": "浅野",
    "いしだ": "石田",
    "いのうえ": "井上",
    "うえだ": "上田",
    "うちだ": "内田",
    "えがわ": "江川",
    "えんどう": "遠藤",
    "おおの": "大野",
    "おかだ": "岡田",
    "かとう": "加藤",
    "かわい": "河合",
    "きのした": "木下",
    "きむら": "木村",
    "くどう": "工藤",
    "けやま": "毛山",
    "こばやし": "小林",
    "さとう": "佐藤",
    "しみず": "清水",
    "すずき": "鈴木",
    "せきぐち": "関口",
    "たなか": "田中",
    "ちば": "千葉",
    "なかむら": "中村",
}
# Each given name's kanji in the order a school's second, third … student of the same ふりがな gets them.
GIVEN = {
    "あおい": ("葵", "碧", "蒼"),
    "いつき": ("樹", "一輝", "伊月"),
    "うみ": ("海", "羽海"),
    "かい": ("海", "快", "魁"),
    "かな": ("佳奈", "香奈"),
    "こうせい": ("康生", "航星"),
    "こはる": ("小春", "心晴", "小陽"),
    "さくら": ("桜", "咲良"),
    "しょう": ("翔", "匠", "祥"),
    "そうた": ("颯太", "蒼大"),
    "たいが": ("大河", "泰雅", "大雅"),
    "だいち": ("大地", "大智"),
    "つむぎ": ("紬", "紡", "柚希"),
    "なつき": ("夏希", "菜月", "夏樹"),
    "はやと": ("隼人", "颯斗", "勇翔"),
    "はると": ("陽翔", "大翔"),
    "ひなた": ("陽向", "日向"),
    "みお": ("美桜", "澪", "未央"),
    "みなと": ("湊", "港"),
    "ゆい": ("結衣", "唯", "由依"),
    "ゆうき": ("勇気", "悠希"),
    "りく": ("陸", "吏玖", "理久"),
    "りこ": ("莉子", "理子"),
    "れん": ("蓮", "廉"),
}
FINAL_GRADE = 3


def kanji_name(kana: str, occurrence: int) -> str:
    family, _space, given = kana.partition(" ")
    choices = GIVEN.get(given, (given,))
    return f"{FAMILY.get(family, family)} {choices[occurrence % len(choices)]}"


def load_demo(today=None) -> None:
    """Fill what the roster adds to the demo's students; idempotent (a student who has them keeps them)."""
    this_year = fiscal_year(today or clock.today())
    students = list(Student.objects.order_by("school", "entry_year", "class_name", "number", "pk"))
    seen: Counter = Counter()
    sequence: dict = defaultdict(int)
    taken = {(s.school_id, s.student_number) for s in students if s.student_number}
    changed = []
    for student in students:
        occurrence = seen[student.school_id, student.kana_name]
        seen[student.school_id, student.kana_name] += 1
        if student.full_name and student.student_number:
            continue
        student.full_name = student.full_name or kanji_name(student.kana_name, occurrence)
        while not student.student_number:
            sequence[student.school_id, student.entry_year] += 1
            number = f"{student.entry_year}{sequence[student.school_id, student.entry_year]:03d}"
            if (student.school_id, number) not in taken:
                student.student_number = number
                taken.add((student.school_id, number))
        changed.append(student)
    Student.objects.bulk_update(changed, ["full_name", "student_number"], batch_size=2000)

    graduated = dict(Destination.objects.values_list("student_id", "graduated_fiscal_year"))
    enrolled = set(Enrolment.objects.values_list("student_id", flat=True))
    enrolments = []
    for student in students:
        if student.pk in enrolled:
            continue
        last_year = graduated.get(student.pk, student.entry_year + FINAL_GRADE - 1)
        year = min(this_year, last_year)
        grade = max(1, min(4, year - student.entry_year + 1))
        prefix, _dash, rest = student.class_name.partition("-")
        enrolments.append(
            Enrolment(
                school_id=student.school_id,
                student=student,
                fiscal_year=year,
                grade=grade,
                class_name=rest if rest and prefix == str(grade) else student.class_name,
                number=max(1, min(99, student.number)),
                status=EnrolmentStatus.GRADUATED if this_year > last_year else EnrolmentStatus.ENROLLED,
            )
        )
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
