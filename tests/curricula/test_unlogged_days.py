"""The stored expected days without a log (`UnloggedDay`) always equal what the calendar rule works out live, after
every kind of write that moves them: a day logged, a closed period entered, moved or deleted (through the service
and through the importer's plain save), a placement's period changed, a log deleted, a student moving school. The
dashboards and the list of missing days read these rows, so this is what keeps their figures true."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from curricula import selectors, services
from curricula.models import DayLog, Placement, Student, UnloggedDay
from curricula.tallies import unlogged_rebuild
from meister import clock
from meister.fiscal import fiscal_year
from partners.models import ClosedPeriod, ClosureKind, School
from partners.services.calendar import closure_delete, closure_save
from tests.curricula.test_logging import hikone_placements, last_wednesday, row_data

pytestmark = pytest.mark.django_db


def _stored() -> set[tuple[int, datetime.date]]:
    return set(UnloggedDay.objects.values_list("placement_id", "day"))


def _live() -> set[tuple[int, datetime.date]]:
    logged = set(DayLog.objects.values_list("placement_id", "day"))
    return {
        (placement.pk, day)
        for placement in Placement.objects.select_related("student")
        for day in placement.expected_days()
        if (placement.pk, day) not in logged
    }


def _agree(message: str) -> None:
    stored, live = _stored(), _live()
    assert stored == live, (message, sorted(stored - live)[:5], sorted(live - stored)[:5])


def test_the_stored_unlogged_days_follow_every_write_that_moves_them(client, demo):
    teacher = demo.users["teacher"]
    _agree("the demo starts worked out")
    assert _stored(), "the demo has days still to log"

    day = last_wednesday()
    client.force_login(teacher)
    response = client.post(reverse("curricula:log_day", args=[day]), row_data(hikone_placements(demo)))
    assert response.status_code == 302
    assert not UnloggedDay.objects.filter(placement__in=hikone_placements(demo), day=day).exists()
    _agree("days logged")

    placement = hikone_placements(demo)[0]
    unlogged = sorted(UnloggedDay.objects.filter(placement=placement).values_list("day", flat=True))
    assert unlogged, "the placement has days without a log to close"
    closure = ClosedPeriod(
        school=demo.hikone,
        fiscal_year=fiscal_year(unlogged[0]),
        kind=ClosureKind.EMERGENCY,
        starts_on=unlogged[0],
        ends_on=unlogged[0] + datetime.timedelta(days=6),
        label="臨時休業",
    )
    closure_save(user=demo.users["admin"], closure=closure)
    assert not UnloggedDay.objects.filter(placement=placement, day=unlogged[0]).exists()
    _agree("a school break entered")

    closure.starts_on = closure.ends_on = unlogged[-1]  # moved: the first days open again, the last one closes
    closure_save(user=demo.users["admin"], closure=closure)
    assert UnloggedDay.objects.filter(placement=placement, day=unlogged[0]).exists()
    _agree("the break moved")

    closure_delete(user=demo.users["admin"], closure=closure)
    _agree("the break deleted")

    company_closure = ClosedPeriod.objects.create(  # as the calendar importer saves a row
        company=placement.company,
        fiscal_year=closure.fiscal_year,
        kind=ClosureKind.COMPANY,
        starts_on=unlogged[0],
        ends_on=unlogged[0],
        label="創立記念日",
    )
    assert company_closure.pk
    _agree("a company's closed day imported")

    placement.ends_on = placement.ends_on - datetime.timedelta(days=7)
    services.placement_save(user=teacher, placement=placement)
    _agree("the period shortened")

    log = DayLog.objects.filter(placement__in=hikone_placements(demo), day=day).first()
    log.delete()
    _agree("a log deleted on its own")

    student = Student.objects.get(pk=placement.student_id)
    student.school = School.objects.exclude(pk=demo.hikone.pk).filter(departments__isnull=False).first()
    student.department = student.school.departments.first()
    services.student_save(user=demo.users["admin"], student=student)
    _agree("the student moved school")

    Placement.objects.filter(pk=placement.pk).delete()  # its logs and unlogged days go with it
    _agree("a placement deleted")

    kept = _stored()
    unlogged_rebuild()
    assert _stored() == kept


def test_the_list_of_missing_days_and_the_dashboard_count_the_same_stored_days(client, demo):
    teacher = demo.users["teacher"]
    today = clock.today()
    rows = selectors.missing_days(user=teacher)
    assert rows and all(day <= today for _placement, day in rows)
    assert [day for _p, day in rows] == sorted((day for _p, day in rows), reverse=True)
    work = selectors.placement_work(user=teacher)
    assert work["missing_days"] == len(rows)
    assert work["missing_placements"] == len({placement.pk for placement, _day in rows})
    live = sum(len(p.progress.missing) for p in selectors.with_progress(selectors.placements_for_user(user=teacher)))
    assert work["missing_days"] == live

    client.force_login(teacher)
    listed = client.get(reverse("curricula:placement_list"), {"state": "missing"})
    assert len(listed.context["page"].paginator.object_list) == work["missing_placements"]
    page = client.get(reverse("curricula:day_log_list"), {"state": "missing"})
    assert page.context["page"].paginator.count == work["missing_days"]


def test_a_new_log_on_a_missing_day_takes_it_off_at_once(demo):
    teacher = demo.users["teacher"]
    placement, day = selectors.missing_days(user=teacher)[0]
    before = selectors.placement_work(user=teacher)["missing_days"]
    data = {"attendance": "present", "hours": Decimal("6.0"), "activities": "段取り", "reflection": ""}
    services.day_logs_record(user=teacher, day=day, rows=[(placement, data)])
    assert selectors.placement_work(user=teacher)["missing_days"] == before - 1
