"""The scan registry: periodic reminder scans that apps add from their scans.py.

A scan is a function ``scan(now) -> int`` (how many notifications it created).
It finds what is due by querying the database and calls ``notify`` with a key
per reason, so running it twice, or in two workers at once, sends nothing twice.
"""

import logging
from collections.abc import Callable

from django.utils import timezone

logger = logging.getLogger(__name__)

_SCANS: dict[str, Callable] = {}
_DIGEST_SECTIONS: dict[str, Callable] = {}


def register_scan(name: str):
    def decorator(func):
        _SCANS[name] = func
        return func

    return decorator


def register_digest_section(name: str):
    """A function ``section(user, now) -> list[str]`` of overdue items for the staff digest."""

    def decorator(func):
        _DIGEST_SECTIONS[name] = func
        return func

    return decorator


def registered_scans() -> dict[str, Callable]:
    return dict(_SCANS)


def digest_sections() -> dict[str, Callable]:
    return dict(_DIGEST_SECTIONS)


def run_all_scans(now=None) -> dict[str, int]:
    """Run every scan; one failing scan is logged and does not stop the others."""
    now = now or timezone.now()
    results = {}
    for name, scan in sorted(_SCANS.items()):
        try:
            results[name] = scan(now)
        except Exception:  # noqa: BLE001
            logger.exception("Scan %s failed", name)
            results[name] = -1
    return results
