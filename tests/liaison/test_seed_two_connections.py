"""The demo's two connections (seed_liaison) go through the services and run twice without change."""

import pytest
from django.utils import timezone

from demo.management.commands.seed_liaison import TwoConnections
from liaison.models import (
    Committee,
    Consultation,
    ContactAssignment,
    ContactRecord,
    ReceptionDay,
    Symposium,
    Topic,
    TopicInvitation,
)

from .factories import grassroots

pytestmark = pytest.mark.django_db


def test_the_demo_runs_twice_and_the_second_time_adds_nothing(city, term, staff, leader, sc_plain, deputy):
    grassroots(city, term, 80)
    first = TwoConnections(city, staff, timezone.localdate()).run()
    assert first["contact assignments"] == 10 and first["contact records"] > 0
    assert first["reception days"] == 4 and first["SC-meeting topics"] == 6 and first["consultations"] == 2
    assert Committee.objects.count() == 6 and Symposium.objects.count() == 3
    assert TopicInvitation.objects.count() > 0 and Topic.objects.count() == 6
    counts = [m.objects.count() for m in (ContactAssignment, ContactRecord, ReceptionDay, Topic, Consultation)]
    second = TwoConnections(city, staff, timezone.localdate()).run()
    assert set(second.values()) == {0}
    assert [m.objects.count() for m in (ContactAssignment, ContactRecord, ReceptionDay, Topic, Consultation)] == counts
