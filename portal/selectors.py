"""Reads for the public home and the portal home."""

from django.db.models import Count, Q

from deputies.models import Congress, Deputy


def public_home_context() -> dict:
    city = Congress.objects.filter(level=Congress.Level.CITY).order_by("id").first()
    stats = {}
    if city is not None:
        stats = Deputy.objects.filter(congress=city, term__is_current=True).aggregate(
            serving=Count("id", filter=Q(status=Deputy.Status.SERVING)),
            grassroots=Count("id", filter=Q(status=Deputy.Status.SERVING, is_grassroots=True)),
            female=Count("id", filter=Q(status=Deputy.Status.SERVING, gender=Deputy.Gender.FEMALE)),
        )
    return {"city": city, "stats": stats}


def portal_home_context(*, user) -> dict:
    mandates = list(
        Deputy.objects.filter(user=user)
        .select_related("congress", "term", "electoral_unit")
        .prefetch_related("groups")
        .order_by("congress_id")
    )
    return {"mandates": mandates, "unit": user.unit if user.unit_id else None}


def staff_dashboard(*, actor) -> dict:
    """What needs the office's attention now, in its congresses; every figure counted from the rows."""
    import datetime

    from django.db.models import Count, Q
    from django.utils import timezone

    from accounts import roles
    from activities.models import Activity, DeputyLetter, Participation
    from deputies.models import Vacancy
    from proposals.models import Assignment, Suggestion

    scope = roles.congress_scope_ids(actor)

    def scoped(qs, path):
        return qs if scope is None else qs.filter(**{f"{path}__in": scope})

    today = timezone.localdate()
    handling = scoped(Assignment.objects.all(), "suggestion__congress_id")
    figures = {
        "to_review": scoped(Suggestion.objects.filter(status=Suggestion.Status.SUBMITTED), "congress_id").count(),
        **handling.aggregate(
            overdue=Count(
                "pk",
                filter=Q(status__in=[Assignment.Status.ASSIGNED, Assignment.Status.REHANDLING], deadline__lt=today),
            ),
            reassign_requests=Count("pk", filter=Q(status=Assignment.Status.REASSIGN_REQUESTED)),
        ),
        "attendance_open": scoped(
            Activity.objects.filter(attendance_closed_at__isnull=True, end_date__lt=today - datetime.timedelta(days=2)),
            "congress_id",
        ).count(),
        "letters_overdue": scoped(
            DeputyLetter.objects.filter(status=DeputyLetter.Status.FORWARDED, reply_due__lt=today),
            "deputy__congress_id",
        ).count(),
        "open_vacancies": scoped(
            Vacancy.objects.filter(status=Vacancy.Status.OPEN, term__is_current=True), "term__congress_id"
        ).count(),
    }
    # Work plan item 2: every grassroots deputy attends an SC meeting at least once in the term.
    grassroots = scoped(
        Deputy.objects.filter(
            term__is_current=True, status=Deputy.Status.SERVING, is_grassroots=True, congress__level="city"
        ),
        "congress_id",
    )
    coverage = grassroots.aggregate(
        total=Count("pk", distinct=True),
        covered=Count(
            "pk",
            distinct=True,
            filter=Q(participations__activity_kind="sc_meeting", participations__status=Participation.Status.ATTENDED),
        ),
    )
    figures["sc_coverage_total"] = coverage["total"]
    figures["sc_coverage_covered"] = coverage["covered"]
    figures["sc_coverage_percent"] = round(100 * coverage["covered"] / coverage["total"]) if coverage["total"] else 0
    return figures
