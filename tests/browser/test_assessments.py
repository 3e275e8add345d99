"""In Chromium: the teacher types answers on the grid, the coordinator reads the change, a company answers a survey."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Administration, Instrument, Survey, SurveyAnswer
from assessments.services.survey import recipient_token
from meister.fiscal import current_fiscal_year
from tests.browser.sign_in import log_in
from tests.browser.test_roles import go_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_grid_keeps_input_on_error(page, live_server, demo):
    pre = Administration.objects.filter(school=demo.hikone, instrument__code="grit-s", timing="pre")[0]
    administration = Administration.objects.create(
        instrument=Instrument.objects.get(code="grit-s"),
        school=demo.hikone,
        entry_year=pre.entry_year,
        fiscal_year=current_fiscal_year(),
        timing="mid",
    )
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/assessments/administrations/{administration.pk}/grid/")
    first = page.get_by_test_id("grid-row").first.locator("input").first
    first.click()
    for key in ["4", "ArrowRight", "4", "ArrowRight", "9"]:
        page.keyboard.press(key)
    page.keyboard.press("Enter")  # moves down, does not submit
    expect(page.get_by_test_id("grid-row").nth(1).locator("input").nth(2)).to_be_focused()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("grid-errors")).to_contain_text("「9」は回答できません")
    expect(first).to_have_value("4")
    assert administration.responses.count() == 0


def test_coordinator_sees_the_change_and_a_company_answers_the_survey(page, live_server, demo):
    log_in(page, live_server, "coordinator")
    go_to(page, "アセスメント")
    page.get_by_role("link", name="結果を見る").first.click()
    expect(page.get_by_test_id("instrument-result").first).to_contain_text("やり抜く力")
    expect(page.get_by_test_id("change-chart").first).to_be_visible()
    expect(page.get_by_test_id("ci").first).to_have_text(re.compile(r"\[-?\d+\.\d\d, -?\d+\.\d\d\]"))

    survey = Survey.objects.order_by("pk")[0]
    recipient = survey.recipients.get(name="株式会社ひすい海洋開発")
    company = page.context.browser.new_context(locale="ja-JP")
    answer = company.new_page()
    answer.goto(f"{live_server.url}/assessments/surveys/answer/{recipient_token(recipient)}/")
    answer.get_by_label("3 連携実践期（授業・実習を継続して実施）").check()
    answer.get_by_label("連携先企業の開拓・確保").check()
    answer.get_by_label("ご回答者").fill("ひすい 海子")
    answer.get_by_role("button", name="回答を送る").click()
    expect(answer.get_by_test_id("answer-result")).to_contain_text("ご回答ありがとうございました")
    company.close()
    assert SurveyAnswer.objects.get(recipient=recipient).stage == 3
