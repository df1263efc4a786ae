"""Per-(deputy, year) counts of the participations, for lists that sort and filter by them.

``ParticipationSummary`` rows are changed by database triggers on the participation table
(migration 0003) in the statement that changes the ledger, so every service of
``services.py`` (invitations, answers, attendance and its corrections, an activity moved to
another date) and every other writer (the admin deleting an activity, a bulk import in SQL)
keeps them in step without a line of its own. ``recount`` counts the ledger directly;
``rebuild`` replaces the summaries with that recount, in batches of deputies (``manage.py
rebuild_participation_summaries``), for data written while the triggers were off.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from .models import Participation, ParticipationSummary

P = Participation.Status
ZERO = dict.fromkeys(ParticipationSummary.COUNTS, 0)


def recount(*, deputy_ids: Iterable[int] | None = None) -> dict[tuple[int, int], dict]:
    """(deputy id, year) → the counts, from one grouped query over the participations; the
    year ``ParticipationSummary.WHOLE_TERM`` (0) holds each deputy's sums over the years."""
    qs = Participation.objects.all() if deputy_ids is None else Participation.objects.filter(deputy_id__in=deputy_ids)
    rows = (
        qs.order_by()
        .annotate(year=ExtractYear("activity_date"))
        .values("deputy_id", "year")
        .annotate(
            participations=Count("pk"),
            attended=Count("pk", filter=Q(status=P.ATTENDED)),
            absent=Count("pk", filter=Q(status=P.ABSENT)),
            excused=Count("pk", filter=Q(status=P.EXCUSED)),
            declined=Count("pk", filter=Q(status=P.DECLINED)),
        )
    )
    counted = {(row.pop("deputy_id"), row.pop("year")): row for row in rows}
    for (deputy_id, _year), row in list(counted.items()):
        term = counted.setdefault((deputy_id, ParticipationSummary.WHOLE_TERM), dict(ZERO))
        for key, value in row.items():
            term[key] += value
    return counted


def stored(*, deputy_ids: Iterable[int] | None = None) -> dict[tuple[int, int], dict]:
    """(deputy id, year) → the counts as the summary rows hold them (rows of all zeros left out)."""
    qs = ParticipationSummary.objects.all()
    if deputy_ids is not None:
        qs = qs.filter(deputy_id__in=deputy_ids)
    rows = qs.values("deputy_id", "year", *ParticipationSummary.COUNTS)
    return {(row.pop("deputy_id"), row.pop("year")): row for row in rows if any(row[k] for k in ZERO)}


def differences(*, deputy_ids: Iterable[int] | None = None) -> dict[tuple[int, int], tuple[dict, dict]]:
    """(deputy id, year) → (stored, recounted) wherever the two disagree; empty when in step."""
    if deputy_ids is not None:
        deputy_ids = list(deputy_ids)
    kept, counted = stored(deputy_ids=deputy_ids), recount(deputy_ids=deputy_ids)
    return {
        key: (kept.get(key, ZERO), counted.get(key, ZERO))
        for key in kept.keys() | counted.keys()
        if kept.get(key, ZERO) != counted.get(key, ZERO)
    }


def rebuild(*, batch_size: int = 1000, deputy_ids: Iterable[int] | None = None) -> int:
    """Replace the summaries with a recount of the ledger, ``batch_size`` deputies per transaction.

    Each batch holds a SHARE lock on the participation table on PostgreSQL while it counts and
    writes, so a participation recorded meanwhile waits for it instead of being counted twice
    or not at all. Returns the number of summary rows written.
    """
    from deputies.models import Deputy

    ids = sorted(set(deputy_ids)) if deputy_ids is not None else None
    if ids is None:
        ids = list(Deputy.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("LOCK TABLE deputies_participation IN SHARE MODE")
            ParticipationSummary.objects.filter(deputy_id__in=batch).delete()
            rows = [
                ParticipationSummary(deputy_id=deputy_id, year=year, **counts)
                for (deputy_id, year), counts in sorted(recount(deputy_ids=batch).items())
            ]
            ParticipationSummary.objects.bulk_create(rows, batch_size=1000)
            written += len(rows)
    return written
