"""The activity ledger's services: create, invite, answer, record attendance; the status rules."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import Activity, DeputyLetter, Participation
from archive import selectors
from core.exceptions import InvalidTransition, NotAllowed
from deputies import services as roster
from deputies.models import StatusChange
from notifications.models import Notification
from tests import factories
from tests.builders import serving_deputies, today
from tests.factories import ActivityFactory, ParticipationFactory

P = Participation.Status


# --- create and invite -----------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_create_an_activity_and_name_a_recorder(staff, unit_officer, city):
    activity = services.activity_create(
        actor=staff,
        congress=city,
        kind=Activity.Kind.RESEARCH,
        title="专题调研",
        start_date=today(),
        end_date=today(),
        organiser="城建环保委",
        recorder=unit_officer,
    )
    assert activity.created_by == staff and activity.recorder == unit_officer


@pytest.mark.django_db
def test_only_staff_create_activities(unit_officer, deputy, city):
    for actor in (unit_officer, deputy):
        with pytest.raises(NotAllowed):
            services.activity_create(
                actor=actor,
                congress=city,
                kind=Activity.Kind.RESEARCH,
                title="调研",
                start_date=today(),
                end_date=today(),
                organiser="某局",
                recorder=actor,
            )


@pytest.mark.django_db
def test_district_staff_cannot_create_a_city_activity(district_staff, city):
    with pytest.raises(NotAllowed):
        services.activity_create(
            actor=district_staff,
            congress=city,
            kind=Activity.Kind.RESEARCH,
            title="调研",
            start_date=today(),
            end_date=today(),
            organiser="区人大",
            recorder=district_staff,
        )


@pytest.mark.django_db
def test_invite_skips_deputies_not_serving_and_tells_each_invitee_once(
    staff, city, term, deputy, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(congress=city, recorder=staff, start_date=today() + datetime.timedelta(days=3))
    others = serving_deputies(3, city=city, term=term)
    suspended = factories.DeputyFactory(congress=city, term=term, status="suspended")
    with django_capture_on_commit_callbacks(execute=True):
        n = services.activity_invite(actor=staff, activity=activity, deputies=[deputy.mandate, *others, suspended])
        again = services.activity_invite(actor=staff, activity=activity, deputies=[deputy.mandate, *others])
    assert (n, again) == (4, 0)
    assert set(activity.participations.values_list("deputy_id", flat=True)) == {
        deputy.mandate.pk,
        *(d.pk for d in others),
    }
    assert Notification.objects.filter(user=deputy, key=f"activity:{activity.pk}:invited").count() == 1


@pytest.mark.django_db
def test_a_unit_officer_invites_only_to_the_activity_they_record(unit_officer, staff, city, term):
    mine = ActivityFactory(congress=city, recorder=unit_officer, created_by=staff)
    other = ActivityFactory(congress=city, recorder=staff)
    deputies = serving_deputies(2, city=city, term=term)
    assert services.activity_invite(actor=unit_officer, activity=mine, deputies=deputies) == 2
    with pytest.raises(NotAllowed):
        services.activity_invite(actor=unit_officer, activity=other, deputies=deputies)
    assert not other.participations.exists()


# --- answering an invitation ------------------------------------------------------------------


@pytest.fixture
def invitation(staff, city, deputy):
    activity = ActivityFactory(congress=city, recorder=staff, start_date=today() + datetime.timedelta(days=2))
    services.activity_invite(actor=staff, activity=activity, deputies=[deputy.mandate])
    return activity.participations.get()


@pytest.mark.django_db
def test_declining_needs_a_reason(deputy, invitation):
    with pytest.raises(ValidationError) as exc:
        services.participation_respond(actor=deputy, participation=invitation, accept=False, reason="   ")
    assert "reason" in exc.value.message_dict
    invitation.refresh_from_db()
    assert invitation.status == P.INVITED
    services.participation_respond(actor=deputy, participation=invitation, accept=False, reason="出国访问")
    assert (invitation.status, invitation.reason) == (P.DECLINED, "出国访问")


@pytest.mark.django_db
def test_only_the_invited_deputy_answers(staff, invitation, city, term):
    other = factories.UserFactory()
    for actor in (staff, other):
        with pytest.raises(NotAllowed):
            services.participation_respond(actor=actor, participation=invitation, accept=True)


@pytest.mark.django_db
def test_an_invitation_to_a_past_activity_cannot_be_answered(deputy, invitation):
    Activity.objects.filter(pk=invitation.activity_id).update(
        start_date=today() - datetime.timedelta(days=3), end_date=today() - datetime.timedelta(days=2)
    )
    invitation.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.participation_respond(actor=deputy, participation=invitation, accept=True)


# --- recording attendance: the status rules ---------------------------------------------------


@pytest.mark.django_db
def test_a_deputy_not_serving_on_the_day_cannot_be_recorded_as_present(staff, city, term):
    """GIVEN an invited deputy whose mandate was terminated (effective) before the activity's date
    WHEN the organiser records them as present THEN the whole record is refused and nothing is written."""
    activity = ActivityFactory(congress=city, recorder=staff)
    gone, stays = serving_deputies(2, city=city, term=term)
    services.activity_invite(actor=staff, activity=activity, deputies=[gone, stays])
    roster.deputy_terminate(
        actor=staff,
        deputy=gone,
        reason=StatusChange.Reason.RESIGNED,
        effective_date=activity.start_date - datetime.timedelta(days=5),
    )
    rows = {p.deputy_id: p.pk for p in activity.participations.all()}
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(
            actor=staff, activity=activity, marks={rows[gone.pk]: (P.ATTENDED, ""), rows[stays.pk]: (P.ATTENDED, "")}
        )
    assert gone.name in exc.value.messages[0] and str(activity.start_date) in exc.value.messages[0]
    assert set(activity.participations.values_list("status", flat=True)) == {P.INVITED}
    activity.refresh_from_db()
    assert activity.attendance_closed_at is None
    # Absent (or excused) is the truth for them, and that is accepted.
    services.attendance_record(
        actor=staff, activity=activity, marks={rows[gone.pk]: (P.ABSENT, ""), rows[stays.pk]: (P.ATTENDED, "")}
    )
    assert activity.participations.get(deputy=stays).status == P.ATTENDED


@pytest.mark.django_db
def test_a_deputy_terminated_after_the_activity_was_present_that_day(staff, city, term):
    activity = ActivityFactory(congress=city, recorder=staff, start_date=today() - datetime.timedelta(days=10))
    (d,) = serving_deputies(1, city=city, term=term)
    services.activity_invite(actor=staff, activity=activity, deputies=[d])
    roster.deputy_terminate(
        actor=staff, deputy=d, reason=StatusChange.Reason.MOVED, effective_date=today() - datetime.timedelta(days=2)
    )
    p = activity.participations.get()
    services.attendance_record(actor=staff, activity=activity, marks={p.pk: (P.ATTENDED, "")})
    p.refresh_from_db()
    assert p.status == P.ATTENDED


@pytest.mark.django_db
def test_an_excused_absence_needs_a_reason_unless_the_deputy_gave_one(staff, city, term, deputy):
    activity = ActivityFactory(congress=city, recorder=staff, start_date=today(), end_date=today())
    (other,) = serving_deputies(1, city=city, term=term)
    services.activity_invite(actor=staff, activity=activity, deputies=[deputy.mandate, other])
    mine = activity.participations.get(deputy=deputy.mandate)
    services.participation_respond(actor=deputy, participation=mine, accept=False, reason="住院")
    theirs = activity.participations.get(deputy=other)
    with pytest.raises(ValidationError):
        services.attendance_record(
            actor=staff, activity=activity, marks={mine.pk: (P.EXCUSED, ""), theirs.pk: (P.EXCUSED, "")}
        )
    services.attendance_record(
        actor=staff, activity=activity, marks={mine.pk: (P.EXCUSED, ""), theirs.pk: (P.EXCUSED, "会议冲突")}
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.reason, theirs.reason) == (P.EXCUSED, "住院", "会议冲突")


@pytest.mark.django_db
def test_attendance_cannot_be_recorded_before_the_activity(staff, city, term):
    activity = ActivityFactory(congress=city, recorder=staff, start_date=today() + datetime.timedelta(days=1))
    services.activity_invite(actor=staff, activity=activity, deputies=serving_deputies(1, city=city, term=term))
    p = activity.participations.get()
    with pytest.raises(ValidationError):
        services.attendance_record(actor=staff, activity=activity, marks={p.pk: (P.ATTENDED, "")})


@pytest.mark.django_db
def test_an_organiser_records_only_their_own_activities(unit_officer, staff, district_staff, city, term):
    mine = ActivityFactory(congress=city, recorder=unit_officer, created_by=staff)
    theirs = ActivityFactory(congress=city, recorder=staff)
    for a in (mine, theirs):
        services.activity_invite(actor=staff, activity=a, deputies=serving_deputies(1, city=city, term=term))
    services.attendance_record(
        actor=unit_officer, activity=mine, marks={mine.participations.get().pk: (P.ATTENDED, "")}
    )
    for actor in (unit_officer, district_staff):
        with pytest.raises(NotAllowed):
            services.attendance_record(
                actor=actor, activity=theirs, marks={theirs.participations.get().pk: (P.ATTENDED, "")}
            )
    assert theirs.participations.get().status == P.INVITED


# --- the archive counts ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_excused_absence_is_not_counted_as_an_absence(staff, city, term):
    (d,) = serving_deputies(1, city=city, term=term)
    for status in (P.ATTENDED, P.ABSENT, P.EXCUSED, P.EXCUSED):
        ParticipationFactory(activity=ActivityFactory(congress=city, recorder=staff), deputy=d, status=status)
    totals = selectors.archive_summary(deputy=d, year=today().year)["totals"]
    assert (totals["attended_year"], totals["absent_year"], totals["excused_year"]) == (1, 1, 2)
    row = selectors.archive_list_for_staff(actor=staff, year=today().year).get(pk=d.pk)
    assert (row.attended_year, row.absent_year) == (1, 1)


@pytest.mark.django_db
def test_the_counts_equal_a_recount_of_the_participations(staff, city, term):
    """GIVEN 5 deputies with 60 participations of random kinds, years and states
    THEN every count in the summary and in the staff list equals a count over the raw rows."""
    rng = random.Random(4)
    deputies = serving_deputies(5, city=city, term=term)
    year = today().year
    for _ in range(60):
        day = datetime.date(rng.choice([year - 1, year]), rng.randint(1, 12), rng.randint(1, 28))
        day = min(day, today())
        activity = ActivityFactory(congress=city, recorder=staff, start_date=day, kind=rng.choice(Activity.Kind.values))
        ParticipationFactory(activity=activity, deputy=rng.choice(deputies), status=rng.choice(P.values))
    listed = {d.pk: d for d in selectors.archive_list_for_staff(actor=staff, year=year)}
    for d in deputies:
        raw = list(Participation.objects.filter(deputy=d))
        summary = selectors.archive_summary(deputy=d, year=year)
        for kind in summary["kinds"]:
            rows = [p for p in raw if p.activity_kind == kind["kind"]]
            this_year = [p for p in rows if p.activity_date.year == year]
            assert kind["attended_year"] == sum(p.status == P.ATTENDED for p in this_year)
            assert kind["invited_year"] == len(this_year)
            assert kind["absent_year"] == sum(p.status == P.ABSENT for p in this_year)
            assert kind["excused_year"] == sum(p.status in (P.EXCUSED, P.DECLINED) for p in this_year)
            assert kind["attended_term"] == sum(p.status == P.ATTENDED for p in rows)
        this_year = [p for p in raw if p.activity_date.year == year]
        assert listed[d.pk].attended_year == sum(p.status == P.ATTENDED for p in this_year)
        assert listed[d.pk].attended_term == sum(p.status == P.ATTENDED for p in raw)
        assert listed[d.pk].absent_year == sum(p.status == P.ABSENT for p in this_year)
        assert summary["totals"]["attended_term"] == listed[d.pk].attended_term


# --- letters: only the deputy rates the reply --------------------------------------------------


@pytest.mark.django_db
def test_only_the_deputy_gives_feedback_on_a_reply(staff, deputy, unit_officer):
    letter = DeputyLetter.objects.create(
        deputy=deputy.mandate,
        subject="小区停车难",
        content="……",
        received_on=today(),
        body=unit_officer.unit,
        status=DeputyLetter.Status.REPLIED,
        reply="已协调",
        replied_on=today(),
    )
    for actor in (staff, unit_officer):
        with pytest.raises(NotAllowed):
            services.letter_feedback(actor=actor, letter=letter, feedback="satisfied")
    services.letter_feedback(actor=deputy, letter=letter, feedback="basically_satisfied", note="仍需跟进")
    assert (letter.status, letter.feedback) == (DeputyLetter.Status.CLOSED, "basically_satisfied")
    with pytest.raises(InvalidTransition):
        services.letter_feedback(actor=deputy, letter=letter, feedback="satisfied")
