"""Courses and briefings: the audience and who is enrolled (open and assigned, later joiners),
sessions in the activity ledger (so the archive counts attendance), feedback."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from activities.models import Participation
from activities.services import attendance_record
from core.exceptions import InvalidTransition, NotAllowed
from notifications.models import Notification
from tests import factories
from tests.builders import make_deputy_user
from training import services_courses as svc
from training.archive_sections import study_section
from training.models import Course, Enrolment, Feedback
from training.scans import assigned_audience
from training.selectors import office as office_selectors
from training.selectors import portal as portal_selectors

from .builders import course

pytestmark = pytest.mark.django_db


def fresh(user):
    mandate = getattr(user, "mandate", None)
    user = type(user).objects.get(pk=user.pk)
    user.mandate = mandate
    return user


def test_open_enrolment_invites_to_the_sessions_and_confirms(staff, deputy, city):
    c = course(staff, city, sessions=2)
    e = svc.course_enrol(actor=deputy, course=c)
    assert e.via == Enrolment.Via.SELF
    session_activities = [s.activity for s in c.sessions.all()]
    assert all(a.kind == "training" for a in session_activities)
    assert Participation.objects.filter(deputy=deputy.mandate, activity__in=session_activities).count() == 2
    assert Notification.objects.filter(user=deputy, key=f"training:enrolled:{c.pk}:{deputy.mandate.pk}").exists()
    with pytest.raises(InvalidTransition):
        svc.course_enrol(actor=deputy, course=c)
    assert Enrolment.objects.count() == 1


def test_a_session_added_later_invites_the_enrolled(staff, deputy, city):
    c = course(staff, city)
    svc.course_enrol(actor=deputy, course=c)
    later = svc.session_add(
        actor=staff,
        course=c,
        title="第二讲",
        date=timezone.localdate() + datetime.timedelta(days=20),
        start_time=datetime.time(14),
        end_time=datetime.time(16),
    )
    assert Participation.objects.filter(activity=later.activity, deputy=deputy.mandate).exists()


def test_enrolment_refused_outside_the_audience_unpublished_full_or_assigned(staff, deputy, city, term, electoral_unit):
    elsewhere = factories.ElectoralUnitFactory(congress=city, name="鼓楼区")
    c = course(staff, city, audience_kind="electoral_unit", unit=elsewhere)
    with pytest.raises(NotAllowed):
        svc.course_enrol(actor=deputy, course=c)
    draft = course(staff, city, title="未发布", publish=False)
    with pytest.raises(NotAllowed):
        svc.course_enrol(actor=deputy, course=draft)
    full = course(staff, city, title="名额已满", capacity=1)
    other = make_deputy_user(city, term, "王代表", electoral_unit)
    svc.course_enrol(actor=other, course=full)
    with pytest.raises(InvalidTransition):
        svc.course_enrol(actor=deputy, course=full)
    assigned = course(staff, city, title="指定参训", enrolment="assigned")
    with pytest.raises(InvalidTransition):
        svc.course_enrol(actor=deputy, course=assigned)
    assert Enrolment.objects.filter(deputy=deputy.mandate).count() == 1  # the assigned course only


def test_enrolment_closes_when_no_session_is_to_come(staff, deputy, city):
    c = course(staff, city, start=timezone.localdate() - datetime.timedelta(days=10))
    with pytest.raises(InvalidTransition):
        svc.course_enrol(actor=deputy, course=c)
    assert not Enrolment.objects.exists()


def test_assigned_course_enrols_the_audience_and_later_joiners_by_the_scan(staff, deputy, city, term):
    group = factories.DeputyGroupFactory(congress=city, term=term, name="新任代表班")
    group.members.add(deputy.mandate)
    c = course(staff, city, enrolment="assigned", audience_kind="group", group=group)
    assert list(Enrolment.objects.filter(course=c).values_list("deputy_id", flat=True)) == [deputy.mandate.pk]
    late = make_deputy_user(city, term, "补选代表", factories.ElectoralUnitFactory(congress=city))
    group.members.add(late.mandate)
    assert assigned_audience(timezone.now()) == 1
    assert assigned_audience(timezone.now()) == 0
    assert Enrolment.objects.get(course=c, deputy=late.mandate).via == Enrolment.Via.ASSIGNED
    assert Participation.objects.filter(deputy=late.mandate, activity=c.sessions.get().activity).exists()


def test_newly_by_elected_audience(staff, city, term):
    from deputies.models import ByElection, ByElectionResult, Vacancy

    unit = factories.ElectoralUnitFactory(congress=city, name="江宁区")
    newcomer = make_deputy_user(city, term, "新代表", unit)
    leaver = factories.DeputyFactory(
        congress=city, term=term, electoral_unit=unit, name="离任代表", status="terminated"
    )
    vacancy = Vacancy.objects.create(
        electoral_unit=unit, term=term, vacated_by=leaver, opened_on=datetime.date(2025, 1, 2)
    )
    by_election = ByElection.objects.create(
        electoral_unit=unit, term=term, held_on=datetime.date(2025, 3, 1), held_by="江宁区人大常委会"
    )
    ByElectionResult.objects.create(by_election=by_election, deputy=newcomer.mandate, vacancy=vacancy)
    veteran = make_deputy_user(city, term, "老代表", unit)
    c = course(staff, city, audience_kind="by_elected", since=datetime.date(2025, 1, 1), kind="targeted")
    assert [x.pk for x in portal_selectors.courses_for_deputy(user=newcomer)] == [c.pk]
    assert list(portal_selectors.courses_for_deputy(user=veteran)) == []
    old = course(staff, city, title="去年补选", audience_kind="by_elected", since=datetime.date(2025, 6, 1))
    assert old.pk not in [x.pk for x in portal_selectors.courses_for_deputy(user=fresh(newcomer))]


def test_custom_list_audience(staff, deputy, city, term, electoral_unit):
    other = make_deputy_user(city, term, "王代表", electoral_unit)
    c = course(staff, city, audience_kind="custom", deputies=[other.mandate])
    assert list(portal_selectors.courses_for_deputy(user=deputy)) == []
    assert [x.pk for x in portal_selectors.courses_for_deputy(user=other)] == [c.pk]


def test_attendance_in_the_ledger_counts_in_the_archive(staff, deputy, city):
    c = course(staff, city, start=timezone.localdate())
    svc.course_enrol(actor=deputy, course=c)
    session = c.sessions.get()
    p = Participation.objects.get(activity=session.activity, deputy=deputy.mandate)
    attendance_record(actor=staff, activity=session.activity, marks={p.pk: ("attended", "")})
    with translation.override("en"):
        section = study_section(deputy.mandate, timezone.localdate().year)
    figures = dict(section.figures)
    assert figures[f"Trainings attended in {timezone.localdate().year}"] == 1


def test_feedback_once_by_the_enrolled_after_the_session(staff, deputy, city, term, electoral_unit):
    c = course(staff, city, start=timezone.localdate())
    future = course(staff, city, title="下月课程")
    session = c.sessions.get()
    other = make_deputy_user(city, term, "王代表", electoral_unit)
    with pytest.raises(NotAllowed):
        svc.feedback_give(actor=other, session=session, score=5, usefulness="very")
    svc.course_enrol(actor=deputy, course=c)
    svc.course_enrol(actor=deputy, course=future)
    with pytest.raises(InvalidTransition):
        svc.feedback_give(actor=deputy, session=future.sessions.get(), score=5, usefulness="very")
    with pytest.raises(ValidationError) as exc:
        svc.feedback_give(actor=deputy, session=session, score=9, usefulness="nope")
    assert set(exc.value.message_dict) == {"score", "usefulness"}
    svc.feedback_give(actor=deputy, session=session, score=4, usefulness="very", comment="案例丰富")
    with pytest.raises(InvalidTransition):
        svc.feedback_give(actor=deputy, session=session, score=5, usefulness="very")
    assert Feedback.objects.count() == 1
    parts = office_selectors.course_office_parts(c)
    assert parts["sessions"][0].stats["n"] == 1 and parts["sessions"][0].stats["avg"] == 4


def test_briefing_sessions_are_briefings_in_the_ledger_with_topics(staff, city):
    b = course(staff, city, title="市十七届人大三次会议前政情通报会", kind="briefing")
    assert b.sessions.get().activity.kind == "briefing"
    t = svc.topic_add(actor=staff, course=b, title="全市经济运行情况", presenter="市发展改革委")
    assert t.order == 1
    lecture = course(staff, city, title="普通讲座")
    with pytest.raises(ValidationError):
        svc.topic_add(actor=staff, course=lecture, title="议题", presenter="某委")


def test_district_staff_manage_only_their_own_courses(staff, district_staff, city, district):
    city_course = course(staff, city, title="市级讲座")
    own = course(district_staff, district, title="玄武区代表培训")
    assert list(office_selectors.courses_for_office(actor=district_staff)) == [own]
    for call in (
        lambda: svc.course_publish(actor=district_staff, course=city_course),
        lambda: svc.topic_add(actor=district_staff, course=city_course, title="x", presenter="y"),
        lambda: svc.session_add(
            actor=district_staff,
            course=city_course,
            title="x",
            date=timezone.localdate(),
            start_time=datetime.time(9),
            end_time=datetime.time(10),
        ),
    ):
        with pytest.raises(NotAllowed):
            call()
    assert city_course.sessions.count() == 1
    with pytest.raises(NotAllowed):
        svc.course_create(actor=district_staff, congress=city, title="越权", kind="lecture", organiser="x")
    assert Course.objects.count() == 2


def test_bad_course_and_session_input(staff, city):
    with pytest.raises(ValidationError) as exc:
        svc.course_create(actor=staff, congress=city, title="", kind="nope", organiser="", capacity=0)
    assert {"kind", "organiser", "capacity"} <= set(exc.value.message_dict)
    c = course(staff, city, sessions=0, publish=False)
    with pytest.raises(ValidationError) as exc:
        svc.session_add(
            actor=staff,
            course=c,
            title="x",
            date=timezone.localdate(),
            start_time=datetime.time(10),
            end_time=datetime.time(9),
        )
    assert "end_time" in exc.value.message_dict
    assert not c.sessions.exists()
