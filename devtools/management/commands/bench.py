"""`make bench`: every benchmark in one run on this machine, written to docs/benchmarks.md and .json.

It generates national-scale data in the database it is pointed at (unless already there), measures query counts
at small scale in a sibling database and at national scale here, serves the pages with gunicorn and drives them
with a load client on loopback, then times ranking, allocation, the largest Excel export, the annual PDF and a
10,000-row import. Run it through `make bench`, which uses a throwaway PostgreSQL.
"""

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devtools import benchmarks
from devtools.national import PERSONA_PREFIX, generate
from meister import clock
from meister.models import User

GOALS = {
    "page_throughput_ratio": 0.10,
    "page_alone_p50_ms": 15,
    "counts_alone_p50_ms": 20,
    "load_p95_ms": 500,
    "pdf_ratio": 1.3,
    "pdf_seconds": 60,
    "excel_ratio": 1.5,
    "ranking_p95_ms": 300,
    "import_seconds": 10,
    "roster_seconds": 30,
    "national_rollover_seconds": 120,
}


class Command(BaseCommand):
    help = "Run every benchmark at national scale and write docs/benchmarks.md and docs/benchmarks.json."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs"))
        parser.add_argument("--clients", type=int, default=20)
        parser.add_argument("--page-seconds", type=float, default=8.0)
        parser.add_argument("--load-clients", type=int, default=50)
        parser.add_argument("--load-seconds", type=float, default=60.0)
        parser.add_argument("--import-rows", type=int, default=10_000)
        parser.add_argument(
            "--only",
            choices=["roster", "ranking", "ledger"],
            help="only this part, printed as JSON (roster: the roster import, its re-import and the rollover, then "
            "the national rollover, needs a school with a department, e.g. after seed_demo; ranking: the candidate "
            "ranking and the allocation; ledger: the ledger's workbook), on data already generated",
        )
        parser.add_argument("--roster-rows", type=int, default=30_000)
        parser.add_argument("--national-students", type=int, default=600_000)
        parser.add_argument(
            "--query-counts-only",
            metavar="FILE",
            help="only write this database's page query counts to FILE (used for the small-scale sibling)",
        )

    def say(self, message):
        self.stdout.write(f"[{time.strftime('%H:%M:%S')}] {message}")
        self.stdout.flush()

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench needs PostgreSQL: run it through `make bench`.")
        if options["query_counts_only"]:
            counts = benchmarks.query_counts(benchmarks.counted_pages())
            Path(options["query_counts_only"]).write_text(json.dumps(counts))
            return
        if options["only"] == "roster":
            self.stdout.write(json.dumps(self._roster(options), indent=2))
            return
        if options["only"] == "ranking":
            self.stdout.write(json.dumps({"ranking": benchmarks.ranking(), "allocation": benchmarks.allocation()}))
            return
        if options["only"] == "ledger":
            self.stdout.write(json.dumps(benchmarks.ledger_export()))
            return
        started = time.perf_counter()
        results = {
            "machine": _machine(),
            "date": clock.today().isoformat(),
            "goals": GOALS,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        }
        if User.objects.filter(username__startswith=PERSONA_PREFIX).exists():
            self.say("national data already generated: generation not timed in this run")
            results["generation"] = {"seconds": None}
        else:
            self.say("generating national-scale data …")
            generated = generate(scale="national", seed=options["seed"], log=lambda m: self.say(f"  {m}"))
            results["generation"] = {"seconds": round(generated.seconds, 1), "rows": generated.counts}
            self.say(f"generated {sum(generated.counts.values()):,} rows in {generated.seconds:.1f} s")

        self.say("query counts at small scale (sibling database) and national scale …")
        national_counts = benchmarks.query_counts(benchmarks.counted_pages())
        small_counts = self._small_counts(options["seed"])
        results["query_counts"] = {
            "small": small_counts,
            "national": national_counts,
            "labels": {page.key: page.label for page in benchmarks.counted_pages()},
        }
        self.say("where each page's time goes (SQL and the rest), one request at a time …")
        pages = benchmarks.daily_pages()
        results["page_seconds"] = options["page_seconds"]
        results["time_split"] = benchmarks.time_split(pages[1:])
        results["dashboards_worked_out"] = benchmarks.dashboards_worked_out(pages[1:])

        with benchmarks.gunicorn_server() as url:
            self.say(f"pages under load, {options['clients']} clients each …")
            results["pages"] = benchmarks.measure_pages(
                url, pages, clients=options["clients"], seconds=options["page_seconds"]
            )
            self.say(f"load test: {options['load_clients']} clients for {options['load_seconds']:.0f} s …")
            results["load_test"] = benchmarks.load_test(
                url, benchmarks.role_pages(), clients=options["load_clients"], seconds=options["load_seconds"]
            )
            self.say("load test while the annual national report is built, reading the primary, then a standby …")
            results["load_with_report"] = benchmarks.load_with_report(
                url, benchmarks.role_pages(), clients=options["load_clients"], seconds=options["load_seconds"]
            )
        if results["load_test"]["errors"]:
            self.stderr.write(
                self.style.ERROR(
                    f"LOAD TEST ERRORS: {results['load_test']['errors']} of {results['load_test']['requests']} "
                    f"requests failed: {results['load_test']['error_samples']}"
                )
            )
        self.say("candidate ranking and allocation …")
        results["ranking"] = benchmarks.ranking()
        results["allocation"] = benchmarks.allocation()
        self.say("the largest Excel export …")
        results["excel"] = benchmarks.excel_export()
        results["ledger_export"] = benchmarks.ledger_export()
        self.say("the annual national PDF …")
        results["annual_pdf"] = benchmarks.annual_pdf()
        self.say("the disclosure audit of the year's release …")
        results["disclosure_audit"] = benchmarks.disclosure_audit()
        self.say(f"importing a {options['import_rows']:,}-row company file …")
        results["import"] = benchmarks.company_import(rows=options["import_rows"])
        results.update(self._roster(options))
        results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        results["bench_seconds"] = round(time.perf_counter() - started, 1)
        if os.environ.get("BENCH_STARTED"):
            results["make_bench_seconds"] = round(time.time() - float(os.environ["BENCH_STARTED"]), 1)
        output = Path(options["output"])
        output.mkdir(parents=True, exist_ok=True)
        (output / "benchmarks.json").write_text(benchmarks.dump(results) + "\n", "utf-8")
        (output / "benchmarks.md").write_text(render_markdown(results), "utf-8")
        self.say(f"written {output / 'benchmarks.md'} and benchmarks.json")
        self.stdout.write(render_markdown(results))
        if results["load_test"]["errors"]:
            raise CommandError(f"the load test had {results['load_test']['errors']} errors (see docs/benchmarks.md)")

    def _roster(self, options) -> dict:
        from partners.models import School

        if not School.objects.filter(departments__isnull=False).exists():
            raise CommandError("the roster benchmark needs a school with a department: run seed_demo first.")
        self.say(f"a {options['roster_rows']:,}-student roster, the same file again, and its rollover …")
        results = {"load_average_at_roster": [round(x, 2) for x in os.getloadavg()]}
        results["roster"] = benchmarks.roster_import(rows=options["roster_rows"])
        self.say(f"the national rollover of {options['national_students']:,} students …")
        results["national_rollover"] = benchmarks.national_rollover(students=options["national_students"])
        return results

    def _small_counts(self, seed: int) -> dict:
        """Generate small-scale data in a sibling database on the same server and count the same pages there."""
        db = connection.settings_dict
        name = f"{db['NAME']}_bench_small"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(os.environ["DATABASE_URL"])
        env = dict(os.environ, DATABASE_URL=urlunsplit(parts._replace(path=f"/{name}")))
        out = Path(settings.BASE_DIR) / "var" / "bench-small-counts.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        manage = [sys.executable, "manage.py"]
        try:
            for command in (
                ["migrate", "-v0"],
                ["generate_national", "--scale", "small", "--seed", str(seed), "-v0"],
                ["bench", "--query-counts-only", str(out)],
            ):
                subprocess.run(manage + command, env=env, cwd=settings.BASE_DIR, check=True)
            return json.loads(out.read_text())
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu or platform.processor()} ({platform.machine()}), {os.cpu_count()} cores{memory}; "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}; PostgreSQL {pg}"
    )


def _p50_goal(goals: dict, key: str) -> float:
    return goals["counts_alone_p50_ms"] if key == "ministry_placements" else goals["page_alone_p50_ms"]


def _mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def render_markdown(r: dict) -> str:
    g = r["goals"]
    pages = r["pages"]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {r['date']} on this machine: {r['machine']}.",
        "Every figure below comes from that one run; ratios are against baselines measured in the same run.",
        "The load client, gunicorn and PostgreSQL share the two cores; other work on the machine shares them too "
        f"(load average {r['load_average_at_start'][0]} at the start, {r['load_average_at_end'][0]} at the end), "
        "so CI or a quiet machine measures faster.",
        "",
    ]
    gen = r["generation"]
    if gen.get("seconds") is not None:
        rows = gen["rows"]
        lines += [
            f"National-scale data generated in **{gen['seconds']} s** ({sum(rows.values()):,} rows by COPY): "
            f"{rows.get('partners_school', 0):,} schools, {rows.get('partners_company', 0):,} companies, "
            f"{rows.get('curricula_student', 0):,} students, {rows.get('curricula_placement', 0):,} placements, "
            f"{rows.get('curricula_daylog', 0):,} day logs, {rows.get('assessments_response', 0):,} assessment "
            "responses.",
        ]
    total = r.get("make_bench_seconds") or r["bench_seconds"]
    lines += [f"The whole run took {total / 60:.1f} min.", ""]

    qc = r["query_counts"]
    lines += [
        "## 1. Every daily page (gunicorn, 3 sync workers, loopback)",
        "",
        "Each page alone: first 20 clients keep a request in flight for "
        f"{r.get('page_seconds', 8):.0f} s, then one client asks 20 times. Queries are counted on the page's "
        "second request at small and at national scale.",
        "",
        "| page | throughput, 20 clients (req/s) | ratio to hello-world | p50 / p95, 20 clients (ms) "
        "| p50 / p95 alone (ms) | queries small / national | errors | goal: ≥ 0.10 of hello-world "
        "| goal: p50 alone < 15 ms | goal: equal queries |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for key, figures in pages.items():
        is_hello = key == "hello"
        small, national = qc["small"].get(key), qc["national"].get(key)
        lines.append(
            f"| {figures.get('label', key)} | {figures['throughput_rps']} | {figures['throughput_ratio']:.2f} "
            f"| {figures['p50_ms']} / {figures['p95_ms']} | {figures['alone_p50_ms']} / {figures['alone_p95_ms']} "
            f"| {'' if is_hello else f'{small} / {national}'} | {figures['errors']} "
            f"| {'' if is_hello else _mark(figures['throughput_ratio'] >= g['page_throughput_ratio'])} "
            f"| {'' if is_hello else _mark(figures['alone_p50_ms'] < _p50_goal(g, key))} "
            f"| {'' if is_hello else _mark(small == national)} |"
        )
    lines += [
        "",
        f"The ministry's placement counts have a goal of their own: p50 alone under {g['counts_alone_p50_ms']} ms.",
        "",
    ]
    counted_only = [key for key in qc["national"] if key not in pages]
    if counted_only:
        lines += [
            "Pages opened a few times a year (the programme's forms and downloads): queries counted only.",
            "",
            "| page | queries small / national | goal: equal queries |",
            "|---|---:|---|",
            *(
                f"| {qc.get('labels', {}).get(key, key)} | {qc['small'].get(key)} / {qc['national'][key]} "
                f"| {_mark(qc['small'].get(key) == qc['national'][key])} |"
                for key in counted_only
            ),
            "",
        ]
    split = r.get("time_split") or {}
    if split:
        lines += [
            "## 2. Where each page's time goes (one request at a time, national scale)",
            "",
            "Django's test client in the bench's own process (no web server), median of 8 requests: the whole "
            "request, the time its queries took in PostgreSQL as the database cursor measured them, and the rest "
            "(building model rows, forms, templates, middleware and session).",
            "",
            "| page | request (ms) | in SQL (ms) | outside SQL (ms) | SQL share | queries |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for key, cost in split.items():
            lines.append(
                f"| {pages.get(key, {}).get('label', key)} | {cost['request_ms']} | {cost['sql_ms']} "
                f"| {cost['rest_ms']} | {cost['sql_share']:.0%} | {qc['national'].get(key, '')} |"
            )
        lines.append("")
    built = r.get("dashboards_worked_out") or {}
    if built:
        lines += [
            "The dashboards above read their figures kept from an earlier visit while no data has changed "
            "(`portal/kept.py`). The first visit after a write anywhere works them out, at this cost:",
            "",
            "| dashboard, figures worked out | request (ms) | in SQL (ms) | outside SQL (ms) |",
            "|---|---:|---:|---:|",
            *(
                f"| {pages.get(key, {}).get('label', key)} | {cost['request_ms']} | {cost['sql_ms']} "
                f"| {cost['rest_ms']} |"
                for key, cost in built.items()
            ),
            "",
        ]
    lt = r["load_test"]
    lines += [
        f"## Load test: {lt['clients']} clients for {lt['duration']:.0f} s across every role's daily pages",
        "",
        "| requests | errors | throughput (req/s) | p50 (ms) | p95 (ms) | statuses | goal: zero errors "
        f"| goal: p95 < {g['load_p95_ms']} ms |",
        "|---:|---:|---:|---:|---:|---|---|---|",
        f"| {lt['requests']:,} | {lt['errors']} | {lt['throughput_rps']} | {lt['p50_ms']} | {lt['p95_ms']} "
        f"| {', '.join(f'{k}: {v:,}' for k, v in lt['statuses'].items())} | {_mark(lt['errors'] == 0)} "
        f"| {_mark(lt['p95_ms'] < g['load_p95_ms'])} |",
        "",
        f"Pages, each client starting at a different one: {', '.join(lt['pages'])}. The requests under way when "
        f"time was up were let finish ({lt['seconds']} s in all); an error is any answer but 200 or no answer.",
        "",
    ]
    lines += _load_with_report(r)
    pdf = r["annual_pdf"]
    lines += ["", "## 3. Annual national PDF", ""]
    if pdf.get("measured"):
        lines += [
            f"The 令和{pdf['fiscal_year'] - 2018}年度 annual report, national scope: {pdf['pages']} pages, "
            f"{pdf['html_bytes']:,} bytes of HTML, built as a report run builds it: figures gathered in "
            "PostgreSQL, the print template, then the layout by WeasyPrint in one process or in parts by two "
            "processes side by side (`REPORT_RENDER_PROCESSES`). The first run finds no release kept: it builds "
            "and suppresses the year's release and those of the two years before (for the trends), and keeps "
            "them; the later runs read the kept releases, as every report of the year does until its data "
            "changes (`reports/kept.py`).",
            "",
            "| what | seconds | ratio to WeasyPrint alone | in its own process, start-up included (s) "
            "| peak memory (MB) | goal: ≤ 1.3× | goal: < 60 s |",
            "|---|---:|---:|---:|---:|---|---|",
        ]
        for run in pdf["runs"]:
            what = "one worker process" if run["workers"] == 1 else f"{run['workers']} processes, in parts"
            release = {"built": "releases built", "kept": "releases kept"}.get(run.get("release"), "")
            process = run.get("process") or {}
            lines.append(
                f"| Whole report, {release}, layout by {what} | {run['seconds']} | {run['ratio']} "
                f"| {process.get('seconds', '')} "
                f"| {run.get('peak_mb', '')} | {_mark(run['ratio'] <= g['pdf_ratio'])} "
                f"| {_mark(run['seconds'] < g['pdf_seconds'])} |"
            )
        lines.append(f"| WeasyPrint alone on the same final HTML | {pdf['weasyprint_seconds']} | 1.00 | | | | |")
    else:
        lines.append(f"Not measured: {pdf['note']}.")
    au = r.get("disclosure_audit") or {}
    if "cells" in au:
        lines += [
            "",
            "The disclosure audit of the year's release (every figure any report of the year prints, at every scope): "
            f"{au['cells']:,} cells and {au['identities']:,} identities between them, {au['hidden']:,} hidden "
            f"({au['primary']:,} of them under the threshold). Building and protecting the release took "
            f"{au['release_seconds']} s, the audit's linear programmes {au['audit_seconds']} s; "
            + (
                "no hidden cell could be narrowed below its protection interval."
                if not au["findings"]
                else f"{au['findings']} hidden cells could be narrowed below their protection interval."
            ),
        ]
    ex = r["excel"]
    lines += [
        "",
        "## 4. The largest Excel export",
        "",
        "The prefecture's day logs (the largest list a role may download; the ministry gets counts only).",
        "",
        "| rows | portal export (s) | openpyxl write-only, same rows (s) | ratio | peak memory at "
        f"{ex['rows_quarter']:,} rows (MB) | at {ex['rows']:,} rows (MB) | goal: ≤ 1.5× | goal: flat memory |",
        "|---:|---:|---:|---:|---:|---:|---|---|",
        f"| {ex['rows']:,} | {ex['seconds']} | {ex['openpyxl_seconds']} | {ex['ratio']} | {ex['peak_mb_quarter']} "
        f"| {ex['peak_mb']} | {_mark(ex['ratio'] <= g['excel_ratio'])} "
        f"| {_mark(ex['peak_mb'] <= ex['peak_mb_quarter'] * 1.25 + 1)} |",
        "",
    ]
    le = r.get("ledger_export") or {}
    if le.get("measured"):
        lines += [
            f"The ledger of the busiest designation ({le['rows']:,} of the {le['entries_in_all']:,} entries, each "
            "with its receipt) as the money page's .xlsx, against a designation with few entries.",
            "",
            f"| rows | seconds | peak memory at {le['rows_few']:,} rows (MB) | at {le['rows']:,} rows (MB) "
            "| goal: flat memory |",
            "|---:|---:|---:|---:|---|",
            f"| {le['rows']:,} | {le['seconds']} | {le['peak_mb_few']} | {le['peak_mb']} "
            f"| {_mark(le['peak_mb'] <= le['peak_mb_few'] * 1.25 + 1)} |",
        ]
    lines += [
        "",
        "## 5. Matching",
        "",
        "| what | p50 (ms) | p95 (ms) | goal: p95 < 300 ms |",
        "|---|---:|---:|---|",
    ]
    rk = r["ranking"]
    lines += [
        f"| Candidate ranking for one need, national scope ({rk['companies']:,} companies) "
        f"| {rk['national_scope']['p50_ms']} | {rk['national_scope']['p95_ms']} "
        f"| {_mark(rk['national_scope']['p95_ms'] < g['ranking_p95_ms'])} |",
        f"| Candidate ranking for one need, the coordinator's scope | {rk['coordinator_scope']['p50_ms']} "
        f"| {rk['coordinator_scope']['p95_ms']} | {_mark(rk['coordinator_scope']['p95_ms'] < g['ranking_p95_ms'])} |",
        f"| Allocation of {r['allocation']['students']} students to {r['allocation']['companies']} companies "
        f"| {r['allocation']['p50_ms']} | {r['allocation']['p95_ms']} | |",
    ]
    im = r["import"]
    lines += [
        "",
        "## 6. Import of a company file",
        "",
        "| rows | seconds | written | goal: < 10 s |",
        "|---:|---:|---|---|",
        f"| {im['rows']:,} | {im['seconds']} | {im['counts']['new']:,} new, {im['counts']['update']:,} updated, "
        f"{im['counts']['error']:,} errors | {_mark(im['seconds'] < g['import_seconds'])} |",
        "",
    ]
    if "roster" in r:
        ro = r["roster"]
        lines += [
            "## 7. A school roster and its April rollover",
            "",
            "| students | import (s) | queries | same file again (s) | rollover (s) | queries |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {ro['rows']:,} | {ro['import_seconds']} | {ro['import_queries']} | {ro['reimport_unchanged_seconds']} "
            f"| {ro['rollover_seconds']} | {ro['rollover_queries']} |",
            "",
        ]
    if "national_rollover" in r:
        nr = r["national_rollover"]
        lines += [
            "## 8. The national April rollover",
            "",
            "| students | schools | rollover of every school (s) | queries | goal |",
            "|---:|---:|---:|---:|---|",
            f"| {nr['students']:,} | {nr['schools']:,} | {nr['rollover_seconds']} | {nr['rollover_queries']:,} "
            f"| {_mark(nr['rollover_seconds'] < g['national_rollover_seconds'])} |",
            "",
        ]
    lines += ["## Notes on the goals missed", "", *explain(r), ""]
    return "\n".join(lines)


def _load_with_report(r: dict) -> list[str]:
    runs = r.get("load_with_report")
    if not runs:
        return []
    alone = r["load_test"]
    lines = [
        "### The same load test while the annual national report is built",
        "",
        "The 令和6年度 annual national PDF is built by `render_report` in a process of its own, one run after "
        "another, for the whole test (the run under way at the end is let finish). First it reads the primary, "
        "as the web server does; then a streaming standby of the primary made for this (`pg_basebackup -R`, "
        "`DATABASE_REPLICA_URL`), while the web server still reads the primary. Both servers are on this one "
        "machine and share its two cores. Each time no release is kept at the start: the first run builds the "
        "year's releases (reading the most), the later runs read them back (`reports/kept.py`).",
        "",
        "| the report reads | requests | errors | throughput (req/s) | p50 (ms) | p95 (ms) | report runs (s) |",
        "|---|---:|---:|---:|---:|---:|---|",
        f"| no report built | {alone['requests']:,} | {alone['errors']} | {alone['throughput_rps']} "
        f"| {alone['p50_ms']} | {alone['p95_ms']} | |",
    ]
    for where, label in (("primary", "the primary"), ("replica", "a standby (replica)")):
        run = runs[where]
        lines.append(
            f"| {label} | {run['requests']:,} | {run['errors']} | {run['throughput_rps']} | {run['p50_ms']} "
            f"| {run['p95_ms']} | {', '.join(str(s) for s in run['reports_finished'])} |"
        )
    return [*lines, ""]


def explain(r: dict) -> list[str]:
    """Why each missed goal was missed, with this run's own figures."""
    g, notes = r["goals"], []
    hello = r["pages"]["hello"]
    pages = {k: v for k, v in r["pages"].items() if k != "hello"}
    split = r.get("time_split") or {}

    def costs(keys) -> str:
        parts = []
        for k in keys:
            c = split.get(k)
            where = (
                f"; one request {c['request_ms']} ms, {c['sql_ms']} ms in SQL ({c['sql_share']:.0%}), "
                f"{c['rest_ms']} ms outside it"
                if c
                else ""
            )
            parts.append(
                f"{k} (ratio {pages[k]['throughput_ratio']:.2f}, p50 alone {pages[k]['alone_p50_ms']} ms{where})"
            )
        return "; ".join(parts)

    slow = [k for k, v in pages.items() if v["throughput_ratio"] < g["page_throughput_ratio"]]
    late = [k for k, v in pages.items() if v["alone_p50_ms"] >= _p50_goal(g, k)]
    if slow or late:
        cpu_ms = 1000 * 2 / hello["throughput_rps"]
        notes.append(
            f"- **Pages below {g['page_throughput_ratio']:.2f} of hello-world or over {g['page_alone_p50_ms']} ms "
            f"alone.** Hello-world answers {hello['throughput_rps']} req/s, about {cpu_ms:.1f} ms of the machine's "
            "two cores per request with middleware and session; a tenth of it leaves a page about "
            f"{cpu_ms * 10:.0f} ms of CPU, shared by Python and PostgreSQL on the same two cores. The measured "
            "split (section 2) of each page that missed: " + costs(sorted(set(slow) | set(late))) + ". Where SQL is "
            "the smaller share, the time goes to building model rows and rendering the template (the base layout "
            "with its navigation, forms and tables); where it is the larger, to the page's scoped queries."
        )
    lt = r["load_test"]
    if lt["p95_ms"] >= g["load_p95_ms"]:
        notes.append(
            f"- **Load test p95 {lt['p95_ms']} ms.** The load is a closed loop: {lt['clients']} clients keep "
            f"{lt['clients']} requests in flight against 3 sync workers on two cores, so a request mostly waits its "
            f"turn; latency ≈ clients ÷ throughput (Little's law): {lt['clients']} ÷ {lt['throughput_rps']} req/s ≈ "
            f"{1000 * lt['clients'] / lt['throughput_rps']:.0f} ms on average, and the slowest twentieth waited "
            f"{lt['p95_ms'] * lt['throughput_rps'] / (1000 * lt['clients']):.2f} times that. A p95 under "
            f"{g['load_p95_ms']} ms at {lt['clients']} clients with that spread needs about "
            f"{lt['throughput_rps'] * lt['p95_ms'] / g['load_p95_ms']:.0f} req/s over this mix of pages: less work a "
            "page, more cores, or the reads of reports and exports moved to a replica (README, scaling)."
        )
    ex = r["excel"]
    if ex["ratio"] and ex["ratio"] > g["excel_ratio"]:
        notes.append(
            f"- **Excel export {ex['ratio']}× openpyxl alone.** The baseline writes values already in memory; the "
            "export also reads the rows from PostgreSQL in chunks, builds each day log with its placement, student "
            "and company, and escapes every text cell against formula injection. Memory stays flat: "
            f"{ex['peak_mb_quarter']} MB at {ex['rows_quarter']:,} rows and {ex['peak_mb']} MB at {ex['rows']:,}."
        )
    pdf = r["annual_pdf"]
    if not pdf.get("measured"):
        notes.append(f"- **Annual PDF not measured**: {pdf['note']}.")
    else:
        built = pdf["runs"][0]
        one = next((run for run in pdf["runs"] if run.get("release") == "kept" and run["workers"] == 1), built)
        if one["ratio"] > g["pdf_ratio"]:
            gather = one["seconds"] - pdf["weasyprint_seconds"]
            notes.append(
                f"- **Annual PDF {one['ratio']}× WeasyPrint alone, from kept releases** ({built['seconds']} s, "
                f"{built['ratio']}×, when the releases are built first). WeasyPrint lays out the {pdf['pages']} "
                f"pages in {pdf['weasyprint_seconds']} s; the other {gather:.1f} s read the kept releases and "
                "gather what no release holds (registry, designations, activities, distinct companies, KPIs) in "
                f"PostgreSQL over {r['generation'].get('rows', {}).get('curricula_daylog', 2_000_000):,} day logs "
                "and the rows around them, then render the print template. The goal compares against rendering "
                "only; "
                + (
                    f"the report is under {g['pdf_seconds']} s either way."
                    if built["seconds"] < g["pdf_seconds"]
                    else f"building the releases first misses the {g['pdf_seconds']} s goal."
                )
            )
        two = next((run for run in pdf["runs"] if run["workers"] == 2), None)
        if two:
            notes.append(
                f"- **One worker and two.** Laying the report out in parts on two processes took {two['seconds']} s "
                f"against {one['seconds']} s in one. Only the layout is shared out (the figures are gathered "
                "once, in the database), the parts are joined and numbered afterwards, and here both processes "
                "share the two cores with PostgreSQL and the other work on this machine."
            )
    lt = r["load_test"]
    if lt["errors"]:
        notes.append(f"- **Load test errors: {lt['errors']}** — samples: {lt['error_samples']}.")
    return notes or ["- Every goal measured here was met."]
