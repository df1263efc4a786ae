"""Fixtures of the reports' tests: a city with a year of records of every kind the reports
count (and some that must not count: last year's, cancelled, unpublished, a district's)."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from deputies.models import Deputy
from liaison.models import ContactRecord, Duty
from livelihood.models import Inspection, Observation, SupervisionGroup
from proposals.models import Assignment, Rating

from .. import builders, factories
from ..liaison.factories import StationFactory, grassroots, opinion, sc_member
from ..livelihood.builders import elected, voted
from ..publicity.builders import story
from ..training.builders import course


def this_year() -> int:
    return timezone.localdate().year


def in_year(month: int = 1, day: int = 15, year: int | None = None) -> datetime.date:
    """A day of this year that has passed (or today, early in January)."""
    wanted = datetime.date(year or this_year(), month, day)
    return min(wanted, timezone.localdate())


@pytest.fixture
def district_client(client, district_staff):
    client.force_login(district_staff)
    return client


@pytest.fixture
def world(city, term, staff, district):
    """GIVEN two electoral units of the city with grassroots deputies, an SC leader's visits,
    an SC meeting, an inspection, station duties and opinions, a voted livelihood cycle with
    supervision, a training course with attendance, stories, and suggestions handled by two
    units; plus records of last year and of the district that must not be counted."""
    year = this_year()
    last = year - 1
    xuanwu = factories.ElectoralUnitFactory(congress=city, name="玄武区", order=1)
    qinhuai = factories.ElectoralUnitFactory(congress=city, name="秦淮区", order=2)
    xw = grassroots(city, term, 4, electoral_unit=xuanwu, prefix="玄武代表")
    qh = grassroots(city, term, 3, electoral_unit=qinhuai, prefix="秦淮代表")
    other = factories.DeputyFactory(congress=city, term=term, electoral_unit=xuanwu, name="非基层代表")
    Deputy.objects.filter(pk=qh[2].pk).update(status=Deputy.Status.TERMINATED)
    leader = sc_member(city, term, "赵主任", position="deputy_director", electoral_unit=xuanwu)

    # The leader's visits: two this year, one last year (the term's coverage counts it too).
    for deputy, day in [(xw[0], in_year(2, 1)), (xw[1], in_year(3, 1)), (qh[0], datetime.date(last, 5, 1))]:
        ContactRecord.objects.create(member=leader.seat, deputy=deputy, kind="visit", date=day, recorded_by=staff)

    # An SC meeting this year: two attended, one excused; one last year.
    meeting = factories.ActivityFactory(congress=city, kind="sc_meeting", recorder=staff, start_date=in_year(2, 20))
    old_meeting = factories.ActivityFactory(
        congress=city, kind="sc_meeting", recorder=staff, start_date=datetime.date(last, 6, 1)
    )
    factories.ParticipationFactory(activity=meeting, deputy=xw[0], status="attended")
    factories.ParticipationFactory(activity=meeting, deputy=qh[0], status="attended")
    factories.ParticipationFactory(activity=meeting, deputy=xw[1], status="excused")
    factories.ParticipationFactory(activity=old_meeting, deputy=xw[2], status="attended")
    inspection = factories.ActivityFactory(congress=city, kind="inspection", recorder=staff, start_date=in_year(3, 5))
    factories.ParticipationFactory(activity=inspection, deputy=xw[0], status="attended")
    factories.ParticipationFactory(activity=inspection, deputy=xw[1], status="absent")
    factories.ParticipationFactory(activity=inspection, deputy=other, status="declined")
    district_activity = factories.ActivityFactory(congress=district, kind="inspection", recorder=staff)
    factories.ParticipationFactory(activity=district_activity, deputy=other, status="attended")

    # Stations: two duties held, one cancelled; three opinions, one answered; one at the district.
    station = StationFactory(congress=city)
    station.deputies.add(xw[0], xw[1])
    for deputy, day, cancelled in [
        (xw[0], in_year(2, 3), False),
        (xw[1], in_year(2, 4), False),
        (xw[0], in_year(2, 5), True),
    ]:
        Duty.objects.create(
            station=station,
            deputy=deputy,
            date=day,
            start_time=datetime.time(9),
            end_time=datetime.time(11),
            cancelled_at=timezone.now() if cancelled else None,
        )
    opinions = [opinion(station)[0] for _ in range(3)]
    type(opinions[0]).objects.filter(pk=opinions[0].pk).update(answered_at=timezone.now())
    opinion(StationFactory(congress=district, name="区代表之家"))

    # Livelihood: this year's cycle, voted (projects 1 and 2 elected), with supervision.
    cycle = voted(staff, city, year=year)
    projects = elected(cycle)
    group = SupervisionGroup.objects.create(cycle=cycle, name="第一督查组", leader=xw[0])
    group.projects.add(*projects)
    group.deputies.add(xw[0], xw[1])
    Inspection.objects.create(group=group, project=projects[0], date=in_year(3, 1))
    Inspection.objects.create(group=group, project=projects[0], date=in_year(3, 2))
    for status in ("open", "answered"):
        Observation.objects.create(
            project=projects[0], deputy=xw[0], text="进度偏慢。", due_on=in_year(4, 1), status=status
        )

    # Training: two sessions this year, three attendances; a course of the district.
    lecture = course(staff, city, sessions=2, start=in_year(2, 1))
    sessions = list(lecture.sessions.order_by("date"))
    for session, deputy in [(sessions[0], xw[0]), (sessions[0], xw[1]), (sessions[1], qh[0])]:
        factories.ParticipationFactory(activity=session.activity, deputy=deputy, status="attended")
    factories.ParticipationFactory(activity=sessions[1].activity, deputy=xw[1], status="absent")

    # Stories: two published this year, one unpublished, one of last year.
    story(city, published_on=in_year(2, 1), deputies=[xw[0]])
    story(city, published_on=in_year(2, 2))
    story(city, published=False)
    story(city, published_on=datetime.date(last, 3, 1))

    # Suggestions of this year's session: handled and rated, replied with a commitment, awaiting.
    session = factories.SessionFactory(term=term, start_date=in_year(1, 10), end_date=in_year(1, 14))
    old_session = factories.SessionFactory(
        term=term, start_date=datetime.date(last, 1, 10), end_date=datetime.date(last, 1, 14)
    )
    author = builders.make_deputy_user(city, term, "提案代表", xuanwu)
    traffic = builders.make_officer(city, "示例市交通运输局")
    civil = builders.make_officer(city, "示例市卫生健康委员会")
    builders.handled(author, staff, [traffic], session=session, title="关于增设公交线路的建议")
    # Rated unsatisfied: the unit handles it again (重新办理).
    _item, _assignment, first = builders.replied(
        author, staff, civil, code="A", session=session, title="关于养老服务的建议"
    )
    builders.rate(author, first, Rating.Value.UNSATISFIED, comment="问题没有解决。")
    builders.replied(author, staff, civil, code="B", session=session, title="关于社区食堂的建议")
    builders.assigned(author, staff, [traffic], session=session, title="关于停车难的建议")
    builders.handled(author, staff, [traffic], session=old_session, title="去年的建议")
    return SimpleNamespace(
        year=year,
        xuanwu=xuanwu,
        qinhuai=qinhuai,
        xw=xw,
        qh=qh,
        other=other,
        author=author,
        leader=leader,
        units=[traffic.unit, civil.unit],
        cycle=cycle,
        session=session,
        assignments=Assignment.objects.filter(suggestion__session=session),
    )
