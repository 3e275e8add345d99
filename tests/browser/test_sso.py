"""A teacher and a student sign in with the school's accounts through a real OpenID Connect provider — in Chromium."""

import pytest
from playwright.sync_api import expect

from curricula.models import Student
from meister.models import User
from partners.models import Prefecture
from sso.models import SignInConfiguration
from tests.oidc_provider import ACCOUNTS, CLIENT_ID, CLIENT_SECRET, DOMAIN, real_clock, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school_accounts(live_server, demo):
    with running_provider(redirect_uris=[f"{live_server.url}/accounts/sso/callback/"]) as provider:
        SignInConfiguration.objects.create(
            name="滋賀県立学校（Google Workspace）",
            prefecture=Prefecture.objects.get(code="25"),
            issuer=provider.issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            email_domains=DOMAIN,
        )
        yield provider


def with_school_account(user, login: str):
    user.email = ACCOUNTS[login]["email"]
    user.save(update_fields=["email"])
    return user.email


def test_teacher_signs_in_with_the_school_account_and_lands_on_the_dashboard(
    page, live_server, demo, school_accounts, axe, settings
):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["teacher"]  # the provider confirms the second factor, not the portal
    email = with_school_account(demo.users["teacher"], "yamada")
    with real_clock():
        page.goto(f"{live_server.url}/accounts/login/")
        expect(page.get_by_role("heading", name="学校のアカウントでサインイン")).to_be_visible()
        assert axe(page) == []
        page.get_by_role("link", name="学校・都道府県の一覧から選ぶ").click()
        expect(page.get_by_test_id("sso-choices")).to_contain_text("滋賀県立学校（Google Workspace）でサインイン")
        assert axe(page) == []

        page.get_by_label("学校のメールアドレス").fill(email)
        page.get_by_role("button", name="メールアドレスから探す").click()
        expect(page.get_by_role("heading", name=f"{email} で使えるアカウント")).to_be_visible()
        assert axe(page) == []
        page.get_by_role("link", name="滋賀県立学校（Google Workspace）でサインイン").click()
        expect(page.locator("input[name=login]")).to_have_value(email)
        page.locator("input[name=password]").fill("any")
        page.get_by_role("button", name="Sign-in").click()

        expect(page).to_have_url(f"{live_server.url}/")
        expect(page.get_by_test_id("dashboard-title")).to_have_text("自校の連携")
        expect(page.get_by_test_id("current-user")).to_contain_text("教員")


def test_an_unverified_school_account_is_refused_in_words(page, live_server, demo, school_accounts, axe):
    email = with_school_account(demo.users["teacher"], "mori")
    with real_clock():
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("学校のメールアドレス").fill(email)
        page.get_by_role("button", name="学校のアカウントでサインイン").click()
        page.get_by_role("link", name="滋賀県立学校（Google Workspace）でサインイン").click()
        page.locator("input[name=password]").fill("any")
        page.get_by_role("button", name="Sign-in").click()

        expect(page.get_by_role("heading", name="学校のアカウントでサインインできませんでした")).to_be_visible()
        expect(page.get_by_test_id("sso-refusal")).to_have_text(
            "このアカウントのメールアドレスは、発行元で確認済みになっていません。"
        )
        assert axe(page) == []
        page.goto(f"{live_server.url}/")
        expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")


def test_a_student_signs_in_by_the_rosters_address_and_lands_on_their_home(
    page, live_server, demo, school_accounts, axe
):
    # いのうえ さくら's roster row holds her school account; she has never signed in to the portal.
    row = Student.objects.get(school=demo.hikone, kana_name="いのうえ さくら")
    row.email = ACCOUNTS["inoue"]["email"]
    row.save(update_fields=["email"])
    assert row.account is None
    page.set_viewport_size({"width": 390, "height": 844})
    with real_clock():
        page.goto(f"{live_server.url}/accounts/sso/")
        page.get_by_label("学校のメールアドレス").fill(row.email)
        page.get_by_role("button", name="メールアドレスから探す").click()
        page.get_by_role("link", name="滋賀県立学校（Google Workspace）でサインイン").click()
        page.locator("input[name=password]").fill("any")
        page.get_by_role("button", name="Sign-in").click()

        expect(page).to_have_url(f"{live_server.url}/curricula/me/")
    expect(page.get_by_role("heading", name="わたしの実習")).to_be_visible()
    placement = page.get_by_test_id("own-placement")
    expect(placement).to_have_count(1)
    expect(placement).to_contain_text("株式会社湖東精機")
    expect(placement.get_by_test_id("expected-days")).to_contain_text("今日までに")
    expect(placement.get_by_test_id("confirmed-days")).to_contain_text("日（")
    # Nothing wider than the phone, and a menu with their own page only.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="メニュー").click()
    links = page.get_by_role("navigation").get_by_role("link")
    expect(links.filter(has_text="わたしの実習")).to_be_visible()
    expect(links.filter(has_text="教材ライブラリ")).to_have_count(0)
    assert axe(page) == []
    page.get_by_text("これまでの実習日").click()
    expect(page.get_by_test_id("own-days").locator("li").first).to_be_visible()
    assert axe(page) == []

    account = User.objects.get(email=row.email)
    row.refresh_from_db()
    assert (account.role, account.school, row.account) == ("student", demo.hikone, account)
    # Another student's page, or the school's lists, are not there for her.
    assert page.goto(f"{live_server.url}/curricula/placements/").status == 404
    assert page.goto(f"{live_server.url}/partners/schools/{demo.hikone.pk}/").status == 404


def test_an_unverified_student_account_makes_no_account(page, live_server, demo, school_accounts):
    row = Student.objects.get(school=demo.hikone, kana_name="うえだ れん")
    row.email = ACCOUNTS["ueda"]["email"]
    row.save(update_fields=["email"])
    users = User.objects.count()
    with real_clock():
        page.goto(f"{live_server.url}/accounts/sso/")
        page.get_by_label("学校のメールアドレス").fill(row.email)
        page.get_by_role("button", name="メールアドレスから探す").click()
        page.get_by_role("link", name="滋賀県立学校（Google Workspace）でサインイン").click()
        page.locator("input[name=password]").fill("any")
        page.get_by_role("button", name="Sign-in").click()
        expect(page.get_by_test_id("sso-refusal")).to_have_text(
            "このアカウントのメールアドレスは、発行元で確認済みになっていません。"
        )
    assert User.objects.count() == users
    row.refresh_from_db()
    assert row.account is None
