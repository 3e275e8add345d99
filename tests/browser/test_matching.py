"""The Niigata coordinator matches a need in Chromium; the company accepts through the emailed link."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from partners.models import Engagement, SchoolNeed
from tests.browser.sign_in import log_in
from tests.browser.test_roles import go_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_need_to_engagement(page, live_server, demo):
    need = SchoolNeed.objects.get(title="水産加工の施設実習（サケの一次加工）")
    log_in(page, live_server, "coordinator-niigata")

    go_to(page, "ニーズ")
    page.get_by_role("link", name=need.title).click()
    page.get_by_role("link", name="候補企業を見る").click()
    rows = page.get_by_test_id("candidate")
    expect(rows.first).to_contain_text("株式会社能水商店")
    expect(rows.first).to_contain_text("この学校が「またお願いしたい」と評価")
    expect(page.get_by_text("繁忙月（1月）と重なる")).to_be_visible()

    page.get_by_label("株式会社能水商店").check()
    page.get_by_label("株式会社ひすい海洋開発").check()
    page.get_by_role("button", name="依頼を送る").click()
    expect(page.get_by_text("2社に依頼を送りました。")).to_be_visible()
    expect(page.get_by_test_id("proposal-row")).to_have_count(2)

    email = next(m for m in mail.outbox if "連携のお願い" in m.subject and "能水" in m.body)
    path = re.search(r"/partners/answer/[^\s]+/", email.body).group(0)
    company = page.context.browser.new_context(locale="ja-JP")  # the company's own browser, not logged in
    answer = company.new_page()
    answer.goto(live_server.url + path)
    expect(answer.get_by_text("サケの一次加工").first).to_be_visible()
    answer.get_by_label("お引き受けする").check()
    answer.get_by_label("ご回答者のお名前").fill("能水 太郎")
    answer.get_by_role("button", name="回答を送る").click()
    expect(answer.get_by_test_id("answer-result")).to_contain_text("お引き受けいただき")
    company.close()

    page.reload()
    expect(page.get_by_text("受諾")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("株式会社能水商店：水産加工の施設実習"))).to_be_visible()
    assert Engagement.objects.filter(need=need, company__name="株式会社能水商店").exists()
