"""The programme in the annual report: events by kind with their consortia and participants (people, so protected
by the one disclosure rule), and the consortia still active one, two and three years after their designation."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from devtools import national
from meister.fiscal import fiscal_year
from partners.models import Consortium, Prefecture
from programme.models import ContinuationPlan, ContinuationStatus, EventKind, ProgrammeEvent
from reports.disclosure import Ledger, audit, protect, threshold
from reports.documents import ReportScope
from reports.documents.programme import collect_programme, continuation_rows, participant_cells
from reports.release import Release
from reports.rendering import build_report_files
from tests.pdf import pdf_text
from tests.reports.test_release_audit import _small_counts


def _event(kind, held_on, consortia, attendees: int, title="行事") -> ProgrammeEvent:
    event = ProgrammeEvent.objects.create(
        kind=kind,
        title=title,
        held_on=held_on,
        attendance="\n".join(f"出席者 {n}（所属）" for n in range(attendees)),
    )
    event.consortia.set(consortia)
    return event


def _rows(workbook, title):
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


def test_the_annual_report_counts_the_events_and_hides_few_participants(demo, tmp_path):
    fy = fiscal_year(demo.today)
    shiga, niigata = demo.shiga_consortium, demo.niigata_consortium
    _event(EventKind.JOINT_MEETING, demo.today, [shiga, niigata], 12, "合同会議（秋）")
    _event(EventKind.EVALUATION, demo.today, [niigata], 4, "企画評価会議")
    pdf, xlsx = tmp_path / "annual.pdf", tmp_path / "annual.xlsx"
    build_report_files("annual", fy, ReportScope("national"), pdf_path=str(pdf), xlsx_path=str(xlsx))

    sheet = {row[0]: row[1:] for row in _rows(load_workbook(xlsx, read_only=True), "事業の行事")}
    # The demo's coordinator training (3 consortia, 3 attendees) and 成果発表会 (2 consortia, none recorded).
    assert sheet["研修"][:2] == [1, 3]
    assert sheet["成果発表会"][:2] == [1, 2]
    assert sheet["合同会議"][:2] == [1, 2]
    assert sheet["企画評価会議"][:2] == [1, 1]
    assert sheet["合計"][:2] == [4, 3], "consortia in total are counted once"
    participants = [values[2] for values in sheet.values()]
    assert sheet["研修"][2] == sheet["企画評価会議"][2] == "x", "3 and 4 people are under the threshold"
    assert not [n for n in participants if isinstance(n, int) and 0 < n < threshold()]
    assert not audit(Release(fy).ledger)
    assert "事業の行事と指定終了後の継続" in pdf_text(pdf.read_bytes())

    # Shiga's own report counts the events its consortia took part in, and only its consortia.
    build_report_files("annual", fy, ReportScope("prefecture", shiga.prefecture_id), xlsx_path=str(xlsx))
    sheet = {row[0]: row[1:] for row in _rows(load_workbook(xlsx, read_only=True), "事業の行事")}
    assert sheet["企画評価会議"] == [0, 0, 0]
    assert sheet["合同会議"][:2] == [1, 1]


def test_the_consortia_still_active_after_their_designation(demo):
    fy = fiscal_year(demo.today)
    scope = ReportScope("national")
    before = continuation_rows(fy, scope)
    shiga = Prefecture.objects.get(code="25")

    def ended(years_ago, went_on):
        consortium = Consortium.objects.create(name=f"指定終了 {years_ago} {went_on}", prefecture=shiga)
        plan = ContinuationPlan.objects.create(
            consortium=consortium, last_designated_year=fy - years_ago, activities="継続"
        )
        for year in range(fy - years_ago + 1, fy + 1):
            if went_on is not None or year < fy:
                ContinuationStatus.objects.create(
                    plan=plan,
                    fiscal_year=year,
                    active=True if year < fy else went_on,
                    checked_on=datetime.date(year, 12, 1) if year < fy else demo.today,
                )

    ended(1, True)
    ended(1, False)
    ended(2, True)
    ended(3, None)  # not recorded this year
    ended(4, True)  # four years after: not in the table
    after = continuation_rows(fy, scope)
    change = [
        {key: row[key] - old[key] for key in ("ended", "active", "stopped", "unknown")}
        for row, old in zip(after, before, strict=True)
    ]
    assert [row["years_after"] for row in after] == [1, 2, 3]
    assert change == [
        {"ended": 2, "active": 1, "stopped": 1, "unknown": 0},
        {"ended": 1, "active": 1, "stopped": 0, "unknown": 0},
        {"ended": 1, "active": 0, "stopped": 0, "unknown": 1},
    ]
    elsewhere = continuation_rows(fy, ReportScope("prefecture", demo.niigata_consortium.prefecture_id))
    assert sum(row["ended"] for row in elsewhere) <= 1, "Shiga's consortia are not Niigata's"


class _Release:
    """The part of a release the programme's section needs: a ledger of its own, suppressed."""

    def __init__(self, fy):
        self.fy = fy
        self.ledger = Ledger()
        participant_cells(self)
        protect(self.ledger)

    def hidden(self, key):
        return key in self.ledger.hidden

    def has(self, key):
        return key in self.ledger.cells

    def value(self, key):
        return self.ledger.cells[key].value


def test_the_section_costs_the_same_queries_for_more_events_and_plans(demo):
    fy = fiscal_year(demo.today)
    consortia = list(Consortium.objects.order_by("pk")[:6])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            for scope in (ReportScope("national"), ReportScope("prefecture", consortia[0].prefecture_id)):
                collect_programme(fy, scope, _Release(fy))
        return len(captured)

    before = queries()
    for index in range(20):
        _event(list(EventKind)[index % 4], demo.today, consortia[index % 6 :][:3], index)
    for index, consortium in enumerate(consortia[:3]):
        plan = ContinuationPlan.objects.update_or_create(
            consortium=consortium, defaults={"last_designated_year": fy - 1 - index, "activities": "継続"}
        )[0]
        ContinuationStatus.objects.update_or_create(
            plan=plan, fiscal_year=fy, defaults={"active": True, "checked_on": demo.today}
        )
    assert queries() == before


@pytest.mark.django_db
def test_participants_pass_the_audit_on_generated_data(demo, tmp_path):
    """The participants of many events, across prefectures, small and large: the release's audit finds no hidden
    count it can narrow, and no workbook prints a small one."""
    fy = 2024
    national.generate(scale="small", seed=1)
    consortia = list(Consortium.objects.filter(designations__fiscal_year=fy).distinct().order_by("pk")[:12])
    sizes = [3, 15, 7, 22, 1, 11, 30, 4, 0, 9, 14, 2, 18, 5]
    for index, attendees in enumerate(sizes):
        taking_part = [consortia[(index + step) % len(consortia)] for step in range(1 + index % 3)]
        held_on = datetime.date(fy, 4, 10) + datetime.timedelta(days=25 * index)
        _event(list(EventKind)[index % 4], held_on, taking_part, attendees)
    release = Release(fy)
    cells = {key: cell for key, cell in release.ledger.cells.items() if key[0] == "programme_participants"}
    assert any(cell.primary for cell in cells.values()), "the events have small counts to hide"
    assert not audit(release.ledger)
    prefectures = sorted({c.prefecture_id for c in consortia})[:2]
    for scope in [ReportScope("national"), *[ReportScope("prefecture", p) for p in prefectures]]:
        path = tmp_path / f"annual-{scope.kind}-{scope.ident}.xlsx"
        build_report_files("annual", fy, scope, xlsx_path=str(path))
        assert not _small_counts(path), scope
