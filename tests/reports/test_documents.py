"""The annual, PDCA and fact-finding reports: figures read back from the PDF text and the workbook's cells."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from assessments import stats
from assessments.models import Response, Timing
from curricula.models import DayLog, Placement, Student
from meister.fiscal import fiscal_year, fiscal_year_bounds
from partners.models import Designation, Engagement, Prefecture, School
from reports.documents import ReportScope
from reports.documents.common import HIDDEN, threshold
from reports.metrics import METRICS, TOTAL, paired_changes
from reports.models import KeptRelease, Kpi, KpiSource, KpiTarget, PdcaReview, ReportKind, ReportRun, RunStatus
from reports.release import Release, release_for
from reports.rendering import build_report_files
from reports.suppression import area_sums, suppressed
from reports.tasks import report_run_build
from tests.pdf import pdf_fonts, pdf_text

FY = 2024


def _build(kind, fy, scope, tmp_path):
    pdf, xlsx = tmp_path / f"{kind}.pdf", tmp_path / f"{kind}.xlsx"
    context = build_report_files(kind, fy, scope, pdf_path=str(pdf), xlsx_path=str(xlsx))
    return context, pdf_text(pdf.read_bytes()), load_workbook(xlsx, read_only=True), pdf.read_bytes()


def _rows(workbook, title):
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


# --- suppression ----------------------------------------------------------------------------------------------------


def test_secondary_suppression_hides_a_second_cell_where_a_total_would_reveal_one():
    blocks = {"a": "x", "b": "x", "c": "y"}
    values = {("prefecture", "a"): 3, ("prefecture", "b"): 40, ("prefecture", "c"): 50}
    values |= {("block", "x"): 43, ("block", "y"): 50, ("total",): 93}
    hidden = suppressed(values, area_sums(blocks), threshold=10)
    assert ("prefecture", "a") in hidden, "the small count itself"
    assert ("prefecture", "b") in hidden, "its neighbour, or 43 − b would give it away"
    assert ("prefecture", "c") not in hidden and ("total",) not in hidden


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12), st.integers(2, 12))
def test_no_sum_ever_has_exactly_one_hidden_term(counts, threshold):
    blocks = {index: index % 3 for index in range(len(counts))}
    values = {("prefecture", i): n for i, n in enumerate(counts)}
    for block in set(blocks.values()):
        values[("block", block)] = sum(n for i, n in enumerate(counts) if blocks[i] == block)
    values[("total",)] = sum(counts)
    sums = area_sums(blocks)
    hidden = suppressed(values, sums, threshold)
    assert all(key in hidden for key, n in values.items() if 0 < n < threshold), "every small count is hidden"
    for total, members in sums:
        assert sum(m in hidden for m in members) + (total in hidden) != 1
        if len(members) > 1:  # a lone member is its total: nothing to hide it among
            assert sum(m in hidden for m in members) != 1, "not even with the total hidden: another report prints it"


# --- the annual report ----------------------------------------------------------------------------------------------


def test_annual_report_figures_match_the_database(demo, tmp_path):
    context, text, workbook, data = _build("annual", FY, ReportScope("national"), tmp_path)
    assert "マイスター・ハイスクール事業 年次報告書" in text and "令和6年度" in text and "対象：全国" in text
    assert any(font.startswith("IPAexGothic") for font in pdf_fonts(data))
    assert "1 / " in text, "pages are numbered"

    designations = Designation.objects.filter(fiscal_year=FY).aggregate(n=Count("pk"), budget=Sum("budget_yen"))
    assert designations["n"] == 8
    assert f"合計 {designations['n']} 0 {designations['budget']:,}" in text

    start, end = datetime.date(FY, 4, 1), datetime.date(FY + 1, 3, 31)
    hours = DayLog.objects.filter(day__range=(start, end), status="confirmed").aggregate(h=Sum("hours"))["h"]
    assert f"企業実習の確認済み時間数 {hours:,.1f} 時間" in text
    engagements = Engagement.objects.filter(start_on__range=(start, end)).count()
    assert f"連携活動の件数 {engagements} 件" in text

    summary = {row[0]: row[1] for row in _rows(workbook, "概要")[1:]}
    assert summary["企業実習の確認済み時間数"] == float(hours), "a number, not text"
    assert summary["予算額"] == designations["budget"]
    detail = _rows(workbook, "学校別")
    assert len(detail) - 1 == School.objects.count(), "one detail row per school"
    listed = _rows(workbook, "連携活動一覧")
    assert len(listed) - 1 == engagements


def test_annual_report_hides_small_student_counts_and_what_would_reveal_them(demo, tmp_path):
    context, text, workbook, _data = _build("annual", FY, ReportScope("national"), tmp_path)
    rows = {row[0]: row[1:] for row in _rows(workbook, "企業実習（地域別）")}
    dual = {name: values[0] for name, values in rows.items()}
    okayama_students = (
        Placement.objects.filter(student__school__prefecture__code="33", kind="dual_system", starts_on__year=FY)
        .values("student")
        .distinct()
        .count()
    )
    assert 0 < okayama_students < 10
    assert dual["岡山県"] == HIDDEN, "a count under the threshold is hidden"
    # 中国 has Okayama and Hiroshima: with the block subtotal shown, Hiroshima must be hidden too.
    assert dual["広島県"] == HIDDEN
    assert dual["中国計"] == HIDDEN or dual["中国計"] >= 10, "a subtotal is hidden or large"
    assert any(isinstance(n, int) and n >= 10 for n in dual.values()), "counts at or over the threshold are shown"
    from reports.disclosure import audit

    assert not audit(Release(FY).ledger), "and what is hidden cannot be worked out"
    # The per-school detail hides the same schools, so the two tables together reveal nothing.
    detail = _rows(workbook, "学校別")
    with translation.override("ja"):
        column = detail[0].index(str(METRICS["students_dual_system"].label))
    by_school = {row[1]: row[column] for row in detail[1:]}
    assert (
        by_school["岡山県立備前水産高等学校（デモ）"] == HIDDEN
        and by_school["広島県立呉工業高等学校（デモ）"] == HIDDEN
    )


def test_reports_carry_no_student_names(demo, tmp_path):
    names = set(Student.objects.values_list("kana_name", flat=True))
    for kind, scope, fy in (
        ("annual", ReportScope("national"), FY),
        ("pdca", ReportScope("consortium", demo.shiga_consortium.pk), 2026),
        ("fact_finding", ReportScope("national"), FY),
    ):
        _context, text, workbook, _data = _build(kind, fy, scope, tmp_path)
        cells = " ".join(str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row)
        assert not [name for name in names if name in text or name in cells], kind


def test_annual_report_counts_in_the_database_whatever_the_number_of_rows(demo):
    """The same number of queries before and after another school's year is added: nothing is counted row by row."""
    scope = ReportScope("national")

    def queries():
        from reports.documents.annual import collect_annual, sheets_annual

        KeptRelease.objects.all().delete()
        counts = []
        for _kept in (False, True):  # the releases built (and kept), then read where they were kept
            with CaptureQueriesContext(connection) as captured:
                context = collect_annual(FY, scope, release=release_for(FY))
                for sheet in sheets_annual(context):
                    list(sheet.rows)
            counts.append(len(captured))
        return counts

    before = queries()
    school = School.objects.get(name="北海道立オホーツク水産高等学校（デモ）")
    student = Student.objects.create(
        school=school, department=school.departments.first(), entry_year=FY - 2, class_name="R6", number=99
    )
    placement = Placement.objects.create(
        student=student,
        company=school.consortia.first().companies.first(),
        kind="dual_system",
        starts_on=datetime.date(FY, 5, 8),
        ends_on=datetime.date(FY + 1, 1, 29),
        weekdays="2",
        required_hours=Decimal("180"),
    )
    DayLog.objects.bulk_create(
        [
            DayLog(placement=placement, day=datetime.date(FY, 5, 8) + datetime.timedelta(weeks=w), hours=6)
            for w in range(10)
        ]
    )
    # Built: the release of the year and of the two years before it (the three-year table hides each year's
    # figures as that year's own reports do), each kept; the three years' figures, the KPIs, and the programme's
    # events and continuation. Kept: the three releases read back, and what no release holds. Equal at both sizes.
    assert queries() == before == [203, 33]


def test_paired_change_in_the_database_equals_the_statistics_module(demo):
    from assessments.models import Instrument

    grit = Instrument.objects.get(code="grit-s")
    changes = paired_changes(FY, TOTAL, None, grit, ["perseverance"])
    change = changes[(None, "perseverance")]
    responses = Response.objects.filter(administration__fiscal_year=FY, administration__instrument=grit)
    pre = {r.student_id: r.scores["perseverance"] for r in responses if r.administration.timing == Timing.PRE}
    post = {r.student_id: r.scores["perseverance"] for r in responses if r.administration.timing == Timing.POST}
    both = sorted(set(pre) & set(post))
    expected = stats.paired_change([pre[s] for s in both], [post[s] for s in both])
    assert change.n == expected.n == len(both)
    assert change.mean == pytest.approx(expected.mean_diff)
    assert change.sd == pytest.approx(expected.sd_diff)
    assert (change.pre, change.post) == (pytest.approx(expected.mean_before), pytest.approx(expected.mean_after))
    assert (change.low, change.high) == (pytest.approx(expected.ci_low), pytest.approx(expected.ci_high))
    assert change.d == pytest.approx(expected.d_z)


def test_companies_engaged_counts_each_company_once(demo):
    from curricula.models import ClassSession

    start, end = datetime.date(FY, 4, 1), datetime.date(FY + 1, 3, 31)
    companies = set(Engagement.objects.filter(start_on__range=(start, end)).values_list("company", flat=True))
    companies |= set(Placement.objects.filter(starts_on__lte=end, ends_on__gte=start).values_list("company", flat=True))
    companies |= set(
        ClassSession.objects.filter(held_on__range=(start, end), company__isnull=False).values_list(
            "company", flat=True
        )
    )
    assert METRICS["companies_engaged"].compute(FY, TOTAL, None)[None] == len(companies)


# --- the PDCA report ------------------------------------------------------------------------------------------------


def test_pdca_report_shows_plan_do_check_act(demo, tmp_path):
    fy = fiscal_year(demo.today)
    _context, text, workbook, _data = _build("pdca", fy, ReportScope("consortium", demo.shiga_consortium.pk), tmp_path)
    assert "PDCA報告書" in text and "彦根工業高等学校マイスター・ハイスクール管理機関" in text
    assert "受入れ企業の負担感を下げるため" in text, "last year's Act is carried into this year's plan"
    kpis = {row[0]: row for row in _rows(workbook, "KPI")[1:]}
    assert set(kpis) == set(Kpi.objects.filter(fiscal_year=fy).values_list("name", flat=True))
    manual = kpis["企業向け説明会に参加した企業数"]
    assert (manual[3], manual[4], manual[5]) == (12, 9, -3), "target, the hand-entered actual and the gap"
    dual = kpis["デュアルシステム参加生徒数"]
    students = (
        Placement.objects.filter(student__school=demo.hikone, kind="dual_system", starts_on__year=fy)
        .values("student")
        .distinct()
        .count()
    )
    # Six students are under the threshold: the release counts them right and both files hide the count.
    assert 0 < students < threshold()
    release = release_for(fy)
    assert release.value(("students_dual_system", "consortium", demo.shiga_consortium.pk)) == students
    assert (dual[3], dual[4], dual[5]) == (8, None, None), "the target stays; the actual and the gap are hidden"
    assert f"デュアルシステム参加生徒数（人） 8 {HIDDEN}" in text
    assert f"デュアルシステム参加生徒数（人） 8 {students}" not in text
    assert "形態 生徒数 受入れ企業\n" in text, "the summary by form prints no count of placements"
    # No other consortium's schools.
    assert "海洋高等学校" not in text


def test_coordinator_downloads_the_pdca_report_of_their_consortium_only(client, demo, tmp_path):
    coordinator = demo.users["coordinator"]
    client.force_login(coordinator)
    response = client.post(reverse("reports:run_create"), {"kind": ReportKind.PDCA, "fiscal_year": 2026, "target": ""})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and run.consortium == demo.shiga_consortium
    report_run_build(run.pk)
    run.refresh_from_db()
    assert (run.status, run.progress) == (RunStatus.DONE, 100)
    pdf = b"".join(client.get(reverse("reports:run_download", args=[run.pk])).streaming_content)
    assert "PDCA報告書" in pdf_text(pdf)
    xlsx = client.get(reverse("reports:run_download_xlsx", args=[run.pk]))
    assert load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True).sheetnames[0] == "KPI"

    outsider = demo.users["coordinator-niigata"]
    client.force_login(outsider)
    assert client.get(reverse("reports:run_download", args=[run.pk])).status_code == 404
    # Nor can the Shiga coordinator ask for Niigata's.
    client.force_login(coordinator)
    response = client.post(
        reverse("reports:run_create"),
        {"kind": ReportKind.PDCA, "fiscal_year": 2026, "target": f"consortium:{demo.niigata_consortium.pk}"},
    )
    assert response.status_code == 200 and "正しく選択してください" in response.content.decode()
    assert ReportRun.objects.count() == 1


def test_report_kind_and_scope_must_fit(client, demo):
    client.force_login(demo.users["ministry"])
    response = client.post(reverse("reports:run_create"), {"kind": ReportKind.PDCA, "fiscal_year": FY, "target": ""})
    assert response.status_code == 200
    assert "PDCA報告書は管理機関を選んで作成してください。" in response.content.decode()
    client.force_login(demo.users["coordinator"])
    response = client.post(reverse("reports:run_create"), {"kind": ReportKind.ANNUAL, "fiscal_year": FY, "target": ""})
    assert "年次報告書は全国または都道府県を対象に作成します。" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_prefecture_annual_report_covers_only_that_prefecture(client, demo, tmp_path):
    client.force_login(demo.users["ministry"])
    hiroshima = Prefecture.objects.get(code="34")
    client.post(
        reverse("reports:run_create"),
        {"kind": ReportKind.ANNUAL, "fiscal_year": FY, "target": f"prefecture:{hiroshima.pk}"},
    )
    run = ReportRun.objects.get()
    assert run.prefecture == hiroshima
    report_run_build(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    text = pdf_text(run.pdf.open("rb").read())
    assert "対象：広島県" in text and "広島県立呉工業高等学校" in text
    assert "北海道" not in text and "岡山県" not in text


def test_a_year_without_records_fails_with_words(demo):
    run = ReportRun.objects.create(kind=ReportKind.FACT_FINDING, fiscal_year=2021)
    report_run_build(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error == "no_data"
    assert "記録がありません" in run.error_message
    assert not run.pdf and not run.xlsx


def test_a_finished_run_is_not_built_again(demo):
    run = ReportRun.objects.create(kind=ReportKind.ANNUAL, fiscal_year=FY)
    report_run_build(run.pk)
    run.refresh_from_db()
    first = (run.pdf.name, run.xlsx.name, run.attempt)
    report_run_build(run.pk)  # a re-delivered task
    run.refresh_from_db()
    assert (run.pdf.name, run.xlsx.name, run.attempt) == first


# --- the fact-finding report ----------------------------------------------------------------------------------------


def test_fact_finding_report_tabulates_answers(demo, tmp_path):
    from assessments.models import Recipient, SurveyAnswer

    context, text, workbook, _data = _build("fact_finding", FY, ReportScope("national"), tmp_path)
    recipients = Recipient.objects.filter(survey__fiscal_year=FY)
    answered = SurveyAnswer.objects.filter(recipient__in=recipients).count()
    rate = f"{100 * answered / recipients.count():.1f}%"
    assert f"合計 {recipients.count()} {answered} {rate}" in text
    assert "受入れ企業と年間計画を共有し" in text, "the solutions respondents wrote, by stage"
    rows = _rows(workbook, "回答状況")
    assert rows[-1][2:] == [recipients.count(), answered, rate]
    by_block = _rows(workbook, "連携段階（ブロック別）")
    # Block answered counts are small in the demo: every cell under the threshold is hidden.
    # Stage cells under the threshold are hidden; the answered counts beside them are printed (as in the rates),
    # so no row has exactly one hidden cell.
    for row in by_block[1:-1]:
        cells = row[1:-1]
        assert all(cell in (HIDDEN, 0) or cell >= 10 for cell in cells)
        assert sum(cell == HIDDEN for cell in cells) != 1


# --- the PDCA pages -------------------------------------------------------------------------------------------------


def test_coordinator_keeps_targets_and_notes(client, demo):
    fy = fiscal_year(demo.today)
    consortium = demo.shiga_consortium
    kpi = Kpi.objects.get(fiscal_year=fy, name="企業向け説明会に参加した企業数")
    client.force_login(demo.users["coordinator"])
    url = reverse("reports:pdca_edit", args=[consortium.pk, fy])
    page = client.get(url)
    assert page.status_code == 200 and "受入れ企業の負担感を下げるため" in page.content.decode()
    data = {f"kpi-{k.pk}-target": "" for k in Kpi.objects.filter(fiscal_year=fy)}
    data |= {f"kpi-{kpi.pk}-target": "15", f"kpi-{kpi.pk}-actual": "11", f"kpi-{kpi.pk}-note": "説明会2回"}
    data |= {"review-act_note": "来年度は説明会を3回に増やす。"}
    response = client.post(url, data)
    assert response.status_code == 302
    target = KpiTarget.objects.get(consortium=consortium, kpi=kpi)
    assert (target.target, target.actual, target.note) == (Decimal("15"), Decimal("11"), "説明会2回")
    assert PdcaReview.objects.get(consortium=consortium, fiscal_year=fy).act_note == "来年度は説明会を3回に増やす。"
    assert target.history.count() >= 2, "changes are kept in the history"


def test_bad_target_changes_nothing_and_keeps_the_input(client, demo):
    fy = fiscal_year(demo.today)
    consortium = demo.shiga_consortium
    kpi = Kpi.objects.get(fiscal_year=fy, name="企業向け説明会に参加した企業数")
    client.force_login(demo.users["coordinator"])
    url = reverse("reports:pdca_edit", args=[consortium.pk, fy])
    response = client.post(
        url, {f"kpi-{kpi.pk}-target": "たくさん", f"kpi-{kpi.pk}-note": "書きかけ", "review-act_note": "書いた改善"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "入力に誤りがあります" in body and "数値を入力してください" in body
    assert "書きかけ" in body and "書いた改善" in body
    assert KpiTarget.objects.get(consortium=consortium, kpi=kpi).target == Decimal("12")
    assert not PdcaReview.objects.filter(consortium=consortium, fiscal_year=fy, act_note="書いた改善").exists()


def test_ministry_reads_pdca_but_does_not_write_it(client, demo):
    client.force_login(demo.users["ministry"])
    url = reverse("reports:pdca_edit", args=[demo.shiga_consortium.pk, 2026])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 403


def test_kpi_list_is_data_the_ministry_keeps(client, demo):
    client.force_login(demo.users["ministry"])
    response = client.post(
        reverse("reports:kpi_create"),
        {
            "fiscal_year": 2026,
            "order": 10,
            "name": "新しい指標",
            "unit": "件",
            "source": KpiSource.COMPUTED,
            "metric": "",
        },
    )
    assert response.status_code == 200 and "集計項目を選んでください。" in response.content.decode()
    assert not Kpi.objects.filter(name="新しい指標").exists()
    response = client.post(reverse("reports:kpi_copy"), {"fy": 2027})
    assert response.status_code == 302
    assert Kpi.objects.filter(fiscal_year=2027).count() == Kpi.objects.filter(fiscal_year=2026).count()
    client.force_login(demo.users["coordinator"])
    assert client.post(reverse("reports:kpi_copy"), {"fy": 2027}).status_code == 403


# --- the command line -----------------------------------------------------------------------------------------------


def test_render_report_command_writes_the_same_files(demo, tmp_path):
    out = tmp_path / "annual.xlsx"
    call_command(
        "render_report", "annual", "--fy", str(FY), "--format", "xlsx", "--out", str(out), stdout=io.StringIO()
    )
    assert "学校別" in load_workbook(out, read_only=True).sheetnames
    pdf = tmp_path / "pdca.pdf"
    call_command(
        "render_report",
        "pdca",
        "--fy",
        "2026",
        "--scope",
        f"consortium:{demo.shiga_consortium.pk}",
        "--out",
        str(pdf),
        stdout=io.StringIO(),
    )
    assert "PDCA報告書" in pdf_text(pdf.read_bytes())
    with pytest.raises(CommandError, match="prefecture:25"):
        call_command("render_report", "annual", "--fy", "2024", "--scope", "region:9", "--out", str(pdf))
    with pytest.raises(CommandError):
        call_command("render_report", "pdca", "--fy", "2024", "--scope", "national", "--out", str(pdf))


def test_annual_report_in_parts_reads_the_same_as_in_one_piece(demo, tmp_path):
    """Laid out by two processes side by side, joined and numbered afterwards: the same pages, the same words."""
    from pypdf import PdfReader

    from reports.documents.annual import collect_annual
    from reports.rendering import report_html, split_parts, write_pdf

    with translation.override("ja"):
        html = report_html("annual", collect_annual(FY, ReportScope("national")))
    assert len(split_parts(html)) == 9, "cover, contents and summary, then each section that starts a page"
    assert len(split_parts(html, 2)) == 2, "two processes, each started once"
    whole, parts = tmp_path / "whole.pdf", tmp_path / "parts.pdf"
    write_pdf(html, str(whole), processes=1)
    write_pdf(html, str(parts), processes=2)
    pages = len(PdfReader(whole).pages)
    assert len(PdfReader(parts).pages) == pages
    text = pdf_text(parts.read_bytes())
    assert text.count(f" / {pages}") == pages, "every page numbered out of the whole"
    assert f"{pages} / {pages}" in text
    assert sorted(text.split()) == sorted(pdf_text(whole.read_bytes()).split())


def test_figures_summed_from_schools_equal_the_database_counting_each_area(demo):
    """Additive figures are counted per school and summed upwards; each level matches a direct grouped count."""
    from reports.documents.areas import area_values
    from reports.documents.changes import change_rows

    keys = [key for key, metric in METRICS.items() if metric.additive or metric.parts]
    values = area_values(FY, ReportScope("national"), keys)
    for key in keys:
        metric = METRICS[key]
        for group, kind in (("prefecture", "prefecture"), ("block", "block")):
            direct = metric.compute(FY, group, None)
            summed = {ident: value for (level, *rest), value in values[key].items() if level == kind for ident in rest}
            assert summed == pytest.approx(direct), (key, group)
        expected, got = metric.compute(FY, TOTAL, None).get(None), values[key].get(("total",))
        assert (got or 0) == pytest.approx(expected or 0), key
    # The whole country's change, from the blocks' sums, equals the change counted over every student at once.
    from assessments.models import Instrument

    grit = Instrument.objects.get(code="grit-s")
    direct = paired_changes(FY, TOTAL, None, grit, ["perseverance"])[(None, "perseverance")]
    row = next(r for r in change_rows(FY, ReportScope("national")) if r["subscale"] == "根気")
    assert (
        row["n"] == direct.n and row["mean"] == pytest.approx(direct.mean) and row["low"] == pytest.approx(direct.low)
    )


def test_pdca_workbook_groups_placements_and_never_lists_a_student(demo, tmp_path):
    fy = fiscal_year(demo.today)
    _context, _text, workbook, _data = _build("pdca", fy, ReportScope("consortium", demo.shiga_consortium.pk), tmp_path)
    rows = _rows(workbook, "企業実習")
    assert rows[0] == ["学校", "受入れ企業", "形態", "件数", "必要時間数の計", "確認済み時間数の計"]
    start, end = fiscal_year_bounds(fy)
    # The placements running in the year (the demo's all start and end within it).
    placements = Placement.objects.filter(student__school=demo.hikone, starts_on__lte=end, ends_on__gte=start)
    assert len(rows) - 1 == placements.values("company", "kind").distinct().count()
    labels = dict(Placement._meta.get_field("kind").choices)
    counts = {
        (company, str(labels[kind])): n
        for company, kind, n in placements.order_by().values_list("company__name", "kind").annotate(n=Count("pk"))
    }
    assert any(n < threshold() for n in counts.values()), "the demo has rows small enough to hide"
    for row in rows[1:]:
        n = counts[(row[1], row[2])]
        if n < threshold():
            assert row[3:] == [HIDDEN, HIDDEN, HIDDEN], "a small row hides its count and its hours together"
        else:
            assert row[3] in (n, HIDDEN), "a large row shows its own count or is hidden to protect another"


def test_a_prefecture_fact_finding_report_covers_only_its_own_surveys(demo, tmp_path):
    """The ministry's national survey is not the prefecture's to read, in the report as on the survey pages."""
    from reports.documents.fact_finding import collect_fact_finding

    context = collect_fact_finding(FY, ReportScope("prefecture", Prefecture.objects.get(code="34").pk))
    assert context["empty"] and context["rate_total"]["n"] == 0


def test_names_in_the_page_header_are_escaped_for_css():
    from reports.templatetags.print_tags import css_string

    assert css_string('A&B "組合" </style>') == 'A&B \\"組合\\" \\3C /style\\3E '


def test_a_scope_counts_the_schools_it_holds_and_lists_their_prefectures(demo):
    from meister.scoping import ScopeKind

    consortium = ReportScope(ScopeKind.CONSORTIUM, demo.shiga_consortium.pk)
    members = set(School.objects.filter(consortia=demo.shiga_consortium).values_list("pk", flat=True))
    assert members and set(School.objects.filter(pk__in=consortium.schools()).values_list("pk", flat=True)) == members
    assert [p.code for p in consortium.prefectures()] == ["25"]
    prefecture = ReportScope(ScopeKind.PREFECTURE, demo.hikone.prefecture_id)
    own = set(School.objects.filter(prefecture=demo.hikone.prefecture).values_list("pk", flat=True))
    assert set(School.objects.filter(pk__in=prefecture.schools()).values_list("pk", flat=True)) == own
    assert ReportScope(ScopeKind.NATIONAL).schools() is None
