"""The per-(deputy, year) participation summaries equal a recount of the ledger after every
service that writes participations, after deletions, and after a rebuild."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from activities import services, summaries
from activities.models import Activity, Participation, ParticipationSummary
from tests import factories
from tests.builders import serving_deputies, today
from tests.factories import ActivityFactory, ParticipationFactory

P = Participation.Status


def assert_in_step():
    """The stored summaries equal a recount; returns the recount of the years (not the whole term)."""
    assert summaries.differences() == {}
    counted = summaries.recount()
    for (deputy_id, year), row in counted.items():
        if year != ParticipationSummary.WHOLE_TERM:
            assert ParticipationSummary.objects.filter(deputy_id=deputy_id, year=year, **row).exists()
    return {key: row for key, row in counted.items() if key[1] != ParticipationSummary.WHOLE_TERM}


@pytest.fixture
def group(city, term, deputy):
    return [deputy.mandate, *serving_deputies(5, city=city, term=term)]


@pytest.mark.django_db
def test_invitations_answers_attendance_and_its_corrections_keep_the_summaries(staff, city, deputy, group):
    """GIVEN an activity today with six deputies invited
    WHEN one answers twice, attendance is recorded with a walk-in, then corrected
    THEN after each step the summaries equal a recount of the participations."""
    activity = ActivityFactory(congress=city, recorder=staff, start_date=today())
    services.activity_invite(actor=staff, activity=activity, deputies=group[:5])
    counted = assert_in_step()
    assert counted[(group[0].pk, today().year)]["participations"] == 1

    mine = activity.participations.get(deputy=deputy.mandate)
    services.participation_respond(actor=deputy, participation=mine, accept=False, reason="外地出差")
    assert assert_in_step()[(group[0].pk, today().year)]["declined"] == 1
    services.participation_respond(actor=deputy, participation=mine, accept=True)
    assert assert_in_step()[(group[0].pk, today().year)]["declined"] == 0

    rows = list(activity.participations.order_by("pk"))
    marks = {p.pk: ([P.ATTENDED, P.ABSENT, P.EXCUSED][i % 3], "请假" if i % 3 == 2 else "") for i, p in enumerate(rows)}
    services.attendance_record(actor=staff, activity=activity, marks=marks, walk_ins=[group[5]])
    counted = assert_in_step()
    assert counted[(group[5].pk, today().year)]["attended"] == 1
    assert sum(c["attended"] for c in counted.values()) == 3

    # The sheet corrected: everyone who attended was in fact absent, and the reverse.
    swap = {P.ATTENDED: P.ABSENT, P.ABSENT: P.ATTENDED, P.EXCUSED: P.EXCUSED}
    fixed = {p.pk: (swap[p.status], p.reason) for p in activity.participations.all()}
    services.attendance_record(actor=staff, activity=activity, marks=fixed)
    counted = assert_in_step()
    assert sum(c["attended"] for c in counted.values()) == 2
    assert sum(c["absent"] for c in counted.values()) == 3


@pytest.mark.django_db
def test_an_activity_moved_to_another_year_moves_its_counts(staff, city, group):
    activity = ActivityFactory(congress=city, recorder=staff, start_date=datetime.date(today().year, 1, 2))
    for d in group:
        ParticipationFactory(activity=activity, deputy=d, status=P.ATTENDED)
    assert {year for _d, year in assert_in_step()} == {today().year}
    activity.start_date = activity.end_date = datetime.date(today().year - 1, 12, 30)
    services.activity_update(actor=staff, activity=activity, fields=["start_date", "end_date"])
    counted = assert_in_step()
    assert {year for _d, year in counted} == {today().year - 1}
    assert ParticipationSummary.objects.get(deputy=group[0], year=today().year).attended == 0
    activity.kind = Activity.Kind.SC_MEETING
    services.activity_update(actor=staff, activity=activity, fields=["kind"])
    assert assert_in_step() == counted


@pytest.mark.django_db
def test_an_activity_opened_for_another_record_and_moved_keeps_the_summaries(staff, city, term, group):
    meeting = factories.DeputyGroupFactory(congress=city, term=term)
    values = {"kind": Activity.Kind.SC_MEETING, "congress": city, "title": "常委会会议", "organiser": "办公厅"}
    activity = services.activity_open_for(actor=staff, source=meeting, start_date=today(), **values)
    services.activity_invite(actor=staff, activity=activity, deputies=group)
    services.attendance_record(
        actor=staff, activity=activity, marks={p.pk: (P.ATTENDED, "") for p in activity.participations.all()}
    )
    assert_in_step()
    services.activity_open_for(actor=staff, source=meeting, start_date=datetime.date(today().year - 1, 6, 1), **values)
    assert {year for _d, year in assert_in_step()} == {today().year - 1}


@pytest.mark.django_db
def test_deleting_participations_or_their_activity_lowers_the_counts(staff, city, group):
    first, second = (ActivityFactory(congress=city, recorder=staff) for _ in range(2))
    for i, d in enumerate(group):
        ParticipationFactory(activity=first, deputy=d, status=P.ATTENDED)
        ParticipationFactory(activity=second, deputy=d, status=[P.ABSENT, P.EXCUSED, P.ATTENDED][i % 3])
    assert_in_step()
    Participation.objects.get(activity=second, deputy=group[0]).delete()
    assert_in_step()
    Participation.objects.filter(activity=second, deputy__in=group[1:3]).delete()
    assert_in_step()
    first.delete()  # the admin's delete: the participations go by cascade
    counted = assert_in_step()
    assert sum(c["participations"] for c in counted.values()) == 3
    second.delete()
    assert assert_in_step() == {}


@pytest.mark.django_db
def test_rows_written_in_bulk_or_by_a_query_are_counted(staff, city, group):
    activity = ActivityFactory(congress=city, recorder=staff)
    Participation.objects.bulk_create(
        [Participation(activity=activity, deputy=d, status=P.INVITED, activity_date=activity.start_date) for d in group]
    )
    assert_in_step()
    Participation.objects.filter(activity=activity).update(status=P.ATTENDED)
    assert sum(c["attended"] for c in assert_in_step().values()) == len(group)
    Participation.objects.filter(activity=activity).update(reason="")  # nothing counted moves
    assert_in_step()


@pytest.mark.django_db
def test_the_rebuild_command_recounts_and_the_check_tells_a_difference(staff, city, group):
    activity = ActivityFactory(congress=city, recorder=staff)
    for d in group:
        ParticipationFactory(activity=activity, deputy=d, status=P.ATTENDED)
    ParticipationSummary.objects.filter(deputy=group[0]).update(attended=7)
    ParticipationSummary.objects.filter(deputy=group[1]).delete()  # its year and its term: 4 rows in all
    with pytest.raises(CommandError, match="4 summaries differ"):
        call_command("rebuild_participation_summaries", "--check")
    call_command("rebuild_participation_summaries", "--batch-size", "2")
    assert_in_step()
    call_command("rebuild_participation_summaries", "--check")
