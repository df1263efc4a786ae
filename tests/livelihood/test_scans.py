"""Reminders, once per reason: the window closing, reports due then overdue (to the
department, then staff), observations past due, the evaluation closing; and the archive."""

import datetime

import pytest
from django.utils import timezone

from livelihood import scans, services, services_delivery
from livelihood.archive_sections import livelihood_section
from notifications.models import Notification

from . import builders as lb

pytestmark = pytest.mark.django_db


def _at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def _keys(user):
    return set(Notification.objects.filter(user=user).values_list("key", flat=True))


def test_the_window_closing_is_reminded_the_day_before_once(staff, city, deputy):
    c = lb.cycle(staff, city)
    eve = c.closes_on - datetime.timedelta(days=1)
    assert scans.window_closing(_at(eve)) == 1
    assert scans.window_closing(_at(eve)) == 0
    assert scans.window_closing(_at(c.closes_on)) == 0
    assert f"livelihood:cycle:{c.pk}:closing" in _keys(deputy)


def test_reports_due_then_overdue_go_to_the_department_then_staff(staff, city, department, officer, settings):
    settings.LIVELIHOOD_REPORT_DAYS = 30
    c = lb.voted(staff, city, unit=department)
    vote_day = c.vote_held_on
    assert scans.report_reminders(_at(vote_day + datetime.timedelta(days=10))) == 0
    assert scans.report_reminders(_at(vote_day + datetime.timedelta(days=32))) == 2  # two elected items
    assert scans.report_reminders(_at(vote_day + datetime.timedelta(days=33))) == 0
    assert not any("overdue_staff" in k for k in _keys(staff))
    scans.report_reminders(_at(vote_day + datetime.timedelta(days=40)))
    assert sum("report_overdue_staff" in k for k in _keys(staff)) == 2
    assert sum("report_overdue:" in k for k in _keys(officer)) == 2


def test_a_recent_report_stops_the_reminder(staff, city, department, officer, settings):
    settings.LIVELIHOOD_REPORT_DAYS = 30
    c = lb.voted(staff, city, unit=department)
    for project in lb.elected(c):
        lb.report(officer, project.items.get())
    assert scans.report_reminders(_at(lb.today() + datetime.timedelta(days=20))) == 0


def test_an_observation_past_due_reminds_the_department_and_staff(staff, city, department, officer, deputy):
    c = lb.voted(staff, city, unit=department)
    project = lb.elected(c)[0]
    services_delivery.group_create(actor=staff, cycle=c, name="一组", deputies=[deputy.mandate], projects=[project])
    obs = services_delivery.observation_make(actor=deputy, project=project, text="建议公开进度")
    after = obs.due_on + datetime.timedelta(days=1)
    assert scans.observation_reminders(_at(obs.due_on)) == 0
    assert scans.observation_reminders(_at(after)) == 2
    assert scans.observation_reminders(_at(after)) == 0
    services_delivery.observation_answer(actor=officer, observation=obs, answer="已公开")
    assert scans.observation_reminders(_at(after + datetime.timedelta(days=3))) == 0


def test_the_evaluation_closing_reminds_only_who_has_not_rated_everything(
    staff, city, department, deputy, other_deputy
):
    c = lb.evaluating(staff, city, unit=department)
    for project in lb.elected(c):
        services_delivery.rating_submit(actor=deputy, project=project, value="satisfied")
    eve = c.evaluation_closes_on - datetime.timedelta(days=1)
    assert scans.evaluation_closing(_at(eve)) == 1
    assert f"livelihood:cycle:{c.pk}:evaluation_closing" in _keys(other_deputy)
    assert f"livelihood:cycle:{c.pk}:evaluation_closing" not in _keys(deputy)


def test_the_archive_section_counts_candidates_and_ratings(staff, city, department, deputy):
    c = lb.cycle(staff, city, year=2027)
    services.candidate_submit(actor=deputy, cycle=c, title="托育点", what_where="老城区", why="需求大")
    section = livelihood_section(deputy.mandate, lb.today().year)
    figures = dict(section.figures)
    assert list(figures.values())[0] == 1 and section.tables[0].rows[0][0] == "托育点"
