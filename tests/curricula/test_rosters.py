"""The school's roster: the 校務支援システム's file in, all rows or none; 氏名 by role; the April rollover."""

import datetime
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from curricula.models import DayLog, Enrolment, EnrolmentStatus, Placement, Rollover, Student
from curricula.rosters import RosterImporter, kana_text
from meister.fiscal import current_fiscal_year
from meister.importing import Row, import_commit
from meister.scoping import may_see_full_names
from reports.metrics import METRICS

HEADER = "生徒番号,氏名,ふりがな,学年,組,番号,学科,入学年度,性別,保護者連絡先\n"


def _roster(fy: int, *, broken: bool = False) -> bytes:
    """Two classes of the second grade (entered last year), as the 校務支援システム writes them in CP932."""
    entry = fy - 1
    rows = [
        f"９９０１,山田　一郎,ヤマダ イチロウ,２,1,1,機械科,{entry},男,090-1111-0001",
        f"9902,鈴木 花子,すずき はなこ,2,1,2,機械科,{entry},女,",
        f"9903,佐藤 次郎,さとう じろう,2,1,３,機械科,令和{entry - 2018},男,",
        f"9904,高橋 美咲,たかはし みさき,2,2,1,電気科,{entry},女,",
        f"9905,伊藤 健,いとう けん,2,2,2,電気科,{entry},男,",
        f"9906,渡辺 陸,わたなべ りく,2,2,3,電気科,{entry},男,",
    ]
    if broken:
        rows[1] = f"9902,鈴木 花子,すずき はなこ,5,1,2,機械科,{entry},女,"  # no fifth grade
        rows[3] = f"9904,高橋 美咲,たかはし みさき,2,2,1,造船科,{entry},女,"  # no such department
        rows[4] = f"9905,伊藤 健,,2,2,2,電気科,{entry},男,"  # ふりがな missing
    return (HEADER + "\n".join(rows) + "\n").encode("cp932")


def _post(client, school, fy, content, action="preview", name="roster.csv"):
    data = {"school": school.pk, "fiscal_year": fy, "file": SimpleUploadedFile(name, content), "action": action}
    return client.post(reverse("curricula:roster_import"), data)


def _state(school):
    students = Student.objects.filter(school=school)
    return (
        sorted(students.values_list("pk", "student_number", "full_name", "kana_name", "class_name", "number")),
        sorted(
            Enrolment.objects.filter(school=school).values_list("pk", "fiscal_year", "grade", "class_name", "number")
        ),
        Student.history.filter(school_id=school.pk).count(),
    )


def test_a_cp932_roster_with_three_bad_rows_is_refused_whole_and_each_row_named(client, demo):
    fy = current_fiscal_year()
    client.force_login(demo.users["teacher"])
    before = _state(demo.hikone)
    response = _post(client, demo.hikone, fy, _roster(fy, broken=True), action="commit")
    assert response.status_code == 200
    assert _state(demo.hikone) == before
    errors = {row.number: " ".join(row.errors) for row in response.context["result"].rows if row.errors}
    assert sorted(errors) == [3, 5, 6]
    assert "学年「5」" in errors[3]
    assert "学科「造船科」" in errors[5]
    assert "「ふりがな」が空です" in errors[6]
    body = response.content.decode()
    assert "3 行目" in body and "5 行目" in body and "6 行目" in body


def test_the_fixed_roster_goes_in_and_the_same_file_again_changes_nothing(client, demo):
    fy = current_fiscal_year()
    client.force_login(demo.users["teacher"])
    response = _post(client, demo.hikone, fy, _roster(fy), action="commit")
    assert response.status_code == 302
    yamada = Student.objects.get(school=demo.hikone, student_number="9901")
    # Full-width digits and spaces are made plain; katakana ふりがな is kept as hiragana.
    assert (yamada.full_name, yamada.kana_name, yamada.class_name, yamada.number) == (
        "山田 一郎",
        "やまだ いちろう",
        "2-1",
        1,
    )
    assert Student.objects.get(school=demo.hikone, student_number="9903").entry_year == fy - 1
    enrolment = yamada.enrolments.get()
    assert (enrolment.fiscal_year, enrolment.grade, enrolment.class_name, enrolment.status) == (
        fy,
        2,
        "1",
        EnrolmentStatus.ENROLLED,
    )
    # Each student's history starts with the import, in the teacher's name, as it was written.
    record = yamada.history.get()
    assert (record.history_type, record.history_user, record.kana_name, record.class_name) == (
        "+",
        demo.users["teacher"],
        "やまだ いちろう",
        "2-1",
    )
    after = _state(demo.hikone)
    again = _post(client, demo.hikone, fy, _roster(fy), action="preview")
    assert again.context["result"].counts["unchanged"] == 6
    _post(client, demo.hikone, fy, _roster(fy), action="commit")
    assert _state(demo.hikone) == after


def test_an_excel_roster_goes_in_and_the_template_reads_back(client, demo):
    fy = current_fiscal_year()
    client.force_login(demo.users["teacher"])
    template = client.get(reverse("curricula:roster_template_download", args=["xlsx"]))
    sheet = load_workbook(
        io.BytesIO(b"".join(template.streaming_content if template.streaming else [template.content]))
    )
    headers = [cell.value for cell in next(sheet.active.iter_rows(max_row=1))]
    assert headers[:8] == ["生徒番号", "氏名", "ふりがな", "学年", "組", "番号", "学科", "入学年度"]
    book = Workbook()
    book.active.append(headers)
    book.active.append(["7701", "森 一花", "もり いちか", 1, "2", 5, "機械科", fy, "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _post(client, demo.hikone, fy, buffer.getvalue(), action="commit", name="roster.xlsx")
    assert response.status_code == 302
    assert Student.objects.get(school=demo.hikone, student_number="7701").class_name == "1-2"
    csv_template = client.get(reverse("curricula:roster_template_download", args=["csv"]))
    assert b"".join(csv_template.streaming_content).decode("utf-8-sig").startswith("生徒番号,氏名,ふりがな")


def test_likely_duplicates_are_flagged_in_words_on_the_preview_and_the_list(client, demo):
    fy = current_fiscal_year()
    client.force_login(demo.users["teacher"])
    content = (HEADER + f"8801,大野 隼人,おおの はやと,1,1,1,機械科,{fy},,\n").encode()
    response = _post(client, demo.hikone, fy, content)
    rows = dict((row.number, notes) for row, notes in response.context["rows"])
    assert any("同じふりがな" in note for note in rows[2])
    assert "重複の可能性" in response.content.decode()
    listing = client.get(reverse("curricula:student_list"))
    assert "重複の可能性" in listing.content.decode()


def test_coordinators_and_the_prefecture_do_not_import_rosters(client, demo):
    fy = current_fiscal_year()
    for persona in ("coordinator", "prefecture", "company", "ministry"):
        client.force_login(demo.users[persona])
        assert _post(client, demo.hikone, fy, _roster(fy), action="commit").status_code == 403
    assert not Student.objects.filter(student_number="9901").exists()


def test_a_teacher_cannot_import_into_another_school(client, demo):
    fy = current_fiscal_year()
    client.force_login(demo.users["teacher-niigata"])
    response = _post(client, demo.hikone, fy, _roster(fy), action="commit")
    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    assert not Student.objects.filter(student_number="9901").exists()


def test_the_import_costs_a_fixed_number_of_queries(demo):
    fy = current_fiscal_year()

    def rows(count):
        return [
            Row(
                number=n + 2,
                values={
                    "student_number": f"Q{n:05d}",
                    "full_name": f"試験 {n}",
                    "kana_name": f"しけん {n}",
                    "grade": "1",
                    "class_name": str(n // 40 + 1),
                    "number": str(n % 40 + 1),
                    "department": "機械科",
                    "entry_year": str(fy),
                },
            )
            for n in range(count)
        ]

    counts = []
    for size in (10, 200):
        Student.objects.filter(student_number__startswith="Q").delete()
        with CaptureQueriesContext(connection) as queries:
            result = import_commit(importer=RosterImporter(demo.hikone, fy), rows=rows(size), user=None)
        assert result.committed
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_kana_is_kept_as_hiragana_with_one_space():
    assert kana_text("ﾔﾏﾀﾞ　ﾀﾛｳ") == "やまだ たろう"


# --- names by role --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("teacher", True),
        ("admin", True),
        ("coordinator", True),
        ("prefecture", True),
        ("company", True),
        ("ministry", False),
    ],
)
def test_who_may_see_full_names(demo, persona, sees):
    assert may_see_full_names(demo.users[persona], Student) is sees


def test_a_company_sees_the_full_names_of_its_own_placed_students_only(client, demo):
    placed = demo.kotoh.placements.order_by("pk")[0].student
    placed.full_name = "青木 陽翔"
    placed.save()
    other = Student.objects.filter(school=demo.hikone).exclude(placements__company=demo.kotoh).first()
    other.full_name = "別人 太郎"
    other.save()
    client.force_login(demo.users["company"])
    body = client.get(reverse("curricula:student_list")).content.decode()
    assert "青木 陽翔" in body and "別人 太郎" not in body
    client.force_login(demo.users["teacher"])
    body = client.get(reverse("curricula:student_list") + "?page=1").content.decode()
    assert "青木 陽翔" in body
    client.force_login(demo.users["ministry"])
    assert "青木 陽翔" not in client.get(reverse("curricula:student_list")).content.decode()
    client.force_login(demo.users["teacher-niigata"])
    assert client.get(reverse("curricula:student_record_pdf", args=[placed.pk])).status_code == 404
    assert client.get(reverse("curricula:rollover", args=[demo.hikone.pk])).status_code == 404


# --- the April rollover ---------------------------------------------------------------------------------------------


def _metrics(fy):
    return {key: metric.compute(fy, "school", None) for key, metric in METRICS.items() if not metric.needs_instrument}


def test_rollover_preview_run_refuse_twice_undo_and_past_reports_unchanged(client, demo):
    fy = current_fiscal_year()
    client.force_login(demo.users["teacher"])
    assert _post(client, demo.hikone, fy, _roster(fy), action="commit").status_code == 302
    report_before = _metrics(fy)
    record_before = client.get(reverse("curricula:student_record_pdf", args=[demo.kotoh.placements.first().student_id]))

    # Next year's roster: 9906 left, the others move up (9901 into another class), one new first-year.
    entry = fy - 1
    next_rows = [
        f"9901,山田 一郎,やまだ いちろう,3,2,4,機械科,{entry},男,",
        f"9902,鈴木 花子,すずき はなこ,3,1,2,機械科,{entry},女,",
        f"9903,佐藤 次郎,さとう じろう,3,1,3,機械科,{entry},男,",
        f"9904,高橋 美咲,たかはし みさき,3,2,1,電気科,{entry},女,",
        f"9905,伊藤 健,いとう けん,3,2,2,電気科,{entry},男,",
        f"9907,中村 結衣,なかむら ゆい,1,1,1,機械科,{fy + 1},女,",
    ]
    content = (HEADER + "\n".join(next_rows) + "\n").encode("cp932")
    assert _post(client, demo.hikone, fy + 1, content, action="commit").status_code == 302
    work = (Placement.objects.filter(student__school=demo.hikone).count(), DayLog.objects.count())

    url = reverse("curricula:rollover", args=[demo.hikone.pk]) + f"?year={fy + 1}"
    page = client.get(url)
    plan = page.context["plan"]
    moving = {last.student.student_number: following for last, following in plan.moving_up}
    assert set(moving) == {"9901", "9902", "9903", "9904", "9905"}
    assert (moving["9901"].grade, moving["9901"].class_name, moving["9901"].number) == (3, "2", 4)
    assert [e.student.student_number for e in plan.leaving] == ["9906"]
    assert [e.student.student_number for e in plan.new_intake] == ["9907"]
    # The demo's third-years graduate.
    assert plan.graduating and all(e.grade == 3 for e in plan.graduating)

    leaver = Student.objects.get(school=demo.hikone, student_number="9906")
    response = client.post(url, {"action": "run", f"leaving-{leaver.pk}": EnrolmentStatus.WITHDRAWN})
    assert response.status_code == 302
    rollover = Rollover.objects.get(school=demo.hikone, fiscal_year=fy + 1)
    assert leaver.enrolments.get(fiscal_year=fy).status == EnrolmentStatus.WITHDRAWN
    graduate = plan.graduating[0].student
    assert graduate.enrolments.get(fiscal_year=fy).status == EnrolmentStatus.GRADUATED
    # Placements and day logs of the past year stay with the student; last year's report reads the same.
    assert (Placement.objects.filter(student__school=demo.hikone).count(), DayLog.objects.count()) == work
    assert _metrics(fy) == report_before
    record_after = client.get(reverse("curricula:student_record_pdf", args=[demo.kotoh.placements.first().student_id]))
    assert record_after.status_code == record_before.status_code == 200

    # Twice for the same year is refused in words, and changes nothing.
    enrolments = Enrolment.objects.filter(school=demo.hikone).count()
    again = client.post(url, {"action": "run"}, follow=True)
    assert "実行済み" in again.content.decode()
    assert Enrolment.objects.filter(school=demo.hikone).count() == enrolments

    # Undone: every status back, the run may be made again.
    client.post(url, {"action": "undo"})
    assert not Rollover.objects.filter(pk=rollover.pk).exists()
    assert leaver.enrolments.get(fiscal_year=fy).status == EnrolmentStatus.ENROLLED
    assert graduate.enrolments.get(fiscal_year=fy).status == EnrolmentStatus.ENROLLED
    assert client.post(url, {"action": "run"}).status_code == 302
    assert Rollover.objects.filter(school=demo.hikone, fiscal_year=fy + 1).exists()

    # Once the new year has a day log, the undo is refused in words.
    placement = demo.kotoh.placements.order_by("pk")[0]
    DayLog.objects.create(placement=placement, day=datetime.date(fy + 1, 4, 15), hours=6)
    refused = client.post(url, {"action": "undo"}, follow=True)
    assert "元に戻せません" in refused.content.decode()
    assert Rollover.objects.filter(school=demo.hikone, fiscal_year=fy + 1).exists()


def test_rollover_without_the_new_roster_moves_everyone_up_in_the_same_class(client, demo):
    fy = current_fiscal_year()
    client.force_login(demo.users["teacher"])
    _post(client, demo.hikone, fy, _roster(fy), action="commit")
    url = reverse("curricula:rollover", args=[demo.hikone.pk]) + f"?year={fy + 1}"
    assert client.post(url, {"action": "run"}).status_code == 302
    yamada = Student.objects.get(school=demo.hikone, student_number="9901")
    following = yamada.enrolments.get(fiscal_year=fy + 1)
    assert (following.grade, following.class_name, following.number) == (3, "1", 1)
    assert yamada.class_name == "3-1"
    client.post(url, {"action": "undo"})
    yamada.refresh_from_db()
    assert yamada.class_name == "2-1" and not yamada.enrolments.filter(fiscal_year=fy + 1).exists()


def test_only_the_school_rolls_its_roster_over(client, demo):
    url = reverse("curricula:rollover", args=[demo.hikone.pk])
    for persona, status in (("coordinator", 403), ("prefecture", 403), ("teacher-niigata", 404)):
        client.force_login(demo.users[persona])
        assert client.post(url, {"action": "run"}).status_code == status
    assert not Rollover.objects.exists()


# --- OneRoster (Japan Profile) -------------------------------------------------------------------------------------

ONEROSTER_USERS = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "metadata.jp.kanaGivenName,metadata.jp.kanaFamilyName,metadata.jp.kanaMiddleName,metadata.jp.homeClass\n"
    "u1,active,,true,org1,student,u1,,一郎,山田,,6601,,,,,H2,,いちろう,やまだ,,\n"
    "u2,active,,true,org1,student,u2,,花子,鈴木,,6602,,,,,H2,,はなこ,すずき,,\n"
    "t1,active,,true,org1,teacher,t1,,先生,田中,,T1,,,,,,,せんせい,たなか,,\n"
)
ONEROSTER_CLASSES = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,"
    "termSourcedIds,subjects,subjectCodes,periods\n"
    "c1,active,,2年1組,H2,course1,2-1,homeroom,,org1,term1,,,\n"
    "c2,active,,機械工作,H2,course2,K1,scheduled,,org1,term1,,,\n"
)
ONEROSTER_ENROLLMENTS = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate,"
    "metadata.jp.ShussekiNo,metadata.jp.PublicFlg\n"
    "e1,active,,c1,org1,u1,student,false,,,1,\n"
    "e2,active,,c1,org1,u2,student,false,,,2,\n"
    "e3,active,,c2,org1,u1,student,false,,,,\n"
)


def test_oneroster_files_go_in_as_a_roster(client, demo):
    fy = current_fiscal_year()
    kaiyo_teacher = demo.users["teacher-niigata"]
    school = demo.kaiyo  # two departments: OneRoster names none, so the page must
    client.force_login(kaiyo_teacher)
    files = {
        "source": "oneroster",
        "school": school.pk,
        "fiscal_year": fy,
        "users": SimpleUploadedFile("users.csv", ONEROSTER_USERS.encode("utf-8-sig")),
        "enrollments": SimpleUploadedFile("enrollments.csv", ONEROSTER_ENROLLMENTS.encode()),
        "classes": SimpleUploadedFile("classes.csv", ONEROSTER_CLASSES.encode("cp932")),
    }
    response = client.post(reverse("curricula:roster_import"), {**files, "action": "preview"})
    errors = [" ".join(row.errors) for row in response.context["result"].rows]
    assert [row.number for row in response.context["result"].rows] == [2, 3]
    assert all("「学科」が空です" in error for error in errors)
    for upload in ("users", "enrollments", "classes"):
        files[upload].seek(0)
    files["department"] = "水産食品科"
    response = client.post(reverse("curricula:roster_import"), {**files, "action": "commit"})
    assert response.status_code == 302, response.context["result"].rows if response.context else response
    yamada = Student.objects.get(school=school, student_number="6601")
    assert (yamada.full_name, yamada.kana_name, yamada.class_name, yamada.number) == (
        "山田 一郎",
        "やまだ いちろう",
        "2-1",
        1,
    )
    assert yamada.entry_year == fy - 1
    assert not Student.objects.filter(student_number="T1").exists()


def test_the_roster_benchmark_imports_and_rolls_over_and_leaves_nothing_behind(demo):
    from devtools import benchmarks

    rows = int(os.environ.get("ROSTER_BENCH_ROWS", "90"))
    before = (Student.objects.count(), Enrolment.objects.count(), Rollover.objects.count())
    figures = benchmarks.roster_import(rows=rows, school=demo.hikone)
    assert figures["committed"] and figures["counts"]["new"] == rows
    # A constant, plus a few per batch of 2,000 rows: never one per row.
    batches = -(-rows // 2000)
    assert figures["import_queries"] <= 20 + 4 * batches and figures["rollover_queries"] <= 20 + 4 * batches
    assert (Student.objects.count(), Enrolment.objects.count(), Rollover.objects.count()) == before
    print(figures)


def test_the_national_rollover_benchmark_rolls_every_school_over_and_leaves_nothing_behind(demo):
    from devtools import benchmarks
    from partners.models import School

    before = (School.objects.count(), Student.objects.count(), Enrolment.objects.count(), Rollover.objects.count())
    figures = benchmarks.national_rollover(students=90, per_school=30)
    assert (figures["schools"], figures["moved_up"]) == (3, 60)  # the third grade graduates in each school
    # A constant number of queries per school, whatever its size.
    assert figures["rollover_queries"] <= 3 * 25
    assert (School.objects.count(), Student.objects.count(), Enrolment.objects.count(), Rollover.objects.count()) == (
        before
    )
