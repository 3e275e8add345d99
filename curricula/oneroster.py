"""OneRoster (Japan Profile) CSV files as a roster: users.csv, enrollments.csv and classes.csv become the rows the
roster importer reads, so they go through the same checks and the same all-or-nothing write.

A student is a user with role `student`; their 組 is the title of their homeroom class (classType `homeroom`) and
their 番号 the enrolment's `metadata.jp.ShussekiNo`; 氏名 and ふりがな come from the family and given names and
their `metadata.jp.kana…` counterparts; 学年 from `grades` (H1 … H3, or 10 … 12); 生徒番号 from `identifier`
(else `sourcedId`). OneRoster carries no 学科: the one named on the page, or the school's only one; otherwise
each row says it is missing.
Row numbers in the messages are those of users.csv.
"""

import re

from django.utils.translation import gettext as _

from curricula.rosters import RosterImporter
from meister.importing import ImportProblem, header_key, nfkc, read_table, upload_format

ONEROSTER_FILES = ("users", "enrollments", "classes")
GRADE_CODES = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "10": 1, "11": 2, "12": 3}


def _records(name: str, data: bytes, needed: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    table = read_table(data, upload_format(f"{name}.csv", data))
    if not table:
        raise ImportProblem(_("%(file)s.csv が空です。") % {"file": name})
    _number, headers = table[0]
    keys = [header_key(cell) for cell in headers]
    missing = [column for column in needed if header_key(column) not in keys]
    if missing:
        raise ImportProblem(
            _("%(file)s.csv に必要な列がありません: 「%(columns)s」。")
            % {"file": name, "columns": "」「".join(missing)}
        )
    return [(number, dict(zip(keys, cells, strict=False))) for number, cells in table[1:]]


def _get(record: dict, column: str) -> str:
    return (record.get(header_key(column)) or "").strip()


def _grade(text: str) -> str:
    for code in re.split(r"[,\s]+", nfkc(text).upper()):
        if code in GRADE_CODES:
            return str(GRADE_CODES[code])
    return nfkc(text)


def _name(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def oneroster_table(
    files: dict[str, bytes], *, school, fiscal_year: int, department: str = ""
) -> list[tuple[int, list[str]]]:
    """The roster as numbered rows with the importer's headers, read from the three OneRoster files."""
    users = _records("users", files["users"], ("sourcedId", "role", "familyName", "givenName"))
    enrollments = _records("enrollments", files["enrollments"], ("classSourcedId", "userSourcedId", "role"))
    classes = _records("classes", files["classes"], ("sourcedId", "title", "classType"))
    homerooms = {
        _get(record, "sourcedId"): record
        for _number, record in classes
        if _get(record, "classType").lower() == "homeroom"
    }
    seats = {}
    for _number, record in enrollments:
        homeroom = homerooms.get(_get(record, "classSourcedId"))
        if homeroom is not None and _get(record, "role").lower() == "student":
            seats[_get(record, "userSourcedId")] = (_get(homeroom, "title"), _get(record, "metadata.jp.ShussekiNo"))
    departments = list(school.departments.values_list("name", flat=True))
    department = department or (departments[0] if len(departments) == 1 else "")
    headers = [str(field.label) for field in RosterImporter.fields]
    table = [(1, headers)]
    for number, record in users:
        if _get(record, "role").lower() != "student" or _get(record, "status").lower() == "tobedeleted":
            continue
        grade = _grade(_get(record, "grades"))
        title, seat_number = seats.get(_get(record, "sourcedId"), ("", ""))
        class_name = re.sub(r"^\d+\s*年\s*", "", nfkc(title))
        entry_year = str(fiscal_year - int(grade) + 1) if grade.isdigit() else ""
        table.append(
            (
                number,
                [
                    _get(record, "identifier") or _get(record, "sourcedId"),
                    _name(_get(record, "familyName"), _get(record, "givenName")),
                    _name(_get(record, "metadata.jp.kanaFamilyName"), _get(record, "metadata.jp.kanaGivenName")),
                    grade,
                    class_name,
                    seat_number,
                    department,
                    entry_year,
                    "",
                    "",
                ],
            )
        )
    return table
