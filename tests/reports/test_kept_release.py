"""A fiscal year's release is kept between reports exactly while the data it was built from is unchanged: every way
of writing to a table it reads moves the year's data version, writes to other years leave it, and a report from a
kept release is the report a fresh release gives."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import reports.release
from curricula.models import ClassSession, DayLog, LogStatus, Placement
from partners.models import Engagement, School
from reports import kept, services
from reports.documents import ReportScope
from reports.documents.annual import collect_annual
from reports.documents.areas import AREA_KEYS, area_values, hidden_cells
from reports.documents.common import HIDDEN
from reports.documents.headline import TREND_KEYS, _value, trends
from reports.documents.pdca import collect_pdca
from reports.models import DataChange, KeptRelease
from reports.release import Release, release_for
from reports.rendering import report_html

FY = 2024
SOURCE_TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')


@pytest.fixture
def builds(monkeypatch):
    """How many releases were built (and suppressed) since the test began."""
    made = []
    protect = reports.release.protect

    def counted(ledger, **options):
        made.append(ledger)
        return protect(ledger, **options)

    monkeypatch.setattr(reports.release, "protect", counted)
    return made


def _confirmed_log(fy: int) -> DayLog:
    start, end = datetime.date(fy, 4, 1), datetime.date(fy + 1, 3, 31)
    return DayLog.objects.filter(status=LogStatus.CONFIRMED, day__range=(start, end)).order_by("pk").first()


def test_the_next_report_of_the_year_reads_the_kept_release(demo, builds):
    first = release_for(FY)
    assert len(builds) == 1 and KeptRelease.objects.filter(fiscal_year=FY).exists()
    again = release_for(FY)
    assert len(builds) == 1, "nothing changed: the kept release is read, not built"
    fresh = Release(FY)
    assert again.hidden_keys == fresh.hidden_keys == first.hidden_keys
    assert again.figures == fresh.figures
    assert again.values == fresh.values and again.changes == fresh.changes
    assert again.national_areas == fresh.national_areas
    # The files are the same whichever release they were built from.
    for kind, collect, scope in (
        ("annual", collect_annual, ReportScope("national")),
        ("annual", collect_annual, ReportScope("prefecture", demo.hikone.prefecture_id)),
        ("pdca", collect_pdca, ReportScope("consortium", demo.shiga_consortium.pk)),
    ):
        assert report_html(kind, collect(FY, scope, release=again)) == report_html(
            kind, collect(FY, scope, release=fresh)
        ), (kind, scope)


def _save(log):
    log.hours = log.hours - Decimal("1")
    log.save()


def _update(log):
    DayLog.objects.filter(pk=log.pk).update(status=LogStatus.PENDING)


def _delete(log):
    DayLog.objects.filter(pk=log.pk).delete()


def _bulk(log):
    taken = set(log.placement.logs.values_list("day", flat=True))
    day = next(
        log.day + datetime.timedelta(days=step)
        for step in range(1, 400)
        if log.day + datetime.timedelta(days=step) not in taken
    )
    assert day <= datetime.date(FY + 1, 3, 31)
    DayLog.objects.bulk_create([DayLog(placement=log.placement, day=day, hours=5)])


def _plain_sql(log):
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "curricula_daylog" SET "hours" = "hours" + 1 WHERE "id" = %s', [log.pk])


def _another_table(log):
    School.objects.filter(pk=log.placement.student.school_id).update(name="名前を改めた高等学校")


def _a_session(log):
    ClassSession.objects.filter(pk=ClassSession.objects.order_by("pk").values("pk")[:1]).delete()


def _an_engagement(log):
    Engagement.objects.filter(pk=Engagement.objects.order_by("pk").values("pk")[:1]).update(students=1)


@pytest.mark.parametrize(
    "write", [_save, _update, _delete, _bulk, _plain_sql, _another_table, _a_session, _an_engagement]
)
def test_every_way_of_writing_makes_the_next_report_build_afresh(demo, builds, write):
    release_for(FY)
    before = kept.data_version(FY)
    write(_confirmed_log(FY))
    assert kept.data_version(FY) != before
    rebuilt = release_for(FY)
    assert len(builds) == 2, "the data changed: the release is built again"
    assert rebuilt.figures == Release(FY).figures
    assert rebuilt.national_areas == area_values(FY, ReportScope("national"), AREA_KEYS)
    assert release_for(FY).figures == rebuilt.figures
    assert len(builds) == 3, "the rebuilt release is kept in turn"


def test_a_confirmed_hour_less_shows_in_the_next_report(demo):
    total = ("hours_completed", "total")
    before = release_for(FY).value(total)
    _save(_confirmed_log(FY))
    assert release_for(FY).value(total) == pytest.approx(before - 1)


def _placement_in(fy: int) -> Placement:
    """A copy of a placement of `FY`, moved to May of `fy`, with one logged day."""
    placement = Placement.objects.get(pk=_confirmed_log(FY).placement_id)
    placement.pk = None
    placement.starts_on, placement.ends_on = datetime.date(fy, 5, 1), datetime.date(fy, 5, 31)
    placement.save()
    DayLog.objects.create(placement=placement, day=placement.starts_on, hours=6)
    return placement


def test_writes_to_other_years_leave_a_years_release_kept(demo, builds):
    release_for(FY)
    version = kept.data_version(FY)
    earlier, later = _placement_in(FY - 1), _placement_in(FY + 1)
    _save(earlier.logs.get())
    Placement.objects.filter(pk=later.pk).update(ends_on=datetime.date(FY + 1, 6, 30))
    assert kept.data_version(FY) == version
    release_for(FY)
    assert len(builds) == 1
    # A placement moved into the year changes it, and the years it left and spans.
    others = kept.data_version(FY - 1), kept.data_version(FY + 1)
    Placement.objects.filter(pk=later.pk).update(starts_on=datetime.date(FY, 5, 1))
    assert kept.data_version(FY) != version
    assert kept.data_version(FY + 1) != others[1]
    assert kept.data_version(FY - 1) == others[0]
    release_for(FY)
    assert len(builds) == 2


def test_a_new_threshold_is_not_read_from_a_release_built_under_the_old(demo, builds, settings):
    release_for(FY)
    settings.ASSESSMENTS_SUPPRESSION_THRESHOLD += 5
    release_for(FY)
    assert len(builds) == 2


def test_a_release_built_by_other_code_is_not_read(demo, builds, monkeypatch):
    release_for(FY)
    digest = kept.code_digest()
    assert len(digest) == 16 and kept.data_version(FY).startswith(digest)
    monkeypatch.setattr(kept, "code_digest", lambda: "0" * 16)  # as after a deploy that changed reports/
    release_for(FY)
    assert len(builds) == 2


def test_the_version_is_read_before_any_figure(demo):
    with CaptureQueriesContext(connection) as queries:
        release_for(FY)
    tables = [set(SOURCE_TABLE.findall(query["sql"])) for query in queries.captured_queries]
    own = {"reports_datachange", "reports_keptrelease"}
    first_figure = next(index for index, found in enumerate(tables) if found - own)
    assert any("reports_datachange" in found for found in tables[:first_figure])


def watched_tables(*, by_releases: bool) -> set[str]:
    """The tables with a trigger that records their writes: those that move the releases' versions, or any (the
    dashboards' version counts the writes to every one of them)."""
    only_releases = "AND p.proname <> 'reports_changed_no_release'" if by_releases else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT t.tgrelid::regclass::text FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            f"WHERE t.tgname LIKE 'reports_changed%%' AND NOT t.tgisinternal {only_releases}"
        )
        return {name.strip('"') for (name,) in cursor.fetchall()}


def test_every_table_a_release_reads_moves_the_version(demo):
    with CaptureQueriesContext(connection) as queries:
        Release(FY)
    read = {table for query in queries.captured_queries for table in SOURCE_TABLE.findall(query["sql"])}
    watched = watched_tables(by_releases=True)
    assert len(read) > 15
    assert read <= watched, read - watched
    assert "partners_schoolneed" in watched_tables(by_releases=False) - watched, "a dashboard's table moves none"


def test_folding_the_change_rows_keeps_every_years_version(demo):
    for year in (FY - 1, FY):
        log = _confirmed_log(year)
        if log is not None:
            _save(log)
    _another_table(_confirmed_log(FY))
    versions = {year: kept.data_version(year) for year in (FY - 2, FY - 1, FY, FY + 1)}
    assert DataChange.objects.count() > 3
    kept.fold_changes()
    assert {year: kept.data_version(year) for year in versions} == versions
    assert DataChange.objects.count() == DataChange.objects.values("fiscal_year").distinct().count()


def test_each_night_the_years_whose_data_changed_are_built_and_kept(demo, builds, travel, settings):
    nightly = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "reports.tasks.keep_releases_current" in nightly
    travel(datetime.date(FY + 1, 2, 10), hour=2)
    assert services.releases_keep_current() == [FY - 2, FY - 1, FY]
    assert set(KeptRelease.objects.values_list("fiscal_year", flat=True)) == {FY - 2, FY - 1, FY}
    assert services.releases_keep_current() == [], "nothing changed"
    _save(_confirmed_log(FY))
    assert services.releases_keep_current() == [FY]
    assert DataChange.objects.count() == DataChange.objects.values("fiscal_year").distinct().count(), "folded"
    built = len(builds)
    release_for(FY)
    assert len(builds) == built, "the morning's report reads the release kept in the night"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "vendor", "sqlite")
        assert services.releases_keep_current() == []


@pytest.mark.parametrize("where", ["national", "prefecture"])
def test_the_three_years_read_from_the_releases_are_the_figures_counted_from_the_records(demo, where):
    scope = ReportScope("national") if where == "national" else ReportScope("prefecture", demo.hikone.prefecture_id)
    printed = {
        row["key"]: [cell["value"] for cell in row["cells"]] for row in trends(FY, scope, release_for(FY))["rows"]
    }
    for index, year in enumerate((FY - 2, FY - 1, FY)):
        counted = area_values(year, scope, TREND_KEYS)
        hidden = hidden_cells(Release(year), scope, TREND_KEYS)
        for key in TREND_KEYS:
            value = counted[key].get(("total",))
            expected = HIDDEN if ("total",) in hidden[key] else _value(key, value)
            assert printed[key][index] == expected, (year, key)
    assert any(value not in (0, None, HIDDEN) for values in printed.values() for value in values)
