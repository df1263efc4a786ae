"""Assignment roles (交办): exactly one lead unit (主办) with joint (会办) and assisting (协办)
units beside it, or only separate units (分办). An assisting unit's view is due sooner."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse

from proposals import services
from proposals.models import Assignment

from ..builders import accepted, english, make_officer
from .handling_builders import in_english, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(city):
    return make_officer(city, "示例市公安局")


@pytest.fixture
def finance(city):
    return make_officer(city, "示例市财政局")


def refused(call, item, message: str):
    before = snapshot(item)
    with in_english(), pytest.raises(ValidationError) as info:
        call()
    assert message in " ".join(info.value.messages)
    assert snapshot(item) == before
    return info.value


@pytest.mark.parametrize(
    "roles",
    [["assisting"], ["joint"], ["joint", "assisting"]],
)
def test_an_assisting_or_joint_unit_alone_is_refused(deputy, staff, unit_officer, police, roles):
    item = accepted(deputy, staff)
    units = [unit_officer.unit, police.unit][: len(roles)]
    refused(
        lambda: services.suggestion_assign(
            actor=staff, suggestion=item, units_roles=list(zip(units, roles, strict=True))
        ),
        item,
        "works beside a lead unit",
    )
    assert not Assignment.objects.exists()


def test_separate_units_are_not_mixed_with_a_lead(deputy, staff, unit_officer, police):
    item = accepted(deputy, staff)
    refused(
        lambda: services.suggestion_assign(
            actor=staff, suggestion=item, units_roles=[(unit_officer.unit, "lead"), (police.unit, "separate")]
        ),
        item,
        "Separate units",
    )


def test_two_leads_are_refused(deputy, staff, unit_officer, police):
    item = accepted(deputy, staff)
    refused(
        lambda: services.suggestion_assign(
            actor=staff, suggestion=item, units_roles=[(unit_officer.unit, "lead"), (police.unit, "lead")]
        ),
        item,
        "one lead unit at most",
    )


def test_an_assisting_unit_added_later_to_separate_units_is_refused(deputy, staff, unit_officer, police, finance):
    item = accepted(deputy, staff)
    services.suggestion_assign(
        actor=staff, suggestion=item, units_roles=[(unit_officer.unit, "separate"), (police.unit, "separate")]
    )
    refused(
        lambda: services.suggestion_assign(actor=staff, suggestion=item, units_roles=[(finance.unit, "assisting")]),
        item,
        "Separate units",
    )


def test_lead_with_joint_and_assisting_is_accepted_and_the_view_is_due_sooner(
    deputy, staff, unit_officer, police, finance
):
    item = accepted(deputy, staff)
    day = datetime.date.today()
    lead, joint, helper = services.suggestion_assign(
        actor=staff,
        suggestion=item,
        units_roles=[(unit_officer.unit, "lead"), (police.unit, "joint"), (finance.unit, "assisting")],
        assigned_on=day,
    )
    assert lead.deadline == joint.deadline == day + relativedelta(months=3)
    assert helper.deadline == day + relativedelta(months=1)
    note = finance.notifications.get(key=f"assignment:{helper.pk}:received")
    assert "主办单位" in note.body or "lead unit" in note.body


def test_only_separate_units_are_accepted(deputy, staff, unit_officer, police):
    item = accepted(deputy, staff)
    created = services.suggestion_assign(
        actor=staff, suggestion=item, units_roles=[(unit_officer.unit, "separate"), (police.unit, "separate")]
    )
    assert [a.role for a in created] == ["separate", "separate"]


def test_the_office_form_shows_the_message_and_keeps_the_rows(staff_client, deputy, staff, unit_officer):
    item = accepted(deputy, staff)
    data = {
        "u-TOTAL_FORMS": "4",
        "u-INITIAL_FORMS": "0",
        "u-MIN_NUM_FORMS": "0",
        "u-MAX_NUM_FORMS": "20",
        "u-0-unit": str(unit_officer.unit.pk),
        "u-0-role": "assisting",
        "assigned_on": datetime.date.today().isoformat(),
    }
    for i in range(1, 4):
        data[f"u-{i}-unit"] = ""
        data[f"u-{i}-role"] = ""
    response = english(staff_client).post(reverse("proposals_office:assign", args=[item.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "works beside a lead unit" in page
    assert not Assignment.objects.exists()
