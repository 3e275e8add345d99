"""The dual-system day in Chromium: the Hikone teacher logs Wednesday for the whole class on one screen,
the company mentor confirms through the emailed link without an account, and the teacher sees the
hours go up and the missing-log list shrink."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from curricula.models import DayLog, LogStatus, Placement
from tests.browser.test_roles import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_logs_wednesday_and_mentor_confirms_by_link(page, browser, live_server, demo):
    placements = list(
        Placement.objects.filter(student__school=demo.hikone).select_related("student", "company", "mentor")
    )
    aoki = next(p for p in placements if p.student.kana_name == "あおき はると")

    log_in(page, live_server, "teacher")
    week = page.get_by_test_id("week-placements")
    for placement in placements:
        expect(week).to_contain_text(placement.student.kana_name)
    expect(week).to_contain_text("株式会社湖東精機")
    expect(week).to_contain_text("近江エンジニアリング株式会社")
    missing_before = int(page.get_by_test_id("work-missing").get_by_test_id("work-count").inner_text())
    card = page.locator(f'[data-testid="card-row"][data-placement="{aoki.pk}"]')
    aoki_hours_before = float(card.get_by_test_id("card-hours").inner_text().split("/")[0])

    page.get_by_test_id("log-start").click()
    expect(page.get_by_test_id("log-title")).to_contain_text("水")
    rows = page.get_by_test_id("log-row")
    expect(rows).to_have_count(6)
    # Keyboard only: attendance and hours are prefilled; type the activities, Tab on, leave the rest.
    page.get_by_label("あおき はると 実習内容").focus()
    for index in range(6):
        page.keyboard.type(f"治具の設計補助 {index + 1}")
        page.keyboard.press("Tab")  # → reflection
        page.keyboard.type("寸法公差が分かった")
        if index < 5:
            for _ in range(3):  # → next row's attendance, hours, activities
                page.keyboard.press("Tab")
    page.get_by_role("button", name="まとめて保存").click()
    expect(page.get_by_text("6人分の記録を保存しました")).to_be_visible()
    expect(page.get_by_test_id("log-status")).to_have_count(6)

    message = next(m for m in mail.outbox if "kotoh.mentor@example.jp" in m.to)
    link = re.search(r"https?://\S+/curricula/confirm/\S+/", message.body).group(0)

    mentor = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    mentor.goto(link)
    expect(mentor.get_by_test_id("confirm-title")).to_be_visible()
    # Last week's days still waiting for the mentor come along with the three just logged.
    pending = DayLog.objects.filter(placement__mentor=aoki.mentor, status=LogStatus.PENDING)
    expect(mentor.get_by_test_id("pending-log")).to_have_count(pending.count())
    aoki_pending_hours = sum(log.hours for log in pending if log.placement_id == aoki.pk)
    assert aoki_pending_hours >= 6
    expect(mentor.get_by_text("えんどう ひなた")).to_have_count(0)  # another company's student
    mentor.get_by_role("button", name=re.compile("すべて確認する")).click()
    expect(mentor.get_by_test_id("nothing-pending")).to_be_visible()
    mentor.context.close()

    page.goto(f"{live_server.url}/")
    missing_after = int(page.get_by_test_id("work-missing").get_by_test_id("work-count").inner_text())
    assert missing_after == missing_before - 6
    aoki_hours_after = float(card.get_by_test_id("card-hours").inner_text().split("/")[0])
    assert aoki_hours_after == aoki_hours_before + float(aoki_pending_hours)

    page.goto(f"{live_server.url}/curricula/logs/?state=missing")
    expect(page.get_by_test_id("missing-row")).to_have_count(missing_after)
