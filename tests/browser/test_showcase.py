"""In Chromium: a visitor reads the public pages; a teacher finds the 水産 video and plays it in the page;
the consortium-only PDF stays out of sight for another prefecture's teacher and for visitors."""

import pytest
from playwright.sync_api import expect

from showcase.models import Material
from tests.browser.sign_in import log_in
from tests.browser.test_roles import go_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_opens_the_niigata_page_and_nousui_profile(page, live_server, demo):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/public/")
    expect(page).to_have_title("地域の取組と企業の紹介 | マイスター・ハイスクール")
    expect(page.get_by_test_id("consortium-card")).to_have_count(1)
    page.get_by_role("link", name=demo.niigata_consortium.name).click()
    expect(page.locator("h1")).to_have_text(demo.niigata_consortium.name)
    projects = page.get_by_test_id("public-project")
    expect(projects.filter(has_text="鮭の魚醤を使った新商品")).to_be_visible()
    expect(projects.filter(has_text="モズク育成域マップ")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_test_id("partner-link").filter(has_text="株式会社能水商店").click()
    expect(page.locator("h1")).to_have_text("株式会社能水商店")
    expect(page.get_by_text("鮭の一次加工から魚醤づくり")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_text("Students experience the whole fisheries business")).to_be_visible()


def test_teacher_finds_the_fisheries_video_and_plays_it(page, live_server, demo):
    log_in(page, live_server, "teacher-niigata")
    go_to(page, "教材ライブラリ")
    page.get_by_label("専門学科区分").select_option("fisheries")
    page.get_by_label("形式").select_option("video")
    page.get_by_role("button", name="検索").click()
    rows = page.get_by_test_id("material-row")
    expect(rows).to_have_count(1)
    rows.first.click()
    video = page.get_by_test_id("material-video")
    expect(video).to_be_visible()
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v.currentTime > 0.3 && !v.error; }",
        timeout=15_000,
    )
    state = video.evaluate("v => ({ready: v.readyState, error: v.error && v.error.code, seekable: v.seekable.length})")
    assert state["ready"] >= 2 and state["error"] is None and state["seekable"] >= 1


def test_consortium_only_pdf_is_hidden_from_shiga_teacher_and_visitors(page, live_server, demo):
    pdf = Material.objects.get(consortium=demo.niigata_consortium, usage="consortium")
    detail = f"{live_server.url}/library/{pdf.pk}/"
    response = page.goto(detail)
    assert response.status == 404
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/library/?q=魚醤")
    expect(page.get_by_test_id("material-row")).to_have_count(0)
    assert page.goto(detail).status == 404
    # Its own consortium's teacher sees it, with the first page as a preview.
    page.context.clear_cookies()
    log_in(page, live_server, "teacher-niigata")
    page.goto(detail)
    expect(page.get_by_test_id("pdf-preview")).to_be_visible()
    assert page.get_by_test_id("pdf-preview").evaluate("img => img.naturalWidth") > 100
