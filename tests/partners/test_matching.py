"""Matching: ranked candidates with reasons, proposals by email link, answers, engagements, reminders."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.matching import rank_candidates
from partners.models import (
    Company,
    CompanyOffer,
    ContactLog,
    Engagement,
    IndustryDivision,
    NeedStatus,
    OfferKind,
    Proposal,
    ProposalStatus,
    SchoolNeed,
)
from partners.services.matching import proposal_token, proposals_remind


@pytest.fixture
def need(demo):
    # As the views load it: the school and its prefecture come with the need.
    return SchoolNeed.objects.select_related("school__prefecture", "industry").get(
        title="水産加工の施設実習（サケの一次加工）"
    )


def reasons(candidate):
    return {r.factor: (r.value, r.text) for r in candidate.reasons}


def test_ranking_with_reasons(demo, need):
    candidates = rank_candidates(user=demo.users["coordinator-niigata"], need=need)
    names = [c.name for c in candidates]
    assert names == ["株式会社能水商店", "株式会社ひすい海洋開発", "株式会社糸魚川フーズ"]
    nosui, hisui, foods = candidates
    assert reasons(nosui)["history"] == (
        1.0,
        "この学校が「またお願いしたい」と評価。継続中の連携先：今年度この学校の生徒2人を受け入れ中。"
        "この学校との連携実績：連携活動 1件・授業 1回・共同プロジェクト 1件",
    )
    assert reasons(hisui)["history"] == (0.6, "この学校との連携実績：共同プロジェクト 1件")
    assert reasons(foods)["history"] == (0.3, "この学校との連携は初めて")
    assert reasons(nosui)["place"] == (1.0, "学校と同じ市区町村（糸魚川市）")
    assert reasons(hisui)["constraints"] == (0.5, "希望の曜日は受入れ不可")
    assert reasons(hisui)["field"] == (0.8, "水産の学びに近い産業（B）")
    assert reasons(foods)["constraints"][0] == 0.0
    assert "繁忙月（1月）と重なる" in reasons(foods)["constraints"][1]
    assert reasons(foods)["capacity"] == (4 / 6, "期間中の空きは 4人のみ（必要 6人）")
    assert nosui.score > hisui.score > foods.score


def test_score_is_the_weighted_mean_shown(demo, need):
    weights = {"offer": 1, "field": 0, "place": 0, "capacity": 0, "constraints": 0, "history": 0, "recency": 0}
    candidates = rank_candidates(user=demo.users["coordinator-niigata"], need=need, weights=weights)
    assert {c.score for c in candidates} == {100.0}
    weights["constraints"] = 1
    scores = {
        c.name: c.score for c in rank_candidates(user=demo.users["coordinator-niigata"], need=need, weights=weights)
    }
    assert scores == {"株式会社能水商店": 100.0, "株式会社ひすい海洋開発": 75.0, "株式会社糸魚川フーズ": 50.0}


def test_recently_asked_companies_step_back(demo, need):
    coordinator = demo.users["coordinator-niigata"]
    before = {c.name: c for c in rank_candidates(user=coordinator, need=need)}
    other = SchoolNeed.objects.create(
        school=need.school,
        kind=OfferKind.FACILITY,
        title="別件",
        category="fisheries",
        start_on=need.start_on,
        end_on=need.end_on,
        students=2,
    )
    Proposal.objects.create(need=other, company=Company.objects.get(name="株式会社能水商店"), message="m")
    after = {c.name: c for c in rank_candidates(user=coordinator, need=need)}
    assert reasons(after["株式会社能水商店"])["recency"] == (0.0, "30日以内に 1件依頼済み")
    assert after["株式会社能水商店"].score < before["株式会社能水商店"].score


def test_every_tie_with_the_school_counts(client, demo):
    lecture = SchoolNeed.objects.select_related("school__prefecture").get(title="制御技術の出前授業（3年 課題研究）")
    coordinator = demo.users["coordinator"]
    found = {
        c.name: reasons(c)["history"] for c in rank_candidates(user=coordinator, need=lecture, only_with_offer=False)
    }
    # 湖東精機 takes three of the school's students on Wednesdays this year.
    assert found["株式会社湖東精機"] == (0.9, "継続中の連携先：今年度この学校の生徒3人を受け入れ中")
    assert found["株式会社びわ湖システムズ"] == (0.6, "この学校との連携実績：授業 1回・共同プロジェクト 1件")
    assert found["近江エンジニアリング株式会社"][1].endswith("この学校との連携実績：授業 2回")
    ContactLog.objects.create(company=demo.kotoh, school=lecture.school, contacted_on=demo.today, subject="挨拶")
    again = {
        c.name: reasons(c)["history"] for c in rank_candidates(user=coordinator, need=lecture, only_with_offer=False)
    }
    assert again["株式会社湖東精機"] == (
        0.9,
        "継続中の連携先：今年度この学校の生徒3人を受け入れ中。この学校との連携実績：連絡記録 1件",
    )


def test_when_only_asked_companies_are_left_the_page_offers_to_widen(client, demo):
    lecture = SchoolNeed.objects.get(title="制御技術の出前授業（3年 課題研究）")
    client.force_login(demo.users["coordinator"])
    url = reverse("partners:need_candidates", args=[lecture.pk])
    response = client.get(url)
    assert [c.name for c in response.context["candidates"]] == ["近江エンジニアリング株式会社"]  # asked already
    page = response.content.decode()
    assert "この絞り込みで残った候補は、すべて依頼済みです。" in page and "依頼を送る" not in page
    widened = client.get(url + response.context["widen"])
    names = [c.name for c in widened.context["candidates"]]
    assert "株式会社湖東精機" in names and not widened.context["only_asked"]
    assert "依頼を送る" in widened.content.decode()


def test_candidates_stay_within_scope(demo, need):
    shiga = rank_candidates(user=demo.users["coordinator"], need=need, only_with_offer=False)
    assert all(c.prefecture == "滋賀県" for c in shiga)


def test_ranking_query_count_does_not_depend_on_companies(demo, need):
    coordinator = demo.users["coordinator-niigata"]
    manufacturing = IndustryDivision.objects.get(code="E")

    def add(n, start):
        companies = Company.objects.bulk_create(
            Company(name=f"候補{i}", prefecture=need.school.prefecture, industry=manufacturing)
            for i in range(start, start + n)
        )
        CompanyOffer.objects.bulk_create(
            CompanyOffer(company=c, kind=OfferKind.FACILITY, capacity=5) for c in companies
        )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            found = rank_candidates(user=coordinator, need=need, limit=1000)
        return len(captured), len(found)

    add(1, 0)
    few, found_few = queries()
    add(60, 1)
    many, found_many = queries()
    assert found_many == found_few + 60
    assert many == few


def _propose(client, demo, need, names):
    client.force_login(demo.users["coordinator-niigata"])
    ids = [Company.objects.get(name=n).pk for n in names]
    page = client.get(reverse("partners:need_candidates", args=[need.pk]))
    message = page.context["proposal_form"].initial["message"]
    return client.post(reverse("partners:need_propose", args=[need.pk]), {"company": ids, "message": message})


def _link(email):
    return re.search(r"https?://[^\s]+/partners/answer/[^\s]+/", email.body).group(0)


def test_proposals_go_by_email_and_an_accept_becomes_an_engagement(
    client, demo, need, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _propose(client, demo, need, ["株式会社能水商店", "株式会社糸魚川フーズ"])
    assert response.status_code == 302
    assert Proposal.objects.filter(need=need).count() == 2
    sent = [m for m in mail.outbox if "連携のお願い" in m.subject]
    nosui = Proposal.objects.get(need=need, company__name="株式会社能水商店")
    assert sorted(m.to[0] for m in sent) == sorted([nosui.sent_to, "soumu@itoigawa-foods.example.jp"])
    email = next(m for m in sent if m.to == [nosui.sent_to])
    assert "水産加工の施設実習" in email.subject and "6人" in email.body

    client.logout()
    path = _link(email).split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and "サケの一次加工" in page.content.decode()
    response = client.post("/" + path, {"answer": "accept", "name": "能水 太郎"})
    assert "お引き受けいただき" in response.content.decode()
    engagement = Engagement.objects.get(need=need)
    assert (engagement.company.name, engagement.students) == ("株式会社能水商店", 6)
    need.refresh_from_db()
    assert need.status == NeedStatus.MATCHED
    # The link cannot answer twice.
    client.post("/" + path, {"answer": "decline", "reason": "x", "name": "誰か"})
    assert Proposal.objects.get(need=need, company=engagement.company).status == ProposalStatus.ACCEPTED


def test_decline_needs_a_reason_and_keeps_what_was_typed(client, demo, need):
    proposal = Proposal.objects.create(need=need, company=Company.objects.get(name="株式会社糸魚川フーズ"), message="m")
    url = reverse("partners:proposal_answer_link", args=[proposal_token(proposal)])
    response = client.post(url, {"answer": "decline", "reason": "", "name": "川上 真央"})
    html = response.content.decode()
    assert "辞退の理由を一言お書きください" in html and 'value="川上 真央"' in html
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SENT
    client.post(url, {"answer": "decline", "reason": "1月は繁忙期のため", "name": "川上 真努"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason) == (ProposalStatus.DECLINED, "1月は繁忙期のため")


def test_an_empty_answer_names_each_missing_field_at_the_field(client, demo, need):
    proposal = Proposal.objects.create(need=need, company=Company.objects.get(name="株式会社糸魚川フーズ"), message="m")
    url = reverse("partners:proposal_answer_link", args=[proposal_token(proposal)])
    html = client.post(url, {"answer": "", "reason": "", "name": ""}).content.decode()
    assert "このフィールドは必須です" not in html
    missing = {
        "answer": "回答を選んでください。",
        "name": "ご回答者のお名前を入力してください。",
    }
    for field, words in missing.items():
        assert words in html
        assert html.index(f'name="{field}"') < html.index(words)  # under its own field, not at the top
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SENT


def test_company_answers_logged_in(client, demo, need):
    proposal = Proposal.objects.create(need=need, company=demo.nosui, message="m")
    client.force_login(demo.users["company-niigata"])
    assert proposal in client.get(reverse("partners:proposal_list")).context["page"]
    client.post(reverse("partners:proposal_answer", args=[proposal.pk]), {"answer": "accept", "name": "能水 太郎"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


def test_reminder_once_after_five_days(demo, need, django_capture_on_commit_callbacks):
    proposal = Proposal.objects.create(
        need=need, company=demo.nosui, message="m", sent_to="info@nosui.example.jp", mailed_at=timezone.now()
    )
    assert proposals_remind() == 0
    Proposal.objects.filter(pk=proposal.pk).update(mailed_at=timezone.now() - timedelta(days=6))
    assert proposals_remind() == 1
    assert mail.outbox[-1].subject.startswith("【再送】")
    assert proposals_remind() == 0


def test_feedback_feeds_the_next_ranking(client, demo, need):
    engagement = Engagement.objects.get(company=demo.nosui, school=need.school)
    client.force_login(demo.users["teacher-niigata"])
    client.post(
        reverse("partners:engagement_detail", args=[engagement.pk]),
        {"would_host_again": "no", "feedback": "日程の調整が難しかった"},
    )
    engagement.refresh_from_db()
    assert engagement.would_host_again is False
    nosui = next(
        c for c in rank_candidates(user=demo.users["coordinator-niigata"], need=need) if c.name == "株式会社能水商店"
    )
    assert reasons(nosui)["history"][0] == 0.0


def test_reminders_are_scheduled_on_beat(settings):
    from meister.celery import app
    from partners.tasks import remind_unanswered_proposals

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "partners.tasks.remind_unanswered_proposals" in schedule
    assert remind_unanswered_proposals.name in app.tasks


def test_first_acceptance_fills_the_need_and_withdraws_the_rest(client, demo, need):
    nosui = Proposal.objects.create(need=need, company=demo.nosui, message="m", sent_to="a@example.jp")
    foods = Proposal.objects.create(need=need, company=Company.objects.get(name="株式会社糸魚川フーズ"), message="m")
    client.post(
        reverse("partners:proposal_answer_link", args=[proposal_token(nosui)]), {"answer": "accept", "name": "能水"}
    )
    foods.refresh_from_db()
    assert foods.status == ProposalStatus.WITHDRAWN
    late = client.post(
        reverse("partners:proposal_answer_link", args=[proposal_token(foods)]), {"answer": "accept", "name": "川上"}
    )
    assert "この依頼は取り下げられました" in late.content.decode()
    assert Engagement.objects.filter(need=need).count() == 1
    Proposal.objects.filter(pk=foods.pk).update(sent_at=timezone.now() - timedelta(days=9))
    assert proposals_remind() == 0  # nothing to remind about a filled need
    client.force_login(demo.users["coordinator-niigata"])
    response = client.post(
        reverse("partners:need_propose", args=[need.pk]),
        {"company": [Company.objects.get(name="株式会社ひすい海洋開発").pk], "message": "m"},
        follow=True,
    )
    assert "このニーズは募集を終えています。" in response.content.decode()


def test_odd_company_ids_are_ignored(client, demo, need):
    client.force_login(demo.users["coordinator-niigata"])
    response = client.post(
        reverse("partners:need_propose", args=[need.pk]), {"company": ["²", "x"], "message": "m"}, follow=True
    )
    assert response.status_code == 200 and "依頼する企業を選んでください。" in response.content.decode()


@pytest.mark.parametrize("judged_by", ["database", "python"])
def test_busy_months_and_weekdays_are_judged_as_the_rule_says(demo, need, judged_by, monkeypatch):
    """PostgreSQL judges each company's busy months and weekdays (the embedded SQLite cannot, and the lists are
    judged in Python there); either way every combination gets the words of the rule: a busy month inside the need's
    period, or a weekday list that leaves out the need's day (an empty list is no constraint)."""
    if judged_by == "python":
        monkeypatch.setattr(connection.features, "supports_json_field_contains", False)
    assert need.weekday is not None
    template = Company.objects.get(name="株式会社能水商店")
    variants = [
        ([], []),
        ([], [need.weekday]),
        ([], [(need.weekday + 1) % 7]),
        ([need.start_on.month], [need.weekday, (need.weekday + 2) % 7]),
        ([need.end_on.month, (need.end_on.month % 12) + 1], list(range(7))),
        ([(need.end_on.month + 2) % 12 + 1], [(need.weekday + 3) % 7]),
    ]
    made = {}
    for index, (busy, weekdays) in enumerate(variants):
        company = Company.objects.create(
            name=f"制約確認{index}",
            prefecture=template.prefecture,
            busy_months=busy,
            weekdays=weekdays,
        )
        CompanyOffer.objects.create(company=company, kind=need.kind, capacity=10)
        made[company.pk] = (busy, weekdays)
    found = {c.company_id: c for c in rank_candidates(user=demo.users["ministry"], need=need, limit=100_000)}
    for pk, (busy, weekdays) in made.items():
        clash = sorted(set(busy) & need.months)
        refused = bool(weekdays) and need.weekday not in weekdays
        value, words = reasons(found[pk])["constraints"]
        assert value == 1.0 - 0.5 * (bool(clash) + refused)
        assert ("繁忙月（" + "・".join(map(str, clash)) + "月）と重なる" in words) == bool(clash)
        assert ("希望の曜日は受入れ不可" in words) == refused


def test_the_scorers_answer_in_the_order_of_the_factors(demo, need):
    """The ranking weights each scorer by the factor at its place; a scorer answering for another would be weighted
    wrongly."""
    from partners.matching import FACTORS, SCORERS, NeedFacts, candidate_rows

    rows = candidate_rows(
        user=demo.users["coordinator-niigata"], need=need, only_with_offer=False, same_prefecture=False
    )
    assert rows
    for row in rows:
        assert [scorer(NeedFacts.of(need), row).factor for scorer in SCORERS] == list(FACTORS)
