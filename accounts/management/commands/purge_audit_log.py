"""Delete security audit entries older than the retention period.

    manage.py purge_audit_log

Keeps at least AUDIT_RETENTION_DAYS days (default 365, never fewer than 180). The same code
path as the daily scan ``accounts.purge_audit_log``: it first writes an ``AUDIT_PURGED`` entry
recording what was deleted and the anchor where the remaining chain starts.
"""

from django.core.management.base import BaseCommand

from accounts.audit import purge_audit_log, retention_days


class Command(BaseCommand):
    help = "Delete security audit entries older than AUDIT_RETENTION_DAYS."

    def handle(self, *args, **options):
        deleted = purge_audit_log()
        self.stdout.write(f"{deleted} audit entries older than {retention_days()} days deleted")
