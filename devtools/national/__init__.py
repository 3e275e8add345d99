"""Realistic, reproducible data at national scale, bulk-loaded into PostgreSQL with COPY.

`generate(scale=..., seed=...)` fills the registry, curricula and assessments around fiscal year 2024 (令和6年度):
schools with departments and their capacity, companies with valid 法人番号, consortia with designations and
budgets, practitioner teaching, engagements, needs and proposals, students, placements with their day logs,
graduates' destinations, Grit-S administrations with pre/post responses, and a fact-finding survey. Rows are
produced as Python streams from one seeded `random.Random`, and primary keys are assigned here (from the
table's current maximum), so the same seed on the same database gives the same rows, ids included.

It also creates one signed-in persona per role (`national-ministry`, `national-teacher`, …) scoped to the
generated data: the benchmark serves their pages.

The parts: `vocabulary` (scales, names and codes), `loader` (COPY with defaults), `registry` and `school_year` (the
rows), `builder` (the pass that runs them in order and signs in the personas).
"""

import random
import time
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction

from curricula.models import PlacementTally, UnloggedDay
from curricula.tallies import tallies_rebuild
from devtools.national.builder import Builder
from devtools.national.loader import Loader
from devtools.national.vocabulary import LOG_DAY, PERSONA_PREFIX, SCALES, corporate_number
from meister.models import User
from partners.models import SchoolNeed

__all__ = [
    "LOG_DAY",
    "PERSONA_PREFIX",
    "SCALES",
    "AlreadyGenerated",
    "Generated",
    "corporate_number",
    "generate",
    "persona_need",
]


@dataclass
class Generated:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    personas: dict[str, str] = field(default_factory=dict)


class AlreadyGenerated(Exception):
    pass


def generate(*, scale: str = "small", seed: int = 1, log=None) -> Generated:
    """Fill the database with `scale`'s rows; refused on anything but PostgreSQL and on a database that has them."""
    if connection.vendor != "postgresql":
        raise RuntimeError(
            "generate_national needs PostgreSQL (COPY): set DATABASE_URL=postgres://… "
            "(make bench starts a throwaway one). The embedded SQLite database is not supported."
        )
    if User.objects.filter(username__startswith=PERSONA_PREFIX).exists():
        raise AlreadyGenerated("this database already holds generated data (users national-*)")
    size = SCALES[scale]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        loader = Loader(cursor)
        builder = Builder(loader, random.Random(seed), size, log or (lambda message: None))
        builder.run()
        # COPY bypasses the services that keep the tallies: count them once from what was loaded.
        loader.counts[PlacementTally._meta.db_table] = tallies_rebuild()
        loader.counts[UnloggedDay._meta.db_table] = UnloggedDay.objects.count()
        statements = connection.ops.sequence_reset_sql(no_style(), builder.models_loaded)
        for statement in statements:
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    result = Generated(counts=loader.counts, seconds=time.perf_counter() - started, personas=builder.personas)
    return result


def persona_need(user) -> SchoolNeed:
    """The need whose candidates the coordinator persona looks at: the first need of the teacher persona's school."""
    teacher = User.objects.get(username=f"{PERSONA_PREFIX}teacher")
    return SchoolNeed.objects.filter(school_id=teacher.school_id).order_by("pk").first()
