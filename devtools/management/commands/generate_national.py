"""Fill PostgreSQL with realistic, reproducible data at small or national scale (see devtools.national)."""

from django.core.management.base import BaseCommand, CommandError

from devtools.national import SCALES, AlreadyGenerated, generate


class Command(BaseCommand):
    help = (
        "Fill PostgreSQL with generated schools, companies, students, placements, day logs and assessments "
        "(national: 2,000 schools, 30,000 companies, 600,000 students, 100,000 placements, 2,000,000 day logs, "
        "300,000 responses) by COPY, and report the time taken. The same seed gives the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale, seed, **options):
        verbose = options["verbosity"] >= 2
        try:
            result = generate(scale=scale, seed=seed, log=(lambda m: self.stdout.write(f"  {m}")) if verbose else None)
        except (RuntimeError, AlreadyGenerated) as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] >= 1:
            for table, count in result.counts.items():
                self.stdout.write(f"{table:40} {count:>10,}")
            total = sum(result.counts.values())
            self.stdout.write(
                self.style.SUCCESS(f"{scale} scale, seed {seed}: {total:,} rows in {result.seconds:.1f} s")
            )
