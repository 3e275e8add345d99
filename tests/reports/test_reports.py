"""Report runs: started from the browser, built by the task, downloaded within scope."""

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from reports.documents.registry_summary import registry_summary_rows
from reports.models import ReportKind, ReportRun, RunStatus
from reports.tasks import report_run_build
from tests.pdf import pdf_fonts, pdf_text


def _start(client, user, fy=2026):
    client.force_login(user)
    return client.post(reverse("reports:run_create"), {"kind": ReportKind.REGISTRY_SUMMARY, "fiscal_year": fy})


def test_start_records_the_run_in_the_users_scope(client, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = _start(client, demo.users["coordinator"])
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:run_detail", args=[run.pk])
    assert (run.consortium, run.prefecture, run.status) == (demo.shiga_consortium, None, RunStatus.QUEUED)
    assert len(callbacks) == 1, "the task is queued only once the run is committed"


def test_bad_fiscal_year_is_refused_in_japanese(client, demo):
    response = _start(client, demo.users["prefecture"], fy=1999)
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_account_without_its_scope_may_not_start_a_report(client, demo):
    coordinator = demo.users["coordinator"]
    coordinator.consortium = None
    coordinator.save()
    assert _start(client, coordinator).status_code == 403
    assert not ReportRun.objects.exists()


def test_teacher_may_not_start_a_report(client, demo):
    assert _start(client, demo.users["teacher"]).status_code == 403
    assert not ReportRun.objects.exists()


def test_rows_follow_the_run_scope(demo):
    shiga = ReportRun.objects.create(
        kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026, prefecture=demo.hikone.prefecture
    )
    national = ReportRun.objects.create(kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026)
    assert [
        (r["prefecture"].name, r["schools"], r["companies"], r["designations"]) for r in registry_summary_rows(shiga)
    ] == [("滋賀県", 1, 3, 1)]
    rows = {r["prefecture"].name: r for r in registry_summary_rows(national)}
    assert {"新潟県", "滋賀県", "北海道", "熊本県"} <= set(rows)
    assert rows["新潟県"]["companies_without_number"] == 1


def test_task_writes_a_japanese_pdf(client, demo):
    run = ReportRun.objects.create(
        kind=ReportKind.REGISTRY_SUMMARY,
        fiscal_year=2026,
        consortium=demo.shiga_consortium,
        requested_by=demo.users["coordinator"],
    )
    report_run_build(run.pk)
    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == (RunStatus.DONE, 100, "")
    client.force_login(demo.users["prefecture"])
    response = client.get(reverse("reports:run_download", args=[run.pk]))
    data = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "連携先登録状況 令和8年度" in text
    assert "滋賀県" in text and "新潟県" not in text
    assert any(font.startswith("IPAexGothic") for font in pdf_fonts(data))


def test_failure_is_recorded_in_words(demo):
    run = ReportRun.objects.create(kind="no_such_report", fiscal_year=2026)
    report_run_build(run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, "build_failed")
    assert "報告書を作成できませんでした" in run.error_message and not run.pdf
    with translation.override("en"):
        assert "could not" in run.error_message.lower()


def test_task_for_a_deleted_run_returns_quietly(db):
    report_run_build(987654)
    assert not ReportRun.objects.exists()


def test_progress_partial_polls_until_finished(client, demo):
    run = ReportRun.objects.create(
        kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026, prefecture=demo.hikone.prefecture
    )
    client.force_login(demo.users["prefecture"])
    html = client.get(reverse("reports:run_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'data-status="queued"' in html
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error="エラーの説明")
    html = client.get(reverse("reports:run_progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in html and "エラーの説明" in html


def test_download_without_file_is_404(client, demo):
    run = ReportRun.objects.create(kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026)
    client.force_login(demo.users["ministry"])
    assert client.get(reverse("reports:run_download", args=[run.pk])).status_code == 404


@pytest.mark.parametrize(
    "username, visible", [("ministry", 2), ("prefecture", 1), ("coordinator-niigata", 0), ("teacher", 0)]
)
def test_run_list_is_scoped(client, demo, username, visible):
    ReportRun.objects.create(kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026, consortium=demo.shiga_consortium)
    ReportRun.objects.create(kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026)
    client.force_login(demo.users[username])
    assert len(client.get(reverse("reports:run_list")).context["runs"]) == visible


def test_stale_runs_are_marked_failed(demo, settings):
    from datetime import timedelta

    from django.utils import timezone

    from reports.tasks import report_runs_fail_stale

    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 3600}
    now = timezone.now()
    waited = ReportRun.objects.create(kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026)
    ReportRun.objects.filter(pk=waited.pk).update(created_at=now - timedelta(hours=2))
    # A running report whose worker died comes back after the visibility timeout: it is given that time too.
    returning = ReportRun.objects.create(kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026, status=RunStatus.RUNNING)
    ReportRun.objects.filter(pk=returning.pk).update(started_at=now - timedelta(hours=2))
    lost = ReportRun.objects.create(kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026, status=RunStatus.RUNNING)
    ReportRun.objects.filter(pk=lost.pk).update(started_at=now - timedelta(hours=5))
    fresh = ReportRun.objects.create(kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026)
    assert report_runs_fail_stale() == 2
    for run in (waited, returning, lost, fresh):
        run.refresh_from_db()
    assert (waited.status, waited.error) == (RunStatus.FAILED, "timed_out")
    assert (lost.status, lost.error) == (RunStatus.FAILED, "timed_out")
    assert "時間内に作成が終わりませんでした" in lost.error_message
    assert returning.status == RunStatus.RUNNING and fresh.status == RunStatus.QUEUED


def test_a_failing_attempt_leaves_a_run_another_attempt_has_taken_over(demo, monkeypatch):
    """An older attempt that fails must not mark the run failed under the attempt now building it."""
    from reports import services

    run = ReportRun.objects.create(kind=ReportKind.REGISTRY_SUMMARY, fiscal_year=2026)

    def taken_over_then_broken(*args, **kwargs):
        ReportRun.objects.filter(pk=run.pk).update(attempt=F("attempt") + 1)  # a re-delivered task took it up
        raise RuntimeError("layout failed")

    monkeypatch.setattr(services, "build_report_files", taken_over_then_broken)
    report_run_build(run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempt, run.error) == (RunStatus.RUNNING, 2, "")


def test_a_prefectures_annual_report_is_named_for_the_prefecture(client, demo):
    from urllib.parse import unquote

    from django.core.files.base import ContentFile

    files = {}
    for prefecture in (demo.hikone.prefecture, None):
        run = ReportRun.objects.create(
            kind=ReportKind.ANNUAL, fiscal_year=2026, prefecture=prefecture, status=RunStatus.DONE
        )
        run.pdf.save("annual.pdf", ContentFile(b"%PDF-1.7\n%%EOF"), save=True)
        client.force_login(demo.users["ministry"])
        response = client.get(reverse("reports:run_download", args=[run.pk]))
        files[prefecture.name if prefecture else "national"] = unquote(response["Content-Disposition"])
        run.pdf.delete(save=False)
    assert "年次報告書（滋賀県）_令和8年度" in files["滋賀県"] and "全国" not in files["滋賀県"]
    assert "年次報告書（全国）_令和8年度" in files["national"]
    shiga = ReportRun.objects.get(prefecture=demo.hikone.prefecture)
    assert shiga.title == "年次報告書（滋賀県）"
    with translation.override("en"):
        assert shiga.title == "Annual report (Shiga)"
