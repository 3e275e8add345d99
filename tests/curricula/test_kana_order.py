"""Students are listed by ふりがな wherever people look them up, and two of one name are told apart by 組・番号."""

import datetime

import pytest
from django.urls import reverse

from curricula import selectors
from curricula.forms import PlacementForm
from curricula.models import AllocationRound, DayLog, Placement, Student

pytestmark = pytest.mark.django_db


def _key(student):
    return (student.kana_name, student.class_name, student.number)


def _sorted(keys):
    return keys == sorted(keys)


def _twins(demo):
    """Two placed students of the demo's school who share a ふりがな (a second おおの はやと placed for the test)."""
    names = Student.objects.filter(school=demo.hikone, kana_name="おおの はやと").order_by("number")
    assert names.count() == 2
    first = Placement.objects.filter(student__school=demo.hikone).first()
    for student in names:
        if not student.placements.exists():
            Placement.objects.create(
                student=student,
                company=first.company,
                mentor=first.mentor,
                kind=first.kind,
                starts_on=first.starts_on,
                ends_on=first.ends_on,
                weekdays=first.weekdays,
                required_hours=first.required_hours,
            )
    return list(names)


def test_the_student_list_goes_by_kana_and_shows_both_of_one_name(client, demo):
    client.force_login(demo.users["teacher"])
    response = client.get(reverse("curricula:student_list"))
    students = list(response.context["page"].object_list)
    assert len(students) > 2 and _sorted([_key(s) for s in students])
    twins = [s for s in students if s.kana_name == "おおの はやと"]
    assert len(twins) == 2 and twins[0].number < twins[1].number
    body = response.content.decode()
    assert all(s.student_number in body for s in twins)


def test_the_placement_list_goes_by_kana(client, demo):
    _twins(demo)
    client.force_login(demo.users["teacher"])
    rows = list(client.get(reverse("curricula:placement_list")).context["page"].object_list)
    assert len(rows) > 2 and _sorted([_key(p.student) for p in rows])
    assert [p.student.kana_name for p in rows].count("おおの はやと") == 2


def test_missing_logs_and_logged_days_go_by_kana_within_a_day(client, demo):
    twins = _twins(demo)
    client.force_login(demo.users["teacher"])
    missing = list(client.get(reverse("curricula:day_log_list") + "?state=missing").context["page"].object_list)
    assert missing
    for day in {day for _placement, day in missing}:
        assert _sorted([_key(p.student) for p, d in missing if d == day])
    body = client.get(reverse("curricula:day_log_list") + "?state=missing").content.decode()
    assert f"{twins[0].class_name}-{twins[0].number}" in body and f"{twins[1].class_name}-{twins[1].number}" in body

    logs = list(client.get(reverse("curricula:day_log_list")).context["page"].object_list)
    assert logs
    for day in {log.day for log in logs}:
        assert _sorted([_key(log.placement.student) for log in logs if log.day == day])


def test_the_day_log_screen_goes_by_kana(client, demo):
    _twins(demo)
    client.force_login(demo.users["teacher"])
    # The school's latest logged day: a practice day (never a holiday), with the twins placed since April.
    day = DayLog.objects.filter(placement__student__school=demo.hikone).latest("day").day
    rows = client.get(reverse("curricula:log_day", args=[day])).context["rows"]
    students = [row["placement"].student for row in rows]
    assert len(students) > 2 and _sorted([_key(s) for s in students])


def test_the_student_picker_goes_by_kana_and_tells_two_of_one_name_apart(demo):
    form = PlacementForm(user=demo.users["teacher"])
    choices = [(value, label) for value, label in form.fields["student"].choices if value]
    students = {s.pk: s for s in Student.objects.filter(pk__in=[int(str(value)) for value, _label in choices])}
    ordered = [students[int(str(value))] for value, _label in choices]
    assert len(ordered) > 2 and _sorted([_key(s) for s in ordered])
    labels = [label for _value, label in choices]
    twins = [label for label in labels if label.startswith("おおの はやと")]
    assert len(twins) == 2 and twins[0] != twins[1]
    assert len(set(labels)) == len(labels)


def test_week_placements_go_by_kana_within_a_company_and_day(demo):
    _twins(demo)
    week = selectors.week_placements(user=demo.users["teacher"], today=demo.today)
    assert week
    for day, company in {(d, p.company_id) for d, p in week}:
        assert _sorted([_key(p.student) for d, p in week if d == day and p.company_id == company])


def test_the_allocation_grid_goes_by_kana(client, demo):
    twins = _twins(demo)
    round = AllocationRound.objects.create(
        school=demo.hikone,
        entry_year=twins[0].entry_year,
        title="プログレス実習（後期）",
        kind="dual_system",
        starts_on=datetime.date(demo.today.year + 1, 1, 6),
        ends_on=datetime.date(demo.today.year + 1, 3, 3),
        weekdays="2",
        required_hours="48",
    )
    client.force_login(demo.users["teacher"])
    rows = client.get(reverse("curricula:allocation_detail", args=[round.pk])).context["rows"]
    students = [row["student"] for row in rows]
    assert len(students) > 2 and _sorted([_key(s) for s in students])
