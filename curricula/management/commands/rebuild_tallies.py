"""Count every placement tally and unlogged day again from the source rows: after a bulk load or a repair made by
hand."""

from django.core.management.base import BaseCommand

from curricula.tallies import tallies_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the placement tallies (per school and kind, and per school and fiscal year) and each placement's "
        "expected days without a log from the placements, day logs and calendars."
    )

    def handle(self, *args, **options):
        rows = tallies_rebuild()
        self.stdout.write(f"{rows} tallies written.")
