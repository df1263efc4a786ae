"""The credentials committee's report to the standing committee (work plan item 16)."""

from .models import ByElectionResult, CredentialsReview, StatusChange
from .selectors import electoral_unit_counts


def credentials_report(*, review: CredentialsReview) -> dict:
    """What the report lists: since the previous review, the terminations, suspensions and
    resumptions, and the by-elected deputies this review covers; then the counts per unit."""
    previous = (
        CredentialsReview.objects.filter(term=review.term, meeting_date__lt=review.meeting_date)
        .order_by("-meeting_date")
        .values_list("meeting_date", flat=True)
        .first()
    )
    period = StatusChange.objects.filter(deputy__term=review.term, effective_date__lte=review.meeting_date)
    if previous:
        period = period.filter(effective_date__gt=previous)
    period = period.select_related("deputy__electoral_unit").order_by("effective_date", "pk")
    units = list(electoral_unit_counts(congress_id=review.term.congress_id, term_id=review.term_id))
    totals = {
        "seats": sum(u.seats or 0 for u in units),
        "serving": sum(u.serving_count for u in units),
        "suspended": sum(u.suspended_count for u in units),
        "pending": sum(u.pending_count for u in units),
        "vacancies": sum(u.vacancy_count for u in units),
    }
    return {
        "terminations": [c for c in period if c.kind == StatusChange.Kind.TERMINATE],
        "suspensions": [c for c in period if c.kind in (StatusChange.Kind.SUSPEND, StatusChange.Kind.RESUME)],
        "results": list(
            ByElectionResult.objects.filter(by_election__review=review)
            .select_related("deputy__electoral_unit", "by_election", "vacancy__vacated_by")
            .order_by("deputy__electoral_unit__order", "deputy__name")
        ),
        "units": units,
        "totals": totals,
    }
