"""The reminder to SC members about assigned deputies with no contact for N months: once per
lapse, afresh after a new contact lapses again, never for a fresh assignment or a past seat."""

import datetime

import pytest
from django.utils import timezone

from liaison import scans
from liaison.models import ContactAssignment, ContactRecord
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _assign(leader, deputy, *, days_ago=400):
    assignment = ContactAssignment.objects.create(member=leader.seat, deputy=deputy.mandate)
    ContactAssignment.objects.filter(pk=assignment.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return assignment


def _reminders(user):
    return list(
        Notification.objects.filter(user=user, key__startswith="liaison:contact:").values_list("key", flat=True)
    )


def test_a_deputy_never_contacted_is_reminded_once(leader, deputy):
    assignment = _assign(leader, deputy)
    now = timezone.now()
    assert scans.contact_reminders(now) == 1
    assert scans.contact_reminders(now) == 0
    assert _reminders(leader) == [f"liaison:contact:{assignment.pk}:never:due"]
    note = Notification.objects.get(user=leader)
    assert deputy.mandate.name in note.title and note.url == "/portal/liaison/contacts/"


def test_a_recent_contact_silences_it_and_a_new_lapse_reminds_afresh(settings, leader, deputy):
    settings.LIAISON_CONTACT_MONTHS = 6
    assignment = _assign(leader, deputy)
    today = timezone.localdate()
    record = ContactRecord.objects.create(
        member=leader.seat,
        deputy=deputy.mandate,
        kind="visit",
        date=today - datetime.timedelta(days=30),
        recorded_by=leader,
    )
    assert scans.contact_reminders(timezone.now()) == 0
    ContactRecord.objects.filter(pk=record.pk).update(date=today - datetime.timedelta(days=200))
    assert scans.contact_reminders(timezone.now()) == 1
    stamp = f"{today - datetime.timedelta(days=200):%Y%m%d}"
    assert _reminders(leader) == [f"liaison:contact:{assignment.pk}:{stamp}:due"]


def test_the_setting_sets_the_months(settings, leader, deputy):
    settings.LIAISON_CONTACT_MONTHS = 2
    _assign(leader, deputy)
    ContactRecord.objects.create(
        member=leader.seat,
        deputy=deputy.mandate,
        kind="phone",
        date=timezone.localdate() - datetime.timedelta(days=70),
        recorded_by=leader,
    )
    assert scans.contact_reminders(timezone.now()) == 1


def test_no_reminder_for_a_fresh_assignment_or_an_ended_seat(leader, deputy, other_deputy):
    _assign(leader, deputy, days_ago=5)
    assert scans.contact_reminders(timezone.now()) == 0
    _assign(leader, other_deputy)
    leader.seat.end_date = timezone.localdate()
    leader.seat.save(update_fields=["end_date"])
    assert scans.contact_reminders(timezone.now()) == 0
    assert Notification.objects.filter(user=leader).count() == 0
