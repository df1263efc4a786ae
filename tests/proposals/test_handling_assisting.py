"""Assisting units (协办): they send their written view to the lead unit within the configured
time, see that deadline on their /unit/ page, are reminded, and the lead unit reads the views."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from notifications.registry import run_all_scans
from proposals import services_handling
from proposals.models import Assignment, AssistingView

from ..builders import assigned, english, make_officer
from .handling_builders import in_english, snapshot

pytestmark = pytest.mark.django_db
A = Assignment.Status
VIEW = "我局同意在主干道增设公交专用道，建议主办单位统筹考虑施工时序。"


@pytest.fixture
def helper(city):
    return make_officer(city, "示例市财政局")


@pytest.fixture
def item(deputy, staff, unit_officer, helper):
    return assigned(deputy, staff, [unit_officer, helper], roles=["lead", "assisting"])


def assignment_of(item, officer):
    return Assignment.objects.select_related("suggestion", "unit").get(suggestion=item, unit=officer.unit)


def test_the_view_reaches_the_lead_unit_which_reads_it_before_replying(client, item, helper, unit_officer):
    view = services_handling.assisting_view_send(actor=helper, assignment=assignment_of(item, helper), text=VIEW)
    assert Assignment.objects.get(pk=view.assignment_id).status == A.DONE
    lead = assignment_of(item, unit_officer)
    assert unit_officer.notifications.filter(key__startswith=f"assisting-view:{view.pk}").exists()
    client.force_login(unit_officer)
    response = client.get(reverse("proposals_unit:assignment", args=[lead.pk]))
    assert VIEW in response.content.decode()
    assert item.events.filter(action="assisting_view").exists()


def test_the_assisting_unit_sees_its_deadline_on_its_page(client, item, helper):
    assisting = assignment_of(item, helper)
    assert assisting.deadline == assisting.assigned_on + relativedelta(months=1)
    client.force_login(helper)
    page = english(client).get(reverse("proposals_unit:home")).content.decode()
    assert "View to the lead unit by" in page and assisting.deadline.isoformat() in page


def test_the_view_is_sent_through_the_page_with_confirmation(client, item, helper):
    assisting = assignment_of(item, helper)
    client.force_login(helper)
    url = reverse("proposals_unit:assisting_view", args=[assisting.pk])
    response = english(client).post(url, {"text": VIEW})
    assert response.status_code == 200 and not AssistingView.objects.exists()
    assert VIEW in response.content.decode()  # kept as typed
    assert client.post(url, {"text": VIEW, "confirm": "1"}).status_code == 302
    assert AssistingView.objects.get().text == VIEW


def test_an_empty_view_is_refused(item, helper):
    before = snapshot(item)
    with in_english(), pytest.raises(ValidationError) as info:
        services_handling.assisting_view_send(actor=helper, assignment=assignment_of(item, helper), text="  ")
    assert "Write the unit's view" in " ".join(info.value.messages)
    assert snapshot(item) == before


def test_wrong_actor_and_wrong_state_are_refused(item, helper, unit_officer, staff):
    assisting = assignment_of(item, helper)
    for actor in (unit_officer, staff):
        before = snapshot(item)
        with pytest.raises(PermissionDenied):
            services_handling.assisting_view_send(actor=actor, assignment=assisting, text=VIEW)
        assert snapshot(item) == before
    # The lead unit has no view to send; a view goes once.
    with pytest.raises(ValidationError):
        services_handling.assisting_view_send(
            actor=unit_officer, assignment=assignment_of(item, unit_officer), text=VIEW
        )
    services_handling.assisting_view_send(actor=helper, assignment=assisting, text=VIEW)
    before = snapshot(item)
    with pytest.raises(ValidationError):
        services_handling.assisting_view_send(actor=helper, assignment=assignment_of(item, helper), text="再次")
    assert snapshot(item) == before


def test_the_assisting_unit_is_reminded_of_its_view(item, helper, time_machine):
    assisting = assignment_of(item, helper)
    time_machine.move_to(
        datetime.datetime.combine(assisting.deadline - datetime.timedelta(days=2), datetime.time(10)), tick=False
    )
    with in_english():
        run_all_scans()
    note = helper.notifications.get(key__contains=f"assignment:{assisting.pk}:deadline-")
    assert "view for the lead unit" in note.title
