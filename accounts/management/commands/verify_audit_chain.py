"""Check the security audit log's hash chain.

    manage.py verify_audit_chain

Walks every entry in id order (a batch at a time: constant memory however long the log),
recomputes each hash and stops at the first break, naming the entry (id, time, kind) and why:
its content was changed, or the entry before it is missing. Exits 1 on a break, prints OK and
the count otherwise. After a purge the chain starts at the anchor the purge entry recorded.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.audit import VERIFY_BATCH, verify_chain


class Command(BaseCommand):
    help = "Verify the security audit log's hash chain (exit 1 on the first break)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=VERIFY_BATCH, help="entries read per query")

    def handle(self, *args, batch_size: int, **options):
        report = verify_chain(batch_size=batch_size)
        if not report.ok:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(report.summary())
