"""The security audit log: writing entries, checking the hash chain, and the retention purge."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import checks
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.http import client_ip

from .models import SecurityEvent

logger = logging.getLogger(__name__)

# Entries are kept at least this long whatever AUDIT_RETENTION_DAYS says; the database
# triggers on PostgreSQL refuse to delete younger ones.
RETENTION_FLOOR_DAYS = 180
DEFAULT_RETENTION_DAYS = 365
# Rows read per query when the chain is checked: memory stays constant however long it is.
VERIFY_BATCH = 5000


def audit(kind: str, *, request=None, actor=None, target_user=None, login_key: str = "", **detail) -> SecurityEvent:
    """Write one entry. The request (for the actor, address and browser) is the one being
    served, read from ``CurrentRequestMiddleware``; callers outside a request pass none.
    ``login_key`` is the keyed hash of a typed login (the lockout counts failures by it)."""
    if request is None:
        from .middleware import current_request

        request = current_request()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            actor = request.user
    return SecurityEvent.objects.create(
        kind=kind,
        actor=actor,
        target_user=target_user,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
        detail={k: v for k, v in detail.items() if v is not None},
        login_key=login_key or "",
    )


# --- Retention -----------------------------------------------------------------------


def configured_retention_days() -> int:
    return int(getattr(settings, "AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def retention_days() -> int:
    """How many days entries are kept: AUDIT_RETENTION_DAYS, never less than the floor (the
    system check refuses a lower setting; should checks be skipped, the floor still holds)."""
    days = configured_retention_days()
    if days < RETENTION_FLOOR_DAYS:
        logger.warning(
            "AUDIT_RETENTION_DAYS=%d is below the floor; keeping audit entries %d days",
            days,
            RETENTION_FLOOR_DAYS,
        )
        return RETENTION_FLOOR_DAYS
    return days


@checks.register(checks.Tags.security)
def check_audit_retention(app_configs=None, **kwargs):
    try:
        days = configured_retention_days()
    except (TypeError, ValueError):
        return [checks.Error("AUDIT_RETENTION_DAYS must be a whole number of days.", id="accounts.E101")]
    if days < RETENTION_FLOOR_DAYS:
        return [
            checks.Error(
                f"AUDIT_RETENTION_DAYS is {days}; the security audit log must be kept at least "
                f"{RETENTION_FLOOR_DAYS} days.",
                hint=f"Set AUDIT_RETENTION_DAYS to {RETENTION_FLOOR_DAYS} or more (default {DEFAULT_RETENTION_DAYS}).",
                id="accounts.E100",
            )
        ]
    return []


def purge_cutoff(now: datetime, days: int) -> datetime:
    """Entries created before this are due: local midnight of ``now``'s day, ``days`` back,
    so that every run on one day purges the same set (the daily scan writes one purge entry)."""
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=days)


def purge_audit_log(now: datetime | None = None) -> int:
    """Delete the entries older than the retention period; return how many.

    The only way entries are deleted. The oldest entries go, in id order, up to the first one
    still within the retention period (an out-of-order older entry after it waits for a later
    purge). Before deleting, an ``AUDIT_PURGED`` entry records the count, the id range and the
    hash of the last purged entry: the anchor where the remaining chain legitimately starts."""
    now = now or timezone.now()
    days = retention_days()
    with transaction.atomic():
        SecurityEvent.chain_head(connection.alias)  # locks the chain until the end
        cutoff = purge_cutoff(now, days)
        if connection.vendor == "postgresql":
            # The trigger compares with the transaction's clock: never cut later than it allows.
            with connection.cursor() as cursor:
                cursor.execute("SELECT now()")
                cutoff = min(cutoff, cursor.fetchone()[0] - timedelta(days=days))
        first_kept = (
            SecurityEvent.objects.filter(created_at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
        )
        due = SecurityEvent.objects.all()
        if first_kept is not None:
            due = due.filter(id__lt=first_kept)
        span = due.aggregate(count=Count("id"), first=Min("id"), last=Max("id"))
        if not span["count"]:
            return 0
        anchor = SecurityEvent.objects.filter(id=span["last"]).values_list("row_hash", flat=True).get()
        audit(
            SecurityEvent.Kind.AUDIT_PURGED,
            request=None,
            count=span["count"],
            first_id=span["first"],
            last_id=span["last"],
            anchor=anchor,
            before=cutoff.isoformat(),
            retention_days=days,
        )
        deleted = SecurityEvent.objects.filter(id__lte=span["last"])._purge()
    logger.info("Audit log: %d entries older than %s purged", deleted, cutoff.date())
    return deleted


# --- Checking the chain -----------------------------------------------------------------

# Why the chain broke (in English for the command, translated in the admin).
CONTENT_CHANGED = gettext_noop("content changed")
PREVIOUS_MISSING = gettext_noop("previous entry missing or changed")
NOT_HASHED = gettext_noop("entry without a hash after the chain began")


@dataclass
class ChainReport:
    ok: bool
    checked: int = 0
    # Entries from before the chain was introduced (no hash), at the start of the log.
    unchained: int = 0
    # The AUDIT_PURGED entry whose anchor the remaining chain starts from, if any.
    anchor_event_id: int | None = None
    break_id: int | None = None
    break_created_at: datetime | None = None
    break_kind: str = ""
    reason: str = ""

    def summary(self) -> str:
        if self.ok:
            text = f"OK: {self.checked} audit entries verified"
            if self.anchor_event_id:
                text += f" (chain starts at the anchor of purge entry {self.anchor_event_id})"
            if self.unchained:
                text += f"; {self.unchained} older entries from before the chain, not verifiable"
            return text
        return (
            f"BROKEN at entry id={self.break_id} time={self.break_created_at.isoformat()} "
            f"kind={self.break_kind}: {self.reason} ({self.checked} entries verified before it)"
        )


def _purge_anchor(first_id: int, prev_hash: str) -> int | None:
    """The purge entry that says the chain may start at ``prev_hash`` before ``first_id``."""
    candidates = SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.AUDIT_PURGED, detail__anchor=prev_hash, id__gte=first_id
    ).values_list("id", "detail")
    for event_id, detail in candidates:
        if isinstance(detail.get("last_id"), int) and detail["last_id"] < first_id:
            return event_id
    return None


def verify_chain(batch_size: int = VERIFY_BATCH) -> ChainReport:
    """Walk the log in id order, recompute every hash, stop at the first break.

    A purge is not a break: the first remaining entry may link to the anchor an
    ``AUDIT_PURGED`` entry (itself part of the chain, so it cannot be forged) recorded."""
    report = ChainReport(ok=True)
    fields = ("id", "prev_hash", "row_hash", *SecurityEvent.HASHED_FIELDS)
    expected_prev = None  # None: at the start of the chain
    last_id = 0
    while True:
        rows = list(SecurityEvent.objects.filter(id__gt=last_id).order_by("id").values_list(*fields)[:batch_size])
        if not rows:
            return report
        for row in rows:
            event_id, prev_hash, row_hash, *content = row
            values = dict(zip(SecurityEvent.HASHED_FIELDS, content, strict=True))
            last_id = event_id

            def broken(reason, values=values, event_id=event_id):
                report.ok = False
                report.break_id = event_id
                report.break_created_at = values["created_at"]
                report.break_kind = values["kind"]
                report.reason = reason
                return report

            if not row_hash:
                if expected_prev is None and not prev_hash:
                    report.unchained += 1
                    continue
                return broken(NOT_HASHED)
            if SecurityEvent.compute_hash(prev_hash, **values) != row_hash:
                return broken(CONTENT_CHANGED)
            if expected_prev is None:
                if prev_hash:
                    report.anchor_event_id = _purge_anchor(event_id, prev_hash)
                    if report.anchor_event_id is None:
                        return broken(PREVIOUS_MISSING)
            elif prev_hash != expected_prev:
                return broken(PREVIOUS_MISSING)
            expected_prev = row_hash
            report.checked += 1
