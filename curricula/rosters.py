"""A school's roster (名簿) from its 校務支援システム: one row per student for one fiscal year, via the one pipeline.

A row is keyed by 生徒番号, the school's own number for the student: the same file taken in twice changes
nothing, and next year's file moves the same students on. The student (氏名, ふりがな, 学科, 入学年度) and their
enrolment of the year (学年, 組, 番号) are written together, in batches, all rows or none.
"""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from curricula.models import Enrolment, EnrolmentStatus, Student, cached_class_name
from meister.importing import Importer, ImportField, keep_text, name_key, nfkc
from meister.importing import normalise_code as _code
from meister.models import Role
from meister.scoping import lies_in_change_scope, visible_to
from partners.models import Department

BATCH = 2000
STUDENT_FIELDS = [
    "department",
    "entry_year",
    "class_name",
    "number",
    "kana_name",
    "full_name",
    "student_number",
    "gender",
    "guardian_contact",
    "email",
]
ERAS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}
KATAKANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}


def kana_text(value: str) -> str:
    """ふりがな as the portal writes it: hiragana, one plain space between family and given name."""
    return re.sub(r"\s+", " ", nfkc(value)).strip().translate(KATAKANA)


def _digits(value: str, *suffixes: str) -> str:
    text = nfkc(value)
    for suffix in suffixes:
        text = text.removesuffix(suffix)
    return text.strip()


def _year(text: str) -> int | None:
    """入学年度 as offices write it: 2024, 令和6, R6 (年度 optional)."""
    text = nfkc(text).removesuffix("年度").removesuffix("年").replace(" ", "")
    if text.isdigit() and len(text) == 4:
        return int(text)
    for era, offset in ERAS.items():
        rest = text.removeprefix(era)
        if rest != text:
            rest = "1" if rest == "元" else rest
            return offset + int(rest) if rest.isdigit() and 0 < int(rest) < 100 else None
    return None


class RosterImporter(Importer):
    """One school's roster for one fiscal year."""

    kind = "roster"
    model = Student
    import_roles = frozenset({Role.ADMIN, Role.TEACHER})
    name_fields = frozenset({"full_name", "kana_name"})
    fields = (
        ImportField(
            "student_number",
            gettext_lazy("生徒番号"),
            ("学籍番号", "生徒コード", "生徒ID", "student_number"),
            required=True,
            normalise=_code,
        ),
        ImportField(
            "full_name", gettext_lazy("氏名"), ("生徒氏名", "氏名(漢字)", "名前"), required=True, normalise=keep_text
        ),
        ImportField(
            "kana_name",
            gettext_lazy("ふりがな"),
            ("フリガナ", "よみがな", "氏名かな", "氏名(かな)", "氏名カナ", "かな"),
            required=True,
            normalise=kana_text,
        ),
        ImportField("grade", gettext_lazy("学年"), ("年",), required=True),
        ImportField("class_name", gettext_lazy("組"), ("クラス", "学級"), required=True),
        ImportField("number", gettext_lazy("番号"), ("出席番号", "No", "No."), required=True),
        ImportField("department", gettext_lazy("学科"), ("学科名", "科"), required=True, normalise=keep_text),
        ImportField("entry_year", gettext_lazy("入学年度"), ("入学年",), required=True),
        ImportField("gender", gettext_lazy("性別"), ()),
        ImportField(
            "guardian_contact", gettext_lazy("保護者連絡先"), ("保護者電話番号", "緊急連絡先"), normalise=keep_text
        ),
        # The student's school account (GIGA): how the student's portal account finds this row at sign-in.
        ImportField(
            "email",
            gettext_lazy("メールアドレス"),
            ("メール", "Eメール", "e-mail", "email", "アカウント", "学校のアカウント"),
            normalise=lambda value: nfkc(value).strip().lower(),
        ),
    )

    def __init__(self, school, fiscal_year: int):
        self.school = school
        self.fiscal_year = fiscal_year

    # --- reading the rows -----------------------------------------------------------------------------------------

    def prepare(self, rows, context):
        students = Student.objects.filter(school=self.school).exclude(student_number="")
        context.cache["by_number"] = {s.student_number: s for s in students}
        context.cache["number_of"] = {s.pk: s.student_number for s in students}
        context.cache["departments"] = {name_key(d.name): d for d in Department.objects.filter(school=self.school)}
        enrolments = Enrolment.objects.filter(school=self.school)
        context.cache["this_year"] = {e.student_id: e for e in enrolments.filter(fiscal_year=self.fiscal_year)}
        context.cache["latest_year"] = dict(
            enrolments.values("student_id").annotate(latest=Max("fiscal_year")).values_list("student_id", "latest")
        )
        # Who holds each 入学年度・組・番号 now, for the students the file does not move.
        context.cache["seats"] = {
            (entry_year, class_name, number): pk
            for pk, entry_year, class_name, number in Student.objects.filter(school=self.school).values_list(
                "pk", "entry_year", "class_name", "number"
            )
        }
        context.cache["in_file"] = {row.get("student_number") for row in rows}
        context.cache["email_of"] = dict(
            Student.objects.filter(school=self.school).exclude(email="").values_list("email", "student_number")
        )
        context.cache["file_emails"] = {}
        context.cache["file_seats"] = {}
        context.cache["school_in_scope"] = context.user is None or lies_in_change_scope(
            context.user, Student(school=self.school)
        )

    def clean_values(self, row, context, problems):
        values = {name: row.get(name) for name in ("student_number", "full_name", "kana_name") if row.get(name)}
        for name in ("gender", "guardian_contact"):
            if row.get(name):
                values[name] = row.get(name)
        if row.get("email"):
            values["email"] = self._email(row, context, problems)
        department = row.get("department")
        if department:
            found = context.cache["departments"].get(name_key(department))
            if found is None:
                known = "、".join(d.name for d in context.cache["departments"].values())
                problems.add(
                    "department",
                    _("学科「%(value)s」はこの学校にありません（登録済み: %(known)s）。")
                    % {"value": department, "known": known or "-"},
                )
            else:
                values["department"] = found
        grade = _digits(row.get("grade"), "年", "学年")
        if grade and not (grade.isdigit() and 1 <= int(grade) <= 4):
            problems.add(
                "grade", _("学年「%(value)s」は 1〜4 の数字で入力してください。") % {"value": row.get("grade")}
            )
            grade = ""
        class_name = _digits(row.get("class_name"), "組")
        if grade and class_name.startswith(f"{grade}-"):
            class_name = class_name[len(grade) + 1 :]
        number = _digits(row.get("number"), "番")
        if number and not (number.isdigit() and 1 <= int(number) <= 99):
            problems.add(
                "number", _("番号「%(value)s」は 1〜99 の数字で入力してください。") % {"value": row.get("number")}
            )
            number = ""
        entry_text = row.get("entry_year")
        entry_year = _year(entry_text) if entry_text else None
        if entry_text and entry_year is None:
            problems.add(
                "entry_year",
                _("入学年度「%(value)s」が読めません。2024 や 令和6 のように入力してください。")
                % {"value": entry_text},
            )
        elif entry_year is not None:
            values["entry_year"] = entry_year
        seat = None
        if grade and class_name and number:
            seat = (int(grade), class_name, int(number))
            other = context.cache["file_seats"].setdefault(seat, row.number)
            if other != row.number:
                problems.add(
                    "number",
                    _("%(grade)s年%(class)s組%(number)s番は、このファイルの %(row)s 行目と重なっています。")
                    % {"grade": grade, "class": class_name, "number": number, "row": other},
                )
                seat = None
        context.cache["pending_seat"] = seat
        existing = context.cache["by_number"].get(values.get("student_number"))
        latest = context.cache["latest_year"].get(existing.pk) if existing else None
        if seat is not None and (latest is None or latest <= self.fiscal_year):
            # The newest year's class is the one the student row shows.
            values["class_name"], values["number"] = cached_class_name(seat[0], seat[1]), seat[2]
        return values

    def _email(self, row, context, problems) -> str:
        """The row's school account, once in the file and once in the school (another student's is refused)."""
        email, number = row.get("email"), row.get("student_number")
        try:
            validate_email(email)
        except ValidationError:
            problems.add("email", _("メールアドレス「%(value)s」が読めません。") % {"value": email})
            return ""
        other_row = context.cache["file_emails"].setdefault(email, row.number)
        holder = context.cache["email_of"].get(email)
        if other_row != row.number:
            problems.add(
                "email",
                _("メールアドレス「%(value)s」は、このファイルの %(row)s 行目と重なっています。")
                % {"value": email, "row": other_row},
            )
        elif holder is not None and holder != number:
            problems.add(
                "email",
                _("メールアドレス「%(value)s」は、この学校の別の生徒（生徒番号 %(number)s）に登録されています。")
                % {"value": email, "number": holder or "-"},
            )
        return email

    def find_existing(self, values, context, problems):
        return context.cache["by_number"].get(values.get("student_number"))

    def new_instance(self, values, context):
        return Student(school=self.school)

    def key(self, instance):
        return instance.student_number or None

    def label(self, row, instance):
        return f"{row.get('student_number')} {row.get('kana_name')}".strip()

    def validate_row(self, row, context):
        planned, errors = super().validate_row(row, context)
        student, seat = planned.instance, context.cache.pop("pending_seat", None)
        if seat is None:
            return planned, errors
        grade, class_name, number = seat
        planned.instance.roster_seat = seat
        enrolment = context.cache["this_year"].get(student.pk) if planned.existing else None
        labels = {
            "grade": _("学年"),
            "class_name": str(Enrolment._meta.get_field("class_name").verbose_name),
            "number": str(Enrolment._meta.get_field("number").verbose_name),
        }
        if planned.existing and enrolment is None:
            planned.changes.append(_("%(year)s年度の在籍") % {"year": self.fiscal_year})
        elif enrolment is not None:
            for name, value in (("grade", grade), ("class_name", class_name), ("number", number)):
                if getattr(enrolment, name) != value and labels[name] not in planned.changes:
                    planned.changes.append(labels[name])
        holder = context.cache["seats"].get((student.entry_year, student.class_name, student.number))
        if holder is not None and holder != student.pk and not errors:
            if context.cache["number_of"].get(holder) not in context.cache["in_file"]:
                errors.append(
                    _("%(grade)s年%(class)s組%(number)s番には、このファイルにない別の生徒が登録されています。")
                    % {"grade": grade, "class": class_name, "number": number}
                )
        return planned, errors

    def model_checks(self, instance, *, exclude):
        # Uniqueness was settled in memory (生徒番号 by prepare and key(), 組・番号 above): no query per row.
        exclude = exclude | {"school"}  # the school the page was given, not the row's to check
        if instance.pk is None and not instance.class_name:
            exclude = exclude | {"class_name", "number"}  # the row's 学年・組・番号 problem is already named
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)

    def in_scope(self, instance, existing, context):
        return context.cache["school_in_scope"] and instance.school_id == self.school.pk

    # --- writing -------------------------------------------------------------------------------------------------

    def save_planned(self, rows, context):
        new = [row.planned.instance for row in rows if not row.planned.existing]
        changed = [row.planned.instance for row in rows if row.planned.existing]
        user = context.user if getattr(context.user, "pk", None) else None
        for start in range(0, len(new), BATCH):
            bulk_create_with_history(new[start : start + BATCH], Student, batch_size=BATCH, default_user=user)
        if changed:
            bulk_update_with_history(changed, Student, STUDENT_FIELDS, batch_size=BATCH, default_user=user)
        this_year = context.cache["this_year"]
        create, update = [], []
        for student in new + changed:
            grade, class_name, number = student.roster_seat
            enrolment = this_year.get(student.pk)
            if enrolment is None:
                create.append(
                    Enrolment(
                        school=self.school,
                        student=student,
                        fiscal_year=self.fiscal_year,
                        grade=grade,
                        class_name=class_name,
                        number=number,
                        status=EnrolmentStatus.ENROLLED,
                    )
                )
            elif (enrolment.grade, enrolment.class_name, enrolment.number) != (grade, class_name, number):
                enrolment.grade, enrolment.class_name, enrolment.number = grade, class_name, number
                # The school's roster now vouches for it: undoing the rollover that made it leaves it in place.
                enrolment.rollover = None
                update.append(enrolment)
        Enrolment.objects.bulk_create(create, batch_size=BATCH)
        Enrolment.objects.bulk_update(update, ["grade", "class_name", "number", "rollover"], batch_size=BATCH)


# --- likely duplicates ----------------------------------------------------------------------------------------------


def likely_duplicates(school, rows=()) -> dict:
    """Students (and file rows) of one school who share a ふりがな or a 氏名: often two people, sometimes one twice.

    Returns {("student", pk) or ("row", number): [the others, in words]} for a badge beside each.
    """
    groups: dict[tuple[str, str], list[tuple[tuple, str]]] = defaultdict(list)
    numbers_in_file = {row.get("student_number") for row in rows}
    for pk, kana, full, number in Student.objects.filter(school=school).values_list(
        "pk", "kana_name", "full_name", "student_number"
    ):
        if number and number in numbers_in_file:
            continue  # the file's row stands for this student
        who = f"{number} {kana}".strip()
        groups["kana", name_key(kana)].append((("student", pk), who))
        if full:
            groups["full", name_key(full)].append((("student", pk), who))
    for row in rows:
        who = _("%(row)s 行目") % {"row": row.number}
        if row.get("kana_name"):
            groups["kana", name_key(row.get("kana_name"))].append((("row", row.number), who))
        if row.get("full_name"):
            groups["full", name_key(row.get("full_name"))].append((("row", row.number), who))
    flagged: dict = defaultdict(list)
    for (kind, _key), members in groups.items():
        if len(members) < 2:
            continue
        for ident, _who in members:
            others = "、".join(who for other, who in members if other != ident)
            text = _("同じふりがな: %(others)s") if kind == "kana" else _("同じ氏名: %(others)s")
            flagged[ident].append(text % {"others": others})
    return dict(flagged)


def duplicate_notes(students, user) -> dict[int, list[str]]:
    """For a page of students: who else at the same school, among those the user sees, has the same ふりがな or
    氏名 (one query)."""
    students = list(students)
    if not students:
        return {}
    kanas = {s.kana_name for s in students}
    fulls = {s.full_name for s in students if s.full_name}
    others = (
        visible_to(Student.objects.all(), user)
        .filter(school__in={s.school_id for s in students})
        .filter(models.Q(kana_name__in=kanas) | models.Q(full_name__in=fulls))
    )
    by_kana, by_full = defaultdict(list), defaultdict(list)
    for pk, school_id, kana, full, number in others.values_list(
        "pk", "school_id", "kana_name", "full_name", "student_number"
    ):
        who = number or kana
        by_kana[school_id, kana].append((pk, who))
        if full:
            by_full[school_id, full].append((pk, who))
    notes: dict[int, list[str]] = {}
    for student in students:
        found = []
        for groups, key, text in (
            (by_kana, student.kana_name, _("同じふりがな: %(others)s")),
            (by_full, student.full_name, _("同じ氏名: %(others)s")),
        ):
            same = [who for pk, who in groups.get((student.school_id, key), []) if pk != student.pk]
            if key and same:
                found.append(text % {"others": "、".join(same)})
        if found:
            notes[student.pk] = found
    return notes


# --- the template offered on the import page ------------------------------------------------------------------------

TEMPLATE_ROWS = [
    (
        "240101",
        "山田 太郎",
        "やまだ たろう",
        3,
        "1",
        1,
        "機械科",
        2024,
        "男",
        "090-0000-0001",
        "s240101@school.example.jp",
    ),
    ("240102", "鈴木 花子", "すずき はなこ", 3, "1", 2, "機械科", 2024, "女", "", ""),
]
