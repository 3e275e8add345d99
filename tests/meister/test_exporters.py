"""Every download and report workbook goes through the one writer, which escapes formulas in every cell.

A value a spreadsheet would run (=, +, -, @ or a control character first) is written with a leading apostrophe in
CSV and Excel alike, headers included; numbers stay numbers.
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from assessments.models import Instrument
from curricula.exporters import DayLogExporter
from curricula.models import DayLog, Student
from meister.exporting import (
    FORMULA_STARTS,
    MAX_WIDTH,
    WIDTH_SAMPLE_ROWS,
    Sheet,
    display_width,
    fitting_widths,
    write_workbook,
)
from partners.models import Agreement, Company, Consortium, Person, Prefecture, School
from reports.documents import ReportScope
from reports.rendering import build_report_files
from tests.assessments.test_results import _results_url

pytestmark = pytest.mark.django_db

HOSTILE = "=1+2*3"  # short enough for every name field, a prefecture's included
ESCAPED = "'" + HOSTILE


@pytest.fixture
def poisoned(demo):
    """Demo data whose names and texts start like a formula, wherever an export reads them."""
    Prefecture.objects.filter(pk=demo.hikone.prefecture_id).update(name=HOSTILE)
    School.objects.filter(pk=demo.hikone.pk).update(name=HOSTILE)
    Company.objects.filter(pk=demo.kotoh.pk).update(name=HOSTILE)
    Consortium.objects.filter(pk=demo.shiga_consortium.pk).update(name=HOSTILE)
    Person.objects.update(name=HOSTILE)
    Agreement.objects.update(title=HOSTILE)
    Student.objects.filter(school=demo.hikone).update(kana_name=HOSTILE)
    DayLog.objects.update(activities=HOSTILE)
    Instrument.objects.update(name=HOSTILE)
    return demo


DOWNLOADS = {
    "schools": (lambda demo: reverse("partners:school_list"), "ministry"),
    "companies": (lambda demo: reverse("partners:company_list"), "prefecture"),
    "consortia": (lambda demo: reverse("partners:consortium_list"), "ministry"),
    "people": (lambda demo: reverse("partners:person_list"), "prefecture"),
    "agreements": (lambda demo: reverse("partners:agreement_list"), "prefecture"),
    "placements": (lambda demo: reverse("curricula:placement_list"), "teacher"),
    "day logs": (lambda demo: reverse("curricula:day_log_list"), "teacher"),
    "assessment results": (_results_url, "coordinator"),
}


def _download(client, demo, name, fmt):
    url, persona = DOWNLOADS[name]
    client.force_login(demo.users[persona])
    address = url(demo)
    response = client.get(address + ("&" if "?" in address else "?") + f"export={fmt}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _assert_escaped(cells):
    cells = list(cells)
    assert ESCAPED in cells
    texts = [cell for cell in cells if isinstance(cell, str)]
    assert not [cell for cell in texts if cell.startswith(FORMULA_STARTS)]


@pytest.mark.parametrize("name", DOWNLOADS)
def test_every_csv_download_escapes_formulas(client, poisoned, name):
    text = _download(client, poisoned, name, "csv").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    # In CSV a negative number is text too; a number is not a formula.
    _assert_escaped(cell for cell in cells if not _is_number(cell))


@pytest.mark.parametrize("name", DOWNLOADS)
def test_every_excel_download_escapes_formulas(client, poisoned, name):
    workbook = load_workbook(io.BytesIO(_download(client, poisoned, name, "xlsx")))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    _assert_escaped(cell.value for cell in cells)


def test_report_workbooks_escape_formulas(poisoned, tmp_path):
    target = tmp_path / "summary.xlsx"
    build_report_files("registry_summary", 2026, ReportScope("national"), xlsx_path=str(target))
    workbook = load_workbook(target)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    _assert_escaped(cell.value for cell in cells)


def test_the_writer_escapes_headers_rows_and_lazy_labels(tmp_path):
    target = tmp_path / "sheets.xlsx"
    sheets = [
        Sheet("一", ["=header", "ok"], [[gettext_lazy("学校"), "@cmd"], ["-1+1", -1.5]], widths=[12, 8]),
        Sheet("二", ["x"], iter([["+81-3"]]), freeze_header=False),
    ]
    write_workbook(sheets, str(target))
    workbook = load_workbook(target)
    first, second = workbook["一"], workbook["二"]
    assert [list(row) for row in first.iter_rows(values_only=True)] == [
        ["'=header", "ok"],
        ["学校", "'@cmd"],
        ["'-1+1", -1.5],
    ]
    assert first.freeze_panes == "A2" and first.column_dimensions["A"].width == 12
    assert first["A1"].font.b and second.freeze_panes is None
    assert first.auto_filter.ref == "A1:B3" and not second.auto_filter.ref
    assert second.column_dimensions["A"].width == 8  # "+81-3" escaped is 6 wide, plus air
    assert [list(row) for row in second.iter_rows(values_only=True)] == [["x"], ["'+81-3"]]


def test_a_list_opens_with_fitted_widths_a_frozen_header_and_a_filter(demo):
    logs = DayLog.objects.select_related("placement__student", "placement__company").order_by("pk")
    _, _, handle = DayLogExporter(logs).render("xlsx")
    sheet = load_workbook(handle).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.freeze_panes == "A2"
    last = sheet.cell(row=1, column=len(rows[0])).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}{len(rows)}"
    for index, header in enumerate(rows[0], start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        width = sheet.column_dimensions[letter].width
        sampled = rows[: WIDTH_SAMPLE_ROWS + 1]  # the header and the rows read ahead
        needed = max(display_width(row[index - 1]) for row in sampled if isinstance(row[index - 1], str))
        assert width >= min(needed, MAX_WIDTH), (header, width, needed)
        assert width <= MAX_WIDTH


def test_widths_count_full_width_characters_double_and_stay_within_bounds():
    assert display_width("学校") == 4 and display_width("ab") == 2 and display_width("一行\nとても長い二行目") == 16
    assert fitting_widths(["名前", "x"], [["株式会社湖東精機", 1], ["a" * 500, None]]) == [MAX_WIDTH, 6]


def test_render_reports_its_progress_to_the_end(demo):
    heard = []
    filename, mime, handle = DayLogExporter(DayLog.objects.order_by("pk")).render("xlsx", progress=heard.append)
    rows = list(load_workbook(handle).active.iter_rows(values_only=True))
    assert filename.startswith("day_logs_") and filename.endswith(".xlsx") and "spreadsheetml" in mime
    assert len(rows) - 1 == DayLog.objects.count()
    assert heard == sorted(heard) and heard[-1] == 100 and len(heard) > 2


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
