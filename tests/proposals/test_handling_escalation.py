"""Escalation (催办/督办): yellow and red marks on the unit's and the office's lists, the
formal urging notice (a Word letter and a notification), the chairpersons' meeting list,
and the office's own clock for between-session items."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from proposals import services_handling
from proposals.models import Assignment, UrgingNotice
from proposals.scans import office_clock_for_staff

from ..builders import accepted, assigned_to, docx_text, english, make_officer
from .handling_builders import contact, in_english, official_reply, snapshot

pytestmark = pytest.mark.django_db


def on(time_machine, day: datetime.date):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(10)), tick=False)


@pytest.fixture
def lead(deputy, staff, unit_officer):
    _s, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")], assigned_on=datetime.date(2026, 3, 2))
    return Assignment.objects.select_related("suggestion", "unit").get(pk=assignment.pk)


def test_marks_turn_yellow_then_red_on_both_lists(client, lead, unit_officer, staff, time_machine, settings):
    settings.PROPOSALS_DEADLINE_WARN_WORKDAYS = 5
    marks = {}
    for label, day in [
        ("none", lead.deadline - datetime.timedelta(days=20)),
        ("soon", lead.deadline - datetime.timedelta(days=2)),
        ("overdue", lead.deadline + datetime.timedelta(days=1)),
    ]:
        on(time_machine, day)
        client.force_login(unit_officer)
        unit_page = english(client).get(reverse("proposals_unit:home"))
        client.force_login(staff)
        office_page = english(client).get(reverse("proposals_office:list"))
        marks[label] = (
            unit_page.context["page"].object_list[0].mark,
            office_page.context["page"].object_list[0].mark,
            "Due soon" in unit_page.content.decode(),
        )
    assert marks["none"] == (None, None, False)
    assert marks["soon"] == ("soon", "soon", True)
    assert marks["overdue"][:2] == ("overdue", "overdue")


def test_urging_notice_is_sent_with_a_word_letter_and_a_notification(client, lead, unit_officer, staff, time_machine):
    on(time_machine, lead.deadline + datetime.timedelta(days=3))
    notice = services_handling.urging_notice_send(actor=staff, assignment=lead)
    assert notice.number == 1 and str(lead.deadline.year) in notice.text
    note = unit_officer.notifications.get(key__startswith=f"urging:{notice.pk}")
    assert "1" in note.title and note.url == f"/unit/assignments/{lead.pk}/"
    assert lead.suggestion.events.filter(action="urged").exists()
    client.force_login(staff)
    response = client.get(reverse("proposals_office:urging_letter", args=[notice.pk]))
    assert response.status_code == 200
    text = docx_text(b"".join(response.streaming_content) if response.streaming else response.content)
    assert lead.unit.name in text and lead.suggestion.title in text
    second = services_handling.urging_notice_send(actor=staff, assignment=lead, text="请于三日内答复。")
    assert second.number == 2
    client.force_login(unit_officer)
    assert "请于三日内答复。" in client.get(reverse("proposals_unit:assignment", args=[lead.pk])).content.decode()


def test_urging_before_the_deadline_or_after_the_reply_is_refused(lead, staff, unit_officer, time_machine):
    on(time_machine, lead.deadline - datetime.timedelta(days=1))
    before = snapshot(lead.suggestion)
    with in_english(), pytest.raises(ValidationError) as info:
        services_handling.urging_notice_send(actor=staff, assignment=lead)
    assert "not overdue yet" in " ".join(info.value.messages)
    assert snapshot(lead.suggestion) == before
    contact(unit_officer, lead)
    official_reply(unit_officer, lead)
    on(time_machine, lead.deadline + datetime.timedelta(days=1))
    before = snapshot(lead.suggestion)
    with in_english(), pytest.raises(ValidationError) as info:
        services_handling.urging_notice_send(actor=staff, assignment=Assignment.objects.get(pk=lead.pk))
    assert "still owes its reply" in " ".join(info.value.messages)
    assert snapshot(lead.suggestion) == before


def test_only_office_staff_may_urge(lead, unit_officer, deputy, time_machine):
    on(time_machine, lead.deadline + datetime.timedelta(days=3))
    for actor in (unit_officer, deputy):
        before = snapshot(lead.suggestion)
        with pytest.raises(PermissionDenied):
            services_handling.urging_notice_send(actor=actor, assignment=lead)
        assert snapshot(lead.suggestion) == before


def test_the_urge_form_needs_confirmation(client, lead, staff, time_machine):
    on(time_machine, lead.deadline + datetime.timedelta(days=3))
    client.force_login(staff)
    url = reverse("proposals_office:urge", args=[lead.pk])
    assert client.post(url, {f"g{lead.pk}-text": ""}).status_code == 200
    assert not UrgingNotice.objects.exists()
    assert client.post(url, {f"g{lead.pk}-text": "", f"g{lead.pk}-confirm": "1"}).status_code == 302
    assert UrgingNotice.objects.count() == 1


def test_long_overdue_units_are_listed_for_the_chairpersons_meeting(client, lead, staff, time_machine, settings):
    settings.PROPOSALS_CHAIRPERSONS_OVERDUE_DAYS = 30
    client.force_login(staff)
    on(time_machine, lead.deadline + datetime.timedelta(days=10))
    assert english(client).get(reverse("proposals_office:chairpersons")).context["rows"] == []
    on(time_machine, lead.deadline + datetime.timedelta(days=31))
    rows = client.get(reverse("proposals_office:chairpersons")).context["rows"]
    assert [r.pk for r in rows] == [lead.pk] and rows[0].days_late == 31


def test_the_pages_are_for_staff_only(client, unit_officer, deputy):
    for user in (unit_officer, deputy):
        client.force_login(user)
        for name in ("escalation", "chairpersons"):
            assert client.get(reverse(f"proposals_office:{name}")).status_code in (302, 403)


def test_escalation_page_query_count_does_not_grow(
    client, deputy, staff, city, time_machine, django_assert_num_queries
):
    officers = [make_officer(city, f"示例市第{i}局") for i in range(2)]
    on(time_machine, datetime.date(2026, 3, 2))
    for officer in officers:
        assigned_to(deputy, staff, [(officer.unit, "lead")], assigned_on=datetime.date(2026, 3, 2))
    on(time_machine, datetime.date(2026, 7, 1))
    client.force_login(staff)
    client.get(reverse("proposals_office:escalation"))
    with django_assert_num_queries(12) as small:
        client.get(reverse("proposals_office:escalation"))
    more = [make_officer(city, f"示例市第{i}局") for i in range(2, 8)]
    on(time_machine, datetime.date(2026, 3, 2))
    for officer in more:
        assigned_to(deputy, staff, [(officer.unit, "lead")], assigned_on=datetime.date(2026, 3, 2))
    on(time_machine, datetime.date(2026, 7, 1))
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("proposals_office:escalation"))
    assert len(response.context["overdue"]) == 8


def test_the_office_is_reminded_of_unassigned_between_session_items(deputy, staff, time_machine, settings):
    settings.PROPOSALS_RECESS_ASSIGN_WORKDAYS = 5
    on(time_machine, datetime.date(2026, 3, 2))  # a Monday
    item = accepted(deputy, staff)
    now = datetime.datetime.combine(datetime.date(2026, 3, 9), datetime.time(10)).astimezone()
    with in_english():
        assert office_clock_for_staff(staff, now) == []  # due Monday 9 March: still in time
        now = datetime.datetime.combine(datetime.date(2026, 3, 10), datetime.time(10)).astimezone()
        lines = office_clock_for_staff(staff, now)
    assert len(lines) == 1 and item.title in lines[0] and "2026-03-09" in lines[0]


def test_the_office_item_page_offers_the_urging_notice_and_shows_the_handling(
    client, deputy, staff, unit_officer, city, time_machine
):
    helper = make_officer(city, "示例市财政局")
    on(time_machine, datetime.date(2026, 3, 2))
    suggestion, (lead, assisting) = assigned_to(
        deputy, staff, [(unit_officer.unit, "lead"), (helper.unit, "assisting")], assigned_on=datetime.date(2026, 3, 2)
    )
    services_handling.assisting_view_send(
        actor=helper, assignment=Assignment.objects.get(pk=assisting.pk), text="财政局意见：可纳入预算。"
    )
    extension = services_handling.extension_request(
        actor=unit_officer,
        assignment=Assignment.objects.select_related("suggestion", "unit").get(pk=lead.pk),
        reason="需要协调",
        until=lead.deadline + datetime.timedelta(days=10),
    )
    services_handling.extension_decide(actor=staff, extension=extension, grant=True)
    on(time_machine, lead.deadline + datetime.timedelta(days=20))
    client.force_login(staff)
    response = english(client).get(reverse("proposals_office:detail", args=[suggestion.pk]))
    page = response.content.decode()
    assert "Send an urging notice" in page and "财政局意见：可纳入预算。" in page
    assert "需要协调" in page and "Overdue" in page
    lead_row = next(a for a in response.context["assignments"] if a.pk == lead.pk)
    assert lead_row.urge_form is not None and lead_row.mark == "overdue"


def test_the_handling_report_counts_extensions_and_matches_a_recount(client, deputy, staff, unit_officer, city):
    other = make_officer(city, "示例市水务局")
    _s, (first,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")])
    assigned_to(deputy, staff, [(unit_officer.unit, "lead")], title="关于第二件事的建议")
    assigned_to(deputy, staff, [(other.unit, "lead")], title="关于第三件事的建议")
    extension = services_handling.extension_request(
        actor=unit_officer,
        assignment=Assignment.objects.select_related("suggestion", "unit").get(pk=first.pk),
        reason="需要协调",
        until=first.deadline + datetime.timedelta(days=10),
    )
    services_handling.extension_decide(actor=staff, extension=extension, grant=True)
    client.force_login(staff)
    response = client.get(reverse("proposals_office:report"))
    rows = {row["unit_name"]: row for row in response.context["stats"]["rows"]}
    assert (rows[unit_officer.unit.name]["assigned"], rows[unit_officer.unit.name]["extended"]) == (2, 1)
    assert (rows[other.unit.name]["assigned"], rows[other.unit.name]["extended"]) == (1, 0)
    assert response.context["totals"]["assigned"] == Assignment.objects.count()
    assert response.context["totals"]["extended"] == 1
