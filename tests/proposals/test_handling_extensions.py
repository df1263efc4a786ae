"""Extensions (延期): a unit asks for more time with a reason before its deadline; the office
grants a new date or refuses; the deadline, reminders and on-time count follow the granted date;
all of it in the timeline."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from proposals import services_handling
from proposals.models import Assignment, Extension
from proposals.scans import reply_deadlines

from ..builders import assigned_to, english, make_officer
from .handling_builders import contact, in_english, official_reply, snapshot

pytestmark = pytest.mark.django_db
E = Extension.Status


@pytest.fixture
def lead(deputy, staff, unit_officer):
    _s, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    return Assignment.objects.select_related("suggestion", "unit").get(pk=assignment.pk)


def ask(officer, assignment, *, days=30, reason="需协调多个部门，土地手续尚在办理"):
    return services_handling.extension_request(
        actor=officer, assignment=assignment, reason=reason, until=assignment.deadline + datetime.timedelta(days=days)
    )


def test_asked_and_granted_moves_the_deadline_the_reminders_and_the_on_time_count(
    lead, unit_officer, staff, time_machine
):
    old = lead.deadline
    extension = ask(unit_officer, lead)
    services_handling.extension_decide(actor=staff, extension=extension, grant=True)
    moved = Assignment.objects.get(pk=lead.pk)
    assert moved.deadline == old + datetime.timedelta(days=30)
    assert Extension.objects.get().status == E.GRANTED
    assert list(lead.suggestion.events.values_list("action", flat=True))[-2:] == [
        "extension_requested",
        "extension_granted",
    ]
    assert unit_officer.notifications.filter(key__startswith=f"extension:{extension.pk}:granted").exists()
    # A week after the old deadline: no overdue reminder, and the reply counts as on time.
    later = old + datetime.timedelta(days=7)
    time_machine.move_to(datetime.datetime.combine(later, datetime.time(10)), tick=False)
    reply_deadlines(datetime.datetime.combine(later, datetime.time(10)).astimezone())
    assert not unit_officer.notifications.filter(key__contains=":overdue-").exists()
    soon = moved.deadline - datetime.timedelta(days=2)
    time_machine.move_to(datetime.datetime.combine(soon, datetime.time(10)), tick=False)
    reply_deadlines(datetime.datetime.combine(soon, datetime.time(10)).astimezone())
    assert unit_officer.notifications.filter(key__contains=f"deadline-{moved.deadline:%Y%m%d}").exists()
    contact(unit_officer, moved)
    assert official_reply(unit_officer, moved, replied_on=later).on_time


def test_refused_keeps_the_deadline_and_needs_a_reason(lead, unit_officer, staff):
    extension = ask(unit_officer, lead)
    before = snapshot(lead.suggestion)
    with in_english(), pytest.raises(ValidationError) as info:
        services_handling.extension_decide(actor=staff, extension=extension, grant=False, note="")
    assert "reason for refusing" in " ".join(info.value.messages)
    assert snapshot(lead.suggestion) == before
    services_handling.extension_decide(actor=staff, extension=extension, grant=False, note="期限内可以完成")
    assert Assignment.objects.get(pk=lead.pk).deadline == lead.deadline
    assert Extension.objects.get().status == E.REFUSED


@pytest.mark.parametrize(
    "reason, days, words",
    [("", 30, "Say why more time is needed"), ("理由", 0, "must be after the present deadline")],
)
def test_bad_requests_are_refused(lead, unit_officer, reason, days, words):
    before = snapshot(lead.suggestion)
    with in_english(), pytest.raises(ValidationError) as info:
        ask(unit_officer, lead, reason=reason, days=days)
    assert words in " ".join(info.value.messages)
    assert snapshot(lead.suggestion) == before


def test_asked_after_the_deadline_or_twice_is_refused(lead, unit_officer, time_machine):
    ask(unit_officer, lead)
    before = snapshot(lead.suggestion)
    with in_english(), pytest.raises(ValidationError) as info:
        ask(unit_officer, lead, days=60)
    assert "already waiting" in " ".join(info.value.messages)
    assert snapshot(lead.suggestion) == before
    Extension.objects.all().delete()
    time_machine.move_to(
        datetime.datetime.combine(lead.deadline + datetime.timedelta(days=1), datetime.time(10)), tick=False
    )
    with in_english(), pytest.raises(ValidationError) as info:
        ask(unit_officer, lead)
    assert "before the deadline" in " ".join(info.value.messages)


def test_wrong_actors_are_refused(lead, unit_officer, staff, deputy, city):
    other = make_officer(city, "示例市水务局")
    for actor in (staff, deputy, other):
        before = snapshot(lead.suggestion)
        with pytest.raises(PermissionDenied):
            ask(actor, lead)
        assert snapshot(lead.suggestion) == before
    extension = ask(unit_officer, lead)
    for actor in (unit_officer, deputy):
        before = snapshot(lead.suggestion)
        with pytest.raises(PermissionDenied):
            services_handling.extension_decide(actor=actor, extension=extension, grant=True)
        assert snapshot(lead.suggestion) == before


def test_decided_twice_is_refused(lead, unit_officer, staff):
    extension = ask(unit_officer, lead)
    services_handling.extension_decide(actor=staff, extension=extension, grant=True)
    before = snapshot(lead.suggestion)
    with pytest.raises(ValidationError):
        services_handling.extension_decide(
            actor=staff, extension=Extension.objects.get(pk=extension.pk), grant=False, note="改变主意"
        )
    assert snapshot(lead.suggestion) == before


def test_the_pages_ask_and_decide(client, lead, unit_officer, staff):
    client.force_login(unit_officer)
    url = reverse("proposals_unit:extension", args=[lead.pk])
    until = (lead.deadline + datetime.timedelta(days=20)).isoformat()
    response = english(client).post(url, {"ext-until": until, "ext-reason": ""})
    assert response.status_code == 200 and "Say why more time is needed" in response.content.decode()
    assert client.post(url, {"ext-until": until, "ext-reason": "需要现场勘察"}).status_code == 302
    extension = Extension.objects.get()
    client.force_login(staff)
    page = english(client).get(reverse("proposals_office:escalation")).content.decode()
    assert "需要现场勘察" in page
    decide = reverse("proposals_office:decide_extension", args=[extension.pk])
    assert client.post(decide, {f"x{extension.pk}-decision": "grant", f"x{extension.pk}-until": ""}).status_code == 302
    assert Assignment.objects.get(pk=lead.pk).deadline.isoformat() == until
