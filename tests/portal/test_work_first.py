"""Each role's dashboard opens on the work waiting for it: every number is the rows of the list it links to, the
numbers are right on the demo, and a dashboard costs the same queries however many rows lie behind it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from assessments.models import Recipient, Survey
from curricula.models import (
    AgreementStatus,
    DayLog,
    DiaryEntry,
    DiaryStatus,
    LogStatus,
    Placement,
    PlacementKind,
    Student,
)
from meister.fiscal import current_fiscal_year, fiscal_year_bounds
from meister.models import Role
from partners.models import (
    ActionItem,
    Company,
    Consortium,
    Designation,
    DesignationType,
    Meeting,
    MeetingKind,
    NeedStatus,
    OfferKind,
    Prefecture,
    Proposal,
    ProposalStatus,
    SchoolNeed,
)
from programme.models import AdviceStatus, AdviceThread

WORKING_ROLES = ("teacher", "coordinator", "company", "prefecture", "supporter", "surveyor", "ministry", "admin")


def _work(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    return {item.key: item for item in response.context["work"]}


def _rows_behind(client, url: str) -> int:
    """How many rows the page at `url` lists."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if url.endswith("#invitations"):  # the people page's pending invitations
        return len(context["invitations"])
    if "state_threads" in context:  # the support overview, narrowed to threads
        return len(context["state_threads"])
    if "surveys" in context:
        return len(context["surveys"])
    if "page" in context:
        return context["page"].paginator.count
    if "meetings" in context:
        meetings = list(context["meetings"])
        if "meetings=due" in url:
            return sum(len(meeting.action_items.all()) for meeting in meetings)
        return len(meetings)
    if "logs" in context:  # the company's confirmations
        return len(context["logs"])
    return len(context["rows"])  # the PDCA list


def _need(demo, title, **extra):
    return SchoolNeed.objects.create(
        school=demo.hikone,
        kind=OfferKind.FACILITY,
        title=title,
        category="industry",
        start_on=demo.today,
        end_on=demo.today + datetime.timedelta(days=60),
        students=2,
        **extra,
    )


def _shiga_company(demo):
    return Company.objects.filter(prefecture=demo.hikone.prefecture).exclude(pk=demo.kotoh.pk).order_by("pk").first()


@pytest.fixture
def busy(demo):
    """The demo with some of each kind of work: a need nobody was asked about, a company's question, a diary waiting
    for the teacher, a meeting next week with an action item due and one overdue (and one done)."""
    _need(demo, "まだ依頼していないニーズ")
    asked = _need(demo, "質問が来たニーズ")
    Proposal.objects.create(need=asked, company=_shiga_company(demo), message="m", status=ProposalStatus.QUESTION)
    placement = demo.kotoh.placements.filter(student__school=demo.hikone).order_by("pk").first()
    log = placement.logs.order_by("day").first()
    DiaryEntry.objects.create(
        placement=placement, day=log.day, did="旋盤", status=DiaryStatus.SUBMITTED, submitted_at=timezone.now()
    )
    meeting = Meeting.objects.create(
        consortium=demo.shiga_consortium,
        kind=MeetingKind.STEERING,
        held_on=demo.today + datetime.timedelta(days=7),
        title="運営委員会",
    )
    ActionItem.objects.create(meeting=meeting, description="報告", owner="A", due_on=demo.today)
    ActionItem.objects.create(
        meeting=meeting, description="遅れ", owner="B", due_on=demo.today - datetime.timedelta(days=2)
    )
    ActionItem.objects.create(meeting=meeting, description="済み", owner="C", due_on=demo.today, done=True)
    # The supporter's: a question waiting for their answer (the demo's own advice is past its follow-up date).
    AdviceThread.objects.create(
        consortium=demo.shiga_consortium,
        subject="受入れ企業の増やし方",
        kind="consultation",
        status=AdviceStatus.AWAITING_SUPPORTER,
        follow_up_on=demo.today + datetime.timedelta(days=10),
    )
    # The survey's: the link sent to three of its addressees, none of whom has answered yet.
    waiting = Recipient.objects.filter(survey__deadline__gte=demo.today, answer__isnull=True).exclude(email="")[:3]
    Recipient.objects.filter(pk__in=[r.pk for r in waiting]).update(sent_at=timezone.now())
    # The admin's: a prefecture's officer invited and not yet registered.
    Invitation.objects.create(
        email="shinnin@pref.example.jp",
        last_name="新任",
        role=Role.PREFECTURE,
        prefecture=demo.hikone.prefecture,
        invited_by=demo.users["admin"],
    )
    return demo


@pytest.mark.parametrize("persona", WORKING_ROLES)
def test_every_number_is_the_rows_of_the_list_it_links_to(client, busy, persona):
    work = _work(client, busy.users[persona])
    assert work
    for key, item in work.items():
        assert _rows_behind(client, item.url) == item.count, (key, item.url)


def test_the_teachers_numbers_on_the_demo(client, busy):
    work = _work(client, busy.users["teacher"])
    today, hikone = busy.today, busy.hikone
    unsigned = Placement.objects.filter(student__school=hikone, ends_on__gte=today).exclude(
        agreement_status=AgreementStatus.SIGNED
    )
    assert work["unsigned"].count == unsigned.count() > 0
    rejected = DayLog.objects.filter(placement__student__school=hikone, status=LogStatus.REJECTED)
    assert work["rejected"].count == rejected.count() > 0
    assert work["missing"].count > 0
    assert (work["diary"].count, work["diary"].note) == (1, "日誌 1 件")
    assert work["evaluation"].count > 0


def test_signing_an_agreement_takes_it_off_the_teachers_list(client, busy):
    before = _work(client, busy.users["teacher"])["unsigned"].count
    placement = Placement.objects.filter(student__school=busy.hikone, ends_on__gte=busy.today).exclude(
        agreement_status=AgreementStatus.SIGNED
    )[0]
    Placement.objects.filter(pk=placement.pk).update(agreement_status=AgreementStatus.SIGNED)
    assert _work(client, busy.users["teacher"])["unsigned"].count == before - 1


def test_a_teachers_comment_takes_the_diary_off_the_list(client, busy):
    DiaryEntry.objects.update(teacher_comment="よく書けています")
    assert _work(client, busy.users["teacher"])["diary"].count == 0


def test_the_coordinators_numbers_on_the_demo(client, busy):
    work = _work(client, busy.users["coordinator"])
    shiga = busy.shiga_consortium
    assert work["needs"].count == 1
    sent = Proposal.objects.filter(need__school__consortia=shiga, status=ProposalStatus.SENT)
    assert work["proposals"].count == sent.count() > 0
    oldest = min(timezone.localdate(p.sent_at) for p in sent)
    assert work["proposals"].note == f"最長 {(busy.today - oldest).days} 日待ち"
    assert work["replies"].count == 1
    assert work["meetings"].count == 1
    assert work["advice"].count == 1  # the supporter's advice, waiting for the consortium's answer
    assert (work["action_items"].count, work["action_items"].note) == (2, "うち期限切れ 1")
    assert work["diary"].count == 1
    # The Niigata coordinator sees none of Shiga's work, only its own.
    other = _work(client, busy.users["coordinator-niigata"])
    own_needs = SchoolNeed.objects.filter(
        school__consortia=busy.niigata_consortium, status=NeedStatus.OPEN, proposals__isnull=True
    )
    assert other["needs"].count == own_needs.count()
    assert (other["replies"].count, other["meetings"].count, other["diary"].count) == (0, 0, 0)


def test_the_supporters_numbers_are_their_consortia_only(client, busy):
    work = _work(client, busy.users["supporter"])
    assert (work["advice_waiting"].count, work["advice_overdue"].count) == (1, 1)
    page = client.get(work["advice_waiting"].url).content.decode()
    assert "受入れ企業の増やし方" in page and "福井県への訪問助言の準備" not in page
    assert "福井県への訪問助言の準備" in client.get(work["advice_overdue"].url).content.decode()
    # Niigata's supporter is not assigned to Shiga: nothing of it waits for them.
    other = _work(client, busy.users["supporter-niigata"])
    assert (other["advice_waiting"].count, other["advice_overdue"].count) == (0, 0)


def test_the_surveyors_and_the_ministrys_numbers_are_the_open_surveys(client, busy):
    survey = Survey.objects.get(deadline__gte=busy.today)  # this year's; an older one is closed
    unanswered = survey.recipients.filter(sent_at__isnull=False, answer__isnull=True).count()
    assert unanswered == 3
    for persona in ("surveyor", "ministry"):
        work = _work(client, busy.users[persona])
        assert (work["surveys_open"].count, work["surveys_open"].note) == (1, "未回答 3 件")
        assert work["surveys_unsent"].count == 1  # other addressees have not had the link yet
    # Once everyone with an address has had it, and the deadline passed, nothing is left to do.
    survey.recipients.update(sent_at=timezone.now())
    assert _work(client, busy.users["surveyor"])["surveys_unsent"].count == 0
    Survey.objects.filter(pk=survey.pk).update(deadline=busy.today - datetime.timedelta(days=1))
    assert _work(client, busy.users["surveyor"])["surveys_open"].count == 0


def test_the_admins_number_is_the_invitations_not_yet_answered(client, busy):
    work = _work(client, busy.users["admin"])
    assert work["invitations"].count == Invitation.objects.pending().count() > 0
    Invitation.objects.update(accepted_at=timezone.now())
    assert _work(client, busy.users["admin"])["invitations"].count == 0


def test_the_companys_numbers_on_the_demo(client, busy):
    work = _work(client, busy.users["company"])
    sent = Proposal.objects.filter(company=busy.kotoh, status=ProposalStatus.SENT)
    assert work["proposals"].count == sent.count()
    pending = DayLog.objects.filter(placement__company=busy.kotoh, status=LogStatus.PENDING)
    assert work["pending"].count == pending.count() > 0


def test_the_prefecture_sees_its_consortia_each_linked_to_its_rows(client, busy):
    client.force_login(busy.users["prefecture"])
    context = client.get(reverse("portal:dashboard")).context
    rows = context["by_consortium"]
    assert [row["consortium"] for row in rows] == list(
        Consortium.objects.filter(prefecture__code="25").order_by("name")
    )
    work = {item.key: item for item in context["work"]}
    for column, key in enumerate(("missing", "unsigned", "overdue")):
        assert sum(row["cells"][column][0] for row in rows) == work[key].count
        for row in rows:
            count, url = row["cells"][column]
            assert _rows_behind(client, url) == count


def test_filters_with_nonsense_are_ignored_not_errors(client, busy):
    client.force_login(busy.users["coordinator"])
    for url in (
        reverse("curricula:placement_list") + "?state=nonsense&consortium=abc",
        reverse("curricula:placement_list") + "?consortium=99999999999999999999",
        reverse("partners:need_list") + "?status=%00&proposal=maybe",
        reverse("partners:proposal_list") + "?status=<script>",
        reverse("reports:pdca_list") + "?state=everything",
        reverse("partners:consortium_detail", args=[busy.shiga_consortium.pk]) + "?meetings=all",
    ):
        assert client.get(url).status_code == 200, url


def test_the_ministry_sees_the_map_and_three_years(client, busy):
    client.force_login(busy.users["ministry"])
    response = client.get(reverse("portal:dashboard"))
    html = response.content.decode()
    context = response.context
    fy = current_fiscal_year(busy.today)
    assert [item.key for item in context["work"]] == ["surveys_unsent", "surveys_open"]  # no student in sight
    shiga_designations = Designation.objects.filter(fiscal_year=fy, consortium__prefecture__code="25").count()
    rows = {name: (designations, placements) for name, designations, placements in context["map_rows"]}
    first, last = fiscal_year_bounds(fy)
    shiga_placements = Placement.objects.filter(
        student__school__prefecture__code="25", starts_on__range=(first, last)
    ).count()
    assert rows["滋賀県"] == (shiga_designations, shiga_placements)
    assert 'class="tilemap"' in html and 'role="img"' in html
    trends = {chart["key"]: chart["rows"] for chart in context["trends"]}
    assert [value for _label, value in trends["placements"]][-1] == Placement.objects.filter(
        starts_on__range=(first, last)
    ).count()
    assert len(trends["designations"]) == 3
    for key in ("designations", "placements", "hours"):
        assert f'aria-labelledby="{key}-title {key}-desc"' in html
    assert 'data-testid="trend-table"' in html and 'data-testid="map-table"' in html
    # The work comes first on the other dashboards; the map comes before the old counts here.
    assert html.index('data-testid="picture"') < html.index("figure-card")


def test_the_work_comes_before_the_counts(client, busy):
    client.force_login(busy.users["coordinator"])
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert html.index('data-testid="work"') < html.index("figure-card")


def _grow(demo, start: int):
    """More of everything the dashboards count: placements with logs, diaries and agreements, needs, proposals,
    meetings, consortia and designations."""
    fy = current_fiscal_year(demo.today)
    department = demo.hikone.departments.first()
    company = _shiga_company(demo)
    prefectures = list(Prefecture.objects.exclude(code__in=("15", "25")).order_by("code"))
    for n in range(start, start + 4):
        student = Student.objects.create(
            school=demo.hikone,
            department=department,
            entry_year=2024,
            class_name="3-8",
            number=n,
            kana_name=f"ふえる {n}",
        )
        placement = Placement.objects.create(
            student=student,
            company=demo.kotoh,
            kind=PlacementKind.DUAL_SYSTEM,
            starts_on=datetime.date(fy, 4, 1),
            ends_on=demo.today + datetime.timedelta(days=3),
            weekdays="2",
            required_hours=Decimal("180"),
        )
        for day, status in ((datetime.date(fy, 4, 2), LogStatus.PENDING), (datetime.date(fy, 4, 9), "rejected")):
            DayLog.objects.create(placement=placement, day=day, hours=Decimal("6"), activities="x", status=status)
        DiaryEntry.objects.create(placement=placement, day=datetime.date(fy, 4, 2), status=DiaryStatus.SUBMITTED)
        need = _need(demo, f"ニーズ {n}")
        _need(demo, f"未依頼 {n}", status=NeedStatus.OPEN)
        Proposal.objects.create(need=need, company=demo.kotoh, message="m")
        Proposal.objects.create(need=need, company=company, message="m", status=ProposalStatus.COUNTERED)
        meeting = Meeting.objects.create(
            consortium=demo.shiga_consortium, kind=MeetingKind.JOINT, held_on=demo.today, title=f"会議 {n}"
        )
        ActionItem.objects.create(meeting=meeting, description="x", owner="y", due_on=demo.today)
        consortium = Consortium.objects.create(name=f"増えた管理機関 {n}", prefecture=prefectures[n % len(prefectures)])
        consortium.schools.add(demo.hikone)
        Designation.objects.create(
            consortium=consortium, fiscal_year=fy, type=DesignationType.ADVANCED, first_fiscal_year=fy
        )


@pytest.mark.parametrize("persona", WORKING_ROLES)
def test_a_dashboard_costs_the_same_queries_for_more_rows(client, demo, persona, monkeypatch):
    from portal import kept

    monkeypatch.setattr(kept, "dashboard_version", lambda: None)  # the figures worked out on every visit
    client.force_login(demo.users[persona])
    url = reverse("portal:dashboard")
    client.get(url)  # caches warmed (calendars, content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(demo, 100)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
