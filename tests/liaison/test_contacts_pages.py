"""The SC member's contact page and the office's routing page: who sees what, bad input shown
in Chinese with nothing written, query counts that do not grow with the rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison import services_contacts as services
from liaison.models import ContactAssignment, ContactRecord, OpinionRouting

from .factories import grassroots

pytestmark = pytest.mark.django_db
URL = "/portal/liaison/contacts/"


def today():
    return timezone.localdate()


@pytest.fixture
def mine(staff, leader, deputy, other_deputy):
    """GIVEN the leader keeps in touch with two deputies, the other member with one of them."""
    a = services.assignment_create(actor=staff, member=leader.seat, deputy=deputy.mandate)
    b = services.assignment_create(actor=staff, member=leader.seat, deputy=other_deputy.mandate)
    return a, b


def test_the_member_sees_their_deputies_and_only_their_records(client, mine, leader, sc_plain, staff, deputy):
    a, b = mine
    other = services.assignment_create(actor=staff, member=sc_plain.seat, deputy=deputy.mandate)
    services.contact_record(actor=leader, assignment=a, kind="visit", date=today(), opinions="我的记录")
    services.contact_record(actor=sc_plain, assignment=other, kind="phone", date=today(), opinions="别人的记录")
    client.force_login(leader)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "我的记录" in html and "别人的记录" not in html
    assert {x.pk for x in response.context["assignments"]} == {a.pk, b.pk}


def test_deputies_not_contacted_for_n_months_are_listed(client, settings, mine, leader):
    settings.LIAISON_CONTACT_MONTHS = 3
    a, b = mine
    ContactRecord.objects.create(
        member=leader.seat,
        deputy=a.deputy,
        kind="visit",
        date=today() - datetime.timedelta(days=10),
        recorded_by=leader,
    )
    ContactRecord.objects.create(
        member=leader.seat,
        deputy=b.deputy,
        kind="visit",
        date=today() - datetime.timedelta(days=100),
        recorded_by=leader,
    )
    client.force_login(leader)
    response = client.get(URL)
    assert [x.pk for x in response.context["stale"]] == [b.pk]
    assert "超过 3 个月未联系" in response.content.decode()


def test_recording_a_contact_in_the_portal(client, mine, leader):
    a, _b = mine
    client.force_login(leader)
    data = {"assignment": a.pk, "kind": "talk", "date": today().isoformat(), "opinions": "希望增设公交线路。"}
    response = client.post(reverse("liaison_portal:contact_record"), data)
    assert response.status_code == 302
    record = ContactRecord.objects.get()
    assert record.deputy == a.deputy and record.opinions == "希望增设公交线路。"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"date": "2099-01-01"}, "联系日期不能晚于今天"),
        ({"assignment": "999999"}, "请选择您联系的代表"),
        ({"kind": "fax"}, "选择一个有效的选项"),
        ({"opinions": "长" * 4001}, "最多 4000 个字"),
    ],
)
def test_bad_contacts_come_back_in_chinese_and_nothing_is_written(client, mine, leader, change, message):
    a, _b = mine
    client.force_login(leader)
    data = {"assignment": a.pk, "kind": "visit", "date": today().isoformat(), "opinions": "", **change}
    response = client.post(reverse("liaison_portal:contact_record"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ContactRecord.objects.count() == 0


def test_someone_without_a_seat_gets_404(client, deputy):
    client.force_login(deputy)
    assert client.get(URL).status_code == 404
    assert client.post(reverse("liaison_portal:contact_record"), {}).status_code == 404


@pytest.mark.parametrize("n", [5, 50])
def test_the_member_page_queries_do_not_grow(client, city, term, leader, n, django_assert_num_queries):
    deputies = grassroots(city, term, n)
    ContactAssignment.objects.bulk_create(ContactAssignment(member=leader.seat, deputy=d) for d in deputies)
    ContactRecord.objects.bulk_create(
        ContactRecord(member=leader.seat, deputy=d, kind="visit", date=today(), opinions="意见", recorded_by=leader)
        for d in deputies
    )
    client.force_login(leader)
    client.get(URL)
    with django_assert_num_queries(MEMBER_PAGE_QUERIES):
        response = client.get(URL)
    assert len(response.context["assignments"]) == n


# Measured, the same with 5 and 50 deputies: the request's session, user and header, the seats,
# the assignments with their last contact, the records' count and page.
MEMBER_PAGE_QUERIES = 8


# --- The office: records and routing ----------------------------------------------------------


@pytest.fixture
def record(mine, leader):
    return services.contact_record(
        actor=leader, assignment=mine[0], kind="visit", date=today(), opinions="建议完善社区停车管理。"
    )


def test_staff_route_an_opinion_from_the_office_page(client, staff, record, committee):
    client.force_login(staff)
    assert client.get(reverse("liaison_office:contacts")).status_code == 200
    page = client.get(reverse("liaison_office:contact", args=[record.pk]))
    assert "建议完善社区停车管理。" in page.content.decode()
    response = client.post(
        reverse("liaison_office:contact_route", args=[record.pk]),
        {"target": "committee", "committee": committee.pk, "text": record.opinions},
    )
    assert response.status_code == 302
    assert OpinionRouting.objects.get().committee == committee


def test_a_bad_routing_comes_back_in_chinese(client, staff, record):
    client.force_login(staff)
    response = client.post(
        reverse("liaison_office:contact_route", args=[record.pk]), {"target": "letter", "text": "意见"}
    )
    assert response.status_code == 200 and "请选择信件转交的单位" in response.content.decode()
    assert OpinionRouting.objects.count() == 0


def test_district_staff_do_not_see_the_citys_records(client, district_staff, record):
    client.force_login(district_staff)
    assert client.get(reverse("liaison_office:contact", args=[record.pk])).status_code == 404
    assert record.pk not in [r.pk for r in client.get(reverse("liaison_office:contacts")).context["page"].object_list]


def test_a_deputy_may_not_open_the_office_pages(client, deputy, record):
    client.force_login(deputy)
    assert client.get(reverse("liaison_office:contacts")).status_code == 403
    assert client.get(reverse("liaison_office:contact", args=[record.pk])).status_code == 403


def test_the_header_links_follow_the_roles(client, leader, deputy, staff):
    from django.test import RequestFactory

    from core.registry import navigation

    def labels(user):
        request = RequestFactory().get("/")
        request.user = user
        return [str(i.label) for i in navigation._entries["liaison"].func(request)]

    assert "我联系的代表" in labels(leader)
    assert "我联系的代表" not in labels(deputy) and "我联系的代表" not in labels(staff)
    client.force_login(deputy)
    html = client.get(reverse("liaison_portal:duties")).content.decode()
    assert reverse("liaison_portal:topics") in html and reverse("liaison_portal:consultations") in html


def test_every_new_page_answers(client, staff, leader, mine, record, sc_meeting, committee):
    from liaison import services_contacts as s

    topic = s.topic_add(actor=staff, meeting=sc_meeting, title="议题一", committee=committee)
    client.force_login(staff)
    for name, args in [
        ("liaison_office:coverage", []),
        ("liaison_office:contacts", []),
        ("liaison_office:contact", [record.pk]),
        ("liaison_office:meetings", []),
        ("liaison_office:meeting", [topic.meeting_id]),
        ("liaison_office:consultations", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    client.force_login(leader)
    for name in ("liaison_portal:contacts", "liaison_portal:topics", "liaison_portal:consultations"):
        assert client.get(reverse(name)).status_code == 200, name
