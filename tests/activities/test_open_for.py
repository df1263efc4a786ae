"""Other apps attach their events to the ledger with ``activity_open_for``: one activity per
record, kept in step with it, scoped like every activity."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activities import selectors, services
from activities.models import Activity, Participation
from tests import factories
from tests.builders import serving_deputies, today


def open_for(actor, source, congress, **overrides):
    values = {
        "kind": Activity.Kind.SC_MEETING,
        "congress": congress,
        "title": "市人大常委会第十二次会议",
        "start_date": today() + datetime.timedelta(days=5),
        "organiser": "市人大常委会办公厅",
        **overrides,
    }
    return services.activity_open_for(actor=actor, source=source, **values)


@pytest.mark.django_db
def test_the_same_record_gets_the_same_activity_kept_in_step(staff, city, term):
    """GIVEN an SC meeting record (any model instance) opened in the ledger with two invitees
    WHEN its date, kind and title change and it is opened again
    THEN the same activity is returned, updated, and its participations' copies follow."""
    meeting = factories.DeputyGroupFactory(congress=city, term=term)
    first = open_for(staff, meeting, city)
    services.activity_invite(actor=staff, activity=first, deputies=serving_deputies(2, city=city, term=term))
    later = today() + datetime.timedelta(days=9)
    again = open_for(staff, meeting, city, start_date=later, kind=Activity.Kind.SYMPOSIUM, title="改期后的会议")
    assert again.pk == first.pk and Activity.objects.count() == 1
    stored = Activity.objects.get(pk=first.pk)
    assert (stored.start_date, stored.end_date, stored.kind, stored.title) == (
        later,
        later,
        Activity.Kind.SYMPOSIUM,
        "改期后的会议",
    )
    copies = set(Participation.objects.filter(activity=stored).values_list("activity_date", "activity_kind"))
    assert copies == {(later, Activity.Kind.SYMPOSIUM)}
    assert selectors.activity_for(source=meeting) == stored


@pytest.mark.django_db
def test_two_records_get_two_activities_and_an_unrelated_record_none(staff, city, term):
    a, b, c = (factories.DeputyGroupFactory(congress=city, term=term) for _ in range(3))
    assert open_for(staff, a, city).pk != open_for(staff, b, city).pk
    assert selectors.activity_for(source=c) is None


@pytest.mark.django_db
def test_district_staff_cannot_open_an_activity_of_the_city(district_staff, city, term):
    meeting = factories.DeputyGroupFactory(congress=city, term=term)
    with pytest.raises(PermissionDenied):
        open_for(district_staff, meeting, city)
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_a_bad_date_is_refused_and_nothing_is_written(staff, city, term):
    meeting = factories.DeputyGroupFactory(congress=city, term=term)
    with pytest.raises(ValidationError):
        open_for(staff, meeting, city, end_date=today() - datetime.timedelta(days=30))
    assert not Activity.objects.exists()
