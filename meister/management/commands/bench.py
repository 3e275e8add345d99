"""Benchmarks measured in one run on this machine, each as a ratio to a baseline from the same run.

This first version measures matching: ranking candidate companies for one need at national scale
(30,000 companies), and the dual-system allocation of 500 students to 300 companies. It fills the
database it is pointed at, so run it through `make bench`, which uses a throwaway PostgreSQL.
"""

import datetime
import json
import os
import platform
import random
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from meister.models import User
from partners.allocation import Preference, allocate
from partners.matching import rank_candidates
from partners.models import (
    Company,
    CompanyOffer,
    Engagement,
    IndustryDivision,
    OfferKind,
    Prefecture,
    Proposal,
    School,
    SchoolNeed,
)


def _timed(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)] * 1000, 2),
    }


class Command(BaseCommand):
    help = "Measure matching at national scale and write docs/benchmarks.md and docs/benchmarks.json."

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=30_000)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs"))

    def handle(self, *args, companies, repeat, seed, output, **options):
        rng = random.Random(seed)
        call_command("seed_demo", verbosity=0)
        started = time.perf_counter()
        self._fill(rng, companies)
        fill_seconds = time.perf_counter() - started
        need = SchoolNeed.objects.select_related("school__prefecture", "industry").get(
            title__startswith="水産加工の施設実習"
        )
        ministry = User.objects.get(username="ministry")
        coordinator = User.objects.get(username="coordinator-niigata")

        def bare():
            # Baseline: the same companies' rows with no ranking figures at all.
            list(Company.objects.values("pk", "name", "prefecture_id", "industry__code", "busy_months"))

        results = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"PostgreSQL {connection.cursor().connection.info.server_version}",
            "date": timezone.localdate().isoformat(),
            "companies": Company.objects.count(),
            "fill_seconds": round(fill_seconds, 1),
            "baseline_all_companies": _timed(bare, repeat),
            "ranking_national": _timed(lambda: rank_candidates(user=ministry, need=need), repeat),
            "ranking_coordinator": _timed(lambda: rank_candidates(user=coordinator, need=need), repeat),
        }
        results["ranking_national"]["ratio_to_baseline"] = round(
            results["ranking_national"]["p50_ms"] / results["baseline_all_companies"]["p50_ms"], 2
        )
        company_ids = list(range(300))
        places = {c: rng.randint(1, 3) for c in company_ids}
        preferences = [Preference(s, tuple(rng.sample(company_ids, 3))) for s in range(500)]
        results["allocation_500x300"] = _timed(lambda: allocate(preferences, places), max(3, repeat // 4))
        self._write(Path(output), results)
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))

    def _fill(self, rng, target):
        prefectures = list(Prefecture.objects.all())
        divisions = list(IndustryDivision.objects.all())
        schools = list(School.objects.all())
        existing = Company.objects.count()
        batch = []
        for i in range(existing, target):
            batch.append(
                Company(
                    name=f"ベンチ企業{i:05d}",
                    kana=f"べんちきぎょう{i:05d}",
                    prefecture=rng.choice(prefectures),
                    municipality=f"市{rng.randint(1, 40)}",
                    industry=rng.choice(divisions),
                    busy_months=rng.sample(range(1, 13), rng.randint(0, 2)),
                    weekdays=[],
                    max_students=rng.choice([None, 2, 5, 10]),
                )
            )
        created = Company.objects.bulk_create(batch, batch_size=2000)
        kinds = list(OfferKind.values)
        CompanyOffer.objects.bulk_create(
            (
                CompanyOffer(company=c, kind=k, capacity=rng.choice([None, 2, 5, 10]))
                for c in created
                for k in rng.sample(kinds, rng.randint(1, 3))
            ),
            batch_size=5000,
            ignore_conflicts=True,
        )
        start = datetime.date(2026, 4, 1)
        Engagement.objects.bulk_create(
            (
                Engagement(
                    school=rng.choice(schools),
                    company=rng.choice(created),
                    kind=rng.choice(kinds),
                    title="ベンチ",
                    start_on=start,
                    end_on=start + datetime.timedelta(days=rng.randint(1, 300)),
                    students=rng.randint(1, 6),
                    would_host_again=rng.choice([None, True, False]),
                )
                for _ in range(len(created) // 3)
            ),
            batch_size=5000,
        )
        need = SchoolNeed.objects.filter(title__startswith="水産加工の施設実習").first()
        Proposal.objects.bulk_create(
            (Proposal(need=need, company=c, message="ベンチ") for c in rng.sample(created, min(len(created), 3000))),
            batch_size=5000,
            ignore_conflicts=True,
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _write(self, folder: Path, results: dict) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "benchmarks.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
        rows = [
            ("Bare select of every company (baseline)", results["baseline_all_companies"], "1.00"),
            (
                "Candidate ranking, national scope",
                results["ranking_national"],
                f"{results['ranking_national']['ratio_to_baseline']:.2f}",
            ),
            ("Candidate ranking, a coordinator's prefecture", results["ranking_coordinator"], ""),
            ("Allocation, 500 students × 300 companies", results["allocation_500x300"], ""),
        ]
        lines = [
            "# Benchmarks",
            "",
            f"Measured by `make bench` on {results['date']}: {results['machine']}.",
            f"{results['companies']:,} companies (filled in {results['fill_seconds']} s). "
            "Ratios are against the baseline measured in the same run.",
            "",
            "| what | p50 (ms) | p95 (ms) | ratio to baseline (p50) |",
            "|---|---:|---:|---:|",
            *[f"| {name} | {t['p50_ms']} | {t['p95_ms']} | {ratio} |" for name, t, ratio in rows],
            "",
        ]
        (folder / "benchmarks.md").write_text("\n".join(lines), "utf-8")
