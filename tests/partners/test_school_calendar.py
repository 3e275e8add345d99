"""A real school year: national holidays, school breaks and company closed days leave the expected days.

The holiday dates below are written from the Cabinet Office's published lists (内閣府「国民の祝日について」); the
library is checked against them, never the other way round.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curricula import documents, schedule, selectors, services
from curricula.models import DayLog, Placement, PlacementKind, Student
from meister.calendar import holiday_name, holidays_between, is_holiday
from meister.fiscal import fiscal_year
from partners.models import ClosedPeriod, ClosureKind, Company
from tests.factories import DayLogFactory, MentorFactory, PlacementFactory, StudentFactory

D = datetime.date

# 内閣府「国民の祝日について」: 令和7年（2025年）〜令和10年（2028年）. 「休日」 rows are 振替休日 or 国民の休日.
CABINET_OFFICE = {
    2025: [
        "01-01", "01-13", "02-11", "02-23", "02-24", "03-20", "04-29", "05-03", "05-04", "05-05", "05-06",
        "07-21", "08-11", "09-15", "09-23", "10-13", "11-03", "11-23", "11-24",
    ],
    2026: [
        "01-01", "01-12", "02-11", "02-23", "03-20", "04-29", "05-03", "05-04", "05-05", "05-06", "07-20",
        "08-11", "09-21", "09-22", "09-23", "10-12", "11-03", "11-23",
    ],
    2027: [
        "01-01", "01-11", "02-11", "02-23", "03-21", "03-22", "04-29", "05-03", "05-04", "05-05", "07-19",
        "08-11", "09-20", "09-23", "10-11", "11-03", "11-23",
    ],
    # The equinoxes of 2028 are those of the National Astronomical Observatory's calculation (3/20, 9/22), which the
    # Cabinet Office confirms in February of the year before.
    2028: [
        "01-01", "01-10", "02-11", "02-23", "03-20", "04-29", "05-03", "05-04", "05-05", "07-17", "08-11",
        "09-18", "09-22", "10-09", "11-03", "11-23",
    ],
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(CABINET_OFFICE))
def test_national_holidays_are_the_cabinet_offices(year):
    published = [D.fromisoformat(f"{year}-{day}") for day in CABINET_OFFICE[year]]
    assert list(holidays_between(D(year, 1, 1), D(year, 12, 31))) == published


def test_holidays_have_japanese_names_with_substitute_and_citizens_holidays():
    assert holiday_name(D(2025, 2, 24)) == "振替休日"
    assert holiday_name(D(2025, 11, 24)) == "振替休日"
    assert holiday_name(D(2026, 5, 6)) == "振替休日"
    assert holiday_name(D(2026, 9, 22)) == "国民の休日"
    assert holiday_name(D(2027, 3, 22)) == "振替休日"
    assert holiday_name(D(2025, 9, 15)) == "敬老の日"
    assert holiday_name(D(2026, 4, 29)) == "昭和の日"
    assert not is_holiday(D(2026, 5, 7)) and holiday_name(D(2026, 5, 7)) is None
    # A fiscal year's list crosses the calendar year.
    fy = holidays_between(D(2026, 4, 1), D(2027, 3, 31))
    assert len(fy) == 19 and next(iter(fy)) == D(2026, 4, 29) and list(fy)[-1] == D(2027, 3, 22)


# --- the expected days ------------------------------------------------------------------------------------------


def _wednesdays_between(first, last):
    day = first + datetime.timedelta(days=(2 - first.weekday()) % 7)
    while day <= last:
        yield day
        day += datetime.timedelta(days=7)


def _golden_week_placement(demo):
    """A Wednesday placement from mid-April to late May 2026: two of its Wednesdays (4/29, 5/6) are holidays."""
    student = StudentFactory(school=demo.hikone)
    return PlacementFactory(
        student=student, company=demo.kotoh, starts_on=D(2026, 4, 15), ends_on=D(2026, 5, 27), weekdays="2"
    )


def test_a_wednesday_placement_over_golden_week_misses_no_holiday(demo, travel, client):
    placement = _golden_week_placement(demo)
    wednesdays = list(_wednesdays_between(placement.starts_on, placement.ends_on))
    holidays = [day for day in wednesdays if is_holiday(day)]
    assert holidays == [D(2026, 4, 29), D(2026, 5, 6)]  # 昭和の日 and the 振替休日 of 憲法記念日
    travel(D(2026, 5, 28))
    for day in wednesdays:
        if day not in holidays:
            DayLogFactory(placement=placement, day=day)
    DayLog.objects.filter(placement=placement, day=D(2026, 5, 13)).delete()

    assert placement.pattern_days() == wednesdays
    assert placement.expected_days() == [day for day in wednesdays if day not in holidays]
    assert not placement.is_expected_on(D(2026, 4, 29)) and placement.closed_reason(D(2026, 4, 29)) == "昭和の日"
    progress = selectors.progress(Placement.objects.get(pk=placement.pk))
    assert progress.missing == [D(2026, 5, 13)]
    assert progress.expected == len(wednesdays) - 2
    missing = [day for p, day in selectors.missing_days(user=demo.users["teacher"]) if p.pk == placement.pk]
    assert missing == [D(2026, 5, 13)]

    client.force_login(demo.users["teacher"])
    page = client.get(reverse("curricula:placement_detail", args=[placement.pk]) + "?month=2026-05")
    states = {cell["day"]: cell for week in page.context["weeks"] for cell in week}
    assert states[D(2026, 5, 6)]["state"] == "closed" and states[D(2026, 5, 6)]["closed"] == "振替休日"
    assert states[D(2026, 5, 13)]["state"] == "missing"
    assert "振替休日" in page.content.decode()
    # The logging screen of a holiday lists nobody to log, and says why.
    day_page = client.get(reverse("curricula:log_day", args=["2026-04-29"]))
    assert all(row["placement"].pk != placement.pk for row in day_page.context["rows"])
    assert "昭和の日" in day_page.content.decode()


def test_a_school_break_and_a_company_closed_day_remove_days(demo, travel):
    placement = _golden_week_placement(demo)
    before = placement.expected_days()
    ClosedPeriod.objects.create(
        school=demo.hikone, fiscal_year=2026, kind=ClosureKind.EMERGENCY, starts_on=D(2026, 5, 13),
        ends_on=D(2026, 5, 14), label="臨時休校（台風）",
    )  # fmt: skip
    ClosedPeriod.objects.create(
        company=demo.kotoh, fiscal_year=2026, kind=ClosureKind.COMPANY, starts_on=D(2026, 5, 20),
        ends_on=D(2026, 5, 20), label="創業記念日",
    )  # fmt: skip
    placement = Placement.objects.get(pk=placement.pk)  # the calendar is read afresh
    assert placement.expected_days() == [day for day in before if day not in (D(2026, 5, 13), D(2026, 5, 20))]
    assert placement.closed_reason(D(2026, 5, 13)) == "臨時休校（台風）"
    assert placement.closed_reason(D(2026, 5, 20)) == "創業記念日"
    # Another school's placement at the same company keeps the school day, loses the company's.
    other = PlacementFactory(
        student=StudentFactory(school=demo.kaiyo), company=demo.kotoh, starts_on=D(2026, 5, 1),
        ends_on=D(2026, 5, 31),
    )  # fmt: skip
    rows = schedule.attach([Placement.objects.get(pk=placement.pk), Placement.objects.get(pk=other.pk)])
    assert rows[1].is_expected_on(D(2026, 5, 13)) and not rows[1].is_expected_on(D(2026, 5, 20))

    # The mentor hears nothing the day before a closed day, and hears of an ordinary one.
    placement.mentor = MentorFactory(company=demo.kotoh)
    placement.save()
    mail.outbox.clear()
    services.placement_day_reminders_send(day=D(2026, 5, 20))
    assert not [m for m in mail.outbox if placement.mentor.email in m.to]
    services.placement_day_reminders_send(day=D(2026, 5, 27))
    assert [m for m in mail.outbox if placement.mentor.email in m.to]


def test_a_day_logged_before_it_closed_is_kept_and_flagged(demo, travel, client):
    placement = _golden_week_placement(demo)
    travel(D(2026, 5, 28))
    logged = D(2026, 5, 20)
    DayLogFactory(placement=placement, day=logged)
    ClosedPeriod.objects.create(
        school=demo.hikone, fiscal_year=2026, kind=ClosureKind.EVENT, starts_on=logged, ends_on=logged, label="体育祭"
    )
    fresh = Placement.objects.get(pk=placement.pk)
    progress = selectors.progress(fresh)
    assert logged not in progress.missing and logged not in fresh.expected_days()
    assert progress.logged == 1 and progress.logged_on_closed == [logged]
    assert DayLog.objects.filter(placement=placement, day=logged).exists()

    DayLog.objects.exclude(placement=placement).delete()  # the list's first page holds this log
    client.force_login(demo.users["teacher"])
    page = client.get(reverse("curricula:day_log_list"))
    flagged = [log for log in page.context["page"] if log.placement_id == placement.pk]
    assert flagged and flagged[0].closed_reason == "体育祭"
    assert "休業日に記録" in page.content.decode()
    detail = client.get(reverse("curricula:placement_detail", args=[placement.pk]) + "?month=2026-05")
    assert detail.content.decode().count('data-testid="closed-day-log"') == 1
    # The logging screen of that day still shows the log.
    day_page = client.get(reverse("curricula:log_day", args=[logged]))
    assert [row["log"].day for row in day_page.context["rows"] if row["placement"].pk == placement.pk] == [logged]


def test_the_agreements_dates_leave_out_holidays_and_breaks(demo):
    placement = _golden_week_placement(demo)
    ClosedPeriod.objects.create(
        company=demo.kotoh, fiscal_year=2026, kind=ClosureKind.COMPANY, starts_on=D(2026, 5, 20),
        ends_on=D(2026, 5, 20), label="創業記念日",
    )  # fmt: skip
    html = documents.agreement_html(Placement.objects.get(pk=placement.pk))
    listed = re.search(r'<div class="days">(.*?)</div>', html, re.S).group(1)
    assert listed.split("、") == ["4/15", "4/22", "5/13", "5/27"]
    assert "全4日" in html


# --- the calendar pages -----------------------------------------------------------------------------------------


def _form(**values):
    return {"fiscal_year": "2026", "kind": ClosureKind.SUMMER, "label": "夏季休業"} | values


def test_a_teacher_enters_edits_and_removes_the_schools_break(client, demo):
    client.force_login(demo.users["teacher"])
    page = client.get(reverse("partners:closure_create"))
    assert list(page.context["form"].fields["school"].queryset) == [demo.hikone]
    assert "company" not in page.context["form"].fields
    response = client.post(
        reverse("partners:closure_create"),
        _form(school=demo.hikone.pk, starts_on="２０２６-０８-０３", ends_on="2026/8/7", label="補習期間の休業"),
    )
    assert response.status_code == 302
    closure = ClosedPeriod.objects.get(label="補習期間の休業")
    assert (closure.starts_on, closure.ends_on, closure.school) == (D(2026, 8, 3), D(2026, 8, 7), demo.hikone)
    listing = client.get(reverse("partners:calendar_list") + "?year=2026")
    assert "補習期間の休業" in listing.content.decode() and "国民の休日" in listing.content.decode()
    edit = reverse("partners:closure_edit", args=[closure.pk])
    changed = _form(school=demo.hikone.pk, starts_on="2026-08-03", ends_on="2026-08-10")
    assert client.post(edit, changed).status_code == 302
    closure.refresh_from_db()
    assert closure.ends_on == D(2026, 8, 10)
    assert client.post(reverse("partners:closure_delete", args=[closure.pk])).status_code == 302
    assert not ClosedPeriod.objects.filter(pk=closure.pk).exists()


@pytest.mark.parametrize(
    "values, field, words",
    [
        ({"starts_on": "2026-08-10", "ends_on": "2026-08-03"}, "ends_on", "終了日は開始日以降"),
        ({"starts_on": "2027-04-02", "ends_on": "2027-04-03"}, "starts_on", "選んだ年度の外"),
        ({"starts_on": "2027-03-30", "ends_on": "2027-04-02"}, "ends_on", "一つの年度"),
        ({"starts_on": "２０２６年８月", "ends_on": "2026-08-03"}, "starts_on", "2026-08-13 のように"),
        ({"starts_on": "2026-08-03", "ends_on": "2026-08-03", "label": ""}, "label", "名称を入力"),
        ({"starts_on": "2026-08-03", "ends_on": "2026-08-03", "kind": ClosureKind.COMPANY}, "kind", ""),
    ],
)
def test_bad_input_is_answered_in_words_and_writes_nothing(client, demo, values, field, words):
    client.force_login(demo.users["teacher"])
    before = ClosedPeriod.objects.count()
    response = client.post(reverse("partners:closure_create"), _form(school=demo.hikone.pk) | values)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field])
    assert ClosedPeriod.objects.count() == before


def test_calendar_pages_keep_to_scope(client, demo):
    closure = ClosedPeriod.objects.filter(school=demo.hikone).order_by("pk").first()
    kotoh_closure = ClosedPeriod.objects.filter(company=demo.kotoh).order_by("pk").first()
    client.force_login(demo.users["teacher-niigata"])
    assert client.get(reverse("partners:closure_edit", args=[closure.pk])).status_code == 404
    assert client.post(reverse("partners:closure_delete", args=[closure.pk])).status_code == 404
    listing = client.get(reverse("partners:calendar_list") + f"?year={closure.fiscal_year}")
    assert closure not in listing.context["page"].object_list
    # A Niigata teacher cannot put a break on a Shiga school: the choice is not offered, and a forged post is refused.
    response = client.post(
        reverse("partners:closure_create"), _form(school=demo.hikone.pk, starts_on="2026-08-03", ends_on="2026-08-03")
    )
    assert response.status_code == 400 and not ClosedPeriod.objects.filter(starts_on=D(2026, 8, 3)).exists()
    # The company keeps its own closed days, and only reads its partner school's.
    client.force_login(demo.users["company"])
    assert client.get(reverse("partners:closure_edit", args=[closure.pk])).status_code == 403
    assert client.get(reverse("partners:closure_edit", args=[kotoh_closure.pk])).status_code == 200
    form = client.get(reverse("partners:closure_create")).context["form"]
    assert "school" not in form.fields and list(form.fields["company"].queryset) == [demo.kotoh]


def test_last_years_calendar_is_previewed_then_copied_once(client, demo):
    fy = fiscal_year(demo.today)
    client.force_login(demo.users["teacher"])
    ClosedPeriod.objects.filter(school=demo.hikone, fiscal_year=fy).delete()
    last_year = ClosedPeriod.objects.filter(school=demo.hikone, fiscal_year=fy - 1).count()
    url = reverse("partners:calendar_copy")
    preview = client.get(url, {"school": demo.hikone.pk, "from_year": fy - 1})
    assert preview.status_code == 200 and len(preview.context["plan"].new) == last_year
    assert not ClosedPeriod.objects.filter(school=demo.hikone, fiscal_year=fy).exists()  # a preview writes nothing
    response = client.post(url, {"school": demo.hikone.pk, "from_year": fy - 1}, follow=True)
    copied = ClosedPeriod.objects.filter(school=demo.hikone, fiscal_year=fy)
    assert copied.count() == last_year
    assert f"{last_year}件の休業日" in response.content.decode()
    summer = copied.get(kind=ClosureKind.SUMMER)
    assert (summer.starts_on, summer.ends_on) == (D(fy, 7, 21), D(fy, 8, 31))  # same dates, whatever the weekday
    assert copied.get(label="学年末休業", kind=ClosureKind.SPRING).ends_on == D(fy + 1, 3, 31)
    again = client.post(url, {"school": demo.hikone.pk, "from_year": fy - 1}, follow=True)
    assert copied.count() == last_year and "コピーする休業日はありませんでした" in again.content.decode()


def test_a_calendar_file_goes_through_the_import_pipeline(client, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(demo.users["teacher"])
    csv = (
        "学校・企業,区分,開始日,終了日,名称\n"
        f"{demo.hikone.code},夏季休業,2026/7/21,2026/8/31,夏季休業\n"
        f"{demo.hikone.name},行事,２０２６-１０-１４,,体育祭\n"
        f"{demo.kaiyo.code},行事,2026-10-15,,他校の行事\n"
    ).encode()
    ClosedPeriod.objects.filter(school=demo.hikone).delete()
    upload = client.post(
        reverse("partners:import_upload", args=["calendars"]), {"file": SimpleUploadedFile("calendar.csv", csv)}
    )
    assert upload.status_code == 302
    preview = client.get(upload["Location"])
    batch = preview.context["batch"]
    assert batch.error_count == 1  # the Niigata school is outside the teacher's scope
    assert "担当範囲外" in preview.content.decode()
    ok = csv.decode().rsplit("\n", 2)[0].encode() + b"\n"
    upload = client.post(
        reverse("partners:import_upload", args=["calendars"]), {"file": SimpleUploadedFile("calendar.csv", ok)}
    )
    batch_url = upload["Location"]
    pk = int(batch_url.rstrip("/").rsplit("/", 1)[-1])
    client.post(reverse("partners:import_commit", args=[pk]))
    rows = ClosedPeriod.objects.filter(school=demo.hikone).order_by("starts_on")
    assert [(r.kind, r.starts_on, r.ends_on, r.label) for r in rows] == [
        (ClosureKind.SUMMER, D(2026, 7, 21), D(2026, 8, 31), "夏季休業"),
        (ClosureKind.EVENT, D(2026, 10, 14), D(2026, 10, 14), "体育祭"),
    ]


# --- the same number of queries for one placement as for many ----------------------------------------------------


def _add_placements(demo, companies, start, stop):
    fy = fiscal_year(demo.today)
    for number in range(start, stop):
        company = companies[number % len(companies)]
        student = Student.objects.create(
            school=demo.hikone, department=demo.hikone.departments.first(), entry_year=2024, class_name="3-9",
            number=number + 1, kana_name=f"てすと {number}",
        )  # fmt: skip
        placement = Placement.objects.create(
            student=student, company=company, kind=PlacementKind.DUAL_SYSTEM, starts_on=D(fy, 4, 1),
            ends_on=D(fy + 1, 3, 31), weekdays="2", required_hours=Decimal("180"),
        )  # fmt: skip
        DayLog.objects.create(placement=placement, day=D(fy, 8, 12), hours=Decimal("6"), activities="夏休み中")
        ClosedPeriod.objects.get_or_create(
            company=company, fiscal_year=fy, starts_on=D(fy, 8, 12), ends_on=D(fy, 8, 12),
            defaults={"kind": ClosureKind.COMPANY, "label": "棚卸し"},
        )  # fmt: skip


@pytest.mark.parametrize(
    "name, query",
    [
        ("curricula:placement_list", "?state=missing"),
        ("curricula:day_log_list", ""),
        ("curricula:day_log_list", "?state=missing"),
        ("portal:dashboard", ""),
        ("partners:calendar_list", ""),
    ],
)
def test_pages_reading_the_calendar_keep_their_query_count(client, demo, name, query):
    Student.objects.filter(school=demo.hikone).delete()
    companies = list(Company.objects.filter(prefecture__code="25").order_by("pk")[:3])
    client.force_login(demo.users["teacher"])
    url = reverse(name) + query

    def measure():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _add_placements(demo, companies[:1], 0, 1)
    few = measure()
    _add_placements(demo, companies, 1, 30)
    assert measure() == few


def test_the_scoping_module_says_who_keeps_which_calendar(demo):
    from meister.scoping import changeable_pks, placing_fields

    owners = ("school", "company")
    kept = {persona: placing_fields(demo.users[persona], ClosedPeriod, owners) for persona in demo.users}
    assert kept["teacher"] == ["school"] and kept["company"] == ["company"]
    assert kept["coordinator"] == kept["prefecture"] == kept["admin"] == ["school", "company"]
    rows = list(ClosedPeriod.objects.filter(school=demo.hikone)) + list(ClosedPeriod.objects.filter(company=demo.kotoh))
    hikone = {row.pk for row in rows if row.school_id}
    assert changeable_pks(demo.users["teacher"], rows) == hikone
    assert changeable_pks(demo.users["company"], rows) == {row.pk for row in rows if row.company_id}
    assert changeable_pks(demo.users["ministry"], rows) == set()
    assert changeable_pks(demo.users["admin"], rows) == {row.pk for row in rows}


def test_the_pattern_days_are_every_matching_day_of_the_period():
    """Stepping a week at a time from each weekday's first day gives the same days as walking the period day by day,
    for any period, weekdays and end (a fixed seed: the same cases every run)."""
    import random
    from types import SimpleNamespace

    rng = random.Random(7)
    for _case in range(300):
        starts = D(2024, 1, 1) + datetime.timedelta(days=rng.randrange(900))
        ends = starts + datetime.timedelta(days=rng.randrange(-3, 400))
        weekdays = rng.sample(range(7), rng.randint(0, 7))
        until = rng.choice([None, starts + datetime.timedelta(days=rng.randrange(-5, 300))])
        placement = SimpleNamespace(starts_on=starts, ends_on=ends, weekday_numbers=weekdays + weekdays[:1])
        last = min(ends, until) if until else ends
        walked = [
            starts + datetime.timedelta(days=n)
            for n in range((last - starts).days + 1)
            if (starts + datetime.timedelta(days=n)).weekday() in weekdays
        ]
        assert schedule.pattern_days(placement, until) == walked
