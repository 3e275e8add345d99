"""Each demo role signs in, lands on its dashboard, switches language and signs out — in Chromium."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    "ministry": ("全国の状況", "Nationwide overview"),
    "prefecture": ("都道府県の連携ネットワーク", "Prefectural collaboration network"),
    "coordinator": ("コンソーシアムの運営", "Consortium management"),
    "teacher": ("自校の連携", "My school's partnerships"),
    "company": ("受入れ企業のページ", "Host company page"),
    "admin": ("運用管理", "Administration"),
    "teacher-niigata": ("自校の連携", "My school's partnerships"),
}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill("meister-demo")
    page.get_by_role("button", name="ログイン").click()


def go_to(page, label: str):
    """Open the menu entry named `label`: unfold its heading in the bar (and the bar itself on a phone) first."""
    menu = page.get_by_test_id("menu")
    link = menu.get_by_role("link", name=label, exact=True, include_hidden=True)
    # Right after signing in the dashboard may still be loading: wait for its menu, then for its scripts (the
    # dropdowns open only once Bootstrap runs), or a click lands on a button that does nothing yet.
    link.wait_for(state="attached")
    page.wait_for_load_state("load")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and not menu.is_visible():
        toggler.click()
    if not link.is_visible():
        link.locator("xpath=ancestor::li[contains(@class, 'dropdown')]/button").click()
    link.click()


@pytest.mark.parametrize("username", ROLES)
def test_role_logs_in_switches_language_and_logs_out(page, live_server, demo, username):
    japanese, english = ROLES[username]
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")

    log_in(page, live_server, username)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("dashboard-title")).to_have_text(japanese)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("dashboard-title")).to_have_text(english)

    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_test_id("dashboard-title")).to_have_text(japanese)

    page.get_by_test_id("current-user").click()
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")


def test_wrong_password_keeps_the_username(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ユーザー名").fill("teacher")
    page.get_by_label("パスワード").fill("not-the-password")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_text("正しいユーザー名とパスワードを入力してください")).to_be_visible()
    expect(page.get_by_label("ユーザー名")).to_have_value("teacher")


def test_outsider_gets_not_found(page, live_server, demo):
    log_in(page, live_server, "teacher-niigata")
    response = page.goto(f"{live_server.url}/partners/schools/{demo.hikone.pk}/")
    assert response.status == 404


@pytest.mark.worker
def test_report_progress_and_download(page, live_server, demo, worker):
    log_in(page, live_server, "coordinator")
    go_to(page, "報告書")
    page.get_by_role("button", name="作成を開始").click()
    expect(page.get_by_text("報告書の作成を受け付けました")).to_be_visible()
    download_link = page.get_by_role("link", name="PDFをダウンロード")
    expect(download_link).to_be_visible(timeout=60_000)  # htmx polls until the worker is done
    expect(page.locator("#run-progress")).to_have_attribute("data-status", "done")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert "PDCA報告書" in pdf_text(Path(download.value.path()).read_bytes())


@pytest.mark.worker
def test_ministry_downloads_the_annual_report_for_reiwa_6(page, live_server, demo, worker):
    from django.db.models import Sum

    from partners.models import Designation

    log_in(page, live_server, "ministry")
    go_to(page, "報告書")
    page.get_by_label("種類").select_option(label="年次報告書")
    page.get_by_label("年度").select_option(label="令和6年度")
    page.get_by_role("button", name="作成を開始").click()
    # The bar shows once the worker takes the run: on a busy machine its start can take a while.
    expect(page.locator("#run-progress .progress-bar")).to_be_visible(timeout=60_000)
    download_link = page.get_by_role("link", name="PDFをダウンロード")
    expect(download_link).to_be_visible(timeout=90_000)
    with page.expect_download() as download:
        download_link.click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    budget = Designation.objects.filter(fiscal_year=2024).aggregate(b=Sum("budget_yen"))["b"]
    assert "年次報告書" in text and "令和6年度" in text and f"{budget:,}" in text
    with page.expect_download() as workbook:
        page.get_by_role("link", name="Excelをダウンロード").click()
    assert workbook.value.suggested_filename.endswith(".xlsx")
