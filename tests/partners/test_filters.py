"""The registry lists' filters offer only what lies in the reader's scope."""

import pytest
from django.urls import reverse

from partners.models import Company, Prefecture, School

pytestmark = pytest.mark.django_db


def _offered(client, url, name) -> set[str]:
    field = client.get(url).context["filter"].form.fields[name]
    return {str(choice) for choice in field.queryset}


@pytest.mark.parametrize(("url", "model"), [("partners:school_list", School), ("partners:company_list", Company)])
def test_a_shiga_coordinator_is_offered_only_the_prefectures_of_the_rows_in_scope(client, demo, url, model):
    client.force_login(demo.users["coordinator"])
    offered = _offered(client, reverse(url), "prefecture")
    shown = client.get(reverse(url)).context["page"].paginator.object_list
    assert offered == {str(row.prefecture) for row in shown}
    assert "滋賀県" in offered and "新潟県" not in offered and len(offered) < Prefecture.objects.count()


def test_the_ministry_is_offered_the_prefectures_that_hold_schools(client, demo):
    client.force_login(demo.users["ministry"])
    offered = _offered(client, reverse("partners:school_list"), "prefecture")
    assert offered == {str(p) for p in Prefecture.objects.filter(school__isnull=False).distinct()}
    assert {"滋賀県", "新潟県"} <= offered


def test_a_prefecture_out_of_scope_in_the_address_is_refused_not_shown(client, demo):
    client.force_login(demo.users["coordinator"])
    niigata = Prefecture.objects.get(code="15")
    response = client.get(reverse("partners:school_list"), {"prefecture": niigata.pk})
    assert response.status_code == 200
    assert demo.kaiyo.name not in response.content.decode()
