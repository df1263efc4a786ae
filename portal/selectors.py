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
