"""Reminders for suggestions: a frozen clock walks through each deadline day by day, the scans
run twice a day, and each reminder goes out exactly once, on its day."""

import datetime
import zoneinfo
from collections import Counter

import pytest
from django.test import override_settings
from django.utils import timezone

from notifications.models import Notification
from notifications.registry import run_all_scans
from proposals import services, services_handling
from proposals.models import Assignment, Rating, Suggestion

from ..builders import (
    assigned,
    make_officer,
    rate,
    reply,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def walk(time_machine, start: datetime.date, end: datetime.date, hours=(9, 15)) -> None:
    """Every day from start to end, the scans run at each hour; none of ours may fail."""
    day = start
    while day <= end:
        for hour in hours:
            time_machine.move_to(at(day, hour), tick=False)
            results = run_all_scans()
            assert all(n >= 0 for name, n in results.items() if name.startswith("proposals.")), results
        day += datetime.timedelta(days=1)


def sent(user, contains: str = "") -> dict[str, list[datetime.date]]:
    """Key -> local dates it was created on (a list, so a duplicate would show)."""
    out: dict[str, list] = {}
    for key, created in Notification.objects.filter(user=user, key__contains=contains).values_list("key", "created_at"):
        out.setdefault(key, []).append(timezone.localtime(created).date())
    return out


@pytest.fixture
def second_officer(unit_officer):
    """A second officer of the same unit: both are told, each once."""
    from tests import factories

    return factories.UserFactory(full_name="承办人乙", unit=unit_officer.unit)


@pytest.mark.django_db
def test_unit_reminders_walk_through_the_deadline(deputy, staff, unit_officer, second_officer, time_machine):
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=D(2026, 3, 2))
    assignment = item.assignments.get()
    deadline = assignment.deadline
    assert deadline == D(2026, 6, 2)

    walk(time_machine, D(2026, 3, 2), deadline + datetime.timedelta(days=22))

    stamp = f"assignment:{assignment.pk}:deadline-20260602"
    expected = {
        f"assignment:{assignment.pk}:received": [D(2026, 3, 2)],
        f"assignment:{assignment.pk}:reassign-window-closing": [assignment.reassign_window_ends],
        f"{stamp}:due-15d": [D(2026, 5, 18)],
        f"{stamp}:due-3d": [D(2026, 5, 30)],
        f"{stamp}:overdue-w0": [D(2026, 6, 3)],
        f"{stamp}:overdue-w1": [D(2026, 6, 10)],
        f"{stamp}:overdue-w2": [D(2026, 6, 17)],
        f"{stamp}:overdue-w3": [D(2026, 6, 24)],
    }
    assert sent(unit_officer) == expected
    assert sent(second_officer) == expected
    # The window's last day is a working day, 7 working days after the assignment.
    assert assignment.reassign_window_ends == D(2026, 3, 11)


@pytest.mark.django_db
def test_the_scan_re_sends_nothing_the_service_sent(deputy, staff, unit_officer, time_machine):
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=D(2026, 3, 2))
    before = Notification.objects.count()

    walk(time_machine, D(2026, 3, 2), D(2026, 3, 4))

    assert Notification.objects.count() == before
    assert Notification.objects.filter(key=f"assignment:{item.assignments.get().pk}:received").count() == 1


@pytest.mark.django_db
def test_a_reply_before_the_deadline_stops_the_reminders(deputy, staff, unit_officer, time_machine):
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=D(2026, 3, 2))
    walk(time_machine, D(2026, 5, 17), D(2026, 5, 19))
    time_machine.move_to(at(D(2026, 5, 20)), tick=False)
    reply(unit_officer, item, code="A")

    walk(time_machine, D(2026, 5, 20), D(2026, 6, 20), hours=(9,))

    keys = set(sent(unit_officer, ":deadline-"))
    assert keys == {f"assignment:{item.assignments.get().pk}:deadline-20260602:due-15d"}


@pytest.mark.django_db
def test_re_handling_starts_the_reminders_of_the_new_deadline(deputy, staff, unit_officer, time_machine):
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=D(2026, 3, 2))
    time_machine.move_to(at(D(2026, 4, 1)), tick=False)
    first = reply(unit_officer, item, code="C")
    time_machine.move_to(at(D(2026, 4, 10)), tick=False)
    rate(deputy, first, Rating.Value.UNSATISFIED, "未解决")
    assignment = Assignment.objects.get(pk=first.assignment_id)
    assert assignment.deadline == D(2026, 5, 10)  # one month to handle it again

    walk(time_machine, D(2026, 4, 10), D(2026, 5, 12), hours=(9,))

    stamp = f"assignment:{assignment.pk}:deadline-20260510"
    assert sent(unit_officer, ":deadline-") == {
        f"{stamp}:due-15d": [D(2026, 4, 25)],
        f"{stamp}:due-3d": [D(2026, 5, 7)],
        f"{stamp}:overdue-w0": [D(2026, 5, 11)],
    }
    assert sent(unit_officer, ":rehandle:") == {f"assignment:{assignment.pk}:rehandle:1": [D(2026, 4, 10)]}


@pytest.mark.django_db
def test_a_pending_re_assignment_request_pauses_the_units_reminders_but_not_the_digest(
    deputy, staff, unit_officer, time_machine
):
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=D(2026, 3, 2))
    assignment = item.assignments.get()
    time_machine.move_to(at(D(2026, 3, 4)), tick=False)
    services.assignment_request_reassign(actor=unit_officer, assignment=assignment, reason="不属于本单位职责")

    walk(time_machine, D(2026, 6, 1), D(2026, 6, 4), hours=(9,))

    assert sent(unit_officer, ":deadline-") == {}
    digest = Notification.objects.get(user=staff, key="staff-digest:2026-06-03")
    assert item.title in digest.body


@pytest.mark.django_db
def test_commitment_reminders_walk_through_the_due_date(deputy, staff, unit_officer, time_machine):
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=D(2026, 3, 2))
    time_machine.move_to(at(D(2026, 4, 1)), tick=False)
    b_reply = reply(unit_officer, item, code="B", due=D(2026, 5, 1))
    commitment = b_reply.commitments.get()

    walk(time_machine, D(2026, 4, 1), D(2026, 5, 10))

    assert sent(unit_officer, "commitment:") == {
        f"commitment:{commitment.pk}:due-20260501:soon": [D(2026, 4, 24)],
        f"commitment:{commitment.pk}:due-20260501:overdue": [D(2026, 5, 2)],
    }


@pytest.mark.django_db
def test_a_fulfilled_commitment_is_not_chased(deputy, staff, unit_officer, time_machine):
    time_machine.move_to(at(D(2026, 4, 1)), tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=D(2026, 4, 1))
    commitment = reply(unit_officer, item, code="B", due=D(2026, 5, 1)).commitments.get()
    time_machine.move_to(at(D(2026, 4, 20)), tick=False)
    services.commitment_progress_add(actor=unit_officer, commitment=commitment, note="已全部完成", fulfilled=True)

    walk(time_machine, D(2026, 4, 20), D(2026, 5, 5), hours=(9,))

    assert sent(unit_officer, "commitment:") == {}


@pytest.mark.django_db
@override_settings(PROPOSALS_RATING_REMINDER_DAYS=7)
def test_deputy_reminded_once_when_the_rating_is_still_missing(deputy, staff, unit_officer, time_machine):
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=D(2026, 3, 2))
    time_machine.move_to(at(D(2026, 4, 1), 10), tick=False)
    the_reply = reply(unit_officer, item, code="A")

    walk(time_machine, D(2026, 4, 1), D(2026, 4, 20))

    assert sent(deputy, "rating-missing") == {f"reply:{the_reply.pk}:rating-missing": [D(2026, 4, 8)]}
    assert sent(deputy, ":replied:") == {f"suggestion:{item.pk}:replied:1": [D(2026, 4, 1)]}  # from the service


@pytest.mark.django_db
def test_no_rating_reminder_once_rated_or_for_an_assisting_unit(deputy, staff, unit_officer, city, time_machine):
    helper = make_officer(city, "示例市财政局")
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    item = assigned(deputy, staff, [unit_officer, helper], roles=["lead", "assisting"], assigned_on=D(2026, 3, 2))
    time_machine.move_to(at(D(2026, 3, 20)), tick=False)
    services_handling.assisting_view_send(
        actor=helper, assignment=item.assignments.get(unit=helper.unit), text="协办意见已送主办单位。"
    )
    time_machine.move_to(at(D(2026, 4, 1)), tick=False)
    lead_reply = reply(unit_officer, item, code="A")
    time_machine.move_to(at(D(2026, 4, 3)), tick=False)
    rate(deputy, lead_reply)
    assert Suggestion.objects.get(pk=item.pk).status == Suggestion.Status.RATED

    walk(time_machine, D(2026, 4, 3), D(2026, 4, 20), hours=(9,))

    assert sent(deputy, "rating-missing") == {}


@pytest.mark.django_db
def test_no_rating_reminder_for_a_deputy_without_an_account(staff, unit_officer, city, term, time_machine):
    from tests import factories

    paper = factories.DeputyFactory(congress=city, term=term, name="无账号代表")
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    item = services.suggestion_create(
        actor=staff, lead_deputy=paper, title="关于纸质提交的建议", body="正文", on_behalf=True
    )
    services.suggestion_submit(actor=staff, suggestion=item)
    services.suggestion_accept(actor=staff, suggestion=item)
    services.suggestion_assign(actor=staff, suggestion=item, units_roles=[(unit_officer.unit, "lead")])
    time_machine.move_to(at(D(2026, 4, 1)), tick=False)
    reply(unit_officer, item, code="A")

    walk(time_machine, D(2026, 4, 1), D(2026, 4, 12), hours=(9,))

    assert not Notification.objects.filter(key__contains="rating-missing").exists()


@pytest.mark.django_db
def test_staff_digest_lists_overdue_assignments_in_scope_once_a_day(
    deputy, staff, district_staff, unit_officer, time_machine
):
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    item = assigned(deputy, staff, [unit_officer], assigned_on=D(2026, 3, 2))

    walk(time_machine, D(2026, 6, 1), D(2026, 6, 4))

    digests = sent(staff, "staff-digest:")
    assert digests == {"staff-digest:2026-06-03": [D(2026, 6, 3)], "staff-digest:2026-06-04": [D(2026, 6, 4)]}
    body = Notification.objects.get(user=staff, key="staff-digest:2026-06-03").body
    assert item.title in body and unit_officer.unit.name in body and item.number_label in body
    # A district office's staff do not see the city's items.
    assert sent(district_staff, "staff-digest:") == {}


@pytest.mark.django_db
def test_an_inactive_officer_is_not_reminded(deputy, staff, unit_officer, time_machine):
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    assigned(deputy, staff, [unit_officer], assigned_on=D(2026, 3, 2))
    type(unit_officer).objects.filter(pk=unit_officer.pk).update(is_active=False)

    walk(time_machine, D(2026, 6, 1), D(2026, 6, 3), hours=(9,))

    assert sent(unit_officer, ":deadline-") == {}


@pytest.mark.django_db
def test_scans_stay_cheap_and_once_only_with_many_overdue_items(deputy, staff, unit_officer, time_machine):
    """GIVEN 15 overdue assignments WHEN the scans run twice THEN 15 reminders, then none."""
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    for n in range(15):
        assigned(deputy, staff, [unit_officer], assigned_on=D(2026, 3, 2), title=f"关于第{n}件事的建议")
    time_machine.move_to(at(D(2026, 6, 3)), tick=False)

    first = run_all_scans()
    second = run_all_scans()

    assert first["proposals.reply_deadlines"] == 15
    assert second["proposals.reply_deadlines"] == 0
    keys = Counter(Notification.objects.filter(key__contains="overdue-w0").values_list("key", flat=True))
    assert len(keys) == 15 and set(keys.values()) == {1}
