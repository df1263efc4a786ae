"""The demo year of activities: every kind, attendance recorded through the services, idempotent."""

import pytest
from django.core.management import call_command

from activities.models import Activity, Participation
from archive.selectors import archive_summary
from deputies.models import Deputy


@pytest.mark.django_db
def test_seed_activities_gives_every_kind_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_activities")
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert kinds >= set(Activity.Kind.values) - {Activity.Kind.OTHER}
    counts = (Activity.objects.count(), Participation.objects.count())
    call_command("seed_activities")
    assert (Activity.objects.count(), Participation.objects.count()) == counts

    deputy = Deputy.objects.get(user__email="deputy@example.org", congress__level="city")
    year = Activity.objects.order_by("-start_date").first().start_date.year
    summary = archive_summary(deputy=deputy, year=year)
    raw = Participation.objects.filter(deputy=deputy, status="attended")
    assert summary["totals"]["attended_term"] == raw.count()
    assert summary["totals"]["attended_year"] == raw.filter(activity_date__year=year).count()
    # Upcoming invitations wait for the demo deputy's answer; one unit activity waits for its attendance.
    assert Participation.objects.filter(deputy=deputy, status="invited").exists()
    assert Activity.objects.filter(attendance_closed_at__isnull=True, recorder__email="unit@example.org").exists()
