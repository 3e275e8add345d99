"""Supporters: the ministry's assignment per fiscal year is their scope; they write advice that the coordinator
answers, see their consortia with what is overdue, and never a student."""

import datetime

import pytest
from django.urls import reverse

from meister.fiscal import current_fiscal_year
from meister.models import Role, User
from meister.scoping import visible_to
from partners.models import Consortium
from programme import selectors, services
from programme.models import AdviceStatus, AdviceThread, SupportAssignment


@pytest.fixture
def companion(demo):
    return User.objects.create(username="companion-2", role=Role.SUPPORTER, last_name="伴走", first_name="二郎")


def test_a_supporter_sees_the_consortia_assigned_this_year_only(demo, companion):
    fy = current_fiscal_year()
    assert not visible_to(Consortium.objects.all(), companion).exists()
    SupportAssignment.objects.create(supporter=companion, consortium=demo.niigata_consortium, fiscal_year=fy + 1)
    assert not visible_to(Consortium.objects.all(), companion).exists(), "next year's assignment is not this year's"
    SupportAssignment.objects.create(supporter=companion, consortium=demo.shiga_consortium, fiscal_year=fy)
    assert list(visible_to(Consortium.objects.all(), companion)) == [demo.shiga_consortium]


def test_the_ministry_assigns_and_only_a_supporter_can_be_assigned(client, demo, companion):
    client.force_login(demo.users["ministry"])
    url = reverse("programme:assignment_create")
    fy = current_fiscal_year()
    data = {"supporter": companion.pk, "part": "companion", "consortium": demo.shiga_consortium.pk, "fiscal_year": fy}
    assert client.post(url, data).status_code == 302
    assert SupportAssignment.objects.filter(supporter=companion, fiscal_year=fy).count() == 1
    teacher = demo.users["teacher"]
    refused = client.post(url, {**data, "supporter": teacher.pk, "consortium": demo.niigata_consortium.pk})
    assert refused.status_code == 200
    assert "supporter" in refused.context["form"].errors
    assert not SupportAssignment.objects.filter(supporter=teacher).exists()


@pytest.mark.parametrize("persona", ["supporter", "surveyor"])
def test_a_contractor_is_answered_404_on_every_student_page(client, demo, persona):
    placement = demo.kotoh.placements.order_by("pk")[0]
    client.force_login(demo.users[persona])
    for url in (
        reverse("curricula:student_list"),
        reverse("curricula:placement_list"),
        reverse("curricula:placement_detail", args=[placement.pk]),
        reverse("curricula:student_record_pdf", args=[placement.student_id]),
        reverse("curricula:placement_detail", args=[999_999]),
    ):
        assert client.get(url).status_code == 404, url
    # the same page as the school's teacher sees it: the refusal is the contractor's, not the page's
    client.force_login(demo.users["teacher"])
    assert client.get(reverse("curricula:placement_detail", args=[placement.pk])).status_code == 200


def test_a_supporter_sees_their_consortium_without_its_students(client, demo):
    placement = demo.kotoh.placements.order_by("pk")[0]
    client.force_login(demo.users["supporter"])
    page = client.get(reverse("partners:consortium_detail", args=[demo.shiga_consortium.pk]))
    assert page.status_code == 200
    assert placement.student.kana_name not in page.content.decode()


def test_advice_goes_back_and_forth_and_the_overdue_show(client, demo, travel):
    supporter, coordinator = demo.users["supporter"], demo.users["coordinator"]
    thread = services.advice_thread_open(
        user=supporter,
        thread=AdviceThread(
            consortium=demo.shiga_consortium,
            subject="KPIの見直し",
            follow_up_on=demo.today + datetime.timedelta(days=7),
        ),
        body="自己効力感の目標値を学科ごとに分けてはどうでしょう。",
    )
    assert thread.status == AdviceStatus.AWAITING_COORDINATOR
    client.force_login(coordinator)
    page = client.get(reverse("programme:advice_detail", args=[thread.pk]))
    assert "自己効力感の目標値" in page.content.decode()
    client.post(reverse("programme:advice_detail", args=[thread.pk]), {"body": "来月の運営委員会で決めます。"})
    thread.refresh_from_db()
    assert thread.status == AdviceStatus.AWAITING_SUPPORTER
    assert thread.messages.count() == 2

    travel(demo.today + datetime.timedelta(days=8))
    row = selectors.supported_consortia(user=supporter, fiscal_year=current_fiscal_year()).get(
        pk=demo.shiga_consortium.pk
    )
    # The demo's own thread is three days past its date already; this one is now a day past.
    assert row.overdue == 2
    assert row.awaiting_supporter == 1


def test_an_outsider_supporter_gets_404_and_cannot_write_into_another_consortium(client, demo):
    thread = AdviceThread.objects.filter(consortium=demo.shiga_consortium)[0]
    outsider = demo.users["supporter-niigata"]
    client.force_login(outsider)
    assert client.get(reverse("programme:advice_detail", args=[thread.pk])).status_code == 404
    before = AdviceThread.objects.count()
    response = client.post(
        reverse("programme:advice_create"),
        {"consortium": demo.shiga_consortium.pk, "kind": "advice", "subject": "越境", "body": "本文"},
    )
    assert response.status_code == 200
    assert "consortium" in response.context["form"].errors
    assert AdviceThread.objects.count() == before


def test_the_overview_costs_the_same_queries_for_more_consortia(client, demo):
    client.force_login(demo.users["ministry"])
    url = reverse("programme:support_overview")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    fy = current_fiscal_year()
    supporter = demo.users["supporter"]
    for index in range(5):
        consortium = Consortium.objects.create(name=f"追加の管理機関{index}", prefecture=demo.hikone.prefecture)
        SupportAssignment.objects.create(supporter=supporter, consortium=consortium, fiscal_year=fy)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


@pytest.mark.parametrize(("persona", "offered"), [("ministry", False), ("prefecture", False), ("supporter", True)])
def test_the_overview_offers_writing_advice_only_to_who_may_write_it(client, demo, persona, offered):
    client.force_login(demo.users[persona])
    page = client.get(reverse("programme:support_overview")).content.decode()
    assert (reverse("programme:advice_create") in page) is offered
    answer = client.get(reverse("programme:advice_create"))
    assert (answer.status_code == 200) is offered


def test_a_reply_whose_writer_was_deleted_still_reads(client, demo, companion):
    """A message keeps its words when its writer's account is deleted; the thread shows it without a name."""
    thread = AdviceThread.objects.filter(consortium=demo.shiga_consortium).order_by("pk")[0]
    thread.messages.create(author=companion, body="退任前の助言です。")
    companion.delete()
    client.force_login(demo.users["coordinator"])
    page = client.get(reverse("programme:advice_detail", args=[thread.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "退任前の助言です。" in text and "（削除された利用者）" in text
    client.cookies["django_language"] = "en"
    assert "(deleted user)" in client.get(reverse("programme:advice_detail", args=[thread.pk])).content.decode()
