"""Accounts by invitation in Chromium: the Shiga prefecture invites a coordinator, who signs up through the mailed
link and invites a mentor of a member company, who signs up in turn. Each page on the way passes axe-core."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from meister.models import User
from tests.browser.sign_in import log_in, signed_in
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
    log_in(page, live_server, "prefecture")
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


def test_a_leaver_is_stopped_and_their_open_session_ends(browser, live_server, demo, axe):
    teacher = demo.users["teacher"]
    teacher_page = signed_in(browser, live_server, teacher.username)
    prefecture = signed_in(browser, live_server, "prefecture")

    go_to(prefecture, "利用者と招待")
    row = prefecture.get_by_test_id("person-row").filter(
        has=prefecture.get_by_role("cell", name=teacher.username, exact=True)
    )
    expect(row).to_have_count(1)
    row.get_by_role("button", name=re.compile(r"^利用停止")).click()
    expect(
        prefecture.get_by_test_id("person-row").filter(
            has=prefecture.get_by_role("cell", name=teacher.username, exact=True)
        )
    ).to_contain_text("停止中")
    assert axe(prefecture) == []
    teacher.refresh_from_db()
    assert teacher.is_active is False

    # The teacher's open tab: the next page asks them to sign in, and signing in again is refused.
    teacher_page.reload()
    expect(teacher_page).to_have_url(re.compile(r"/accounts/login/"))
    teacher_page.get_by_label("ユーザー名").fill(teacher.username)
    teacher_page.get_by_label("パスワード").fill("meister-demo")
    teacher_page.get_by_role("button", name="ログイン").click()
    expect(teacher_page).to_have_url(re.compile(r"/accounts/login/"))
    expect(teacher_page.get_by_test_id("dashboard-title")).to_have_count(0)
    teacher_page.context.close()
    prefecture.context.close()


def test_forgot_password_answers_alike_for_any_address_and_the_link_works_once(browser, live_server, demo, axe):
    teacher = demo.users["teacher"]
    teacher.email = "teacher.reset@example.jp"
    teacher.save(update_fields=["email"])
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()

    answers = []
    for address in ("nobody-here@example.jp", "teacher.reset@example.jp"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_role("link", name="パスワードを忘れた方").click()
        assert axe(page) == []
        page.get_by_label("メールアドレス").fill(address)
        page.get_by_role("button", name="再設定のメールを送る").click()
        expect(page.get_by_test_id("reset-sent")).to_be_visible()
        answers.append((page.url, page.locator("main").inner_text()))
    assert answers[0] == answers[1]
    assert axe(page) == []
    assert [message.to for message in mail.outbox] == [["teacher.reset@example.jp"]]

    link = re.search(r"http://[^\s]+/accounts/password/reset/[^\s]+/", mail.outbox[0].body).group(0)
    page.goto(link)
    new_password = "Hikone-Kogyo-2026!"
    page.locator("#id_new_password1").fill(new_password)
    page.locator("#id_new_password2").fill(new_password)
    page.get_by_role("button", name="パスワードを設定する").click()
    expect(page.get_by_test_id("reset-complete")).to_be_visible()
    teacher.refresh_from_db()
    assert teacher.check_password(new_password)

    page.goto(link)
    expect(page.get_by_test_id("reset-link-refused")).to_be_visible()
    context.close()
    signed_in(browser, live_server, teacher.username, new_password).context.close()
