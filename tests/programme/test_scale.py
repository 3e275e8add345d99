"""Every page of the programme runs the same number of queries with more rows behind it (more consortia,
designations, ledger entries, network links, events, threads and messages, assignments, activities, estimate lines
and years after the designation), and the ledger's workbook is written as a stream."""

import datetime
import inspect
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from meister.fiscal import current_fiscal_year
from partners.models import Consortium, Designation, DesignationType
from programme.exporters import LedgerWorkbook
from programme.models import (
    AdviceMessage,
    AdviceStatus,
    AdviceThread,
    ContinuationPlan,
    ContinuationStatus,
    EstimateLine,
    EventKind,
    ExpenseCategory,
    LedgerEntry,
    NetworkLink,
    PlannedActivity,
    ProgrammeEvent,
    SupportAssignment,
)


def _designation(demo):
    return Designation.objects.get(consortium=demo.shiga_consortium, fiscal_year=current_fiscal_year())


def _thread(demo):
    return AdviceThread.objects.filter(consortium=demo.shiga_consortium).order_by("pk")[0]


def _results_event(demo):
    return ProgrammeEvent.objects.get(title="マイスター・ハイスクール成果発表会")


def _entries(designation, count, start=0):
    category = ExpenseCategory.objects.filter(fiscal_year=designation.fiscal_year).order_by("pk")[0]
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            designation=designation,
            category=category,
            spent_on=datetime.date(designation.fiscal_year, 6, 1) + datetime.timedelta(days=index % 200),
            payee=f"支払先{index}",
            description=f"内容{index}",
            amount_yen=1000 + index,
        )
        for index in range(start, start + count)
    )


def _grow(demo):
    """More of everything the programme's pages list, in the Shiga case's reach."""
    fy = current_fiscal_year()
    shiga, supporter, coordinator = demo.shiga_consortium, demo.users["supporter"], demo.users["coordinator"]
    added = []
    for index in range(5):
        consortium = Consortium.objects.create(name=f"追加の管理機関{index}", prefecture=shiga.prefecture)
        designation = Designation.objects.create(
            consortium=consortium,
            fiscal_year=fy,
            type=DesignationType.STRENGTHENING,
            first_fiscal_year=fy,
            is_new=True,
            budget_yen=1_000_000,
        )
        _entries(designation, 3)
        SupportAssignment.objects.create(supporter=supporter, consortium=consortium, fiscal_year=fy)
        NetworkLink.objects.create(fiscal_year=fy, leader=shiga, supported=consortium, joint_activities="視察")
        added.append(consortium)
    for index in range(5):
        event = ProgrammeEvent.objects.create(
            kind=(EventKind.JOINT_MEETING, EventKind.TRAINING, EventKind.EVALUATION)[index % 3],
            title=f"行事{index}",
            held_on=demo.today,
            attendance="出席者\n出席者",
        )
        event.consortia.set([shiga, *added[index:][:2]])
    _results_event(demo).consortia.add(*added)
    thread = _thread(demo)
    for index in range(5):
        AdviceMessage.objects.create(thread=thread, author=coordinator if index % 2 else supporter, body=f"返信{index}")
        other = AdviceThread.objects.create(
            consortium=shiga,
            subject=f"相談{index}",
            status=AdviceStatus.AWAITING_SUPPORTER,
            opened_by=coordinator,
        )
        AdviceMessage.objects.create(thread=other, author=coordinator, body="ご相談です。")
    designation = _designation(demo)
    _entries(designation, 20, start=100)
    plan = designation.plan
    PlannedActivity.objects.bulk_create(
        PlannedActivity(plan=plan, month=month, title=f"活動{month}", detail="詳細") for month in (5, 7, 8, 12, 1)
    )
    used = set(EstimateLine.objects.filter(designation=designation).values_list("category", flat=True))
    for category in ExpenseCategory.objects.filter(fiscal_year=fy).exclude(pk__in=used):
        EstimateLine.objects.create(designation=designation, category=category, amount_yen=10_000)
    continuation = ContinuationPlan.objects.get(consortium=shiga)
    for year in range(continuation.last_designated_year + 2, continuation.last_designated_year + 5):
        ContinuationStatus.objects.create(plan=continuation, fiscal_year=year, active=True, checked_on=demo.today)


PAGES = [
    ("ministry", lambda d: reverse("programme:money_list")),
    ("ministry", lambda d: reverse("programme:network")),
    ("ministry", lambda d: reverse("programme:event_list")),
    ("ministry", lambda d: reverse("programme:assignment_create")),
    ("coordinator", lambda d: reverse("programme:event_detail", args=[_results_event(d).pk])),
    ("supporter", lambda d: reverse("programme:consortium_advice", args=[d.shiga_consortium.pk])),
    ("coordinator", lambda d: reverse("programme:advice_detail", args=[_thread(d).pk])),
    ("supporter", lambda d: reverse("programme:support_overview")),
    ("coordinator", lambda d: reverse("programme:designation_money", args=[_designation(d).pk])),
    ("coordinator", lambda d: reverse("programme:plan_edit", args=[_designation(d).pk])),
    ("coordinator", lambda d: reverse("programme:estimate_edit", args=[_designation(d).pk])),
    ("coordinator", lambda d: reverse("programme:continuation_edit", args=[d.shiga_consortium.pk])),
    ("coordinator", lambda d: reverse("programme:continuation_year", args=[d.shiga_consortium.pk])),
    ("coordinator", lambda d: reverse("programme:ledger_export", args=[_designation(d).pk])),
]


@pytest.mark.parametrize(("persona", "url"), PAGES, ids=[f"{p}-{i}" for i, (p, _u) in enumerate(PAGES)])
def test_the_page_costs_the_same_queries_with_more_rows(client, demo, persona, url):
    plan = ContinuationPlan.objects.create(
        consortium=demo.shiga_consortium, last_designated_year=current_fiscal_year() - 4, activities="継続"
    )
    ContinuationStatus.objects.create(
        plan=plan, fiscal_year=plan.last_designated_year + 1, active=True, checked_on=demo.today
    )
    client.force_login(demo.users[persona])
    address = url(demo)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
            b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        return len(captured)

    small = count()
    _grow(demo)
    assert count() == small


def test_the_ledger_workbook_is_written_as_a_stream(client, demo):
    designation = _designation(demo)
    _entries(designation, 300, start=1000)
    exporter = LedgerWorkbook(designation=designation, user=demo.users["coordinator"])
    with CaptureQueriesContext(connection) as captured:
        ledger = exporter.sheets()[2]
    assert inspect.isgenerator(ledger.rows), "the ledger's rows are read as the workbook is written"
    assert not any(
        "programme_ledgerentry" in q["sql"] and "spent_on" in q["sql"].split("FROM")[0]
        for q in captured.captured_queries
    ), "no entry is read before the writer asks for it"

    client.force_login(demo.users["coordinator"])
    response = client.get(reverse("programme:ledger_export", args=[designation.pk]))
    assert response.streaming, "the file goes out in chunks"
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        ledger_xml = archive.read(names[-1])
    # openpyxl's write-only writer streams rows without knowing the sheet's extent: no <dimension>, strings inline.
    assert b"<dimension" not in ledger_xml and b't="inlineStr"' in ledger_xml
    rows = list(load_workbook(io.BytesIO(data), read_only=True)["支出明細"].iter_rows(values_only=True))
    assert len(rows) == 1 + designation.ledger_entries.count()
