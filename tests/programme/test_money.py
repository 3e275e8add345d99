"""Plans and money per designation: budget against actual in whole yen, receipts typed from their bytes, the
accountant's workbook and the ledger's import from a file."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from meister.fiscal import current_fiscal_year
from partners.models import Designation
from programme import selectors
from programme.categories import ensure_expense_categories
from programme.models import EstimateLine, ExpenseCategory, LedgerEntry

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def designation(demo):
    return Designation.objects.get(consortium=demo.shiga_consortium, fiscal_year=current_fiscal_year())


def _category(designation, code):
    return ExpenseCategory.objects.get(fiscal_year=designation.fiscal_year, code=code)


def test_the_categories_are_the_ministrys_data_for_each_year(db):
    names = list(ExpenseCategory.objects.filter(fiscal_year=2024).values_list("name", flat=True))
    assert names[:6] == ["人件費", "諸謝金", "旅費", "借損料", "消耗品費", "会議費"]
    assert {"通信運搬費", "雑役務費"} <= set(names)
    assert "再委託費" in names


def test_a_year_without_categories_starts_from_the_default_list_and_a_kept_year_is_left_alone(db):
    ExpenseCategory.objects.filter(fiscal_year=2035).delete()
    assert ensure_expense_categories(2035) == 11
    assert list(ExpenseCategory.objects.filter(fiscal_year=2035).values_list("code", flat=True))[:3] == [
        "personnel",
        "honoraria",
        "travel",
    ]
    ExpenseCategory.objects.filter(fiscal_year=2035, code="general").update(name="一般管理費（按分）")
    assert ensure_expense_categories(2035) == 0
    assert ExpenseCategory.objects.get(fiscal_year=2035, code="general").name == "一般管理費（按分）"


def test_the_demo_brings_its_own_categories_after_a_flush(db):
    """Browser tests flush the tables the migrations filled; the demo's money must still be there."""
    LedgerEntry.objects.all().delete()
    EstimateLine.objects.all().delete()
    ExpenseCategory.objects.all().delete()
    call_command("seed_demo", today=datetime.date(2026, 11, 19), verbosity=0)
    fy = 2026
    assert ExpenseCategory.objects.filter(fiscal_year=fy, name="旅費").exists()
    assert EstimateLine.objects.filter(designation__fiscal_year=fy).exists()


def test_budget_against_actual_by_category_month_and_total(demo, designation):
    travel = _category(designation, "travel")
    summary = selectors.budget_vs_actual(designation=designation)
    line = next(line for line in summary.lines if line.category == travel)
    assert (line.budget, line.actual) == (800_000, 46_200)
    assert line.months[9 - 4] == 46_200  # September is the sixth month of the fiscal year
    assert summary.budget == 11_960_000
    assert summary.actual == 184_800 + 120_000 + 46_200 + 72_000
    assert sum(summary.month_totals) == summary.actual
    assert line.rate == "5.7%"  # 46,200 / 800,000, cut at a tenth, never rounded up


def test_over_spend_of_a_category_is_said_in_words(client, demo, designation):
    client.force_login(demo.users["coordinator"])
    page = client.get(reverse("programme:designation_money", args=[designation.pk])).content.decode()
    # The meetings budget is 60,000 yen and 72,000 were spent.
    assert "会議費が所要経費を12,000円超えています。" in page
    assert "超過 12,000円" in page


def test_a_receipt_is_typed_from_its_bytes(client, demo, designation):
    client.force_login(demo.users["coordinator"])
    url = reverse("programme:ledger_create", args=[designation.pk])
    data = {
        "spent_on": demo.today.isoformat(),
        "category": _category(designation, "consumables").pk,
        "payee": "株式会社湖東精機",
        "description": "ボルト",
        "amount_yen": "3300",
    }
    before = LedgerEntry.objects.count()
    fake = SimpleUploadedFile("receipt.pdf", b"<html>not a receipt</html>", content_type="application/pdf")
    refused = client.post(url, {**data, "evidence": fake})
    assert refused.status_code == 200
    assert "証拠書類はPDFか画像" in refused.context["form"].errors["evidence"][0]
    assert LedgerEntry.objects.count() == before
    image = SimpleUploadedFile("receipt.txt", PNG, content_type="text/plain")
    assert client.post(url, {**data, "evidence": image}).status_code == 302
    entry = LedgerEntry.objects.latest("pk")
    assert entry.evidence_type == "image/png"
    download = client.get(reverse("programme:ledger_evidence", args=[entry.pk]))
    assert download["Content-Type"] == "image/png"
    client.force_login(demo.users["coordinator-niigata"])
    assert client.get(reverse("programme:ledger_evidence", args=[entry.pk])).status_code == 404


def test_amounts_are_whole_yen(client, demo, designation):
    client.force_login(demo.users["coordinator"])
    response = client.post(
        reverse("programme:ledger_create", args=[designation.pk]),
        {
            "spent_on": demo.today.isoformat(),
            "category": _category(designation, "consumables").pk,
            "payee": "店",
            "description": "端数",
            "amount_yen": "100.5",
        },
    )
    assert response.status_code == 200
    assert "amount_yen" in response.context["form"].errors


def test_the_workbook_has_the_accountants_sheets(client, demo, designation):
    client.force_login(demo.users["coordinator"])
    response = client.get(reverse("programme:ledger_export", args=[designation.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["予算執行状況", "月別支出", "支出明細"]
    ledger = list(workbook["支出明細"].iter_rows(values_only=True))
    assert ledger[0] == ("支出日", "費目", "支払先", "内容", "金額（円）", "証拠書類")
    assert [row[4] for row in ledger[1:]] == [184_800, 120_000, 46_200, 72_000]
    totals = {row[0]: row for row in workbook["予算執行状況"].iter_rows(values_only=True)}
    assert totals["会議費"][1:4] == (60_000, 72_000, -12_000)
    assert totals["会議費"][5] == "超過 12,000円"


def _ledger_file(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["支出日", "費目", "支払先", "内容", "金額"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("ledger.xlsx", buffer.getvalue())


def test_the_ledger_comes_in_from_excel_all_or_nothing(client, demo, designation):
    client.force_login(demo.users["coordinator"])
    day = datetime.date(designation.fiscal_year, 11, 5)
    good = [day, "旅費", "近江鉄道株式会社", "福井県訪問", "12,340円"]
    bad = [day, "旅費", "近江鉄道株式会社", "端数", "100.5"]
    before = LedgerEntry.objects.count()
    url = reverse("programme:ledger_import", args=[designation.pk])
    response = client.post(url, {"file": _ledger_file([good, bad])})
    preview = client.get(response["Location"])
    assert "円単位の整数で入力してください" in preview.content.decode()
    assert not preview.context["may_commit"]
    assert LedgerEntry.objects.count() == before

    response = client.post(reverse("programme:ledger_import", args=[designation.pk]), {"file": _ledger_file([good])})
    batch_pk = int(response["Location"].rstrip("/").split("/")[-1])
    client.post(reverse("programme:ledger_import_commit", args=[batch_pk]))
    entry = LedgerEntry.objects.get(description="福井県訪問")
    assert (entry.amount_yen, entry.category.name, entry.booked_by) == (12_340, "旅費", demo.users["coordinator"])
    again = client.post(reverse("programme:ledger_import", args=[designation.pk]), {"file": _ledger_file([good])})
    assert client.get(again["Location"]).context["batch"].summary.get("unchanged") == 1


def test_the_money_page_costs_the_same_queries_for_a_longer_ledger(client, demo, designation):
    client.force_login(demo.users["coordinator"])
    url = reverse("programme:designation_money", args=[designation.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    consumables = _category(designation, "consumables")
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            designation=designation,
            category=consumables,
            spent_on=datetime.date(designation.fiscal_year, 6, 1 + index),
            payee="店",
            description=f"部品{index}",
            amount_yen=1000,
        )
        for index in range(20)
    )
    EstimateLine.objects.create(designation=designation, category=_category(designation, "rental"), amount_yen=5)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_a_long_ledger_is_shown_a_page_at_a_time_and_downloaded_whole(client, demo, designation):
    consumables = _category(designation, "consumables")
    before = designation.ledger_entries.count()
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            designation=designation,
            category=consumables,
            spent_on=datetime.date(designation.fiscal_year, 7, 1),
            payee="店",
            description=f"部品{index:03d}",
            amount_yen=1000,
        )
        for index in range(70)
    )
    total = before + 70
    client.force_login(demo.users["coordinator"])
    url = reverse("programme:designation_money", args=[designation.pk])
    first, second = client.get(url).content.decode(), client.get(url, {"page": 2}).content.decode()
    shown = [f"部品{index:03d}" for index in range(70)]
    on_first = {name for name in shown if name in first}
    on_second = {name for name in shown if name in second}
    assert len(on_first) + before >= 50 and not on_first & on_second
    assert on_first | on_second == set(shown), "every entry is on one of the two pages"
    assert f"{total} 件" in first and "1 / 2" in first and "2 / 2" in second
    download = client.get(reverse("programme:ledger_export", args=[designation.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook["支出明細"].max_row == 1 + total


def test_an_estimate_sent_without_any_line_changes_nothing(client, demo, designation):
    before = list(EstimateLine.objects.filter(designation=designation).values_list("pk", "amount_yen"))
    client.force_login(demo.users["coordinator"])
    url = reverse("programme:estimate_edit", args=[designation.pk])
    answer = client.post(url, {"lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"})
    assert answer.status_code == 302
    assert list(EstimateLine.objects.filter(designation=designation).values_list("pk", "amount_yen")) == before
