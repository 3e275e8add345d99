"""On a phone (390×844): a student signs in, writes the day's diary (the text survives a session that expired before
it was saved), submits it; the mentor reads it through the e-mailed link and comments; the student fills the final
self-evaluation; the teacher sees it beside the mentor's and the practice record prints the diary and both."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from curricula import links
from curricula.models import DayLog, DiaryEntry, DiaryStatus, LogStatus, Placement
from curricula.services import evaluations as evaluation_services
from meister.models import User
from tests.browser.test_evaluations import PHONE, fits_the_screen, phone
from tests.browser.test_roles import log_in
from tests.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_writes_the_diary_the_mentor_comments_and_the_record_prints_it(browser, live_server, demo, axe):
    account = User.objects.get(username="student")  # the demo's student persona, with the demo password
    placement = Placement.objects.filter(student__account=account).select_related("mentor").order_by("pk")[0]
    log = DayLog.objects.filter(placement=placement, status=LogStatus.PENDING).order_by("-day").first()
    assert log is not None

    student = phone(browser)
    log_in(student, live_server, "student")
    student.goto(f"{live_server.url}/curricula/diary/")
    assert axe(student) == []
    fits_the_screen(student)
    student.locator(f'[data-testid="diary-day"][data-day="{log.day.isoformat()}"]').get_by_role("link").click()
    expect(student.get_by_test_id("diary-title")).to_be_visible()
    student.get_by_label("今日したこと").fill("NC旋盤の段取りを見学し、材料の芯出しを手伝った。")

    # The session ends before the save: the post goes to the sign-in page, and the text comes back after it.
    student.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    student.get_by_test_id("save-draft").click()
    expect(student).to_have_url(re.compile(r"/accounts/login/\?next=/curricula/diary/"))
    student.get_by_label("ユーザー名").fill("student")
    student.get_by_label("パスワード").fill("meister-demo")
    student.get_by_role("button", name="ログイン").click()
    expect(student.get_by_test_id("draft-restored")).to_be_visible()
    expect(student.get_by_label("今日したこと")).to_have_value("NC旋盤の段取りを見学し、材料の芯出しを手伝った。")

    student.get_by_test_id("submit-diary").click()
    expect(student.locator("#learned-error")).to_be_visible()  # kept as a draft, the problem by its field
    assert DiaryEntry.objects.get(placement=placement, day=log.day).status == DiaryStatus.DRAFT
    student.get_by_label("学んだこと・気づいたこと").fill("芯がずれると仕上がり寸法が変わる。")
    student.get_by_test_id("submit-diary").click()
    expect(student.get_by_test_id("diary-submitted")).to_be_visible()
    assert axe(student) == []
    fits_the_screen(student)

    mentor = phone(browser)
    mentor.goto(f"{live_server.url}/curricula/confirm/{links.CONFIRMATION.token(placement.mentor_id)}/")
    diary = mentor.get_by_test_id("mentor-diary").filter(has_text="芯がずれると")
    expect(diary).to_be_visible()
    card = mentor.get_by_test_id("pending-log").filter(has=diary)
    card.get_by_test_id("diary-comment").fill("芯出しの理由まで書けていて良いです。")
    card.get_by_role("button", name="確認する").click()
    expect(mentor.get_by_text("記録を確認しました")).to_be_visible()
    entry = DiaryEntry.objects.get(placement=placement, day=log.day)
    assert entry.mentor_comment == "芯出しの理由まで書けていて良いです。"

    mentor_evaluation = evaluation_services.evaluation_for(placement, "final", "mentor")
    evaluation_services.evaluation_save(
        evaluation=mentor_evaluation,
        levels={q.key: 3 for q in evaluation_services.questions(mentor_evaluation)},
        comment="安全への意識が高い。",
        submit=True,
        written_by="湖東 精一",
    )
    student.goto(f"{live_server.url}/curricula/placements/{placement.pk}/evaluations/final/self/")
    questions = student.get_by_test_id("question")
    for index in range(questions.count()):
        questions.nth(index).get_by_role("radio").nth(1).check()
    student.get_by_label("所見（よかった点・これからの課題）").fill("報告をもっと早くしたい。")
    fits_the_screen(student)
    student.get_by_test_id("submit-evaluation").click()
    expect(student.get_by_test_id("evaluation-submitted")).to_be_visible()

    teacher = phone(browser)
    log_in(teacher, live_server, "teacher")
    teacher.goto(f"{live_server.url}/curricula/placements/{placement.pk}/evaluations/final/")
    expect(teacher.get_by_test_id("evaluation-chart")).to_be_visible()
    expect(teacher.get_by_test_id("comparison-row").first.get_by_test_id("mentor-level")).to_have_text("A")
    expect(teacher.get_by_test_id("comparison-row").first.get_by_test_id("self-level")).to_have_text("B")
    assert axe(teacher) == []
    record = teacher.request.get(
        f"{live_server.url}/curricula/students/{placement.student_id}/record.pdf", timeout=180_000
    )
    text = pdf_text(record.body()).replace("\n", "")
    for words in ("芯がずれると", "芯出しの理由まで", "最終評価", "安全への意識が高い", "報告をもっと早くしたい"):
        assert words in text
    assert teacher.viewport_size == PHONE
