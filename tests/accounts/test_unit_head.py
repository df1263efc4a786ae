"""The unit's head (主要负责人): recorded on the unit in the admin, their account one of the
unit's officers; urging notices are addressed to the head and tell the head once, beside
one notification to each other officer."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.admin import UnitAdminForm
from notifications.models import Notification
from proposals import services_handling
from proposals.models import Assignment

from ..builders import assigned_to, docx_text, officer_of

pytestmark = pytest.mark.django_db


def unit_data(unit, **changes):
    data = {
        "congress": unit.congress_id,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "is_active": "on",
        "public_contact": unit.public_contact,
        "public_phone": unit.public_phone,
        "head_name": "",
        "head_title": "",
        "head_user": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def other_officer(city):
    from tests import factories

    return officer_of(factories.UnitFactory(congress=city, name="示例市财政局"), "财政局联系人")


@pytest.fixture
def lead(deputy, staff, unit_officer):
    _s, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")], assigned_on=datetime.date(2026, 3, 2))
    return Assignment.objects.select_related("suggestion", "unit").get(pk=assignment.pk)


def overdue(time_machine, assignment):
    time_machine.move_to(datetime.datetime.combine(assignment.deadline + datetime.timedelta(days=3), datetime.time(10)))


# --- The admin --------------------------------------------------------------------------------------


def test_the_head_is_recorded_in_the_admin(staff_client, unit_officer):
    unit = unit_officer.unit
    url = reverse("admin:accounts_unit_change", args=[unit.pk])
    page = staff_client.get(url)
    choices = list(page.context["adminform"].form.fields["head_user"].queryset)
    assert choices == [unit_officer]  # only the unit's own officers
    response = staff_client.post(
        url, unit_data(unit, head_name="王建国", head_title="局长", head_user=unit_officer.pk, _save="1")
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.head_name, unit.head_title, unit.head_user) == ("王建国", "局长", unit_officer)


def test_an_account_of_another_unit_is_refused_and_nothing_changes(staff_client, unit_officer, other_officer):
    unit = unit_officer.unit
    url = reverse("admin:accounts_unit_change", args=[unit.pk])
    response = staff_client.post(
        url, unit_data(unit, head_name="王建国", head_title="局长", head_user=other_officer.pk, _save="1")
    )
    assert response.status_code == 200 and "head_user" in response.context["adminform"].form.errors
    assert response.context["adminform"].form["head_name"].value() == "王建国"
    unit.refresh_from_db()
    assert (unit.head_name, unit.head_user_id) == ("", None)


def test_the_form_explains_why_the_head_must_be_an_officer(unit_officer, other_officer):
    unit = unit_officer.unit
    with translation.override("zh-hans"):
        form = UnitAdminForm(unit_data(unit, head_name="王建国", head_user=other_officer.pk), instance=unit)
        assert not form.is_valid()
        assert "本单位" in form.errors["head_user"][0]
        nameless = UnitAdminForm(unit_data(unit, head_user=unit_officer.pk), instance=unit)
        assert not nameless.is_valid() and "head_name" in nameless.errors
    assert UnitAdminForm(unit_data(unit, head_name="王建国", head_user=unit_officer.pk), instance=unit).is_valid()


# --- Urging notices ------------------------------------------------------------------------------------


def test_urging_tells_the_head_once_and_each_officer_once(lead, staff, unit_officer, time_machine):
    unit = unit_officer.unit
    colleague = officer_of(unit, "承办人乙")
    unit.head_name, unit.head_title, unit.head_user = "王建国", "局长", unit_officer
    unit.save()
    overdue(time_machine, lead)
    notice = services_handling.urging_notice_send(actor=staff, assignment=lead)
    head_notes = list(Notification.objects.filter(user=unit_officer, key__startswith=f"urging:{notice.pk}"))
    assert [n.key for n in head_notes] == [f"urging:{notice.pk}:head:{unit_officer.pk}"]
    with translation.override("zh-hans"):
        assert unit.name in head_notes[0].title
    assert Notification.objects.filter(user=colleague, key=f"urging:{notice.pk}:{colleague.pk}").count() == 1
    assert Notification.objects.filter(key__startswith=f"urging:{notice.pk}").count() == 2


def test_a_head_who_left_the_unit_is_not_told(lead, staff, unit_officer, other_officer, time_machine):
    unit = unit_officer.unit
    type(unit).objects.filter(pk=unit.pk).update(head_name="王建国", head_user=other_officer)
    lead.unit.refresh_from_db()
    overdue(time_machine, lead)
    notice = services_handling.urging_notice_send(actor=staff, assignment=lead)
    assert not Notification.objects.filter(user=other_officer).exists()
    assert Notification.objects.filter(user=unit_officer, key=f"urging:{notice.pk}:{unit_officer.pk}").count() == 1


def test_without_a_head_only_the_officers_are_told(lead, staff, unit_officer, time_machine):
    overdue(time_machine, lead)
    notice = services_handling.urging_notice_send(actor=staff, assignment=lead)
    assert list(Notification.objects.filter(key__startswith=f"urging:{notice.pk}").values_list("key", flat=True)) == [
        f"urging:{notice.pk}:{unit_officer.pk}"
    ]


def test_the_letter_is_addressed_to_the_head(staff_client, lead, staff, unit_officer, time_machine):
    overdue(time_machine, lead)
    notice = services_handling.urging_notice_send(actor=staff, assignment=lead)
    url = reverse("proposals_office:urging_letter", args=[notice.pk])
    unit = unit_officer.unit
    assert f"{unit.name}：" in docx_text(staff_client.get(url).content).splitlines()  # no head recorded
    unit.head_name, unit.head_title, unit.head_user = "王建国", "局长", unit_officer
    unit.save()
    lines = docx_text(staff_client.get(url).content).splitlines()
    assert f"{unit.name}王建国局长：" in lines and f"{unit.name}：" not in lines


# --- Demo data ------------------------------------------------------------------------------------------


def test_seed_doctpl_records_heads_once(city, unit_officer):
    from django.core.management import call_command

    from accounts.models import Unit, User
    from tests import factories

    factories.UnitFactory(congress=city, name="市中级人民法院", kind=Unit.Kind.COURT)
    demo_unit = factories.UnitFactory(congress=city, name="市交通运输局")
    call_command("seed_doctpl", stdout=io.StringIO())
    first = dict(Unit.objects.values_list("name", "head_name"))
    transport = Unit.objects.get(name="示例市交通运输局")
    assert all(first.values()) and Unit.objects.get(name="市中级人民法院").head_title == "院长"
    assert transport.head_title == "局长"
    call_command("seed_doctpl", stdout=io.StringIO())
    assert dict(Unit.objects.values_list("name", "head_name")) == first
    head = User.objects.get(email="unit.head@example.org")
    demo_unit.refresh_from_db()
    assert demo_unit.head_user == head and head.unit == demo_unit and head.full_name == demo_unit.head_name
    assert UnitAdminForm(
        unit_data(demo_unit, head_name=demo_unit.head_name, head_user=head.pk), instance=demo_unit
    ).is_valid()
