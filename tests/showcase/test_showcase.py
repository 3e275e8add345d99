"""The public showcase: what anonymous visitors see, drafts kept back, the publish audit, queries per page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curricula.models import JointProject
from partners.models import Company, Consortium, School
from showcase.models import CompanyProfile, ConsortiumPage, PublicationStatus
from showcase.selectors import publication_events

pytestmark = pytest.mark.django_db


def _niigata_page(demo):
    return ConsortiumPage.objects.get(consortium=demo.niigata_consortium)


def test_index_lists_only_published_pages_and_profiles(client, demo):
    response = client.get(reverse("showcase:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert demo.niigata_consortium.name in html and "株式会社能水商店" in html
    # Hikone's page is a draft, and 湖東精機 has not opted in.
    assert demo.shiga_consortium.name not in html and "株式会社湖東精機" not in html


def test_index_filters_by_prefecture_and_field(client, demo):
    ConsortiumPage.objects.filter(consortium=demo.shiga_consortium).update(status=PublicationStatus.PUBLISHED)
    url = reverse("showcase:index")
    both = client.get(url).context["pages"]
    assert {p.consortium_id for p in both} == {demo.shiga_consortium.pk, demo.niigata_consortium.pk}
    fisheries = client.get(url, {"category": "fisheries"}).context["pages"]
    assert [p.consortium_id for p in fisheries] == [demo.niigata_consortium.pk]
    shiga = client.get(url, {"prefecture": "25"}).context["pages"]
    assert [p.consortium_id for p in shiga] == [demo.shiga_consortium.pk]
    assert list(client.get(url, {"prefecture": "25"}).context["profiles"]) == []


def test_consortium_page_shows_fisheries_projects_and_opted_in_partners(client, demo):
    response = client.get(_niigata_page(demo).get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "鮭の魚醤を使った新商品" in html and "モズク育成域マップ" in html
    assert "海洋開発科・水産" in html
    profile = CompanyProfile.objects.get(company=demo.nosui)
    assert f'href="{profile.get_absolute_url()}"' in html
    # A partner without a published profile is named in its project but never linked.
    assert "株式会社ひすい海洋開発" in html and "/public/companies/" not in html.split("株式会社ひすい海洋開発")[1][:40]
    # No student is ever named: the demo's Kaiyo students do not appear.
    assert "きむら" not in html and "くどう" not in html
    # Consortium-only material is not listed on the public page; the public video is.
    assert "鮭の魚醤 商品開発の手引き" not in html and "鮭の一次加工（動画）" in html


def test_public_pages_have_titles_descriptions_and_a_language_switch(client, demo):
    for url in (reverse("showcase:index"), _niigata_page(demo).get_absolute_url()):
        html = client.get(url).content.decode()
        title = re.search(r"<title>(.+?)</title>", html).group(1)
        description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
        assert title.strip() and len(description) > 20
        assert 'name="viewport"' in html and 'data-testid="language-switch"' in html
        assert "noindex" not in html


def test_public_page_in_english(client, demo):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(_niigata_page(demo).get_absolute_url()).content.decode()
    assert "smart fisheries" in html and "Joint projects" in html


def test_draft_page_is_404_for_visitors_and_outsiders_but_shown_to_its_keepers(client, demo):
    url = ConsortiumPage.objects.get(consortium=demo.shiga_consortium).get_absolute_url()
    assert client.get(url).status_code == 404
    for outsider in ("coordinator-niigata", "teacher", "ministry"):
        client.force_login(demo.users[outsider])
        assert client.get(url).status_code == 404
    client.force_login(demo.users["coordinator"])
    response = client.get(url)
    assert response.status_code == 200 and 'data-testid="draft-banner"' in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_company_profile_shows_what_students_learn_and_schools(client, demo):
    profile = CompanyProfile.objects.get(company=demo.nosui)
    html = client.get(profile.get_absolute_url()).content.decode()
    assert "鮭の一次加工から魚醤づくり" in html and "新潟県立海洋高等学校" in html
    assert demo.niigata_consortium.name in html


def test_coordinator_publishes_and_withdraws_with_an_audit(client, demo):
    page = ConsortiumPage.objects.get(consortium=demo.shiga_consortium)
    coordinator = demo.users["coordinator"]
    client.force_login(coordinator)
    publish = reverse("showcase:consortium_page_publish", args=[demo.shiga_consortium.pk])
    assert client.post(publish, {"action": "publish"}).status_code == 302
    client.logout()
    assert client.get(page.get_absolute_url()).status_code == 200
    client.force_login(coordinator)
    client.post(publish, {"action": "unpublish"})
    client.logout()
    assert client.get(page.get_absolute_url()).status_code == 404
    events = publication_events(page)
    assert [(e["published"], e["user"]) for e in events] == [(False, coordinator), (True, coordinator)]
    # The audit is shown to those in scope (the Shiga prefecture reads it), not to outsiders.
    client.force_login(demo.users["prefecture"])
    html = client.get(reverse("showcase:consortium_page_edit", args=[demo.shiga_consortium.pk])).content.decode()
    assert 'data-testid="publication-events"' in html and "近江" in html
    client.force_login(demo.users["prefecture-niigata"])
    assert client.get(reverse("showcase:consortium_page_edit", args=[demo.shiga_consortium.pk])).status_code == 404


def test_only_the_company_publishes_its_profile(client, demo):
    url = reverse("showcase:company_profile_edit", args=[demo.kotoh.pk])
    client.force_login(demo.users["coordinator"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"what_we_do": "x", "what_students_learn": "y"}).status_code == 403
    assert not CompanyProfile.objects.filter(company=demo.kotoh).exists()
    client.force_login(demo.users["company"])
    response = client.post(url, {"what_we_do": "精密部品", "what_students_learn": "", "website": "not a url"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "生徒が学べることを入力してください" in html and "精密部品" in html
    assert not CompanyProfile.objects.filter(company=demo.kotoh).exists()
    client.post(url, {"what_we_do": "精密部品", "what_students_learn": "5軸加工"})
    profile = CompanyProfile.objects.get(company=demo.kotoh)
    assert profile.status == PublicationStatus.DRAFT
    client.post(reverse("showcase:company_profile_publish", args=[demo.kotoh.pk]), {"action": "publish"})
    profile.refresh_from_db()
    assert profile.is_published and profile.history.first().history_user == demo.users["company"]


def test_project_not_chosen_by_the_consortium_stays_off_its_page(client, demo):
    page = _niigata_page(demo)
    page.projects.remove(JointProject.objects.get(theme="モズク育成域マップ"))
    html = client.get(page.get_absolute_url()).content.decode()
    assert "モズク育成域マップ" not in html and "鮭の魚醤を使った新商品" in html


def _add_consortia(demo, count):
    for n in range(count):
        school = School.objects.create(
            code=f"D115299{n:05d}X"[:13],
            name=f"テスト水産高校{n}",
            prefecture=demo.kaiyo.prefecture,
            establishment="2",
        )
        school.departments.create(name="水産科", category="fisheries")
        consortium = Consortium.objects.create(name=f"テスト管理機関{n}", prefecture=demo.kaiyo.prefecture)
        consortium.schools.add(school)
        ConsortiumPage.objects.create(consortium=consortium, introduction="紹介", status=PublicationStatus.PUBLISHED)
        company = Company.objects.create(name=f"テスト企業{n}", prefecture=demo.kaiyo.prefecture)
        consortium.companies.add(company)
        CompanyProfile.objects.create(
            company=company, what_we_do="x", what_students_learn="y", status=PublicationStatus.PUBLISHED
        )


def test_index_runs_the_same_queries_for_few_and_many_pages(client, demo):
    url = reverse("showcase:index")

    def measure():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), response.content.decode().count('data-testid="consortium-card"')

    few_queries, few_cards = measure()
    _add_consortia(demo, 12)
    many_queries, many_cards = measure()
    assert many_cards == few_cards + 12
    assert many_queries == few_queries


def test_coordinator_chooses_the_projects_shown_in_the_browser_form(client, demo):
    page = _niigata_page(demo)
    keep = JointProject.objects.get(theme="鮭の魚醤を使った新商品")
    client.force_login(demo.users["coordinator-niigata"])
    url = reverse("showcase:consortium_page_edit", args=[demo.niigata_consortium.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"introduction": page.introduction, "projects": [keep.pk]})
    assert response.status_code == 302
    assert list(page.projects.all()) == [keep] and not page.engagements.exists()
    page.refresh_from_db()
    assert page.is_published  # saving an edit leaves the publication as it was
    assert "モズク育成域マップ" not in client.get(page.get_absolute_url()).content.decode()
    # An empty introduction is refused with the user's language and nothing changes.
    response = client.post(url, {"introduction": "", "outcomes": "新しい成果"})
    assert response.status_code == 400 and "紹介文を入力してください" in response.content.decode()
    assert "新しい成果" in response.content.decode()
    page.refresh_from_db()
    assert page.outcomes != "新しい成果"


def test_manage_lists_what_each_role_keeps(client, demo):
    url = reverse("showcase:manage")
    client.force_login(demo.users["company-niigata"])
    html = client.get(url).content.decode()
    assert reverse("showcase:company_profile_edit", args=[demo.nosui.pk]) in html
    assert reverse("showcase:consortium_page_edit", args=[demo.niigata_consortium.pk]) not in html
    client.force_login(demo.users["coordinator-niigata"])
    response = client.get(url)
    html = response.content.decode()
    assert reverse("showcase:consortium_page_edit", args=[demo.niigata_consortium.pk]) in html
    assert reverse("showcase:company_profile_edit", args=[demo.nosui.pk]) not in html
    assert [c for c, _ in response.context["company_rows"]] == [demo.nosui]  # only companies with a profile
    assert demo.shiga_consortium.name not in html


def test_demo_showcase_is_loaded_once(demo):
    from django.core.management import call_command

    from showcase.models import Material

    def counts():
        return [
            ConsortiumPage.objects.count(),
            CompanyProfile.objects.count(),
            Material.objects.count(),
            ConsortiumPage.history.count(),
            Material.history.count(),
        ]

    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before
    assert ConsortiumPage.objects.get(consortium=demo.niigata_consortium).is_published
    assert not ConsortiumPage.objects.get(consortium=demo.shiga_consortium).is_published
    assert CompanyProfile.objects.get(company=demo.nosui).is_published


def test_consortium_page_runs_the_same_queries_for_few_and_many_projects(client, demo):
    page = _niigata_page(demo)
    url = page.get_absolute_url()

    def measure():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), response.content.decode().count('data-testid="public-project"')

    few_queries, few_projects = measure()
    for n in range(10):
        project = JointProject.objects.create(
            school=demo.kaiyo, fiscal_year=2026, kind="assignment", theme=f"課題研究{n}", student_count=3
        )
        project.companies.add(demo.nosui)
        page.projects.add(project)
    many_queries, many_projects = measure()
    assert many_projects == few_projects + 10
    assert many_queries == few_queries


def test_the_index_maps_the_published_pages_by_prefecture_with_a_table_that_narrows_the_list(client, demo):
    page = client.get(reverse("showcase:index"))
    rows = page.context["map_rows"]
    published_pages = ConsortiumPage.objects.filter(status=PublicationStatus.PUBLISHED)
    published_profiles = CompanyProfile.objects.filter(status=PublicationStatus.PUBLISHED)
    expected = {}
    for code in published_pages.values_list("consortium__prefecture__code", flat=True):
        expected.setdefault(code, [0, 0])[0] += 1
    for code in published_profiles.values_list("company__prefecture__code", flat=True):
        expected.setdefault(code, [0, 0])[1] += 1
    assert expected, "the demo publishes pages"
    assert {code: [pages, profiles] for code, _name, pages, profiles in rows} == expected
    html = page.content.decode()
    assert 'class="tilemap"' in html and 'data-testid="showcase-map-table"' in html
    niigata = next(code for code, name, _p, _c in rows if name == "新潟県")
    assert f'href="?prefecture={niigata}"' in html
    # A draft never reaches the map.
    draft = published_pages.filter(consortium__prefecture__code=niigata).first()
    draft.status = PublicationStatus.DRAFT
    draft.save(update_fields=["status"])
    after = {code: pages for code, _name, pages, _c in client.get(reverse("showcase:index")).context["map_rows"]}
    assert after.get(niigata, 0) == expected[niigata][0] - 1
