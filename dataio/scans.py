"""Housekeeping that runs with the reminder scans."""

from notifications.registry import register_scan

from .formats import purge_stale_uploads


@register_scan("dataio.purge_stale_import_uploads")
def purge_import_uploads(now) -> int:
    # Import files whose confirmation never came (they hold personal data): gone after a day.
    return purge_stale_uploads()
