"""The placement tallies kept by the writing services equal a rebuild from the source rows after any sequence of
writes, and the ministry's placement counts page reads them at the same query count at every scale."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curricula import services
from curricula.admin import PlacementAdmin, StudentAdmin
from curricula.models import (
    ALL_KINDS,
    DayLog,
    LogStatus,
    Placement,
    PlacementKind,
    PlacementTally,
    Student,
    YearTally,
)
from curricula.tallies import tallies_rebuild
from devtools import national
from meister.fiscal import fiscal_year_bounds
from tests.curricula.test_logging import hikone_placements, last_wednesday, row_data

pytestmark = pytest.mark.django_db


def _tallies() -> dict:
    rows = PlacementTally.objects.filter(placements__gt=0)
    kept = {(t.school_id, t.kind): (t.placements, t.students, t.confirmed_hours) for t in rows}
    # The fiscal years' rows too (the dashboards' trends), where anything is counted.
    for t in YearTally.objects.exclude(placements=0, confirmed_hours=0):
        kept[t.school_id, t.fiscal_year] = (t.placements, t.confirmed_hours)
    return kept


def test_the_fiscal_year_tallies_equal_the_day_logs_and_placements_of_each_year(demo):
    for fy in YearTally.objects.values_list("fiscal_year", flat=True).distinct():
        first, last = fiscal_year_bounds(fy)
        kept = YearTally.objects.filter(fiscal_year=fy).aggregate(n=Sum("placements"), h=Sum("confirmed_hours"))
        confirmed = DayLog.objects.filter(status=LogStatus.CONFIRMED, day__range=(first, last))
        assert kept["n"] == Placement.objects.filter(starts_on__range=(first, last)).count()
        assert kept["h"] == (confirmed.aggregate(h=Sum("hours"))["h"] or 0)
    assert YearTally.objects.filter(confirmed_hours__gt=0).exists()


def _source() -> dict:
    """The page's figures straight from placements and day logs, as the page computed them before."""
    confirmed = DayLog.objects.filter(status=LogStatus.CONFIRMED).aggregate(h=Sum("hours"))["h"] or Decimal("0")
    by_prefecture = {
        row["student__school__prefecture__name"]: (row["n"], row["students"])
        for row in Placement.objects.order_by()
        .values("student__school__prefecture__name")
        .annotate(n=Count("pk"), students=Count("student", distinct=True))
    }
    return {"hours": confirmed, "by_prefecture": by_prefecture}


def _logged(client, demo, day):
    client.force_login(demo.users["teacher"])
    response = client.post(reverse("curricula:log_day", args=[day]), row_data(hikone_placements(demo)))
    assert response.status_code == 302
    return list(DayLog.objects.filter(placement__in=hikone_placements(demo), day=day).order_by("pk"))


def test_the_running_tallies_equal_a_rebuild_after_confirm_reject_undo_and_delete(client, demo):
    teacher = demo.users["teacher"]
    before = _tallies()
    tallies_rebuild()
    assert _tallies() == before  # the demo starts counted
    first, second, *rest = _logged(client, demo, last_wednesday())
    assert len(rest) >= 1
    services.day_log_confirm(log=first, actor="指導担当")
    services.day_log_reject(log=second, actor="指導担当", reason="時間数が違います")
    batch = services.day_logs_confirm_all(logs=rest, actor="指導担当")
    assert _tallies() != before  # the confirmed hours moved
    undone = services.day_logs_unconfirm(batch=batch, among=DayLog.objects.all(), actor="指導担当")
    assert undone == len(rest)
    services.day_log_correct(user=teacher, log=second, data={**_day(), "hours": Decimal("5.0")})
    services.day_log_confirm(log=DayLog.objects.get(pk=second.pk), actor="指導担当")

    kind = next(k for k in PlacementKind.values if k != first.placement.kind)
    moved = Placement.objects.get(pk=first.placement_id)
    moved.kind = kind  # a kind changed: counted under the new kind, its confirmed hours with it
    services.placement_save(user=teacher, placement=moved)
    deleted = Placement.objects.filter(student__school=demo.hikone).exclude(pk=moved.pk).order_by("pk").last()
    PlacementAdmin(Placement, admin.site).delete_model(None, deleted)
    leaver = Placement.objects.filter(student__school=demo.kaiyo).order_by("pk").first().student
    StudentAdmin(Student, admin.site).delete_model(None, leaver)  # their placements go with them

    kept = _tallies()
    assert kept != before
    tallies_rebuild()
    assert _tallies() == kept
    hikone = kept[demo.hikone.pk, ALL_KINDS]
    assert hikone[0] == Placement.objects.filter(student__school=demo.hikone).count()


def _day() -> dict:
    return {"attendance": "present", "hours": Decimal("6.0"), "activities": "治具の設計補助", "reflection": "分かった"}


def _page_figures(client, user) -> tuple[dict, int]:
    client.force_login(user)
    path = reverse("curricula:placement_list")
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    context = response.context
    by_prefecture = {row["school__prefecture__name"]: (row["n"], row["students"]) for row in context["by_prefecture"]}
    figures = {"hours": context["confirmed_hours"], "by_prefecture": by_prefecture}
    return figures, len(captured.captured_queries)


def test_the_ministry_counts_page_reads_the_tallies_at_one_query_count_at_two_scales(client, demo):
    ministry = demo.users["ministry"]
    small, small_queries = _page_figures(client, ministry)
    assert small == _source()
    national.generate(scale="small", seed=2)  # thousands of placements and day logs more, loaded by COPY
    larger, larger_queries = _page_figures(client, ministry)
    assert larger == _source()
    assert sum(n for n, _ in larger["by_prefecture"].values()) > sum(n for n, _ in small["by_prefecture"].values())
    assert larger_queries == small_queries
    page = client.get(reverse("curricula:placement_list")).content.decode()
    assert 'data-testid="counted-at"' in page
    for prefecture, (n, students) in larger["by_prefecture"].items():  # each row names its prefecture
        cells = f'<td>{prefecture}</td><td class="text-end">{n}</td><td class="text-end">{students}</td>'
        assert f"<tr>{cells}</tr>" in page


def test_a_kind_chosen_counts_only_that_kind(client, demo):
    client.force_login(demo.users["ministry"])
    kind = Placement.objects.values_list("kind", flat=True).first()
    response = client.get(reverse("curricula:placement_list"), {"kind": kind})
    shown = sum(row["n"] for row in response.context["by_prefecture"])
    assert shown == Placement.objects.filter(kind=kind).count()
    hours = DayLog.objects.filter(status=LogStatus.CONFIRMED, placement__kind=kind).aggregate(h=Sum("hours"))["h"]
    assert response.context["confirmed_hours"] == (hours or 0)


def test_a_day_confirmed_moves_its_school_total_by_its_hours(client, demo):
    log = _logged(client, demo, last_wednesday() - datetime.timedelta(days=7))[0]
    school = log.placement.student.school_id
    before = PlacementTally.objects.get(school=school, kind=ALL_KINDS).confirmed_hours
    services.day_log_confirm(log=log, actor="指導担当")
    assert PlacementTally.objects.get(school=school, kind=ALL_KINDS).confirmed_hours == before + log.hours
