"""Companies answer, not just accept: a question or a counter-proposal, the coordinator's reply or acceptance,
and the warning when a request asks for more students than the company takes."""

import pytest
from django.core import mail
from django.urls import reverse

from partners.models import Company, Engagement, ExchangeKind, NeedStatus, Proposal, ProposalStatus, SchoolNeed
from partners.services.matching import proposal_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(demo):
    return SchoolNeed.objects.select_related("school").get(title="水産加工の施設実習（サケの一次加工）")


@pytest.fixture
def proposal(demo, need):
    return Proposal.objects.create(
        need=need,
        company=demo.nosui,
        message="ご相談",
        sent_to="nosui@example.jp",
        sent_by=demo.users["coordinator-niigata"],
    )


def test_the_company_proposes_fewer_students_and_the_coordinator_accepts(
    client, demo, need, proposal, django_capture_on_commit_callbacks
):
    url = reverse("partners:proposal_answer_link", args=[proposal_token(proposal)])
    fewer = need.students - 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"answer": "counter", "students": str(fewer), "text": "3月は人手が少ないため", "name": "能水 太郎"}
        )
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COUNTERED
    coordinator = demo.users["coordinator-niigata"]
    if coordinator.email:
        assert any(coordinator.email in m.to and "条件の提案" in m.subject for m in mail.outbox)

    client.force_login(coordinator)
    page = client.get(reverse("partners:proposal_detail", args=[proposal.pk]))
    assert page.status_code == 200 and f"{fewer}人" in page.content.decode()
    response = client.post(reverse("partners:proposal_detail", args=[proposal.pk]), {"action": "accept_counter"})
    assert response.status_code == 302
    engagement = Engagement.objects.get(proposal=proposal)
    assert (engagement.students, engagement.start_on) == (fewer, need.start_on)
    need.refresh_from_db()
    assert need.status == NeedStatus.MATCHED
    kinds = list(proposal.exchanges.values_list("kind", flat=True))
    assert kinds == [ExchangeKind.COUNTER, ExchangeKind.COUNTER_ACCEPTED]


def test_a_question_is_answered_and_the_company_can_then_accept(
    client, demo, proposal, django_capture_on_commit_callbacks
):
    url = reverse("partners:proposal_answer_link", args=[proposal_token(proposal)])
    refused = client.post(url, {"answer": "question", "text": "", "name": "能水 太郎"})
    assert refused.status_code == 400 and "質問の内容を入力してください" in refused.content.decode()
    client.post(url, {"answer": "question", "text": "作業着は貸与ですか", "name": "能水 太郎"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.QUESTION

    client.force_login(demo.users["coordinator-niigata"])
    detail = reverse("partners:proposal_detail", args=[proposal.pk])
    assert client.post(detail, {"action": "reply", "text": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(detail, {"action": "reply", "text": "学校で用意します"}).status_code == 302
    reply = next(m for m in mail.outbox if m.to == ["nosui@example.jp"])
    assert "学校で用意します" in reply.body and "/partners/answer/" in reply.body
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SENT

    client.logout()
    page = client.get(url).content.decode()
    assert "作業着は貸与ですか" in page and "学校で用意します" in page
    client.post(url, {"answer": "accept", "name": "能水 太郎"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


def test_a_counter_proposal_must_change_something_and_ask_no_more(client, proposal, need):
    url = reverse("partners:proposal_answer_link", args=[proposal_token(proposal)])
    more = client.post(url, {"answer": "counter", "students": str(need.students + 1), "name": "能水 太郎"})
    assert more.status_code == 400 and "以下にしてください" in more.content.decode()
    same = client.post(url, {"answer": "counter", "students": str(need.students), "name": "能水 太郎"})
    assert same.status_code == 400
    empty = client.post(url, {"answer": "counter", "name": "能水 太郎"})
    assert empty.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SENT and not proposal.exchanges.exists()


def test_a_request_above_capacity_warns_both_sides(client, demo, need, proposal):
    Company.objects.filter(pk=demo.nosui.pk).update(max_students=need.students - 1)
    url = reverse("partners:proposal_answer_link", args=[proposal_token(proposal)])
    assert 'data-testid="capacity-warning"' in client.get(url).content.decode()
    client.force_login(demo.users["coordinator-niigata"])
    assert (
        'data-testid="capacity-warning"' in client.get(reverse("partners:need_detail", args=[need.pk])).content.decode()
    )
    Company.objects.filter(pk=demo.nosui.pk).update(max_students=need.students)
    assert (
        'data-testid="capacity-warning"'
        not in client.get(reverse("partners:need_detail", args=[need.pk])).content.decode()
    )


def test_only_the_coordinator_side_accepts_a_counter_proposal(client, demo, proposal):
    url = reverse("partners:proposal_answer_link", args=[proposal_token(proposal)])
    client.post(url, {"answer": "counter", "students": "1", "name": "能水 太郎"})
    client.force_login(demo.users["company-niigata"])
    detail = reverse("partners:proposal_detail", args=[proposal.pk])
    assert client.post(detail, {"action": "accept_counter"}).status_code == 403
    client.force_login(demo.users["coordinator"])
    assert client.post(detail, {"action": "accept_counter"}).status_code == 404
    assert not Engagement.objects.filter(proposal=proposal).exists()
