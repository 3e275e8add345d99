"""The annual report as an official files it: a cover, contents whose page numbers are where the sections begin,
three years side by side, KPIs against the consortia's targets, the map with its figures as a table, blocks in
the ministry's order, no rows of nothing, and a workbook whose numbers are numbers with number formats."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from curricula.models import DayLog, Placement, Student
from meister.fiscal import fiscal_year_label
from partners.models import Block, Consortium, Engagement, School
from reports.disclosure import audit
from reports.documents import ReportScope
from reports.documents.annual import SECTIONS
from reports.documents.common import HIDDEN, ISSUER, threshold
from reports.documents.pdca import collect_pdca
from reports.models import Kpi, KpiTarget
from reports.release import Release, release_for
from reports.rendering import build_report_files, report_html, write_pdf

FY = 2024


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _build(tmp_path, scope=None):
    pdf, xlsx = tmp_path / "annual.pdf", tmp_path / "annual.xlsx"
    context = build_report_files("annual", FY, scope or ReportScope("national"), pdf_path=str(pdf), xlsx_path=str(xlsx))
    return context, _pages(pdf.read_bytes()), xlsx


def _contents(pages: list[str]) -> dict:
    """{section heading: page number} as the contents page prints them."""
    found = {}
    for number, (_anchor, title, _template, _page) in enumerate(SECTIONS, start=1):
        match = re.search(rf"{number}\. {re.escape(title)}\s*\.+\s*(\d+)", pages[1])
        assert match, f"the contents list {title} with a page number"
        found[f"{number}. {title}"] = int(match.group(1))
    return found


def _small_group_of_last_year():
    """Three students on placements in the year before: a count under the threshold in the three-year table."""
    school = School.objects.get(name="北海道立オホーツク水産高等学校（デモ）")
    company = school.consortia.first().companies.first()
    for number in range(3):
        student = Student.objects.create(
            school=school, department=school.departments.first(), entry_year=FY - 3, class_name="R5", number=90 + number
        )
        placement = Placement.objects.create(
            student=student,
            company=company,
            kind="dual_system",
            starts_on=datetime.date(FY - 1, 5, 8),
            ends_on=datetime.date(FY - 1, 12, 20),
            weekdays="2",
            required_hours=Decimal("60"),
        )
        DayLog.objects.create(placement=placement, day=datetime.date(FY - 1, 5, 9), hours=6, status="confirmed")


def test_the_pdf_opens_with_a_cover_and_contents_that_point_at_the_sections_pages(demo, tmp_path):
    context, pages, _xlsx = _build(tmp_path)
    cover = pages[0]
    assert "マイスター・ハイスクール事業 年次報告書" in cover and "令和6年度" in cover and "対象：全国" in cover
    assert "発行" in cover and ISSUER in cover
    assert "データ時点" in cover and f"{context['data_as_of']:%Y}年" in cover
    assert "目次" in pages[1]
    contents = _contents(pages)
    for heading, page in contents.items():
        assert page > 2, heading
        assert heading in pages[page - 1], f"{heading} begins on page {page}, as the contents say"
        assert all(heading not in text for text in pages[2 : page - 1]), f"{heading} not before page {page}"
    assert "注記" in pages[1] and re.search(r"注記\s*\.+\s*\d+", pages[1])


def test_contents_laid_out_in_parts_carry_the_same_page_numbers(demo, tmp_path):
    from reports.documents.annual import collect_annual

    html = report_html("annual", collect_annual(FY, ReportScope("national")))
    whole, parts = tmp_path / "whole.pdf", tmp_path / "parts.pdf"
    write_pdf(html, str(whole), processes=1)
    write_pdf(html, str(parts), processes=2)
    assert _contents(_pages(parts.read_bytes())) == _contents(_pages(whole.read_bytes()))


def test_three_years_side_by_side_hidden_as_each_years_own_reports_hide_them(demo, tmp_path):
    _small_group_of_last_year()
    context, pages, xlsx = _build(tmp_path)
    trends = context["trends"]
    assert trends["years"] == [fiscal_year_label(year, "ja") for year in (FY - 2, FY - 1, FY)]
    rows = {row["key"]: [cell["value"] for cell in row["cells"]] for row in trends["rows"]}
    engagements = [
        Engagement.objects.filter(start_on__range=(datetime.date(y, 4, 1), datetime.date(y + 1, 3, 31))).count()
        for y in (FY - 2, FY - 1, FY)
    ]
    assert rows["engagements"] == engagements
    # Last year's three students are a small group: hidden, with the hours that describe them, as that year's
    # own annual report hides them; and that year's release leaves nothing that can be worked out.
    last_year = Release(FY - 1)
    assert last_year.hidden(("students_dual_system", "total"))
    assert rows["students_dual_system"][1] == HIDDEN and rows["hours_completed"][1] == HIDDEN
    assert not audit(last_year.ledger)
    text = "\n".join(pages)
    assert "3か年の推移" in text and "令和4年度 令和5年度 令和6年度" in text
    assert "連携活動の件数 " + " ".join(f"{n:,}" for n in engagements) + " 件" in text
    assert "<svg" in report_html("annual", context).split('id="trends"', 1)[1].split('id="kpis"', 1)[0]
    sheet = {row[0]: row[1:] for row in load_workbook(xlsx)["3か年の推移"].iter_rows(values_only=True)}
    assert sheet["デュアルシステム参加生徒数"][1] == HIDDEN


def test_kpis_of_the_year_against_the_targets_the_consortia_set(demo, tmp_path):
    consortia = list(Consortium.objects.filter(schools__isnull=False).distinct().order_by("pk")[:3])
    hours = Kpi.objects.get(fiscal_year=FY, metric="hours_completed")
    companies = Kpi.objects.get(fiscal_year=FY, metric="companies_engaged")
    for consortium in consortia:
        KpiTarget.objects.update_or_create(consortium=consortium, kpi=hours, defaults={"target": Decimal("100")})
        KpiTarget.objects.update_or_create(consortium=consortium, kpi=companies, defaults={"target": Decimal("2")})
    context, pages, xlsx = _build(tmp_path)
    release = release_for(FY)
    rows = {row["name"]: row for row in context["kpis"]}
    for kpi, target in ((hours, 100), (companies, 2)):
        row = rows[kpi.name]
        assert row["consortia"] == len(consortia)
        # Each consortium judged by the actual its own PDCA report prints; a hidden one is not judged.
        printed = []
        for consortium in consortia:
            pdca = collect_pdca(FY, ReportScope("consortium", consortium.pk), release=release)
            printed.append(next(k["actual_text"] for k in pdca["kpis"] if k["name"] == kpi.name))
        judged = [Decimal(text.replace(",", "")) for text in printed if text not in (HIDDEN, "—")]
        assert row["reached"] == sum(value >= target for value in judged)
        assert row["short"] == sum(value < target for value in judged)
        assert row["unknown"] == len(consortia) - len(judged)
    hours_row = rows[hours.name]
    if hours_row["unknown"]:
        assert hours_row["actual_sum"] is None, "a sum with a hidden term is not printed"
    else:
        assert hours_row["actual_sum"] == sum(
            Decimal(str(release.value(("hours_completed", "consortium", c.pk)))) for c in consortia
        )
    assert rows[companies.name]["actual_sum"] is None, "distinct companies do not add up over consortia"
    text = "\n".join(pages)
    assert "KPIの目標と実績" in text and "目標の計" in text
    sheet = [row for row in load_workbook(xlsx)["KPIの目標と実績"].iter_rows(values_only=True)]
    assert [hours.name, hours.unit, len(consortia)] == list(next(row for row in sheet if row[0] == hours.name)[:3])


def test_the_map_prints_its_figures_as_a_table_of_the_prefectures_with_any(demo, tmp_path):
    context, pages, xlsx = _build(tmp_path)
    release = release_for(FY)
    text = "\n".join(pages)
    assert "企業実習の確認済み時間数（都道府県別）" in text and "地図の値" in text
    assert 'class="tilemap"' in context["map"]
    listed = {row["label"]: row["value"] for row in context["map_rows"]}
    assert listed and len(listed) < 47, "prefectures with nothing are left out"
    for school in School.objects.select_related("prefecture"):
        key = ("hours_completed", "prefecture", school.prefecture_id)
        name = school.prefecture.name
        if release.hidden(key):
            assert listed[name] == HIDDEN
        elif release.value(key):
            assert listed[name] == pytest.approx(release.value(key))
    sheet = {row[0]: row[1] for row in load_workbook(xlsx)["地図（確認済み時間）"].iter_rows(values_only=True)}
    assert {name: value for name, value in sheet.items() if name != "都道府県"} == listed


def test_blocks_follow_the_ministrys_order_and_rows_of_nothing_are_left_out(demo, tmp_path):
    context, _pages_, xlsx = _build(tmp_path)
    order = [str(label) for _value, label in Block.choices]
    for change in context["changes"]:
        labels = [area["label"] for area in change["areas"]]
        assert labels == sorted(labels, key=order.index), "北海道 → 九州・沖縄, not by romaji"
    workbook = load_workbook(xlsx)
    placements = [row for row in workbook["企業実習（地域別）"].iter_rows(min_row=2, values_only=True)]
    assert len(placements) < 47
    for label, *cells in placements:
        assert any(cell == HIDDEN or cell for cell in cells), f"{label} has something to show"
    blocks = [label.removesuffix("計") for label, *_cells in placements if label.endswith("計") and label != "合計"]
    assert blocks == sorted(blocks, key=order.index)
    registry = [row for row in workbook["学校・企業"].iter_rows(min_row=2, values_only=True)]
    assert registry and all(any(cells) for _label, *cells in registry), "a prefecture with nothing is left out"


NUMBER_AS_TEXT = re.compile(r"^-?[\d,]+(\.\d+)?%?$")


def test_the_workbook_stores_numbers_with_number_formats_and_hidden_cells_as_text(demo, tmp_path):
    _context, _pages_, xlsx = _build(tmp_path)
    workbook = load_workbook(xlsx)
    summary = {row[0].value: row[1] for row in workbook["概要"].iter_rows(min_row=2)}
    assert summary["企業実習の確認済み時間数"].number_format == "#,##0.0"
    assert isinstance(summary["企業実習の確認済み時間数"].value, int | float), "a number, not text"
    assert summary["連携活動の件数"].number_format == "#,##0" and isinstance(summary["連携活動の件数"].value, int)
    assert summary["予算額"].number_format == "#,##0"
    rate = summary["地元就職率"]
    assert rate.number_format == "0.0%" and 0 < rate.value <= 1, "a rate as a fraction shown as a percentage"
    outcome = list(workbook["定員充足率・地元就職率"].iter_rows(min_row=2))
    assert any(isinstance(cell.value, float) for row in outcome for cell in row[1:])
    for row in outcome:
        for cell in row[1:]:
            if isinstance(cell.value, float):
                assert cell.number_format == "0.0%" and cell.value < 2
    placements = list(workbook["企業実習（地域別）"].iter_rows(min_row=2))
    hidden = [cell for row in placements for cell in row[1:] if cell.value == HIDDEN]
    assert hidden and all(cell.data_type == "s" for cell in hidden), "the hidden mark is text"
    counts = [cell for row in placements for cell in row[1:4] if isinstance(cell.value, int)]
    assert counts and all(cell.number_format == "#,##0" for cell in counts)
    hours = [row[4] for row in placements if isinstance(row[4].value, int | float)]
    assert hours and all(cell.number_format == "#,##0.0" for cell in hours)
    for sheet in workbook.worksheets:
        header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
        for row in sheet.iter_rows(min_row=2):
            for heading, cell in zip(header, row, strict=False):
                if heading != "学校コード" and isinstance(cell.value, str):
                    assert not NUMBER_AS_TEXT.match(cell.value), (sheet.title, heading, cell.value)


def test_the_notes_state_each_definition(demo, tmp_path):
    _context, pages, xlsx = _build(tmp_path)
    notes = "".join("".join(pages).split())
    for words in (
        "地元就職率＝県内就職者÷就職者",
        "起業は就職者に含めません",
        "重複を除いた実数",
        "未確認（確認待ち・差戻し）の時間は別に示します",
        "年度をまたぐ実習は両方の年度に数えます",
        "前年度・前々年度の数値",
        "実績が目標以上の管理機関を「達成」",
        "値のある都道府県（秘匿を含む）だけを載せます",
        "地域ブロックの順（北から南へ）",
        f"{threshold()}未満の人数",
    ):
        assert words in notes, words
    assert "受入れ企業または県内への就職÷就職者" not in notes, "no second, older definition"
    sheet = " ".join(row[0] for row in load_workbook(xlsx)["注記"].iter_rows(values_only=True) if row[0])
    assert "前年度・前々年度の数値" in sheet
