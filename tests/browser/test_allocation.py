"""Allocation a coordinator can trust, in Chromium: a wrong weekday refused in words, a partly full host's places
respected, the result kept after confirming, a dead end that links to its fix, and the ranking's continuing partner."""

import re

import pytest
from playwright.sync_api import expect

from curricula.models import Placement, Student
from tests.browser.sign_in import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIKONE = "滋賀県立彦根工業高等学校"
KAIYO = "新潟県立海洋高等学校"


def fill_round(page, *, school, entry_year, weekdays, starts_on, ends_on, required):
    page.get_by_label("学校").select_option(label=school)
    page.get_by_label("入学年度").fill(str(entry_year))
    page.get_by_label("名称").fill("後期デュアル")
    page.get_by_label("形態").select_option(label="デュアルシステム")
    page.get_by_label("開始日").fill(starts_on)
    page.get_by_label("終了日").fill(ends_on)
    for day in "月火水木金土日":
        box = page.get_by_label(day, exact=True)
        box.set_checked(day in weekdays)
    page.get_by_label("必要時間数").fill(str(required))
    page.get_by_role("button", name="保存").click()


def set_offer(page, *, kind_label, capacity, at_once=None):
    """On the company form: the dual-system offer's places (the empty row if it has none yet), then save."""
    if at_once is not None:
        page.get_by_label("一度に受け入れられる生徒数").fill(str(at_once))
    kinds = page.locator("select[name^='offers-'][name$='-kind']")
    row = None
    for index in range(kinds.count()):
        if kinds.nth(index).input_value() == "dual_system":
            row = index
    if row is None:
        row = kinds.count() - 1
        kinds.nth(row).select_option(label=kind_label)
    page.locator(f"input[name='offers-{row}-capacity']").fill(str(capacity))
    page.get_by_role("button", name="保存").click()


def test_hikone_and_niigata_reach_a_plan_they_can_trust(page, live_server, demo, axe):
    # Hikone: Tuesdays and Thursdays, although 湖東精機 takes Wednesdays only — refused before anything runs.
    log_in(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/curricula/allocations/new/")
    fill_round(
        page, school=HIKONE, entry_year=2024, weekdays="火木", starts_on="2027-01-06", ends_on="2027-03-03", required=48
    )
    expect(page.get_by_text("火・木曜日に受け入れる企業がありません。株式会社湖東精機：水曜日")).to_be_visible()
    fill_round(
        page, school=HIKONE, entry_year=2024, weekdays="水", starts_on="2027-01-06", ends_on="2027-03-03", required=48
    )
    expect(page.get_by_role("heading", name=re.compile("後期デュアル"))).to_be_visible()
    # Its 3 places are taken by the students already there on Wednesdays: a dead end, with the way out.
    expect(
        page.get_by_text("株式会社湖東精機：受入れ枠3人、水曜日は期間の重なる実習で既に3人、空き0人。")
    ).to_be_visible()
    expect(page.get_by_role("button", name="この割り当てで実習を登録")).to_have_count(0)
    page.get_by_role("link", name="株式会社湖東精機の受入れ枠・曜日を登録する").click()
    set_offer(page, kind_label="デュアルシステム受入れ", capacity=5, at_once=5)
    expect(
        page.get_by_text("株式会社湖東精機：受入れ枠5人、水曜日は期間の重なる実習で既に3人、空き2人。")
    ).to_be_visible()

    free = list(
        Student.objects.filter(school__name=HIKONE, entry_year=2024)
        .exclude(placements__weekdays__contains="2")
        .order_by("class_name", "number")[:3]
    )
    for student in free:
        page.get_by_label(
            f"{student.class_name}-{student.number} {student.kana_name} 第1希望", exact=True
        ).select_option(label="株式会社湖東精機")
    page.get_by_role("button", name="希望を保存して割り当てを提案").click()
    expect(page.get_by_test_id("proposal-summary")).to_contain_text(
        "割り当て対象25人のうち2人を割り当て（使える空き 2人分）"
    )
    expect(page.get_by_test_id("unplaced").filter(has_text="抽選順が先の生徒に割り当てました")).to_have_count(1)
    expect(page.get_by_test_id("shortfall")).to_contain_text("使える受入れ枠は合わせて2人分")
    page.get_by_role("button", name="この割り当てで実習を登録").click()
    expect(page.get_by_role("alert")).to_contain_text("2人の実習を登録しました。")
    page.reload()
    expect(page.get_by_test_id("allocation-result")).to_contain_text("割り当て対象25人のうち2人の実習を登録しました。")
    links = page.get_by_test_id("outcome").get_by_role("link", name="株式会社湖東精機")
    expect(links).to_have_count(2)
    assert axe(page) == []
    assert (
        Placement.objects.filter(company__name="株式会社湖東精機", weekdays="2", ends_on__gte="2027-01-06").count() == 5
    )
    links.first.click()
    expect(page.get_by_text("株式会社湖東精機").first).to_be_visible()

    # The ranking knows 湖東精機 hosts this school's students; the default filter leaves only an asked company.
    page.goto(f"{live_server.url}/partners/needs/")
    page.get_by_role("link", name="制御技術の出前授業（3年 課題研究）").click()
    page.get_by_role("link", name="候補企業を見る").click()
    expect(page.get_by_test_id("only-asked")).to_contain_text("すべて依頼済み")
    page.get_by_role("link", name=re.compile("絞り込みを外して探す")).click()
    kotoh = page.get_by_test_id("candidate").filter(has_text="株式会社湖東精機")
    expect(kotoh).to_contain_text("継続中の連携先：今年度この学校の生徒5人を受け入れ中")
    expect(kotoh).not_to_contain_text("初めて")

    # Niigata: a year with no students is refused; the round with no registered places links to its fix.
    page.context.clear_cookies()
    log_in(page, live_server, "coordinator-niigata")
    page.goto(f"{live_server.url}/curricula/allocations/new/")
    fill_round(
        page, school=KAIYO, entry_year=2025, weekdays="火", starts_on="2027-01-12", ends_on="2027-02-23", required=30
    )
    expect(page.get_by_text("新潟県立海洋高等学校に2025年度入学の在籍生徒がいません。")).to_be_visible()
    expect(page.get_by_test_id("fixes").get_by_role("link")).not_to_have_count(0)
    fill_round(
        page, school=KAIYO, entry_year=2024, weekdays="火", starts_on="2027-01-12", ends_on="2027-02-23", required=30
    )
    expect(page.get_by_test_id("dead-end")).to_contain_text("この形態の受入れ枠を登録した連携企業がありません。")
    page.get_by_role("link", name="株式会社能水商店の受入れ枠・曜日を登録する").click()
    set_offer(page, kind_label="デュアルシステム受入れ", capacity=2)
    expect(page.get_by_text("株式会社能水商店：受入れ枠2人、空き2人。")).to_be_visible()
    for student in Student.objects.filter(school__name=KAIYO, entry_year=2024):
        page.get_by_label(
            f"{student.class_name}-{student.number} {student.kana_name} 第1希望", exact=True
        ).select_option(label="株式会社能水商店")
    page.get_by_role("button", name="希望を保存して割り当てを提案").click()
    expect(page.get_by_test_id("proposal-summary")).to_contain_text("割り当て対象2人のうち2人を割り当て")
    page.get_by_role("button", name="この割り当てで実習を登録").click()
    expect(page.get_by_test_id("outcome").get_by_role("link", name="株式会社能水商店")).to_have_count(2)
