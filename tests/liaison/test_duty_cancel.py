"""Cancelling a station duty: only a duty that has not begun, only by staff of the station's
congress, with a reason. The reception leaves the ledger (so the archive never counts it), the
public schedule and the deputy's list drop it, the deputy is told once, no reminder follows."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities import summaries
from activities.models import Activity, Participation
from core.exceptions import InvalidTransition, NotAllowed
from liaison import scans, services
from liaison.models import Duty
from notifications.models import Notification

pytestmark = pytest.mark.django_db
NINE, NOON = datetime.time(9), datetime.time(12)
REASON = "站点装修，暂停接待"


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def duty(station, staff, deputy):
    return services.duty_schedule(
        actor=staff, station=station, deputy=deputy.mandate, date=_day(3), start_time=NINE, end_time=NOON
    )


def _unchanged(duty):
    duty.refresh_from_db()
    assert duty.cancelled_at is None and duty.cancel_reason == "" and duty.activity_id is not None
    assert Participation.objects.filter(activity_id=duty.activity_id, deputy=duty.deputy).exists()
    assert not Notification.objects.filter(key__endswith=":cancelled").exists()


def test_a_coming_duty_is_cancelled_and_withdrawn_from_the_ledger(duty, staff, deputy):
    activity_id = duty.activity_id
    assert summaries.recount(deputy_ids=[deputy.mandate.pk])  # the invitation counts before
    services.duty_cancel(actor=staff, duty=duty, reason=f"  {REASON}<b></b> ")
    duty.refresh_from_db()
    assert duty.cancelled_at is not None and duty.cancel_reason == REASON and duty.cancelled_by == staff
    assert duty.activity_id is None
    assert not Activity.objects.filter(pk=activity_id).exists()
    assert not Participation.objects.filter(deputy=deputy.mandate).exists()
    # The archive's counts follow: nothing left to count, and the summaries agree with a recount.
    assert summaries.recount(deputy_ids=[deputy.mandate.pk]) == {}
    assert summaries.differences(deputy_ids=[deputy.mandate.pk]) == {}
    note = Notification.objects.get(user=deputy, key=f"liaison:duty:{duty.pk}:cancelled")
    assert duty.station.name in note.title and REASON in note.body
    assert note.url == reverse("liaison_portal:duties")


def test_the_public_schedule_the_portal_and_the_reminder_drop_it(client, station, staff, deputy):
    duty = services.duty_schedule(
        actor=staff, station=station, deputy=deputy.mandate, date=_day(1), start_time=NINE, end_time=NOON
    )
    page = client.get(reverse("liaison:station", args=[station.pk])).content.decode()
    assert NINE.strftime("%H:%M") in page
    services.duty_cancel(actor=staff, duty=duty, reason=REASON)
    page = client.get(reverse("liaison:station", args=[station.pk])).content.decode()
    assert "09:00–12:00" not in page and "未来四周暂无值班安排" in page
    assert REASON not in page
    client.force_login(deputy)
    portal = client.get(reverse("liaison_portal:duties")).content.decode()
    assert "您暂无进站值班安排。" in portal
    scans.duty_reminders(timezone.now())
    assert not Notification.objects.filter(key__startswith=f"liaison:duty:{duty.pk}:2").exists()


def test_the_same_time_can_be_scheduled_again_after_cancelling(duty, staff, station, deputy):
    services.duty_cancel(actor=staff, duty=duty, reason=REASON)
    again = services.duty_schedule(
        actor=staff, station=station, deputy=deputy.mandate, date=duty.date, start_time=NINE, end_time=NOON
    )
    assert again.pk != duty.pk and again.activity_id is not None
    assert Duty.objects.filter(cancelled_at__isnull=True).get() == again


def test_a_past_duty_cannot_be_cancelled(station, staff, deputy, time_machine):
    time_machine.move_to(timezone.now() - datetime.timedelta(days=5), tick=False)
    duty = services.duty_schedule(
        actor=staff, station=station, deputy=deputy.mandate, date=_day(2), start_time=NINE, end_time=NOON
    )
    time_machine.move_to(timezone.now() + datetime.timedelta(days=5), tick=False)
    with pytest.raises(InvalidTransition) as exc:
        services.duty_cancel(actor=staff, duty=duty, reason=REASON)
    assert "已开始或已结束" in str(exc.value)
    _unchanged(duty)


def test_a_duty_that_has_begun_today_cannot_be_cancelled(station, staff, deputy, time_machine):
    tz = timezone.get_current_timezone()
    time_machine.move_to(datetime.datetime.combine(_day(1), datetime.time(8), tzinfo=tz), tick=False)
    duty = services.duty_schedule(
        actor=staff, station=station, deputy=deputy.mandate, date=timezone.localdate(), start_time=NINE, end_time=NOON
    )
    time_machine.move_to(datetime.datetime.combine(timezone.localdate(), datetime.time(9, 30), tzinfo=tz), tick=False)
    with pytest.raises(InvalidTransition):
        services.duty_cancel(actor=staff, duty=duty, reason=REASON)
    _unchanged(duty)


def test_a_cancelled_duty_cannot_be_cancelled_again_or_moved(duty, staff):
    services.duty_cancel(actor=staff, duty=duty, reason=REASON)
    with pytest.raises(InvalidTransition) as exc:
        services.duty_cancel(actor=staff, duty=duty, reason="再次取消")
    assert "已取消" in str(exc.value)
    with pytest.raises(InvalidTransition):
        services.duty_update(actor=staff, duty=duty, date=_day(5), start_time=NINE, end_time=NOON)
    duty.refresh_from_db()
    assert duty.cancel_reason == REASON and duty.date == _day(3)
    assert Notification.objects.filter(key__endswith=":cancelled").count() == 1


def test_a_reception_with_attendance_recorded_is_not_withdrawn(duty, staff, time_machine):
    from activities.services import attendance_record

    part = Participation.objects.get(activity=duty.activity)
    attendance_record(
        actor=staff, activity=duty.activity, marks={part.pk: (Participation.Status.ATTENDED, "")}, today=duty.date
    )
    with pytest.raises(InvalidTransition):
        services.duty_cancel(actor=staff, duty=duty, reason=REASON)
    _unchanged(duty)
    part.refresh_from_db()
    assert part.status == Participation.Status.ATTENDED


def test_a_reason_is_needed(duty, staff):
    with pytest.raises(ValidationError) as exc:
        services.duty_cancel(actor=staff, duty=duty, reason="  <i></i> ")
    assert "reason" in exc.value.message_dict
    _unchanged(duty)


@pytest.mark.parametrize("who", ["deputy", "district_staff", "outsider", "unit_officer"])
def test_only_staff_of_the_stations_congress_may_cancel(duty, who, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.duty_cancel(actor=actor, duty=duty, reason=REASON)
    _unchanged(duty)


# --- The office page ----------------------------------------------------------------------------


def _cancel_url(duty):
    return reverse("liaison_office:duty_cancel", args=[duty.pk])


def test_the_office_cancels_from_the_station_page(client, staff, duty, station):
    client.force_login(staff)
    page = client.get(reverse("liaison_office:station", args=[station.pk])).content.decode()
    assert _cancel_url(duty) in page and "取消此次值班" in page
    data = {f"cancel-{duty.pk}-reason": REASON, f"cancel-{duty.pk}-confirm": "on"}
    response = client.post(_cancel_url(duty), data)
    assert response.status_code == 302 and response["Location"] == reverse("liaison_office:station", args=[station.pk])
    duty.refresh_from_db()
    assert duty.cancelled_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "已取消" in page and REASON in page and _cancel_url(duty) not in page


def test_the_office_form_wants_a_confirmation_and_keeps_the_reason(client, staff, duty, station):
    client.force_login(staff)
    response = client.post(_cancel_url(duty), {f"cancel-{duty.pk}-reason": REASON})
    html = response.content.decode()
    assert response.status_code == 200 and "请确认取消此次值班" in html and REASON in html
    _unchanged(duty)


def test_the_office_page_refuses_a_past_duty_politely(client, staff, station, deputy, time_machine):
    time_machine.move_to(timezone.now() - datetime.timedelta(days=5), tick=False)
    duty = services.duty_schedule(
        actor=staff, station=station, deputy=deputy.mandate, date=_day(1), start_time=NINE, end_time=NOON
    )
    time_machine.move_to(timezone.now() + datetime.timedelta(days=5), tick=False)
    client.force_login(staff)
    response = client.post(_cancel_url(duty), {f"cancel-{duty.pk}-reason": REASON, f"cancel-{duty.pk}-confirm": "on"})
    assert response.status_code == 200 and "已开始或已结束" in response.content.decode()
    _unchanged(duty)


@pytest.mark.parametrize("who, status", [("district_staff", 404), ("deputy", 403)])
def test_the_office_page_refuses_others(client, duty, who, status, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(_cancel_url(duty), {f"cancel-{duty.pk}-reason": REASON, f"cancel-{duty.pk}-confirm": "on"})
    assert response.status_code == status
    _unchanged(duty)


def test_the_admin_shows_a_cancelled_duty_read_only(client, staff, duty):
    services.duty_cancel(actor=staff, duty=duty, reason=REASON)
    client.force_login(staff)
    listing = client.get(reverse("admin:liaison_duty_changelist")).content.decode()
    assert REASON in listing
    change = client.get(reverse("admin:liaison_duty_change", args=[duty.pk])).content.decode()
    assert 'name="date"' not in change


def test_the_admin_moves_a_coming_duty(client, staff, duty):
    client.force_login(staff)
    later = _day(6)
    response = client.post(
        reverse("admin:liaison_duty_change", args=[duty.pk]),
        {"date": later.isoformat(), "start_time": "09:00", "end_time": "12:00"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    duty.refresh_from_db()
    duty.activity.refresh_from_db()
    assert duty.date == later and duty.activity.start_date == later


def test_the_deputy_on_duty_gets_one_reminder_not_two(station, staff, deputy):
    """GIVEN a duty tomorrow (a station reception in the ledger) WHEN both the ledger's
    day-before scan and liaison's duty scan run THEN the deputy is told once, by liaison's
    reminder, which carries the hours and the address."""
    from activities import scans as activity_scans

    services.duty_schedule(
        actor=staff, station=station, deputy=deputy.mandate, date=_day(1), start_time=NINE, end_time=NOON
    )
    now = timezone.now()
    activity_scans.activity_day_before(now)
    scans.duty_reminders(now)
    reminders = Notification.objects.filter(user=deputy).exclude(key__endswith=":invited")
    assert list(reminders.values_list("key", flat=True)) == [
        f"liaison:duty:{Duty.objects.get().pk}:{_day(1):%Y%m%d}:0900"
    ]
