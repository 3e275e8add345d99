"""Run by tests/meister/test_replica.py in a process of its own, on a primary with a streaming standby.

`python -m tests.replica_probe YYYY-MM-DD` with DATABASE_URL (primary) and DATABASE_REPLICA_URL (standby) set:
loads the demo for that day, builds a report, writes as a teacher while the standby's replay is paused, and
prints what it observed as one JSON line for the test to judge.
"""

import datetime
import json
import sys
import time

import django
import time_machine

TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def wait_for_replay(replica, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not replica._replica_has_replayed(replica._primary_position()):
        if time.monotonic() > deadline:
            raise RuntimeError("the standby did not catch up")
        time.sleep(0.05)


def queries_on(alias, action):
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connections[alias]) as captured:
        result = action()
    return result, len(captured)


def day_log_reads_on(alias, action) -> int:
    """How many of the queries `action` sends to `alias` read the day logs."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connections[alias]) as captured:
        action()
    return sum('"curricula_daylog"' in query["sql"] for query in captured.captured_queries)


def main(day: datetime.date) -> dict:
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from curricula import selectors
    from curricula.models import DayLog
    from meister import clock, replica
    from meister.fiscal import fiscal_year
    from meister.models import User
    from reports.models import ReportRun, RunStatus
    from reports.services import report_run_build

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", today=day, verbosity=0)
    wait_for_replay(replica)
    facts = {}
    with connections[replica.REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        facts["replica_in_recovery"] = cursor.fetchone()[0]

    # A report run reads its figures from the standby and says as of when.
    ministry = User.objects.get(username="ministry")
    run = ReportRun.objects.create(kind="annual", fiscal_year=fiscal_year(clock.today()), requested_by=ministry)
    _, facts["report_replica_queries"] = queries_on(replica.REPLICA, lambda: report_run_build(run.pk))
    run.refresh_from_db()
    facts["report_status"] = run.status
    facts["report_error"] = run.error
    facts["report_data_as_of"] = run.data_as_of.isoformat() if run.data_as_of else None
    facts["report_done"] = run.status == RunStatus.DONE

    # With the standby's replay paused, a teacher's save is on the teacher's next page (read from the primary),
    # while another person's page still reads the standby's older state.
    teacher, ministry_client = Client(), Client()
    teacher.force_login(User.objects.get(username="teacher"))
    ministry_client.force_login(ministry)
    logs_url = reverse("curricula:day_log_list")
    teacher_user = User.objects.get(username="teacher")
    missing = sorted(selectors.missing_days(user=teacher_user), key=lambda pair: pair[1])
    open_day = missing[-1][1] if missing else None
    facts["found_open_day"] = open_day is not None
    ministry_before = ministry_client.get(logs_url)
    facts["ministry_total_before"] = sum(row[1] for row in ministry_before.context["rows"])
    teacher_before = teacher.get(logs_url).context["page"].paginator.count
    wait_for_replay(replica)
    with connections[replica.REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    # The class logging screen as the teacher fills it: the day's open rows get an entry, the others stay.
    log_url = reverse("curricula:log_day", args=[open_day])
    data, new_rows = {}, 0
    for row in teacher.get(log_url).context["rows"]:
        form = row["form"]
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            data[form.add_prefix(name)] = "" if value is None else str(value)
        if row["log"] is None:
            new_rows += 1
            data[form.add_prefix("attendance")] = "present"
            data[form.add_prefix("hours")] = "6.0"
            data[form.add_prefix("activities")] = "旋盤の段取り"
            data[form.add_prefix("reflection")] = "刃物の向きを確かめた"
    facts["new_rows"] = new_rows
    posted = teacher.post(log_url, data)
    facts["post_status"] = posted.status_code
    facts["saved_on_primary"] = DayLog.objects.filter(
        day=open_day, placement__student__school=teacher_user.school
    ).count()
    response, facts["teacher_replica_queries"] = queries_on(replica.REPLICA, lambda: teacher.get(logs_url))
    facts["teacher_count_before"] = teacher_before
    facts["teacher_count_after"] = response.context["page"].paginator.count
    response, facts["ministry_replica_queries"] = queries_on(replica.REPLICA, lambda: ministry_client.get(logs_url))
    facts["ministry_total_while_paused"] = sum(row[1] for row in response.context["rows"])
    with connections[replica.REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_replay(replica)
    response = ministry_client.get(logs_url)
    facts["ministry_total_after_replay"] = sum(row[1] for row in response.context["rows"])

    # Once the standby has the teacher's save, their downloads read it there too (streamed CSV and Excel alike).
    for fmt in ("csv", "xlsx"):
        facts[f"export_{fmt}_day_log_reads_on_replica"] = day_log_reads_on(
            replica.REPLICA, lambda fmt=fmt: b"".join(teacher.get(logs_url, {"export": fmt}).streaming_content)
        )
    return facts


if __name__ == "__main__":
    day = datetime.date.fromisoformat(sys.argv[1])
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(9), TOKYO), tick=True):
        print(json.dumps(main(day)))
