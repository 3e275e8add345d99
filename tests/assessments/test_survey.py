"""The fact-finding survey by signed link, reminders, response rates, tabulation, and the practice library."""

import datetime

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import IssueKind, Practice, Recipient, Survey, SurveyAnswer
from assessments.services import survey as services_survey


def _survey():
    return Survey.objects.order_by("pk")[0]


def test_demo_survey_reaches_both_prefectures_schools_and_companies(demo):
    survey = _survey()
    types = set(survey.recipients.values_list("respondent_type", flat=True))
    assert types == {"prefecture", "school", "company"}
    assert survey.recipients.filter(answer__isnull=False).count() == 3


def test_answer_through_the_link_appears_in_the_tabulation(client, demo, settings):
    settings.ASSESSMENTS_SUPPRESSION_THRESHOLD = 1
    survey = _survey()
    recipient = survey.recipients.get(name="株式会社能水商店")
    url = reverse("assessments:survey_answer_link", args=[services_survey.recipient_token(recipient)])
    page = client.get(url)
    assert page.status_code == 200 and survey.title in page.content.decode()
    response = client.post(
        url,
        {
            "stage": "3",
            "issues": ["recruiting", "funding"],
            "issue_detail": "販路の確保が難しい",
            "solution_issue": "funding",
            "solution": "道の駅のアンテナショップでの販売収益を実習費に充てた",
            "answered_by": "能水 太郎",
        },
    )
    assert response.status_code == 200
    assert "ご回答ありがとうございました" in response.content.decode()
    assert SurveyAnswer.objects.get(recipient=recipient).issues == ["recruiting", "funding"]

    client.force_login(demo.users["ministry"])
    table = client.get(reverse("assessments:survey_tabulation", args=[survey.pk]))
    body = table.content.decode()
    assert "道の駅のアンテナショップでの販売収益を実習費に充てた" in body
    assert "新潟県" in body
    assert table.context["table"]["n"] == 4
    by_block = client.get(reverse("assessments:survey_tabulation", args=[survey.pk]) + "?by=block")
    assert "中部" in by_block.content.decode()
    rates = client.get(reverse("assessments:survey_detail", args=[survey.pk])).context["rates"]
    assert rates[-1]["answered"] == 4


def test_small_cells_are_suppressed(client, demo):
    client.force_login(demo.users["ministry"])
    table = client.get(reverse("assessments:survey_tabulation", args=[_survey().pk])).context["table"]
    assert table["n"] == 3
    assert all(t["total"] is None for row in table["stage_rows"] for t in row["types"])


def test_no_answer_after_the_deadline(client, demo):
    survey = _survey()
    Survey.objects.filter(pk=survey.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    recipient = survey.recipients.get(name="株式会社能水商店")
    url = reverse("assessments:survey_answer_link", args=[services_survey.recipient_token(recipient)])
    response = client.post(url, {"stage": "3", "answered_by": "能水 太郎"})
    assert "回答期限を過ぎている" in response.content.decode()
    assert not SurveyAnswer.objects.filter(recipient=recipient).exists()


def test_send_then_remind_once_before_the_deadline(client, demo):
    survey = _survey()
    Recipient.objects.filter(survey=survey).update(email="")
    Recipient.objects.filter(survey=survey, name="株式会社能水商店").update(email="info@example.jp")
    client.force_login(demo.users["ministry"])
    client.post(reverse("assessments:survey_send", args=[survey.pk]))
    assert len(mail.outbox) == 1 and "/assessments/surveys/answer/" in mail.outbox[0].body
    Survey.objects.filter(pk=survey.pk).update(deadline=timezone.localdate() + datetime.timedelta(days=3))
    call_command("remind_surveys", verbosity=0)
    call_command("remind_surveys", verbosity=0)
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith("【再送】")


def test_prefecture_creates_a_survey_of_its_own_prefecture(client, demo):
    client.force_login(demo.users["prefecture"])
    response = client.post(
        reverse("assessments:survey_create"),
        {
            "title": "滋賀県 連携状況調査",
            "fiscal_year": "2026",
            "deadline": "2027-01-31",
            "respondent_types": ["school", "company"],
        },
    )
    survey = Survey.objects.get(title="滋賀県 連携状況調査")
    assert response.status_code == 302
    assert set(survey.recipients.values_list("prefecture__code", flat=True)) == {"25"}
    client.force_login(demo.users["prefecture-niigata"])
    assert client.get(reverse("assessments:survey_detail", args=[survey.pk])).status_code == 404


def test_practice_library_has_the_two_cases_and_grows(client, demo):
    client.force_login(demo.users["coordinator"])
    listing = client.get(reverse("assessments:practice_list") + "?q=能水商店")
    assert [p.title for p in listing.context["page"]] == [
        "地域資源を題材にした課題研究と販売の場：鮭の放流・モズク育成域マップ・アンテナショップ「能水商店」"
    ]
    assert client.get(reverse("assessments:practice_list") + "?q=プログレス実習").context["page"].paginator.count == 1
    response = client.post(
        reverse("assessments:practice_create"),
        {
            "title": "企業説明会を学校で開く",
            "stage": "2",
            "issue": IssueKind.RECRUITING,
            "summary": "受入れ候補企業を学校に招き、実習の様子を見てもらう。",
            "consortium": demo.shiga_consortium.pk,
        },
    )
    assert response.status_code == 302
    practice = Practice.objects.get(title="企業説明会を学校で開く")
    assert practice.prefecture.code == "25"
    stage_two = client.get(reverse("assessments:practice_list") + "?stage=2&issue=recruiting")
    assert [p.title for p in stage_two.context["page"]] == ["企業説明会を学校で開く"]


def test_reported_solution_becomes_a_practice(client, demo):
    survey = _survey()
    answer = SurveyAnswer.objects.filter(recipient__survey=survey).exclude(solution="").order_by("pk")[0]
    client.force_login(demo.users["ministry"])
    url = reverse("assessments:survey_answer_to_practice", args=[survey.pk, answer.pk])
    response = client.post(url)
    practice = Practice.objects.get(source=answer)
    assert response.status_code == 302 and practice.summary == answer.solution
