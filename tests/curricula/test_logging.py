"""The class logging screen, the mentor's confirmation (logged in or by signed link) and the audit trail."""

import datetime
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from curricula import links, selectors
from curricula.models import Attendance, DayLog, DayLogEvent, LogStatus, Placement, PlacementKind, Student
from meister.fiscal import fiscal_year

pytestmark = pytest.mark.django_db


def last_wednesday():
    today = timezone.localdate()
    return today - datetime.timedelta(days=(today.weekday() - 2) % 7)


def hikone_placements(demo):
    return list(Placement.objects.filter(student__school=demo.hikone, weekdays__contains="2").order_by("pk"))


def row_data(placements, **overrides):
    data = {}
    for placement in placements:
        prefix = f"p{placement.pk}"
        data |= {
            f"{prefix}-attendance": "present",
            f"{prefix}-hours": "6.0",
            f"{prefix}-activities": "治具の設計補助",
            f"{prefix}-reflection": "公差の考え方が分かった",
        }
    return data | overrides


def test_demo_leaves_last_wednesday_for_the_teacher(demo):
    day = last_wednesday()
    placements = hikone_placements(demo)
    assert len(placements) == 6
    assert not DayLog.objects.filter(placement__in=placements, day=day).exists()
    missing = {(p.pk, d) for p, d in selectors.missing_days(user=demo.users["teacher"])}
    assert {(p.pk, day) for p in placements} <= missing


def test_the_logging_screen_lists_the_latest_days_with_missing_logs_and_opens_on_the_newest(client, demo):
    teacher = demo.users["teacher"]
    logged = DayLog.objects.filter(placement__student__school=demo.hikone).order_by("day")
    for day in sorted(set(logged.values_list("day", flat=True)))[:10]:
        logged.filter(day=day).first().delete()  # a day's log taken back: that day is missing again
    by_day = Counter(day for _placement, day in selectors.missing_days(user=teacher))
    assert len(by_day) > 8
    newest_first = sorted(by_day.items(), reverse=True)
    assert selectors.missing_count_by_day(user=teacher, days=len(by_day)) == newest_first
    assert selectors.latest_logging_day(user=teacher) == newest_first[0][0]
    client.force_login(teacher)
    response = client.get(reverse("curricula:log_day", args=[last_wednesday()]))
    assert response.context["missing_by_day"] == newest_first[:8]
    assert client.get(reverse("curricula:log_start"))["Location"].endswith(f"/log/{newest_first[0][0]}/")


def test_logging_screen_prefills_hours_and_presence(client, demo):
    client.force_login(demo.users["teacher"])
    placements = hikone_placements(demo)
    response = client.get(reverse("curricula:log_day", args=[last_wednesday()]))
    assert response.status_code == 200
    html = response.content.decode()
    for placement in placements:
        assert placement.student.kana_name in html
        assert f'name="p{placement.pk}-hours" value="6.0"' in html
    assert html.count('<option value="present" selected>') == len(placements)


def test_whole_class_is_saved_and_mentors_are_emailed(client, demo, django_capture_on_commit_callbacks):
    client.force_login(demo.users["teacher"])
    day = last_wednesday()
    placements = hikone_placements(demo)
    before = len(selectors.missing_days(user=demo.users["teacher"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("curricula:log_day", args=[day]), row_data(placements))
    assert response.status_code == 302
    logs = DayLog.objects.filter(placement__in=placements, day=day)
    assert logs.count() == 6 and {log.status for log in logs} == {LogStatus.PENDING}
    assert len(selectors.missing_days(user=demo.users["teacher"])) == before - 6
    assert DayLogEvent.objects.filter(day_log__in=logs, action="logged", new_status="pending").count() == 6
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["kotoh.mentor@example.jp", "seta.mentor@example.jp"]
    assert "/curricula/confirm/" in mail.outbox[0].body


def test_one_bad_row_saves_nothing_and_keeps_every_value(client, demo):
    client.force_login(demo.users["teacher"])
    day = last_wednesday()
    placements = hikone_placements(demo)
    bad = placements[2]
    data = row_data(placements, **{f"p{bad.pk}-hours": "25"})
    data[f"p{placements[0].pk}-reflection"] = "自分で段取りを考えた（入力を失わないこと）"
    response = client.post(reverse("curricula:log_day", args=[day]), data)
    assert response.status_code == 400
    assert not DayLog.objects.filter(placement__in=placements, day=day).exists()
    html = response.content.decode()
    assert "自分で段取りを考えた（入力を失わないこと）" in html
    assert 'value="25"' in html and "12 以下" in html
    assert mail.outbox == []


def test_absent_student_gets_no_hours_and_common_activities_fill_blanks(client, demo):
    client.force_login(demo.users["teacher"])
    day = last_wednesday()
    placements = hikone_placements(demo)
    data = row_data(placements, common_activities="工場全体の安全教育")
    for placement in placements:
        data[f"p{placement.pk}-activities"] = ""
    data[f"p{placements[0].pk}-attendance"] = "absent"  # the prefilled 6.0 hours are left in the box
    response = client.post(reverse("curricula:log_day", args=[day]), data)
    assert response.status_code == 302
    logs = {log.placement_id: log for log in DayLog.objects.filter(day=day, placement__in=placements)}
    assert logs[placements[0].pk].hours == 0 and logs[placements[0].pk].activities == ""
    assert logs[placements[1].pk].activities == "工場全体の安全教育"


def test_future_day_cannot_be_logged(client, demo):
    client.force_login(demo.users["teacher"])
    day = last_wednesday() + datetime.timedelta(days=7)
    placements = hikone_placements(demo)
    assert client.post(reverse("curricula:log_day", args=[day]), row_data(placements)).status_code == 403


def test_other_school_teacher_cannot_log_hikone_students(client, demo):
    client.force_login(demo.users["teacher-niigata"])
    placements = hikone_placements(demo)
    response = client.post(reverse("curricula:log_day", args=[last_wednesday()]), row_data(placements))
    assert not DayLog.objects.filter(placement__in=placements, day=last_wednesday()).exists()
    assert placements[0].student.kana_name not in response.content.decode()


@pytest.fixture
def logged_wednesday(client, demo, django_capture_on_commit_callbacks):
    """The teacher has logged last Wednesday for the whole Hikone class; the mentors have their emails."""
    client.force_login(demo.users["teacher"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("curricula:log_day", args=[last_wednesday()]), row_data(hikone_placements(demo)))
    client.logout()


def test_mentor_confirms_through_the_emailed_link_without_an_account(client, demo, logged_wednesday):
    message = next(m for m in mail.outbox if "kotoh.mentor@example.jp" in m.to)
    path = re.search(r"https?://[^/\s]+(/curricula/confirm/\S+/)", message.body).group(1)
    page = client.get(path)
    assert page.status_code == 200
    pending = [log for log in page.context["logs"] if log.day == last_wednesday()]
    assert len(pending) == 3  # 湖東精機's three students, never 近江エンジニアリング's
    response = client.post(path, {"all": "1"})
    assert response.status_code == 302
    confirmed = DayLog.objects.filter(pk__in=[log.pk for log in pending])
    assert {log.status for log in confirmed} == {LogStatus.CONFIRMED}
    event = DayLogEvent.objects.filter(day_log=pending[0], action="confirmed").get()
    assert event.user is None and "湖東 精一" in event.actor and event.old_status == "pending"


def test_reject_correct_and_resubmit_keeps_the_trail(client, demo, logged_wednesday):
    log = DayLog.objects.filter(placement=hikone_placements(demo)[0], day=last_wednesday()).get()
    path = links.CONFIRMATION.path(log.placement.mentor_id)
    client.post(path, {"log": log.pk, "decision": "reject", "comment": ""})
    log.refresh_from_db()
    assert log.status == LogStatus.PENDING  # a rejection needs its reason
    client.post(path, {"log": log.pk, "decision": "reject", "comment": "午後は早退でした"})
    log.refresh_from_db()
    assert log.status == LogStatus.REJECTED and log.rejection_reason == "午後は早退でした"

    client.force_login(demo.users["teacher"])
    response = client.post(
        reverse("curricula:day_log_edit", args=[log.pk]),
        {"attendance": Attendance.LATE, "hours": "3.5", "activities": "治具の設計補助（午前）", "reflection": ""},
    )
    assert response.status_code == 302
    log.refresh_from_db()
    assert log.status == LogStatus.PENDING and log.hours == Decimal("3.5")
    trail = list(log.events.values_list("action", "old_status", "new_status"))
    assert trail == [
        ("logged", "", "pending"),
        ("rejected", "pending", "rejected"),
        ("corrected", "rejected", "pending"),
    ]


def test_company_user_confirms_logged_in_and_only_their_own(client, demo, logged_wednesday):
    client.force_login(demo.users["company"])
    page = client.get(reverse("curricula:confirmations"))
    companies = {log.placement.company_id for log in page.context["logs"]}
    assert companies == {demo.kotoh.pk}
    other = DayLog.objects.filter(day=last_wednesday()).exclude(placement__company=demo.kotoh).first()
    response = client.post(reverse("curricula:confirmations"), {"log": other.pk, "decision": "confirm"})
    assert response.status_code == 404
    own = page.context["logs"][0]
    client.post(reverse("curricula:confirmations"), {"log": own.pk, "decision": "confirm", "comment": "良好"})
    own.refresh_from_db()
    assert own.status == LogStatus.CONFIRMED and own.feedback == "良好"
    assert own.events.get(action="confirmed").user == demo.users["company"]


def test_company_never_sees_other_companies_students(client, demo):
    client.force_login(demo.users["company"])
    names = {s.kana_name for s in Student.objects.filter(placements__company=demo.kotoh)}
    visible = {s.kana_name for s in selectors.students_for_user(user=demo.users["company"])}
    assert visible == names and len(names) == 3
    html = client.get(reverse("curricula:student_list")).content.decode()
    assert "えんどう ひなた" not in html and "あおき ひろし" not in html  # another company's student, a guardian


def test_ministry_sees_counts_and_no_names(client, demo):
    client.force_login(demo.users["ministry"])
    for name in ("curricula:placement_list", "curricula:student_list", "curricula:day_log_list"):
        html = client.get(reverse(name)).content.decode()
        assert "あおき はると" not in html and "全国の集計" in html


def _add_students(demo, start, stop):
    department = demo.hikone.departments.first()
    fy = fiscal_year(demo.today)
    for number in range(start, stop):
        student = Student.objects.create(
            school=demo.hikone,
            department=department,
            entry_year=fy - 2,
            class_name="3-9",
            number=number + 1,
            kana_name=f"てすと {number}",
        )
        Placement.objects.create(
            student=student,
            company=demo.kotoh,
            kind=PlacementKind.DUAL_SYSTEM,
            starts_on=datetime.date(fy, 4, 1),
            ends_on=datetime.date(fy + 1, 3, 31),
            weekdays="2",
            required_hours=Decimal("180"),
        )


def test_logging_screen_query_count_does_not_grow_with_students(client, demo):
    Placement.objects.all().delete()
    client.force_login(demo.users["teacher"])
    url = reverse("curricula:log_day", args=[last_wednesday()])

    def measure():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), len(response.context["rows"])

    _add_students(demo, 0, 1)
    few_queries, few_rows = measure()
    _add_students(demo, 1, 40)
    many_queries, many_rows = measure()
    assert (few_rows, many_rows) == (1, 40)
    assert many_queries == few_queries


def test_saving_forty_rows_is_one_screen(client, demo):
    Placement.objects.all().delete()
    _add_students(demo, 0, 40)
    client.force_login(demo.users["teacher"])
    placements = list(Placement.objects.all())
    response = client.post(reverse("curricula:log_day", args=[last_wednesday()]), row_data(placements))
    assert response.status_code == 302
    assert DayLog.objects.filter(day=last_wednesday()).count() == 40


@pytest.mark.parametrize(
    "persona, schools",
    [
        ("teacher", {"滋賀県立彦根工業高等学校"}),
        ("coordinator", {"滋賀県立彦根工業高等学校"}),
        ("prefecture", {"滋賀県立彦根工業高等学校"}),
        ("teacher-niigata", {"新潟県立海洋高等学校"}),
        ("coordinator-niigata", {"新潟県立海洋高等学校"}),
        ("company-niigata", {"新潟県立海洋高等学校"}),
        ("admin", None),  # every school with placements, the demo's reporting year included
    ],
)
def test_placements_and_logs_follow_scope(demo, persona, schools):
    user = demo.users[persona]
    if schools is None:
        schools = set(Placement.objects.values_list("student__school__name", flat=True))
        assert {"滋賀県立彦根工業高等学校", "新潟県立海洋高等学校"} < schools
    placements = selectors.placements_for_user(user=user)
    assert {p.student.school.name for p in placements} == schools
    assert {log.placement.student.school.name for log in selectors.day_logs_for_user(user=user)} == schools
