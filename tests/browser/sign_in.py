"""Signing in through the portal's own sign-in page, as a person would: the one way browser tests get a session."""

from playwright.sync_api import expect

DEMO_PASSWORD = "meister-demo"


def log_in(page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """Fill and send the sign-in form on `page`; the caller checks where it lands."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def signed_in(browser, live_server, username: str, password: str = DEMO_PASSWORD):
    """A page of a new browser context (Japanese, Tokyo time) signed in as `username`, on their dashboard. Close it
    with `page.context.close()`."""
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, live_server, username, password)
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()
    return page
