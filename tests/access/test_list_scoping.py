"""What each persona's lists actually contain: the rows, not just the status code."""

import pytest
from django.urls import reverse

from partners.models import Company, Consortium, School

SHIGA_COMPANIES = {"株式会社湖東精機", "近江エンジニアリング株式会社", "株式会社びわ湖システムズ"}
NIIGATA_COMPANIES = {"株式会社能水商店", "株式会社ひすい海洋開発", "株式会社糸魚川フーズ"}


def names(client, url, field="name"):
    page = client.get(url).context["page"]
    return {getattr(row, field) for row in page}


@pytest.mark.parametrize(
    "persona, schools, companies",
    [
        ("ministry", None, None),  # everything, the demo's reporting year included
        ("prefecture", {"滋賀県立彦根工業高等学校"}, SHIGA_COMPANIES),
        ("coordinator-niigata", {"新潟県立海洋高等学校"}, NIIGATA_COMPANIES),
        ("teacher", {"滋賀県立彦根工業高等学校"}, SHIGA_COMPANIES),
        ("company-niigata", {"新潟県立海洋高等学校"}, {"株式会社能水商店"}),
    ],
)
def test_lists_hold_only_rows_in_scope(client, demo, persona, schools, companies):
    if persona == "ministry":
        schools = set(School.objects.values_list("name", flat=True))
        companies = set(Company.objects.values_list("name", flat=True))
        assert {"滋賀県立彦根工業高等学校", "新潟県立海洋高等学校"} < schools
        assert SHIGA_COMPANIES | NIIGATA_COMPANIES < companies
    client.force_login(demo.users[persona])
    assert names(client, reverse("partners:school_list")) == schools
    assert names(client, reverse("partners:company_list")) == companies
    consortia = names(client, reverse("partners:consortium_list"))
    assert len(consortia) == (Consortium.objects.count() if persona == "ministry" else 1)


def test_people_and_agreements_follow_scope(client, demo):
    client.force_login(demo.users["teacher-niigata"])
    people = names(client, reverse("partners:person_list"))
    assert "能水 太郎" in people and "湖東 精一" not in people
    assert names(client, reverse("partners:agreement_list"), "title") == set()
    client.force_login(demo.users["company"])
    assert names(client, reverse("partners:agreement_list"), "title") == {
        "滋賀県と彦根商工会議所の産業人材育成に関する連携協定"
    }


def test_consortium_detail_shows_only_members_in_scope(client, demo):
    demo.shiga_consortium.companies.add(demo.nosui)
    client.force_login(demo.users["company"])
    context = client.get(reverse("partners:consortium_detail", args=[demo.shiga_consortium.pk])).context
    assert {c.name for c in context["companies"]} == {"株式会社湖東精機"}
    client.force_login(demo.users["coordinator"])
    context = client.get(reverse("partners:consortium_detail", args=[demo.shiga_consortium.pk])).context
    assert {c.name for c in context["companies"]} == SHIGA_COMPANIES | {"株式会社能水商店"}
