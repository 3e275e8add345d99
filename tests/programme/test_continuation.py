"""自走化: after its designation a consortium's coordinator or prefecture records, year by year, whether the work went
on, with the date it was checked; the annual report counts what they record."""

import datetime

import pytest
from django.urls import reverse

from programme.models import ContinuationPlan, ContinuationStatus


@pytest.fixture
def plan(demo):
    return ContinuationPlan.objects.get(consortium=demo.niigata_consortium)


def test_the_demo_records_whether_niigata_went_on(demo, plan):
    years = list(plan.years.order_by("fiscal_year").values_list("fiscal_year", "active"))
    assert years and years[0] == (plan.last_designated_year + 1, True)
    assert all(status.checked_on <= demo.today for status in plan.years.all())


@pytest.mark.parametrize("persona", ["coordinator-niigata", "prefecture-niigata"])
def test_the_coordinator_and_the_prefecture_record_a_year(client, demo, plan, persona):
    client.force_login(demo.users[persona])
    url = reverse("programme:continuation_year", args=[demo.niigata_consortium.pk])
    year = plan.last_designated_year + 1
    response = client.post(url, {"fiscal_year": year, "active": "False", "checked_on": "2025-03-02", "note": "休止"})
    assert response.status_code == 302
    status = ContinuationStatus.objects.get(plan=plan, fiscal_year=year)
    assert (status.active, status.checked_on, status.note) == (False, datetime.date(2025, 3, 2), "休止")
    page = client.get(reverse("programme:continuation_edit", args=[demo.niigata_consortium.pk])).content.decode()
    assert "休止" in page and "2025-03-02" in page


def test_a_year_of_the_designation_is_refused_and_changes_nothing(client, demo, plan):
    client.force_login(demo.users["coordinator-niigata"])
    before = list(ContinuationStatus.objects.values_list("pk", "fiscal_year", "active", "checked_on"))
    url = reverse("programme:continuation_year", args=[demo.niigata_consortium.pk])
    response = client.post(
        url, {"fiscal_year": plan.last_designated_year, "active": "True", "checked_on": "2024-03-01"}
    )
    assert response.status_code == 200
    assert "fiscal_year" in response.context["form"].errors
    missing = client.post(url, {"fiscal_year": plan.last_designated_year + 1, "active": "True"})
    assert "checked_on" in missing.context["form"].errors
    assert list(ContinuationStatus.objects.values_list("pk", "fiscal_year", "active", "checked_on")) == before


def test_others_may_read_but_not_record(client, demo, plan):
    url = reverse("programme:continuation_year", args=[demo.niigata_consortium.pk])
    client.force_login(demo.users["ministry"])
    assert client.post(url, {"fiscal_year": 2025, "active": "True", "checked_on": "2025-03-01"}).status_code == 403
    client.force_login(demo.users["coordinator"])
    assert client.get(url).status_code == 404, "another consortium's coordinator"
