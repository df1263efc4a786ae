"""The duty schedule puts each reception in the ledger; reminders are sent once per reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Participation
from core.exceptions import NotAllowed
from liaison import scans, services
from liaison.models import Duty
from notifications.models import Notification

from .factories import opinion

pytestmark = pytest.mark.django_db
NINE, NOON = datetime.time(9), datetime.time(12)


def _tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def test_a_duty_is_a_station_reception_in_the_ledger(station, staff, deputy):
    duty = services.duty_schedule(
        actor=staff, station=station, deputy=deputy.mandate, date=_tomorrow(), start_time=NINE, end_time=NOON
    )
    activity = duty.activity
    assert activity.kind == Activity.Kind.STATION and activity.start_date == duty.date
    assert activity.congress_id == station.congress_id and station.name in activity.title
    part = Participation.objects.get(activity=activity)
    assert part.deputy == deputy.mandate and part.activity_kind == Activity.Kind.STATION
    # Moving it moves the ledger row and the participation's copy of the date.
    later = _tomorrow() + datetime.timedelta(days=3)
    services.duty_update(actor=staff, duty=duty, date=later, start_time=NINE, end_time=NOON)
    activity.refresh_from_db()
    part.refresh_from_db()
    assert activity.start_date == later and part.activity_date == later
    assert Activity.objects.filter(kind=Activity.Kind.STATION).count() == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"end_time": datetime.time(8)}, "结束时间须晚于开始时间"),
        ({"deputy": "other"}, "不是本站进站代表"),
    ],
)
def test_bad_duties_are_refused(station, staff, other_deputy, deputy, change, message):
    values = {"deputy": deputy.mandate, "date": _tomorrow(), "start_time": NINE, "end_time": NOON, **change}
    if values["deputy"] == "other":
        values["deputy"] = other_deputy.mandate
    with pytest.raises(ValidationError) as exc:
        services.duty_schedule(actor=staff, station=station, **values)
    assert message in str(exc.value)
    assert Duty.objects.count() == 0 and Activity.objects.count() == 0


def test_overlapping_duties_of_one_deputy_are_refused(station, staff, deputy):
    services.duty_schedule(
        actor=staff, station=station, deputy=deputy.mandate, date=_tomorrow(), start_time=NINE, end_time=NOON
    )
    with pytest.raises(ValidationError) as exc:
        services.duty_schedule(
            actor=staff,
            station=station,
            deputy=deputy.mandate,
            date=_tomorrow(),
            start_time=datetime.time(11),
            end_time=datetime.time(13),
        )
    assert "已有值班安排" in str(exc.value)
    assert Duty.objects.count() == 1


def test_only_staff_of_the_station_congress_schedule(station, district_staff, deputy):
    for actor in (district_staff, deputy):
        with pytest.raises(NotAllowed):
            services.duty_schedule(
                actor=actor, station=station, deputy=deputy.mandate, date=_tomorrow(), start_time=NINE, end_time=NOON
            )
    assert Duty.objects.count() == 0


def test_the_deputy_sees_coming_duties_in_the_portal(client, station, staff, deputy):
    services.duty_schedule(
        actor=staff, station=station, deputy=deputy.mandate, date=_tomorrow(), start_time=NINE, end_time=NOON
    )
    Duty.objects.create(
        station=station,
        deputy=deputy.mandate,
        date=timezone.localdate() - datetime.timedelta(days=2),
        start_time=NINE,
        end_time=NOON,
    )
    client.force_login(deputy)
    response = client.get(reverse("liaison_portal:duties"))
    assert [d.date for d in response.context["duties"]] == [_tomorrow()]
    assert station.address in response.content.decode()
    assert "我的进站值班" in response.content.decode()  # the header link


def test_the_admin_schedules_through_the_service(client, staff, station, deputy):
    client.force_login(staff)
    url = reverse("admin:liaison_duty_add")
    data = {
        "station": station.pk,
        "deputy": deputy.mandate.pk,
        "date": _tomorrow().isoformat(),
        "start_time": "14:00",
        "end_time": "13:00",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "结束时间须晚于开始时间" in response.content.decode()
    assert Duty.objects.count() == 0
    assert client.post(url, {**data, "end_time": "17:00"}).status_code == 302
    assert Duty.objects.get().activity.kind == Activity.Kind.STATION


def test_the_duty_reminder_is_sent_once_the_day_before(station, staff, deputy):
    services.duty_schedule(
        actor=staff, station=station, deputy=deputy.mandate, date=_tomorrow(), start_time=NINE, end_time=NOON
    )
    services.duty_schedule(
        actor=staff,
        station=station,
        deputy=deputy.mandate,
        date=_tomorrow() + datetime.timedelta(days=1),
        start_time=NINE,
        end_time=NOON,
    )
    now = timezone.now()
    assert scans.duty_reminders(now) == 1
    assert scans.duty_reminders(now) == 0
    reminders = Notification.objects.filter(user=deputy, key__startswith="liaison:duty:")
    assert reminders.count() == 1 and "明天" in reminders.get().title


def test_unanswered_opinions_remind_the_assignee_then_the_staff(station, staff, deputy, time_machine, settings):
    settings.LIAISON_OPINION_ANSWER_WORKDAYS = 5
    time_machine.move_to("2026-03-02 10:00 +08:00", tick=False)  # a Monday
    o, _ = opinion(station)
    services.opinion_assign(actor=staff, opinion=o, assignee=deputy)
    assert scans.opinion_reminders(timezone.now()) == 0
    time_machine.move_to("2026-03-06 10:00 +08:00", tick=False)  # 4 working days later
    assert scans.opinion_reminders(timezone.now()) == 0
    time_machine.move_to("2026-03-09 10:00 +08:00", tick=False)  # 5 working days later
    assert scans.opinion_reminders(timezone.now()) == 1
    assert scans.opinion_reminders(timezone.now()) == 0
    assert Notification.objects.filter(user=deputy, key__endswith=":overdue").count() == 1
    assert not Notification.objects.filter(key__endswith=":escalated").exists()
    time_machine.move_to("2026-03-16 10:00 +08:00", tick=False)  # 10 working days later
    assert scans.opinion_reminders(timezone.now()) == 1
    assert scans.opinion_reminders(timezone.now()) == 0
    assert Notification.objects.filter(user=staff, key__endswith=":escalated").count() == 1


def test_the_dashboard_panel_counts(station, staff, deputy, district_staff, time_machine):
    from liaison.dashboard import opinions_panel

    time_machine.move_to("2026-03-02 10:00 +08:00", tick=False)
    opinion(station, text="赌博")
    opinion(station)
    late, _ = opinion(station)
    services.opinion_assign(actor=staff, opinion=late, assignee=deputy)
    time_machine.move_to("2026-03-16 10:00 +08:00", tick=False)
    assert opinions_panel(staff, timezone.localdate()).counts() == {
        "opinions_held": 1,
        "opinions_unassigned": 1,
        "opinions_overdue": 1,
    }
    assert opinions_panel(district_staff, timezone.localdate()).counts() == {
        "opinions_held": 0,
        "opinions_unassigned": 0,
        "opinions_overdue": 0,
    }


def test_the_staff_dashboard_shows_the_panel(client, staff, station):
    opinion(station, text="赌博")
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "条意见待审核" in response.content.decode()
