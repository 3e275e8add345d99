"""Lists, calendar, dashboard cards, exports, printed documents and reminders for placements."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curricula import documents, selectors
from curricula.models import (
    DayLog,
    Destination,
    DestinationKind,
    LogStatus,
    Placement,
    PlacementKind,
    Student,
    Subject,
)
from meister.fiscal import fiscal_year
from meister.scoping import visible_to
from partners.models import Company
from tests.pdf import pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


def _add_students(demo, start, stop):
    department = demo.hikone.departments.first()
    fy = fiscal_year(demo.today)
    for number in range(start, stop):
        student = Student.objects.create(
            school=demo.hikone,
            department=department,
            entry_year=2024,
            class_name="3-9",
            number=number + 1,
            kana_name=f"てすと {number}",
        )
        placement = Placement.objects.create(
            student=student,
            company=demo.kotoh,
            kind=PlacementKind.DUAL_SYSTEM,
            starts_on=datetime.date(fy, 4, 1),
            ends_on=datetime.date(fy + 1, 3, 31),
            weekdays="2",
            required_hours=Decimal("180"),
        )
        DayLog.objects.create(placement=placement, day=datetime.date(fy, 4, 1), hours=Decimal("6"), activities="x")


@pytest.mark.parametrize(
    "name, query",
    [
        ("curricula:placement_list", ""),
        ("curricula:placement_list", "?state=missing"),
        ("curricula:day_log_list", ""),
        ("curricula:day_log_list", "?state=missing"),
        ("curricula:student_list", ""),
        ("portal:dashboard", ""),
    ],
)
def test_list_query_count_does_not_grow_with_students(client, demo, name, query):
    Student.objects.all().delete()
    client.force_login(demo.users["teacher"])
    url = reverse(name) + query

    def measure():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode().count("てすと ")

    _add_students(demo, 0, 1)
    few_queries, few_names = measure()
    _add_students(demo, 1, 40)
    many_queries, many_names = measure()
    assert many_names > few_names > 0
    assert many_queries == few_queries


def test_placement_list_shows_hours_and_filters_missing(client, demo):
    client.force_login(demo.users["teacher"])
    response = client.get(reverse("curricula:placement_list"))
    rows = list(response.context["page"])
    assert len(rows) == 6 and all(row.student.school_id == demo.hikone.pk for row in rows)
    assert all(row.progress.confirmed_hours > 0 for row in rows)
    missing = client.get(reverse("curricula:placement_list") + "?state=missing").context["page"]
    assert len(missing) == 6  # nobody has logged last Wednesday yet
    # The company filter offers the companies of these placements, not a company the teacher sees that only other
    # schools place students with.
    offered = {int(value) for value, _name in response.context["companies"]}
    assert offered == {row.company_id for row in rows}
    # Each row as the page prints it: the student, the hours and the company, worked out once per row.
    shown = {row.kana: row for row in response.context["rows"]}
    assert {row.student.kana_name for row in rows} == set(shown)
    for row in rows:
        printed = shown[row.student.kana_name]
        assert (printed.company, printed.confirmed) == (row.company.name, str(row.progress.confirmed_hours))
        assert printed.url == reverse("curricula:placement_detail", args=[row.pk])
        assert printed.bar_label.startswith(row.student.full_name or row.student.kana_name)
        assert "<" not in printed.bar_label  # a label is text, never the name's markup
    elsewhere = visible_to(Company.objects.exclude(pk__in=offered), demo.users["teacher"]).first()
    kaiyo_student = Student.objects.filter(school=demo.kaiyo).first()
    Placement.objects.create(
        student=kaiyo_student,
        company=elsewhere,
        kind=PlacementKind.SHORT_INTERNSHIP,
        starts_on=demo.today,
        ends_on=demo.today,
        weekdays=str(demo.today.weekday()),
        required_hours=Decimal("6"),
    )
    again = client.get(reverse("curricula:placement_list")).context["companies"]
    assert {int(value) for value, _name in again} == offered


def test_placement_list_works_out_hours_for_the_rows_of_its_page_only(client, demo, monkeypatch):
    from curricula.views import PAGE_SIZE

    Student.objects.all().delete()
    _add_students(demo, 0, PAGE_SIZE + 5)
    worked_out = []
    real = selectors.progress
    monkeypatch.setattr(
        selectors, "progress", lambda placement, *args: worked_out.append(placement.pk) or real(placement, *args)
    )
    client.force_login(demo.users["teacher"])
    first = list(client.get(reverse("curricula:placement_list")).context["page"])
    assert len(first) == PAGE_SIZE and sorted(worked_out) == sorted(row.pk for row in first)
    worked_out.clear()
    second = list(client.get(reverse("curricula:placement_list") + "?page=2").context["page"])
    assert len(second) == 5 and sorted(worked_out) == sorted(row.pk for row in second)
    assert all(row.progress.logged_hours == Decimal("6") for row in first + second)
    # The export still carries every placement with its hours.
    worked_out.clear()
    client.get(reverse("curricula:placement_list") + "?export=csv")
    assert len(worked_out) == PAGE_SIZE + 5


def test_calendar_colours_days_by_state(client, demo):
    # The demo's Wednesday placement: older days confirmed, last week's pending, yesterday not yet logged.
    placement = Placement.objects.filter(student__school=demo.hikone, student__kana_name="あおき はると").get()
    yesterday = demo.today - datetime.timedelta(days=1)
    assert yesterday.weekday() == 2 and placement.is_expected_on(yesterday)
    client.force_login(demo.users["teacher"])
    response = client.get(reverse("curricula:placement_detail", args=[placement.pk]) + f"?month={demo.today:%Y-%m}")
    states = {cell["day"]: cell["state"] for week in response.context["weeks"] for cell in week}
    assert states[yesterday] == "missing"
    assert states[yesterday - datetime.timedelta(days=7)] == "pending"
    # Earlier Wednesdays of the month: confirmed where the calendar expects practice, closed on a holiday
    # (3 November, 文化の日, is a Wednesday in some years).
    earlier = [
        day
        for day in states
        if day.weekday() == 2 and day.month == demo.today.month and day <= yesterday - datetime.timedelta(days=14)
    ]
    assert earlier
    for day in earlier:
        assert states[day] == ("confirmed" if placement.is_expected_on(day) else "closed"), day
    assert states[yesterday + datetime.timedelta(days=7)] == "planned"
    assert states[demo.today] == "none"  # a Thursday: no practice
    outside = [day for day in states if day.month != demo.today.month]
    assert outside and {states[day] for day in outside} == {"outside"}


def test_teacher_dashboard_has_this_weeks_students(client, demo):
    client.force_login(demo.users["teacher"])
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "今週の実習" in html and "あおき はると" in html and "株式会社湖東精機" in html


def test_company_dashboard_shows_only_its_students(client, demo):
    client.force_login(demo.users["company"])
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "あおき はると" in html and "えんどう ひなた" not in html


def test_log_export_is_excel_with_the_visible_logs(client, demo):
    from openpyxl import load_workbook

    client.force_login(demo.users["company"])
    response = client.get(reverse("curricula:day_log_list") + "?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "実習日"
    assert {row[4] for row in rows[1:]} == {"株式会社湖東精機"}
    assert len(rows) - 1 == DayLog.objects.filter(placement__company=demo.kotoh).count()


def test_agreement_pdf_names_the_parties_in_japanese(client, demo):
    placement = Placement.objects.filter(student__school=demo.hikone, student__kana_name="あおき はると").get()
    html = documents.agreement_html(placement)
    for text in (
        "三者協定書",
        "滋賀県立彦根工業高等学校",
        "株式会社湖東精機",
        "あおき はると",
        "毎週水曜日",
        "保険",
        "安全管理",
    ):
        assert text in html
    client.force_login(demo.users["teacher"])
    response = client.get(reverse("curricula:placement_agreement_pdf", args=[placement.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "株式会社湖東精機" in pdf_text(response.content).replace(" ", "")
    assert any("IPAex" in font for font in pdf_fonts(response.content))


def test_company_copy_of_agreement_leaves_out_the_guardian(demo):
    placement = Placement.objects.filter(student__kana_name="あおき はると").get()
    assert "あおき ひろし" in documents.agreement_html(placement)
    assert "あおき ひろし" not in documents.agreement_html(placement, show_guardian=False)


def test_signed_agreement_upload_marks_it_signed(client, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    placement = Placement.objects.filter(student__kana_name="うえだ れん").get()
    client.force_login(demo.users["teacher"])
    url = reverse("curricula:placement_agreement", args=[placement.pk])
    client.post(url, {"agreement_status": "signed"})
    placement.refresh_from_db()
    assert placement.agreement_status != "signed"  # not without the signed scan
    scan = SimpleUploadedFile("signed.pdf", b"%PDF-1.7\n", content_type="application/pdf")
    client.post(url, {"agreement_status": "signed", "agreement_scan": scan})
    placement.refresh_from_db()
    assert placement.agreement_status == "signed" and placement.agreement_scan


def test_practice_record_pdf(client, demo):
    student = Student.objects.get(kana_name="あおき はると")
    client.force_login(demo.users["teacher"])
    response = client.get(reverse("curricula:student_record_pdf", args=[student.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_reminders_email_each_mentor_their_link(demo, settings):
    settings.SITE_URL = "https://portal.example.jp"
    call_command("send_confirmation_reminders", stdout=io.StringIO())
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["kotoh.mentor@example.jp", "seta.mentor@example.jp", "teramachi.mentor@example.jp"]
    assert all("https://portal.example.jp/curricula/confirm/" in message.body for message in mail.outbox)


def test_subjects_form_a_sequence(demo):
    progress = Subject.objects.get(school=demo.hikone, name="プログレス実習")
    assert progress.follows.name == "ブラッシュアップ実習" and progress.follows.follows.name == "近江マイスター"


def test_seed_demo_is_idempotent_for_curricula(demo):
    counts = (Student.objects.count(), Placement.objects.count(), DayLog.objects.count())
    statuses = list(DayLog.objects.order_by("pk").values_list("status", flat=True))
    call_command("seed_demo", verbosity=0)
    assert (Student.objects.count(), Placement.objects.count(), DayLog.objects.count()) == counts
    assert list(DayLog.objects.order_by("pk").values_list("status", flat=True)) == statuses
    assert DayLog.objects.filter(status=LogStatus.REJECTED).exists()


def test_missing_days_stop_at_today(demo):
    placement = Placement.objects.filter(student__school=demo.hikone).first()
    assert selectors.progress(placement, demo.today).missing  # the demo leaves yesterday for the teacher
    for today in (demo.today, demo.today - datetime.timedelta(days=30), demo.today + datetime.timedelta(days=30)):
        missing = selectors.progress(placement, today).missing
        assert all(placement.starts_on <= day <= today for day in missing)
    assert DestinationKind.HOST_COMPANY in set(Destination.objects.values_list("kind", flat=True))


def test_destinations_count_local_employment_per_school_without_names(client, demo):
    client.force_login(demo.users["ministry"])
    response = client.get(reverse("curricula:destination_summary"))
    by_school = {row["student__school__name"]: row for row in response.context["by_school"]}
    hikone = by_school["滋賀県立彦根工業高等学校"]
    assert (hikone["employed"], hikone["local"], hikone["host"], hikone["local_rate"]) == (3, 2, 1, 66.7)
    assert "さとう ゆうき" not in response.content.decode()
    client.force_login(demo.users["teacher-niigata"])
    rows = client.get(reverse("curricula:destination_summary")).context["by_school"]
    assert [row["student__school__name"] for row in rows] == ["新潟県立海洋高等学校"]


def test_teacher_registers_a_student_and_a_weekly_placement(client, demo):
    client.force_login(demo.users["teacher"])
    department = demo.hikone.departments.get(name="電気科")
    response = client.post(
        reverse("curricula:student_create"),
        {"department": department.pk, "entry_year": 2024, "class_name": "3-3", "number": 1, "kana_name": "なかの そら"},
    )
    assert response.status_code == 302
    student = Student.objects.get(kana_name="なかの そら")
    assert student.school == demo.hikone
    mentor = demo.kotoh.people.get(name="湖東 精一")
    data = {
        "student": student.pk,
        "company": demo.kotoh.pk,
        "mentor": mentor.pk,
        "kind": PlacementKind.LONG_INTERNSHIP,
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-31",
        "weekday_set": ["1", "3"],
        "hours_per_day": "6.0",
        "required_hours": "48",
        "insurance": "",
        "safety": "",
    }
    response = client.post(reverse("curricula:placement_create"), data)
    placement = Placement.objects.get(student=student)
    assert response.status_code == 302 and placement.weekdays == "13"
    assert len(placement.pattern_days()) == 10  # five Tuesdays and five Thursdays in December 2026
    # less the days the school's winter break or the company's year-end closing covers (the demo's calendar)
    closed = [day for day in placement.pattern_days() if placement.closed_reason(day)]
    assert placement.expected_days() == [day for day in placement.pattern_days() if day not in closed]
    outsider = Student.objects.filter(school=demo.kaiyo).first()
    response = client.post(reverse("curricula:placement_create"), data | {"student": outsider.pk})
    assert response.status_code == 200 and "student" in response.context["form"].errors
