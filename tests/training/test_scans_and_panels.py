"""Reminders (each once per reason), the staff-dashboard panel and the archive section, each
compared with a recount of the raw rows."""

import datetime

import pytest
from django.utils import timezone, translation

from notifications.models import Notification
from tests import factories
from tests.builders import make_deputy_user, officer_of
from training import scans, services, services_courses
from training.archive_sections import study_section
from training.dashboard import training_panel
from training.models import DataRequest, Material

from .builders import course, data_request, material, routed

pytestmark = pytest.mark.django_db


def test_the_day_before_a_session_once(staff, deputy, city):
    c = course(staff, city, start=timezone.localdate() + datetime.timedelta(days=1))
    services_courses.course_enrol(actor=deputy, course=c)
    now = timezone.now()
    assert scans.session_eve(now) == 1
    assert scans.session_eve(now) == 0
    assert Notification.objects.filter(user=deputy, key__contains=":eve").count() == 1


def test_important_unread_reminded_once_after_n_days(staff, deputy, city, term, electoral_unit, settings):
    settings.TRAINING_UNREAD_REMINDER_DAYS = 3
    reader = make_deputy_user(city, term, "王代表", electoral_unit)
    m = material(staff, city, important=True)
    plain = material(staff, city, title="一般材料")
    services.material_open(actor=reader, material=m)
    assert scans.unread_important(timezone.now()) == 0  # not yet three days
    later = timezone.now() + datetime.timedelta(days=4)
    assert scans.unread_important(later) == 1
    assert scans.unread_important(later) == 0
    assert Notification.objects.filter(user=deputy, key=f"training:material:{m.pk}:unread").exists()
    assert not Notification.objects.filter(key=f"training:material:{plain.pk}:unread").exists()
    assert not Notification.objects.filter(user=reader, key__endswith=":unread").exists()


def test_request_deadline_reminders_to_the_unit_then_staff(deputy, staff, unit_officer, settings):
    settings.TRAINING_REQUEST_ESCALATE_DAYS = 3
    r = routed(deputy, staff, unit_officer.unit)
    today = timezone.localdate()
    soon = timezone.now() + datetime.timedelta(days=(r.due - today).days - 1)
    assert scans.request_deadlines(soon) == 1
    assert scans.request_deadlines(soon) == 0
    late = timezone.now() + datetime.timedelta(days=(r.due - today).days + 1)
    assert scans.request_deadlines(late) == 1
    very_late = timezone.now() + datetime.timedelta(days=(r.due - today).days + 5)
    assert scans.request_deadlines(very_late) == 1  # staff now; the unit was told it is late
    keys = set(Notification.objects.filter(key__startswith=f"training:request:{r.pk}:").values_list("user_id", "key"))
    assert (unit_officer.pk, f"training:request:{r.pk}:{r.due:%Y%m%d}:soon") in keys
    assert (unit_officer.pk, f"training:request:{r.pk}:{r.due:%Y%m%d}:late") in keys
    assert (staff.pk, f"training:request:{r.pk}:{r.due:%Y%m%d}:escalated") in keys


def test_an_answered_request_is_not_reminded(deputy, staff, unit_officer):
    from training import services_requests

    r = routed(deputy, staff, unit_officer.unit)
    services_requests.request_answer(actor=unit_officer, request=r, answer="答复")
    assert scans.request_deadlines(timezone.now() + datetime.timedelta(days=60)) == 0


def test_panel_counts_match_a_recount(
    deputy, staff, district_staff, unit_officer, city, district, term, electoral_unit
):
    make_deputy_user(city, term, "王代表", electoral_unit)
    m = material(staff, city, important=True)
    services.material_open(actor=deputy, material=m)
    data_request(deputy, subject="待交办")
    r = routed(deputy, staff, unit_officer.unit, subject="已逾期")
    DataRequest.objects.filter(pk=r.pk).update(due=timezone.localdate() - datetime.timedelta(days=1))
    panel = training_panel(staff, timezone.localdate())
    counts = panel.counts()
    assert counts["training_requests_to_route"] == DataRequest.objects.filter(status="submitted").count() == 1
    assert counts["training_requests_overdue"] == 1
    assert counts[f"material_{m.pk}_read"] == 1 and counts[f"material_{m.pk}_total"] == 2
    district_panel = training_panel(district_staff, timezone.localdate()).counts()
    assert district_panel["training_requests_to_route"] == 0 and district_panel["training_important_materials"] == 0


def test_archive_section_counts_reads_and_requests(staff, deputy, city):
    m = material(staff, city)
    services.material_open(actor=deputy, material=m)
    data_request(deputy)
    year = timezone.localdate().year
    with translation.override("en"):
        section = study_section(deputy.mandate, year)
    figures = dict(section.figures)
    assert figures[f"Materials read in {year}"] == 1
    assert figures[f"Data requests in {year}"] == 1
    assert section.tables[1].rows[0][1] == m.title
    assert Material.objects.count() == 1


def test_study_section_of_a_deputy_with_nothing(city, term, electoral_unit):
    lonely = factories.DeputyFactory(congress=city, term=term, electoral_unit=electoral_unit, name="无记录代表")
    section = study_section(lonely, timezone.localdate().year)
    assert all(n == 0 for _label, n in section.figures)


def test_assigned_audience_scan_ignores_open_courses(staff, deputy, city):
    course(staff, city)
    assert scans.assigned_audience(timezone.now()) == 0


def test_officer_of_another_unit_gets_no_deadline_reminder(deputy, staff, unit_officer, city):
    other = officer_of(factories.UnitFactory(congress=city, name="市教育局"), "教育局联系人")
    r = routed(deputy, staff, unit_officer.unit)
    scans.request_deadlines(timezone.now() + datetime.timedelta(days=(r.due - timezone.localdate()).days + 1))
    assert not Notification.objects.filter(user=other).exists()
