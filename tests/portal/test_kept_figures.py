"""A dashboard's figures are kept between visits while the data is unchanged, and any write shows on the next visit."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curricula.models import AgreementStatus, DayLog, DiaryEntry, LogStatus, Placement
from partners.models import Proposal, ProposalStatus, SchoolNeed
from portal import kept
from portal.selectors import dashboard_context
from programme.models import AdviceStatus, AdviceThread
from reports import kept as versions
from tests.portal.test_work_first import WORKING_ROLES, _need, _shiga_company, busy  # noqa: F401
from tests.reports.test_kept_release import watched_tables

SOURCE_TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')
URL = reverse("portal:dashboard")


def _visit(client, user, **extra):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, **extra)
    assert response.status_code == 200
    tables = {table for query in queries.captured_queries for table in SOURCE_TABLE.findall(query["sql"])}
    return {item.key: (item.count, item.note) for item in response.context["work"]}, tables, response


def _figure_tables(user) -> set[str]:
    with CaptureQueriesContext(connection) as queries:
        dashboard_context(user=user)
    return {table for query in queries.captured_queries for table in SOURCE_TABLE.findall(query["sql"])}


def test_every_table_a_dashboard_reads_has_a_trigger(busy):  # noqa: F811
    read = set().union(*(_figure_tables(busy.users[role]) for role in WORKING_ROLES))
    watched = watched_tables(by_releases=False)
    assert len(read) > 20
    assert read <= watched, read - watched


@pytest.mark.parametrize("persona", WORKING_ROLES)
def test_the_next_visit_reads_the_kept_figures(client, busy, persona):  # noqa: F811
    user = busy.users[persona]
    first, first_tables, page = _visit(client, user)
    again, tables, kept_page = _visit(client, user)
    assert again == first
    figure_tables = _figure_tables(user)
    assert figure_tables <= first_tables
    # The kept visit reads the session, the user and their scope's own row, the version and the newest runs.
    assert len(tables - {"django_session", "meister_user", "otp_totp_totpdevice", "reports_reportrun"}) <= 4, tables
    assert tables & {"curricula_placement", "curricula_daylog", "partners_schoolneed", "assessments_recipient"} == set()
    assert kept_page.content.decode().count("<li") == page.content.decode().count("<li")


def test_the_version_is_read_before_the_first_figure(client, busy):  # noqa: F811
    client.force_login(busy.users["prefecture"])
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    sql = [query["sql"] for query in queries.captured_queries]
    version = next(i for i, text in enumerate(sql) if '"reports_datachange"' in text)
    first_figure = next(i for i, text in enumerate(sql) if '"curricula_placement"' in text)
    assert version < first_figure


def _reject_a_day(demo):
    log = DayLog.objects.filter(placement__student__school=demo.hikone, status=LogStatus.CONFIRMED).first()
    DayLog.objects.filter(pk=log.pk).update(status=LogStatus.REJECTED)
    return "rejected", 1


def _sign_an_agreement(demo):
    placement = (
        Placement.objects.filter(student__school=demo.hikone, ends_on__gte=demo.today)
        .exclude(agreement_status=AgreementStatus.SIGNED)
        .first()
    )
    placement.agreement_status = AgreementStatus.SIGNED
    placement.save()
    return "unsigned", -1


def _comment_on_the_diary(demo):
    DiaryEntry.objects.filter(placement__student__school=demo.hikone).update(teacher_comment="よく書けています")
    return "diary", -1


def _delete_a_log(demo):
    log = DayLog.objects.filter(placement__student__school=demo.hikone, status=LogStatus.REJECTED).first()
    log.delete()
    return "rejected", -1


@pytest.mark.parametrize("write", [_reject_a_day, _sign_an_agreement, _comment_on_the_diary, _delete_a_log])
def test_every_way_of_writing_shows_on_the_teachers_next_visit(client, busy, write):  # noqa: F811
    before, _, _ = _visit(client, busy.users["teacher"])
    key, change = write(busy)
    after, _, _ = _visit(client, busy.users["teacher"])
    assert after[key][0] == before[key][0] + change


def test_a_new_need_and_a_companys_question_show_on_the_coordinators_next_visit(client, busy):  # noqa: F811
    before, _, _ = _visit(client, busy.users["coordinator"])
    asked = _need(busy, "新しいニーズ")
    _need(busy, "もう一つのニーズ")
    Proposal.objects.create(need=asked, company=_shiga_company(busy), message="m", status=ProposalStatus.QUESTION)
    after, _, _ = _visit(client, busy.users["coordinator"])
    assert after["needs"][0] == before["needs"][0] + 1
    assert after["replies"][0] == before["replies"][0] + 1
    SchoolNeed.objects.filter(title="もう一つのニーズ").delete()
    assert _visit(client, busy.users["coordinator"])[0]["needs"][0] == before["needs"][0]


def test_a_question_to_the_supporter_shows_on_their_next_visit(client, busy):  # noqa: F811
    before, _, _ = _visit(client, busy.users["supporter"])
    AdviceThread.objects.create(
        consortium=busy.shiga_consortium,
        subject="もう一つの相談",
        kind="consultation",
        status=AdviceStatus.AWAITING_SUPPORTER,
        follow_up_on=busy.today + datetime.timedelta(days=10),
    )
    after, _, _ = _visit(client, busy.users["supporter"])
    assert after["advice_waiting"][0] == before["advice_waiting"][0] + 1


def test_figures_are_kept_for_one_person_one_language_and_one_day(client, busy, travel):  # noqa: F811
    teacher, company = busy.users["teacher"], busy.users["company"]
    japanese, _, _ = _visit(client, teacher)
    assert set(_visit(client, company)[0]) != set(japanese), "another person's figures are their own"
    client.cookies["django_language"] = "en"
    english, _, page = _visit(client, teacher)
    assert "Unrecorded training days" in page.content.decode()
    assert "未記録の実習日" not in page.content.decode()
    assert {key: count for key, (count, _) in english.items()} == {key: count for key, (count, _) in japanese.items()}
    assert english["diary"][1] == "1 diary"
    travel(busy.today + datetime.timedelta(days=40))
    later, tables, _ = _visit(client, teacher)
    assert "curricula_placement" in tables, "a new day works its figures out again"
    assert later["missing"][0] >= japanese["missing"][0]


def test_a_cache_that_does_not_answer_leaves_the_dashboard_working(client, busy, settings):  # noqa: F811
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    figures, tables, _ = _visit(client, busy.users["coordinator"])
    assert figures["needs"][0] >= 1 and "partners_schoolneed" in tables


def test_without_triggers_nothing_is_kept(client, busy, monkeypatch):  # noqa: F811
    monkeypatch.setattr(kept, "dashboard_version", lambda: None)
    _visit(client, busy.users["teacher"])
    _, tables, _ = _visit(client, busy.users["teacher"])
    assert "curricula_placement" in tables


def test_the_dashboard_version_moves_with_every_write_and_only_forward(busy):  # noqa: F811
    first = versions.dashboard_version()
    SchoolNeed.objects.filter(title="まだ依頼していないニーズ").update(students=3)
    second = versions.dashboard_version()
    assert int(second.split(".")[0]) == int(first.split(".")[0]) + 1
    versions.fold_changes()
    folded = versions.dashboard_version()
    assert folded != second, "folding keeps the sum but moves the newest row"
    assert folded.split(".")[0] == second.split(".")[0]


def test_the_code_digest_names_the_portals_code_and_nothing_else(settings, tmp_path, monkeypatch):
    monkeypatch.undo()  # the suite's own digest, not the one each test is given
    package = tmp_path / "pkg"
    (package / "migrations").mkdir(parents=True)
    (tmp_path / "tests").mkdir()
    for path in (package / "__init__.py", tmp_path / "tests" / "__init__.py"):
        path.write_text("")
    (package / "a.py").write_text("A = 1\n")
    settings.BASE_DIR = tmp_path

    def digest():
        kept.code_digest.cache_clear()
        return kept.code_digest()

    first = digest()
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    (package / "migrations" / "0001_x.py").write_text("X = 1\n")
    (tmp_path / "tests" / "test_x.py").write_text("X = 1\n")
    assert digest() == first
    (package / "a.py").write_text("A = 2\n")
    assert digest() != first
    kept.code_digest.cache_clear()


def test_the_change_rows_are_folded_every_few_minutes(busy, settings):  # noqa: F811
    from reports.models import DataChange
    from reports.tasks import data_changes_fold

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["reports.tasks.fold_data_changes"] <= 600
    SchoolNeed.objects.filter(title="まだ依頼していないニーズ").update(students=3)
    total = versions.dashboard_version().split(".")[0]
    assert DataChange.objects.count() > DataChange.objects.values("fiscal_year").distinct().count()
    data_changes_fold()
    assert DataChange.objects.count() == DataChange.objects.values("fiscal_year").distinct().count()
    assert versions.dashboard_version().split(".")[0] == total


def test_one_entry_a_person_holds_the_newest_figures(client, busy):  # noqa: F811
    from django.core.cache import cache
    from django.utils import translation

    teacher = busy.users["teacher"]
    _visit(client, teacher)
    with translation.override("ja"):
        key = kept._key(teacher)
    first_version, _ = cache.get(key)
    _reject_a_day(busy)
    shown, _, _ = _visit(client, teacher)
    version, figures = cache.get(key)
    assert version == versions.dashboard_version() != first_version
    assert {item.key: item.count for item in figures["work"]} == {key: count for key, (count, _) in shown.items()}
