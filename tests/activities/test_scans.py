"""Reminders of the activity ledger and letters: a frozen clock walks through each deadline;
each reminder goes out exactly once."""

import datetime

import pytest

from activities import services
from activities.models import Activity, DeputyLetter, Participation
from notifications.models import Notification
from notifications.registry import run_all_scans
from tests import factories


def make_activity(city, recorder, start, end=None, **kw):
    return Activity.objects.create(
        congress=city,
        kind=Activity.Kind.INSPECTION,
        title=kw.get("title", "集中视察"),
        start_date=start,
        end_date=end or start,
        organiser="市人大常委会代表工作委员会",
        recorder=recorder,
        created_by=recorder,
    )


@pytest.mark.django_db
def test_recorder_is_reminded_twice_when_attendance_stays_open(staff, city, time_machine):
    activity = make_activity(city, staff, datetime.date(2026, 4, 1))
    keys = lambda: sorted(Notification.objects.filter(user=staff).values_list("key", flat=True))  # noqa: E731
    time_machine.move_to("2026-04-02 10:00 +0800", tick=False)
    run_all_scans()
    assert [k for k in keys() if "attendance" in k] == []
    time_machine.move_to("2026-04-03 10:00 +0800", tick=False)
    run_all_scans()
    run_all_scans()
    assert [k for k in keys() if "attendance" in k] == [f"activity:{activity.pk}:attendance-overdue-2d"]
    time_machine.move_to("2026-04-09 10:00 +0800", tick=False)
    run_all_scans()
    assert len([k for k in keys() if "attendance" in k]) == 2


@pytest.mark.django_db
def test_no_reminder_once_attendance_is_recorded(staff, city, deputy, time_machine):
    activity = make_activity(city, staff, datetime.date(2026, 4, 1))
    services.activity_invite(actor=staff, activity=activity, deputies=[deputy.mandate])
    time_machine.move_to("2026-04-01 18:00 +0800", tick=False)
    p = Participation.objects.get(activity=activity)
    services.attendance_record(actor=staff, activity=activity, marks={p.pk: ("attended", "")})
    time_machine.move_to("2026-04-20 10:00 +0800", tick=False)
    run_all_scans()
    assert not Notification.objects.filter(key__contains="attendance").exists()


@pytest.mark.django_db
def test_deputy_reminded_the_day_before_once(staff, city, deputy, time_machine):
    time_machine.move_to("2026-05-01 09:00 +0800", tick=False)
    activity = make_activity(city, staff, datetime.date(2026, 5, 10))
    services.activity_invite(actor=staff, activity=activity, deputies=[deputy.mandate])
    time_machine.move_to("2026-05-08 09:00 +0800", tick=False)
    run_all_scans()
    assert not Notification.objects.filter(user=deputy, key__endswith="day-before").exists()
    time_machine.move_to("2026-05-09 09:00 +0800", tick=False)
    run_all_scans()
    run_all_scans()
    assert Notification.objects.filter(user=deputy, key=f"activity:{activity.pk}:day-before").count() == 1


@pytest.mark.django_db
def test_declined_deputy_gets_no_day_before_reminder(staff, city, deputy, time_machine):
    time_machine.move_to("2026-05-01 09:00 +0800", tick=False)
    activity = make_activity(city, staff, datetime.date(2026, 5, 10))
    services.activity_invite(actor=staff, activity=activity, deputies=[deputy.mandate])
    p = Participation.objects.get(activity=activity)
    services.participation_respond(actor=deputy, participation=p, accept=False, reason="出差")
    time_machine.move_to("2026-05-09 09:00 +0800", tick=False)
    run_all_scans()
    assert not Notification.objects.filter(user=deputy, key__endswith="day-before").exists()


@pytest.mark.django_db
def test_letter_reminders_walk_through_the_deadline(staff, deputy, unit_officer, time_machine):
    time_machine.move_to("2026-06-01 09:00 +0800", tick=False)
    letter = DeputyLetter.objects.create(
        deputy=deputy.mandate, subject="小区噪音扰民", content="反映夜间施工噪音", received_on=datetime.date(2026, 6, 1)
    )
    services.letter_forward(actor=staff, letter=letter, body=unit_officer.unit, forwarded_on=datetime.date(2026, 6, 1))
    assert letter.reply_due == datetime.date(2026, 7, 1)
    officer_keys = lambda: sorted(Notification.objects.filter(user=unit_officer).values_list("key", flat=True))  # noqa: E731
    assert officer_keys() == [f"letter:{letter.pk}:forwarded"]
    time_machine.move_to("2026-06-23 09:00 +0800", tick=False)
    run_all_scans()
    assert officer_keys() == [f"letter:{letter.pk}:forwarded"]
    time_machine.move_to("2026-06-24 09:00 +0800", tick=False)
    run_all_scans()
    run_all_scans()
    assert f"letter:{letter.pk}:due-soon" in officer_keys() and len(officer_keys()) == 2
    time_machine.move_to("2026-07-02 09:00 +0800", tick=False)
    run_all_scans()
    assert f"letter:{letter.pk}:overdue" in officer_keys() and len(officer_keys()) == 3
    digest = Notification.objects.get(user=staff, key="staff-digest:2026-07-02")
    assert "小区噪音扰民" in digest.body

    services.letter_reply(
        actor=unit_officer, letter=letter, reply="已责令施工单位整改", replied_on=datetime.date(2026, 7, 2)
    )
    assert Notification.objects.filter(user=deputy, key=f"letter:{letter.pk}:replied").count() == 1
    time_machine.move_to("2026-07-10 09:00 +0800", tick=False)
    run_all_scans()
    run_all_scans()
    assert Notification.objects.filter(user=deputy, key=f"letter:{letter.pk}:feedback-missing").count() == 1


@pytest.mark.django_db
def test_only_the_deputy_gives_feedback_on_a_letter(staff, deputy, unit_officer):
    from core.exceptions import NotAllowed

    letter = DeputyLetter.objects.create(
        deputy=deputy.mandate, subject="s", content="c", received_on=datetime.date(2026, 6, 1)
    )
    services.letter_forward(actor=staff, letter=letter, body=unit_officer.unit, forwarded_on=datetime.date(2026, 6, 1))
    services.letter_reply(actor=unit_officer, letter=letter, reply="答复", replied_on=datetime.date(2026, 6, 5))
    for someone in (staff, unit_officer):
        with pytest.raises(NotAllowed):
            services.letter_feedback(actor=someone, letter=letter, feedback="satisfied")
    letter.refresh_from_db()
    assert letter.feedback == ""
    services.letter_feedback(actor=deputy, letter=letter, feedback="satisfied", note="满意")
    letter.refresh_from_db()
    assert letter.status == DeputyLetter.Status.CLOSED and letter.feedback == "satisfied"


@pytest.mark.django_db
def test_an_officer_of_another_unit_cannot_reply(staff, deputy, unit_officer, city):
    from core.exceptions import NotAllowed

    other_unit = factories.UnitFactory(congress=city)
    stranger = factories.UserFactory(unit=other_unit)
    letter = DeputyLetter.objects.create(
        deputy=deputy.mandate, subject="s", content="c", received_on=datetime.date(2026, 6, 1)
    )
    services.letter_forward(actor=staff, letter=letter, body=unit_officer.unit, forwarded_on=datetime.date(2026, 6, 1))
    with pytest.raises(NotAllowed):
        services.letter_reply(actor=stranger, letter=letter, reply="x", replied_on=datetime.date(2026, 6, 2))
