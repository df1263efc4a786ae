"""``seed_training`` after ``seed_demo``: every part of the app has demo rows, made through the
services (ledger activities, receipts, events), and a second run adds nothing."""

import pytest
from django.core.management import call_command

from activities.models import Participation
from training.models import Course, DataRequest, Feedback, Material, Receipt, RequestEvent

pytestmark = pytest.mark.django_db


def test_seed_training_fills_every_part_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    call_command("seed_training")
    counts = (Course.objects.count(), Material.objects.count(), DataRequest.objects.count(), Receipt.objects.count())
    assert Course.objects.filter(kind="briefing").count() == 2
    assert Course.objects.filter(congress__level="district").exists()
    assert Material.objects.filter(kind="case", shared_with_districts=True).exists()
    assert Material.objects.count() >= 12 and Receipt.objects.exists()
    assert set(DataRequest.objects.values_list("status", flat=True)) == set(DataRequest.Status.values)
    assert RequestEvent.objects.filter(action="rate").exists()
    assert Participation.objects.filter(activity__training_session__isnull=False, status="attended").exists()
    assert Feedback.objects.exists()
    call_command("seed_training")
    assert counts == (
        Course.objects.count(),
        Material.objects.count(),
        DataRequest.objects.count(),
        Receipt.objects.count(),
    )
