"""Reads on a real streaming replica: a report run reads the standby and says as of when; a person's own save is
on their next page even while the standby lags; someone else's page reads the standby."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_DAY
from tests.replica_cluster import primary_and_standby

pytestmark = pytest.mark.replica

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def observed():
    with primary_and_standby() as (primary, standby):
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="meister.test_settings",
            DATABASE_URL=primary,
            DATABASE_REPLICA_URL=standby,
            REPORT_STEP_DELAY_SECONDS="0",
        )
        done = subprocess.run(
            [sys.executable, "-m", "tests.replica_probe", DEMO_DAY.isoformat()],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_standby_is_a_standby(observed):
    assert observed["replica_in_recovery"] is True


def test_a_report_run_reads_the_standby_and_says_as_of_when(observed):
    assert observed["report_done"], (observed["report_status"], observed["report_error"])
    assert observed["report_replica_queries"] > 10
    assert observed["report_data_as_of"]


def test_a_teachers_save_is_on_the_next_page_while_the_standby_lags(observed):
    assert observed["found_open_day"]
    assert observed["post_status"] == 302
    assert observed["new_rows"] > 0
    assert observed["saved_on_primary"] >= observed["new_rows"]
    assert observed["teacher_count_after"] == observed["teacher_count_before"] + observed["new_rows"]
    # Only the check whether the standby has caught up went there; the page itself read the primary.
    assert observed["teacher_replica_queries"] == 1


def test_someone_elses_page_reads_the_standby_until_it_replays(observed):
    assert observed["ministry_replica_queries"] > 0
    assert observed["ministry_total_while_paused"] == observed["ministry_total_before"]
    assert observed["ministry_total_after_replay"] == observed["ministry_total_before"] + observed["new_rows"]


def test_downloads_read_the_standby(observed):
    assert observed["export_csv_day_log_reads_on_replica"] >= 1
    assert observed["export_xlsx_day_log_reads_on_replica"] >= 1


def test_a_standby_of_a_running_primary_follows_it():
    """`make bench` makes a standby of the primary it runs on (`devtools.pgcluster.standby_of`): the standby holds
    what the primary held, is in recovery, and receives a row written on the primary afterwards."""
    import time

    import psycopg

    from devtools.pgcluster import standby_of

    with primary_and_standby() as (primary, _standby):
        port = int(primary.rsplit(":", 1)[1].split("/")[0])
        with psycopg.connect(primary, autocommit=True) as db:
            db.execute("CREATE TABLE seen (n int)")
            db.execute("INSERT INTO seen VALUES (1)")
            with standby_of({"HOST": "127.0.0.1", "PORT": port, "NAME": "postgres"}) as url:
                db.execute("INSERT INTO seen VALUES (2)")
                with psycopg.connect(url, autocommit=True) as copy:
                    assert copy.execute("SELECT pg_is_in_recovery()").fetchone()[0] is True
                    rows = []
                    for _ in range(100):
                        rows = [n for (n,) in copy.execute("SELECT n FROM seen ORDER BY n")]
                        if rows == [1, 2]:
                            break
                        time.sleep(0.1)
                    assert rows == [1, 2]
