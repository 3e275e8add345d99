"""Date-sensitive behaviour on the days that break naive code: the first and last days of a fiscal year, the
summer break, 29 February and a day in the next fiscal year. Each test moves the clock to the day itself."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from curricula import links, selectors
from curricula.tasks import send_placement_day_reminders
from meister.fiscal import fiscal_year, fiscal_year_bounds, fiscal_year_label
from meister.signed_links import ExpiredLink
from reports.forms import ReportRunForm
from tests.factories import DayLogFactory, MentorFactory, PlacementFactory, StudentFactory

pytestmark = pytest.mark.django_db

DAYS = [
    datetime.date(2027, 4, 1),  # the first day of a fiscal year (a Thursday)
    datetime.date(2027, 3, 31),  # the last day of one (a Wednesday, a practice day)
    datetime.date(2026, 8, 12),  # the summer break
    datetime.date(2028, 2, 29),  # a leap day; the next day is a Wednesday
    datetime.date(2027, 5, 12),  # a day in the next fiscal year
]
ONE_DAY = datetime.timedelta(days=1)


def wednesdays(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    day = first + datetime.timedelta(days=(2 - first.weekday()) % 7)
    found = []
    while day <= last:
        found.append(day)
        day += datetime.timedelta(days=7)
    return found


@pytest.fixture
def year_of(demo, travel):
    """A Wednesday placement over the whole fiscal year of `day` at the demo teacher's school, confirmed up to
    two weeks before `day`; the clock on `day`."""

    def build(day: datetime.date):
        travel(day)
        start, end = fiscal_year_bounds(fiscal_year(day))
        days = wednesdays(start, end)
        mentor = MentorFactory(company=demo.kotoh)
        student = StudentFactory(school=demo.hikone, entry_year=fiscal_year(day) - 2)
        placement = PlacementFactory(
            student=student, company=demo.kotoh, mentor=mentor, starts_on=days[0], ends_on=days[-1]
        )
        # Holidays and the school's and company's closed days are nobody's practice days (curricula.schedule).
        days = [d for d in days if placement.closed_reason(d) is None]
        for logged in (d for d in days if d <= day - datetime.timedelta(days=14)):
            DayLogFactory(placement=placement, day=logged)
        unlogged = [d for d in days if day - datetime.timedelta(days=14) < d <= day]
        return placement, unlogged

    return build


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_missing_days_are_the_unlogged_practice_days_up_to_today(demo, year_of, day):
    placement, unlogged = year_of(day)
    assert selectors.progress(placement).missing == unlogged
    teacher_missing = [d for p, d in selectors.missing_days(user=demo.users["teacher"]) if p == placement]
    assert sorted(teacher_missing) == unlogged
    assert all(d <= day for _p, d in selectors.missing_days(user=demo.users["teacher"]))


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_calendar_marks_past_days_missing_and_later_days_planned(client, demo, year_of, day):
    placement, unlogged = year_of(day)
    client.force_login(demo.users["teacher"])
    response = client.get(reverse("curricula:placement_detail", args=[placement.pk]) + f"?month={day:%Y-%m}")
    cells = [cell for week in response.context["weeks"] for cell in week if cell["day"].month == day.month]
    assert (
        len(cells)
        == (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1).toordinal()
        - day.replace(day=1).toordinal()
    )
    for cell in cells:
        if not placement.is_expected_on(cell["day"]):
            in_pattern = cell["day"].weekday() == 2 and placement.starts_on <= cell["day"] <= placement.ends_on
            assert cell["state"] == ("closed" if in_pattern else "none"), cell
            assert (cell["state"] == "closed") <= bool(placement.closed_reason(cell["day"])), cell
        elif cell["day"] > day:
            assert cell["state"] == "planned", cell
        elif cell["day"] in unlogged:
            assert cell["state"] == "missing", cell
        else:
            assert cell["state"] == "confirmed", cell


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_mentors_hear_the_day_before_and_only_then(demo, year_of, day):
    placement, _unlogged = year_of(day)
    mail.outbox.clear()
    send_placement_day_reminders()
    told = [m for m in mail.outbox if placement.mentor.email in m.to]
    assert bool(told) == placement.is_expected_on(day + ONE_DAY)
    if told:
        assert placement.student.kana_name in told[0].body


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_fiscal_year_defaults_follow_the_day(client, demo, travel, day):
    travel(day)
    fy = fiscal_year(day)
    assert ReportRunForm(user=demo.users["ministry"]).fields["fiscal_year"].initial == fy
    client.force_login(demo.users["ministry"])
    response = client.get(reverse("portal:dashboard"))
    assert response.context["fiscal_year"] == fy
    assert fiscal_year_label(fy) in response.content.decode()
    client.force_login(demo.users["coordinator"])
    response = client.get(reverse("reports:pdca_list"))
    assert response.status_code == 200
    assert fiscal_year_label(fy) in response.content.decode()


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_confirmation_links_last_their_days_from_the_day_they_were_sent(demo, year_of, travel, day):
    placement, _unlogged = year_of(day)
    token = links.CONFIRMATION.token(placement.mentor_id)
    days = links.CONFIRMATION.age().days
    travel(day + datetime.timedelta(days=days) - ONE_DAY)
    assert links.mentor_for_token(token) == placement.mentor
    travel(day + datetime.timedelta(days=days) + ONE_DAY)
    with pytest.raises(ExpiredLink):
        links.mentor_for_token(token)
