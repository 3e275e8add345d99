"""Accounts by invitation in Chromium: the Shiga prefecture invites a coordinator, who signs up through the mailed
link and invites a mentor of a member company, who signs up in turn. Each page on the way passes axe-core."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from meister.models import User
from tests.browser.test_roles import go_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Biwako-Meister-2026!"


def _link(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [address])
    return re.search(r"http://[^\s]+/people/join/[^\s]+/", message.body).group(0)


def _sign_up(browser, link: str, username: str, axe):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="ポータルへの登録")).to_be_visible()
    assert axe(page) == []
    page.get_by_label("ユーザー名（ログインに使います）").fill(username)
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="登録してログインする").click()
    expect(page.get_by_text("登録が完了しました。")).to_be_visible()
    return context, page


def _invite(page, axe, role_label: str, email: str, last_name: str, scope_label: str, scope: str):
    go_to(page, "利用者と招待")
    page.get_by_role("link", name=f"{role_label}を招待する").click()
    expect(page.get_by_role("button", name="招待を送る")).to_be_visible()
    assert axe(page) == []
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("姓").fill(last_name)
    page.get_by_label(scope_label).select_option(label=scope)
    page.get_by_role("button", name="招待を送る").click()
    expect(page.get_by_text(f"{email} に招待を送りました。")).to_be_visible()
    expect(page.get_by_test_id("invitation-row").filter(has_text=email)).to_be_visible()
    assert axe(page) == []


def test_invitations_down_the_tree(page, browser, live_server, demo, axe):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ユーザー名").fill("prefecture")
    page.get_by_label("パスワード").fill("meister-demo")
    page.get_by_role("button", name="ログイン").click()
    _invite(page, axe, "コーディネーター", "ceo@example.jp", "琵琶", "管理機関", demo.shiga_consortium.name)

    coordinator_context, coordinator = _sign_up(browser, _link("ceo@example.jp"), "biwa-ceo", axe)
    user = User.objects.get(username="biwa-ceo")
    assert (user.role, user.consortium) == ("coordinator", demo.shiga_consortium) and user.check_password(PASSWORD)
    _invite(coordinator, axe, "企業", "mentor@example.jp", "湖東", "企業", demo.kotoh.name)
    coordinator_context.close()

    mentor_context, mentor = _sign_up(browser, _link("mentor@example.jp"), "mentor@example.jp", axe)
    expect(mentor.get_by_test_id("menu").get_by_role("link", name="自社", include_hidden=True)).to_be_attached()
    mentor_context.close()
    user = User.objects.get(username="mentor@example.jp")
    assert (user.role, user.company, user.is_active) == ("company", demo.kotoh, True)

    # The prefecture sees the new coordinator among its people; the invitation is no longer pending.
    go_to(page, "利用者と招待")
    expect(page.get_by_test_id("person-row").filter(has_text="biwa-ceo")).to_be_visible()
    expect(page.get_by_test_id("invitation-row")).to_have_count(0)
