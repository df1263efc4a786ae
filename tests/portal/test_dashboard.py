"""The staff dashboard on the admin index: each figure equals a recount of the raw rows."""

import datetime

import pytest
from django.utils import timezone

from activities import services as ledger
from activities.models import Activity, Participation
from deputies import services as roster
from deputies.models import StatusChange
from portal.selectors import staff_dashboard
from tests import factories


@pytest.mark.django_db
def test_dashboard_figures_are_recounts(staff_client, staff, city, term, electoral_unit):
    today = timezone.localdate()
    grassroots = [
        factories.DeputyFactory(congress=city, term=term, electoral_unit=electoral_unit, is_grassroots=True)
        for _ in range(4)
    ]
    meeting = Activity.objects.create(
        congress=city,
        kind=Activity.Kind.SC_MEETING,
        title="列席常委会会议",
        start_date=today - datetime.timedelta(days=10),
        end_date=today - datetime.timedelta(days=10),
        organiser="办公厅",
        recorder=staff,
        created_by=staff,
    )
    ledger.activity_invite(actor=staff, activity=meeting, deputies=grassroots[:3])
    marks = {p.pk: ("attended", "") for p in Participation.objects.filter(activity=meeting)[:1]}
    marks |= {p.pk: ("absent", "") for p in Participation.objects.filter(activity=meeting)[1:]}
    ledger.attendance_record(actor=staff, activity=meeting, marks=marks)
    Activity.objects.create(
        congress=city,
        kind=Activity.Kind.INSPECTION,
        title="视察",
        start_date=today - datetime.timedelta(days=9),
        end_date=today - datetime.timedelta(days=9),
        organiser="代表工委",
        recorder=staff,
        created_by=staff,
    )
    roster.deputy_terminate(actor=staff, deputy=grassroots[3], reason=StatusChange.Reason.MOVED, effective_date=today)

    # An SC meeting attended before the term began does not count for this term's coverage.
    earlier = Activity.objects.create(
        congress=city,
        kind=Activity.Kind.SC_MEETING,
        title="上届常委会会议",
        start_date=term.start_date - datetime.timedelta(days=30),
        end_date=term.start_date - datetime.timedelta(days=30),
        organiser="办公厅",
        recorder=staff,
        created_by=staff,
        attendance_closed_at=timezone.now(),
    )
    Participation.objects.create(
        activity=earlier,
        deputy=grassroots[1],
        status=Participation.Status.ATTENDED,
        activity_date=earlier.start_date,
        activity_kind=earlier.kind,
    )

    figures = staff_dashboard(actor=staff)
    # Counted once, by the liaison coverage panel (per the staff member's congress and term).
    assert not [key for key in figures if key.startswith("sc_coverage")]
    assert figures["coverage_grassroots_total"] == 3  # serving grassroots deputies
    assert figures["coverage_sc_meetings"] == 1
    assert figures["coverage_sc_meetings_percent"] == 33
    assert figures["attendance_open"] == 1
    assert figures["open_vacancies"] == 1
    page = staff_client.get("/admin/")
    assert page.status_code == 200
    assert page.context["dashboard"] == figures


@pytest.mark.django_db
def test_district_staff_dashboard_counts_only_their_congress(district_staff, staff, city, term, electoral_unit):
    factories.DeputyFactory(congress=city, term=term, electoral_unit=electoral_unit, is_grassroots=True)
    assert staff_dashboard(actor=district_staff)["coverage_grassroots_total"] == 0
    assert staff_dashboard(actor=staff)["coverage_grassroots_total"] == 1
