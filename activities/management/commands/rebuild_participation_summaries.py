"""``manage.py rebuild_participation_summaries``: recount the archive's per-year summaries from the ledger.

The database triggers keep the summaries in step with every write; run this after loading
participations with the triggers disabled, or with ``--check`` to compare without writing.
"""

from django.core.management.base import BaseCommand, CommandError

from activities import summaries


class Command(BaseCommand):
    help = "Recount the per-(deputy, year) participation summaries from the participations, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000, help="deputies per transaction")
        parser.add_argument("--check", action="store_true", help="only compare; exit 1 when they differ")

    def handle(self, *args, batch_size, check, **options):
        if check:
            differences = summaries.differences()
            for (deputy_id, year), (kept, counted) in sorted(differences.items())[:20]:
                self.stdout.write(f"deputy {deputy_id}, {year}: stored {kept}, recounted {counted}")
            if differences:
                raise CommandError(f"{len(differences)} summaries differ from the ledger")
            self.stdout.write("The summaries equal a recount of the participations.")
            return
        written = summaries.rebuild(batch_size=batch_size)
        self.stdout.write(f"{written} summaries rebuilt from the participations.")
