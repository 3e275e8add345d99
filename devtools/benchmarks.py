"""The pieces of `make bench`: each measures one thing on the database it is pointed at and returns plain figures.

The command (meister/management/commands/bench.py) runs them in order on national-scale data and writes
docs/benchmarks.md and docs/benchmarks.json; the tests run them at small scale to check their shape.
"""

import csv
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from devtools.bench_pages import Page, counted_pages, daily_pages, persona, role_pages  # noqa: F401 (read as benchmarks.*)
from devtools.bench_school_year import national_rollover, roster_import, roster_rows  # noqa: F401 (read as benchmarks.*)
from devtools.loadtest import Target, percentile, run_load
from devtools.national import corporate_number, persona_need
from meister.middleware import LOGIN_STAMP
from meister.models import User

# --- query counts and where a request's time goes ----------------------------------------------------------------


def _client(page: Page) -> Client:
    client = Client()
    if page.persona:
        client.force_login(persona(page.persona))
    return client


def query_counts(pages: list[Page]) -> dict[str, int]:
    """Queries per page, on its second request (the first may fill per-process caches)."""
    counts = {}
    for page in pages:
        if page.key == "hello":
            continue
        client = _client(page)
        client.get(page.path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        if response.status_code != 200:
            raise RuntimeError(f"{page.path} as {page.persona}: HTTP {response.status_code}")
        counts[page.key] = len(captured.captured_queries)
    return counts


def time_split(pages: list[Page], *, repeat: int = 8) -> dict[str, dict]:
    """Each page requested `repeat` times in this process (Django's test client, no web server): the median
    whole request and the median time its queries took in PostgreSQL (as the database cursor measures them),
    so that the rest (ORM row building, forms, templates, middleware) is measured too, not guessed."""
    split = {}
    for page in pages:
        client = _client(page)
        client.get(page.path)
        totals, sql = [], []
        for _ in range(repeat):
            spent = [0.0]  # Django's captured queries carry milliseconds rounded: a page of quick ones read as 0

            def timed(execute, statement, params, many, context, spent=spent):
                begun = time.perf_counter()
                try:
                    return execute(statement, params, many, context)
                finally:
                    spent[0] += time.perf_counter() - begun

            with connection.execute_wrapper(timed):
                start = time.perf_counter()
                client.get(page.path)
                totals.append(time.perf_counter() - start)
            sql.append(spent[0])
        whole, in_sql = statistics.median(totals) * 1000, statistics.median(sql) * 1000
        split[page.key] = {
            "request_ms": round(whole, 1),
            "sql_ms": round(in_sql, 1),
            "rest_ms": round(max(whole - in_sql, 0), 1),
            "sql_share": round(in_sql / whole, 2) if whole else None,
        }
    return split


def dashboards_worked_out(pages: list[Page], *, repeat: int = 8) -> dict[str, dict]:
    """`time_split` of the dashboards with nothing kept: what a visit costs when its figures are worked out (the
    first visit after a write anywhere, `portal.kept`), beside what a kept visit costs in the main table."""
    from unittest import mock

    dashboards = [page for page in pages if page.key.endswith("_dashboard")]
    with mock.patch("portal.kept.dashboard_version", return_value=None):
        return time_split(dashboards, repeat=repeat)


# --- the web server and its sessions -----------------------------------------------------------------------------


def session_cookie(user: User) -> str:
    """A signed-in session for `user`, as the login view would leave it, as a Cookie header value."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[LOGIN_STAMP] = int(time.time())
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_server(workers: int = 3):
    """gunicorn as in production (sync workers, the Dockerfile's 3), with a hello-world view added to the URLs."""
    port = _free_port()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="devtools.bench_settings")
    log = tempfile.TemporaryFile()
    command = [sys.executable, "-m", "gunicorn", "meister.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--log-level", "warning"]
    process = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=10).close()
                break
            # Refused while it binds, or no answer in time while its workers start on a busy machine: ask again.
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline or process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError("gunicorn did not start:\n" + log.read().decode(errors="replace")) from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _targets(page: Page, cookies: dict[str, list[str]], client: int) -> Target:
    cookie = ""
    if page.persona:
        pool = cookies[page.persona]
        cookie = pool[client % len(pool)]
    return Target(page.key, page.path, cookie)


def sessions_for(pages: list[Page], clients: int) -> dict[str, list[str]]:
    # One session per client and persona: every request saves its session (SESSION_SAVE_EVERY_REQUEST), and
    # real users do not share one.
    names = sorted({page.persona for page in pages if page.persona})
    return {name: [session_cookie(persona(name)) for _ in range(clients)] for name in names}


def measure_pages(url: str, pages: list[Page], *, clients: int = 20, seconds: float = 8.0) -> dict[str, dict]:
    """Each page alone under `clients` concurrent clients, then a single client's latency (no queueing)."""
    cookies = sessions_for(pages, clients)
    results = {}
    for page in pages:
        warm = [[_targets(page, cookies, c)] for c in range(4)]
        run_load(url, warm, duration=30, max_requests=24)
        load = run_load(url, [[_targets(page, cookies, c)] for c in range(clients)], duration=seconds)
        alone = run_load(url, [[_targets(page, cookies, 0)]], duration=30, max_requests=20)
        figures = load.summary()
        figures["label"] = page.label
        figures["path"] = page.path
        figures["alone_p50_ms"] = alone.summary()["p50_ms"]
        figures["alone_p95_ms"] = alone.summary()["p95_ms"]
        figures["errors"] += alone.errors
        results[page.key] = figures
    hello = results.get("hello")
    if hello:
        for figures in results.values():
            figures["throughput_ratio"] = round(figures["throughput_rps"] / hello["throughput_rps"], 3)
            figures["p50_ratio"] = round(figures["p50_ms"] / hello["p50_ms"], 2) if hello["p50_ms"] else None
            figures["p95_ratio"] = round(figures["p95_ms"] / hello["p95_ms"], 2) if hello["p95_ms"] else None
    return results


def load_test(url: str, pages: list[Page], *, clients: int = 50, seconds: float = 60.0) -> dict:
    """`clients` clients for `seconds`, each cycling through every role's main pages from its own start."""
    cookies = sessions_for(pages, clients)
    rounds = []
    for c in range(clients):
        start = c % len(pages)
        rounds.append([_targets(page, cookies, c) for page in pages[start:] + pages[:start]])
    result = run_load(url, rounds, duration=seconds)
    figures = result.summary()
    figures["clients"] = clients
    figures["duration"] = seconds
    figures["pages"] = [page.key for page in pages]
    return figures


def _reports_while(stop: threading.Event, env: dict, folder: str, fiscal_year: int) -> list[float]:
    """The annual national PDF built by `render_report`, one run after another until `stop` is set (the run under
    way then is let finish): the seconds of each run."""
    seconds = []
    command = [sys.executable, "manage.py", "render_report", "annual", "--fy", str(fiscal_year)]
    while not stop.is_set():
        out = os.path.join(folder, f"annual{len(seconds)}.pdf")
        start = time.perf_counter()
        done = subprocess.run(
            [*command, "--out", out],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=900,
        )
        if done.returncode:
            raise RuntimeError(f"render_report failed: {done.stderr.decode(errors='replace')[-500:]}")
        seconds.append(round(time.perf_counter() - start, 2))
    return seconds


def load_with_report(
    url: str, pages: list[Page], *, clients: int = 50, seconds: float = 60.0, fiscal_year: int = 2024
) -> dict:
    """The load test while the annual national report is built again and again in processes of their own: once
    with the report reading the primary the web server reads, once with its reads on a streaming standby of it
    (`DATABASE_REPLICA_URL`, made here with pg_basebackup). The web server keeps reading the primary. Each time
    no release is kept at the start, so the first report builds its releases (reading the most) and the later
    ones read them back."""
    from devtools.pgcluster import standby_of
    from reports.models import KeptRelease

    results = {}
    with standby_of(settings.DATABASES["default"]) as replica_url, tempfile.TemporaryDirectory() as folder:
        for where in ("primary", "replica"):
            env = dict(os.environ)
            env.pop("DATABASE_REPLICA_URL", None)
            KeptRelease.objects.all().delete()
            if where == "replica":
                env["DATABASE_REPLICA_URL"] = replica_url
                _wait_for_no_kept_release(replica_url)
            stop = threading.Event()
            with ThreadPoolExecutor(max_workers=1) as pool:
                reports = pool.submit(_reports_while, stop, env, folder, fiscal_year)
                time.sleep(5)  # the report's process has started and is gathering figures
                figures = load_test(url, pages, clients=clients, seconds=seconds)
                stop.set()
                figures["reports_finished"] = reports.result()
            figures.pop("pages", None)
            results[where] = figures
    return results


def _wait_for_no_kept_release(url: str, timeout: float = 60.0) -> None:
    """Until the standby at `url` has replayed the deletion of the kept releases."""
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as standby:
        while standby.execute("SELECT count(*) FROM reports_keptrelease").fetchone()[0]:
            if time.monotonic() > deadline:
                raise RuntimeError("the standby did not replay the primary's writes in time")
            time.sleep(0.2)


# --- matching --------------------------------------------------------------------------------------------------


def timed(function: Callable[[], object], repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    times.sort()
    return {
        "repeat": repeat,
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(percentile(times, 95) * 1000, 2),
    }


def ranking(*, repeat: int = 20) -> dict:
    from meister.process import settle
    from partners.matching import rank_candidates
    from partners.models import Company

    coordinator, ministry = persona("coordinator"), persona("ministry")
    settle()  # as every web worker is, by the WSGI entry point, before its first request
    need = persona_need(coordinator)
    return {
        "companies": Company.objects.count(),
        "national_scope": timed(lambda: rank_candidates(user=ministry, need=need), repeat),
        "coordinator_scope": timed(lambda: rank_candidates(user=coordinator, need=need), repeat),
    }


def allocation(*, students: int = 500, companies: int = 300, repeat: int = 5, seed: int = 1) -> dict:
    from partners.allocation import Preference, allocate

    rng = random.Random(seed)
    company_ids = list(range(companies))
    places = {c: rng.randint(1, 3) for c in company_ids}
    preferences = [Preference(s, tuple(rng.sample(company_ids, 3))) for s in range(students)]
    result = timed(lambda: allocate(preferences, places), repeat)
    result.update(students=students, companies=companies)
    return result


# --- the largest Excel export ------------------------------------------------------------------------------------


def _peak_mb(function) -> float:
    tracemalloc.start()
    try:
        function()
        return round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    finally:
        tracemalloc.stop()


def excel_export(*, persona_name: str = "prefecture", limit: int | None = None) -> dict:
    """The prefecture's day logs (the largest list a role may download) as .xlsx through the portal's exporter,
    against openpyxl write-only writing the same values; peak Python memory at a quarter and at all of the rows."""
    from openpyxl import Workbook

    from curricula.exporters import DayLogExporter
    from curricula.selectors import day_logs_for_user

    user = persona(persona_name)

    def logs(n):
        rows = day_logs_for_user(user=user)
        return rows[:n] if n is not None else rows

    rows = logs(limit).count()

    def portal(n=limit):
        response = DayLogExporter(logs(n)).response("xlsx")
        # Not response.close(): that signals the end of a request, which closes the database connection.
        response.file_to_stream.close()

    values = list(DayLogExporter(logs(limit)).values())
    headers = [str(column.header) for column in DayLogExporter(logs(1)).columns()]

    def bare():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title="sheet")
        sheet.append(headers)
        for row in values:
            sheet.append(row)
        with tempfile.TemporaryFile() as handle:
            workbook.save(handle)

    portal_time = timed(portal, 1)["p50_ms"] / 1000
    bare_time = timed(bare, 1)["p50_ms"] / 1000
    values.clear()
    quarter = max(1, rows // 4)
    return {
        "rows": rows,
        "seconds": round(portal_time, 2),
        "openpyxl_seconds": round(bare_time, 2),
        "ratio": round(portal_time / bare_time, 2) if bare_time else None,
        "peak_mb_quarter": _peak_mb(lambda: portal(quarter)),
        "rows_quarter": quarter,
        "peak_mb": _peak_mb(lambda: portal(limit)),
    }


def ledger_export() -> dict:
    """The busiest designation's ledger (the coordinator persona's) as the .xlsx the money page offers, against a
    designation with a few entries: peak Python memory of each, which stays flat when the entries are streamed."""
    from django.db.models import Count

    from partners.models import Designation
    from programme.exporters import LedgerWorkbook

    user = persona("coordinator")
    counted = Designation.objects.annotate(entries=Count("ledger_entries")).filter(entries__gt=0)
    busiest = counted.filter(consortium_id=user.consortium_id).order_by("-entries", "pk").first()
    few = counted.order_by("entries", "pk").first()
    if busiest is None or few is None:
        return {"measured": False, "note": "no ledger entries in this database"}

    def write(designation):
        response = LedgerWorkbook(designation=designation, user=user).response("xlsx")
        response.file_to_stream.close()

    return {
        "measured": True,
        "rows": busiest.entries,
        "seconds": round(timed(lambda: write(busiest), 1)["p50_ms"] / 1000, 2),
        "peak_mb": _peak_mb(lambda: write(busiest)),
        "rows_few": few.entries,
        "peak_mb_few": _peak_mb(lambda: write(few)),
        "entries_in_all": counted.aggregate(n=Count("ledger_entries"))["n"],
    }


# --- import ------------------------------------------------------------------------------------------------------


def company_file(rows: int, seed: int = 2, prefectures: list[str] | None = None) -> bytes:
    """A company list as a prefecture would send it: 法人番号, name, kana, prefecture, town, industry, size."""
    from partners.models import Company, Prefecture

    rng = random.Random(seed)
    prefectures = prefectures or list(Prefecture.objects.values_list("name", flat=True))
    taken = set(Company.objects.exclude(corporate_number=None).values_list("corporate_number", flat=True))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["法人番号", "企業名", "よみがな", "都道府県", "市区町村", "業種", "従業員数"])
    serial = 0
    for i in range(rows):
        while True:
            serial += 1
            number = corporate_number(f"99{serial:010d}")
            if number not in taken:
                break
        writer.writerow(
            [
                number,
                f"株式会社取込{i:05d}製作所",
                f"かぶしきがいしゃとりこみ{i:05d}せいさくしょ",
                rng.choice(prefectures),
                "中央市",
                rng.choice(["E", "製造業", "D 建設業", "情報通信業"]),
                str(rng.choice([8, 45, 120, 800])),
            ]
        )
    return out.getvalue().encode("utf-8")


def company_import(*, rows: int = 10_000) -> dict:
    """Read, check and write a `rows`-line company file with the portal's all-or-nothing pipeline."""
    from meister.importing import import_commit, parse_upload
    from partners.importers import importer_for

    data = company_file(rows)
    importer = importer_for("companies")
    start = time.perf_counter()
    parsed = parse_upload(importer=importer, data=data, filename="companies.csv")
    result = import_commit(importer=importer, rows=parsed.rows, user=None)
    seconds = time.perf_counter() - start
    return {"rows": rows, "seconds": round(seconds, 2), "committed": result.committed, "counts": result.counts}


# --- the annual national PDF (reports/) ---------------------------------------------------------------------------


def annual_pdf(*, fiscal_year: int = 2024, kind: str = "annual", processes: bool = True) -> dict:
    """The annual national report as PDF, built as a report run builds it (figures gathered in the database, the
    print template, WeasyPrint): first with no release kept, so that the year's release (and those of the two
    years before, for the trends) are built and kept, then from the kept releases with its layout done by one
    process and by two side by side (REPORT_RENDER_PROCESSES); against WeasyPrint alone on the same final HTML;
    peak memory of a worker process."""
    try:
        from reports.documents import ReportScope
        from reports.rendering import build_report_files, report_html
    except ImportError as error:
        return {"measured": False, "note": f"reports/ offers no way to build the report's HTML ({error})"}
    import pypdfium2
    from django.test import override_settings
    from weasyprint import HTML

    from meister.scoping import ScopeKind
    from reports.models import KeptRelease

    scope = ReportScope(ScopeKind.NATIONAL)
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for workers, release in ((1, "built"), (1, "kept"), (2, "kept")):
            path = os.path.join(folder, f"workers{workers}-{release}.pdf")
            if release == "built":
                KeptRelease.objects.all().delete()
            with override_settings(REPORT_RENDER_PROCESSES=workers):
                start = time.perf_counter()
                context = build_report_files(kind, fiscal_year, scope, pdf_path=path)
                seconds = time.perf_counter() - start
            run = {"workers": workers, "release": release, "seconds": round(seconds, 2)}
            run["pages"] = len(pypdfium2.PdfDocument(path))
            runs.append(run)
            # Separate processes read the committed database (the tests' rows are not): the tests leave them out.
            if processes:
                if release == "built":
                    KeptRelease.objects.all().delete()
                run["process"] = _report_process(kind, fiscal_year, folder, workers=workers)
                run["peak_mb"] = run["process"]["peak_mb"]
        html = report_html(kind, context)
        start = time.perf_counter()
        HTML(string=html).write_pdf(os.path.join(folder, "bare.pdf"))
        bare = time.perf_counter() - start
        for run in runs:
            run["ratio"] = round(run["seconds"] / bare, 2) if bare else None
    return {
        "measured": True,
        "kind": kind,
        "fiscal_year": fiscal_year,
        "pages": runs[0]["pages"],
        "html_bytes": len(html.encode()),
        "weasyprint_seconds": round(bare, 2),
        "runs": runs,
    }


def disclosure_audit(*, fiscal_year: int = 2024) -> dict:
    """A fiscal year's release gathered, suppressed and audited by linear programming (reports.disclosure)."""
    from reports import release
    from reports.disclosure import audit

    started = time.perf_counter()
    built = release.Release(fiscal_year)
    protected = time.perf_counter()
    findings = audit(built.ledger)
    return {
        "cells": len(built.ledger.cells),
        "identities": len(built.ledger.identities),
        "hidden": len(built.ledger.hidden),
        "primary": sum(cell.primary for cell in built.ledger.cells.values()),
        "findings": len(findings),
        "release_seconds": round(protected - started, 2),
        "audit_seconds": round(time.perf_counter() - protected, 2),
    }


def _report_process(kind: str, fiscal_year: int, folder: str, *, workers: int) -> dict:
    """The national report built by `render_report` in a process of its own (the same code as a run), its layout
    shared by `workers` processes: the wall time, start-up included, and the largest resident memory of the
    process or any of its part processes."""
    out = os.path.join(folder, f"process{workers}.pdf")
    command = [sys.executable, "manage.py", "render_report", kind, "--fy", str(fiscal_year), "--out", out]
    env = dict(os.environ, REPORT_RENDER_PROCESSES=str(workers))
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if process.returncode:
        raise RuntimeError(f"render_report failed: {error[-500:]}")
    return {"seconds": round(time.perf_counter() - start, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1)}


def dump(results: dict) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2)
