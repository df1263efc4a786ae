"""The office's committee and professional-group pages: each committee with its liaison
deputies, the activities it organised (with the ledger's counts), its topics and consultations;
each professional group with its members and activities. Staff of the congress only."""

import pytest
from django.urls import reverse

from activities.models import Participation
from deputies.models import DeputyGroup
from liaison.models import Committee

from .. import factories
from .factories import grassroots

pytestmark = pytest.mark.django_db


@pytest.fixture
def professional(city, term):
    return factories.DeputyGroupFactory(
        congress=city, term=term, kind=DeputyGroup.Kind.PROFESSIONAL, name="财经专业代表小组"
    )


def _fill(city, term, staff, committee, group, n: int):
    deputies = grassroots(city, term, n)
    committee.liaison_deputies.set(deputies)
    group.members.set(deputies)
    for i in range(n):
        activity = factories.ActivityFactory(congress=city, recorder=staff, title=f"专题调研第{i}次", group=group)
        committee.activities.add(activity)
        Participation.objects.create(
            activity=activity,
            deputy=deputies[i],
            status=Participation.Status.ATTENDED,
            activity_date=activity.start_date,
            activity_kind=activity.kind,
        )
    return deputies


def test_the_list_shows_committees_and_professional_groups(client, staff, city, term, committee, professional):
    _fill(city, term, staff, committee, professional, 3)
    factories.DeputyGroupFactory(congress=city, term=term, name="玄武区代表小组")  # not professional
    client.force_login(staff)
    response = client.get(reverse("liaison_office:committees"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "法制委员会" in html and "财经专业代表小组" in html and "玄武区代表小组" not in html
    row = response.context["committees"][0]
    assert (row.liaison_count, row.activity_count, row.topic_count, row.consultation_count) == (3, 3, 0, 0)
    assert response.context["groups"][0].member_count == 3 and response.context["groups"][0].activity_count == 3


def test_a_committee_page_lists_its_deputies_and_activities_with_the_ledgers_counts(
    client, staff, city, term, committee, professional
):
    deputies = _fill(city, term, staff, committee, professional, 2)
    client.force_login(staff)
    response = client.get(reverse("liaison_office:committee", args=[committee.pk]))
    html = response.content.decode()
    assert all(d.name in html for d in deputies) and "专题调研第1次" in html
    assert [(a.invited, a.attended) for a in response.context["committee"].organised] == [(1, 1), (1, 1)]
    group = client.get(reverse("liaison_office:group", args=[professional.pk])).content.decode()
    assert all(d.name in group for d in deputies) and "专题调研第0次" in group


def test_staff_of_another_congress_find_nothing(client, district_staff, committee, professional):
    client.force_login(district_staff)
    page = client.get(reverse("liaison_office:committees"))
    assert page.status_code == 200 and "法制委员会" not in page.content.decode()
    assert client.get(reverse("liaison_office:committee", args=[committee.pk])).status_code == 404
    assert client.get(reverse("liaison_office:group", args=[professional.pk])).status_code == 404


@pytest.mark.parametrize("who, status", [("deputy", 403), ("outsider", 403)])
def test_only_staff_see_the_pages(client, committee, professional, who, status, request):
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("liaison_office:committees"),
        reverse("liaison_office:committee", args=[committee.pk]),
        reverse("liaison_office:group", args=[professional.pk]),
    ):
        assert client.get(url).status_code == status, url


def test_anonymous_visitors_are_sent_to_log_in(client, committee):
    response = client.get(reverse("liaison_office:committee", args=[committee.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_admin_refuses_activities_of_another_congress(client, staff, city, district, committee):
    other = factories.ActivityFactory(congress=district, title="区里的视察")
    client.force_login(staff)
    response = client.post(
        reverse("admin:liaison_committee_change", args=[committee.pk]),
        {"congress": city.pk, "kind": "special", "name": committee.name, "activities": [other.pk]},
    )
    assert response.status_code == 200
    assert not committee.activities.exists()


# Measured, the same with 5 and 40 of each: seven for the request (session, user, MFA, roles,
# congress scope, unread count), then the committees and the groups (list); the committee and
# each of its four lists (detail).
LIST_QUERIES = 9
DETAIL_QUERIES = 12


@pytest.mark.parametrize("n", [5, 40])
def test_the_pages_queries_do_not_grow(
    client, staff, city, term, committee, professional, n, django_assert_num_queries
):
    _fill(city, term, staff, committee, professional, n)
    Committee.objects.create(congress=city, name="财政经济委员会")
    client.force_login(staff)
    client.get(reverse("liaison_office:committees"))
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse("liaison_office:committees")).status_code == 200
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("liaison_office:committee", args=[committee.pk]))
    assert len(response.context["committee"].organised) == n
