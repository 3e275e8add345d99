"""Each role signs in through the ordinary form and lands on its own dashboard."""

import pytest
from django.urls import reverse

from meister.fiscal import current_fiscal_year, fiscal_year_label

DASHBOARD_HEADINGS = {
    "ministry": "全国の状況",
    "prefecture": "都道府県の連携ネットワーク",
    "coordinator": "コンソーシアムの運営",
    "teacher": "自校の連携",
    "company": "受入れ企業のページ",
    "admin": "運用管理",
}


def test_login_page_is_japanese(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert "ログイン" in html and "パスワード" in html


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("username, heading", DASHBOARD_HEADINGS.items())
def test_role_lands_on_its_dashboard(client, demo, username, heading):
    response = client.post(reverse("login"), {"username": username, "password": "meister-demo"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    html = response.content.decode()
    assert f'data-testid="dashboard-title">{heading}<' in html
    assert "ログアウト" in html


def test_wrong_password_is_refused_in_japanese(client, demo):
    response = client.post(reverse("login"), {"username": "teacher", "password": "wrong"})
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_dashboard_figures_follow_scope(client, demo):
    client.force_login(demo.users["teacher-niigata"])
    context = client.get(reverse("portal:dashboard")).context
    assert (context["school_count"], context["consortium_count"]) == (1, 1)
    assert context["company_count"] == 2
    assert context["company_without_number_count"] == 1


def test_navigation_matches_role(client, demo):
    client.force_login(demo.users["company"])
    labels = [str(item.label) for item in client.get(reverse("portal:dashboard")).context["navigation"]]
    assert labels[:4] == ["ダッシュボード", "自社", "連携校", "管理機関"]
    assert "依頼" in labels and not {"学校", "報告書", "管理画面"} & set(labels)
    client.force_login(demo.users["admin"])
    labels = [str(item.label) for item in client.get(reverse("portal:dashboard")).context["navigation"]]
    assert "管理画面" in labels and "報告書" in labels


def test_language_switch_to_english_and_back(client, demo):
    client.force_login(demo.users["ministry"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Log out" in html
    assert f"FY{current_fiscal_year()}" in html
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/"}, follow=True)
    assert '<html lang="ja">' in response.content.decode()


def test_fiscal_year_shown_in_era(client, demo):
    client.force_login(demo.users["ministry"])
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert fiscal_year_label(current_fiscal_year(), "ja") in html


def test_english_browser_still_gets_japanese_until_the_switch(client, db):
    response = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="ja">' in response.content.decode()
    assert response["Content-Language"] == "ja"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"), headers={"accept-language": "ja"})
    assert '<html lang="en">' in response.content.decode()


def test_unknown_language_cookie_falls_back_to_japanese(client, db):
    client.cookies["django_language"] = "fr"
    assert '<html lang="ja">' in client.get(reverse("login")).content.decode()


def test_ministry_sees_fill_rate_by_prefecture(client, demo):
    client.force_login(demo.users["ministry"])
    response = client.get(reverse("portal:dashboard"))
    rates = {r["prefecture_name"]: (r["capacity"], r["enrolment"]) for r in response.context["fill_rates"]}
    assert rates == {"新潟県": (80, 79), "滋賀県": (200, 193)}
    assert "定員充足率（都道府県別）" in response.content.decode()
    client.force_login(demo.users["prefecture-niigata"])
    rates = [r["prefecture_name"] for r in client.get(reverse("portal:dashboard")).context["fill_rates"]]
    assert rates == ["新潟県"]
