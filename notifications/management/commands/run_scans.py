import time

from django.conf import settings
from django.core.management.base import BaseCommand

from notifications.registry import run_all_scans


class Command(BaseCommand):
    help = "Run every registered reminder scan once, or every SCAN_INTERVAL_SECONDS with --loop (no Celery needed)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running, one pass per interval")

    def handle(self, *args, loop=False, **options):
        while True:
            results = run_all_scans()
            self.stdout.write(", ".join(f"{name}: {count}" for name, count in results.items()) or "no scans")
            if not loop:
                return
            time.sleep(settings.SCAN_INTERVAL_SECONDS)
