"""Who sees what: a deputy only the opinions assigned to them, staff only their congress's
opinions and stations (office pages and admin), the contact number masked for others."""

import pytest
from django.urls import reverse

from liaison import services
from liaison.models import Opinion

from .factories import opinion

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(station, staff, deputy):
    o, _ = opinion(station, text="给李代表的意见", contact="13900007777")
    services.opinion_assign(actor=staff, opinion=o, assignee=deputy)
    return o


def test_the_deputy_sees_only_opinions_assigned_to_them(client, station, staff, deputy, other_deputy, assigned):
    other, _ = opinion(station, text="别人的意见")
    services.opinion_assign(actor=staff, opinion=other, assignee=staff)
    client.force_login(deputy)
    html = client.get(reverse("liaison_portal:duties")).content.decode()
    assert "交办给我的意见" in html and reverse("liaison_portal:opinion", args=[assigned.pk]) in html
    assert reverse("liaison_portal:opinion", args=[other.pk]) not in html
    page = client.get(reverse("liaison_portal:opinion", args=[assigned.pk])).content.decode()
    assert "给李代表的意见" in page and "13900007777" in page  # the assignee sees the number
    assert client.get(reverse("liaison_portal:opinion", args=[other.pk])).status_code == 404
    client.force_login(other_deputy)
    assert client.get(reverse("liaison_portal:opinion", args=[assigned.pk])).status_code == 404


def test_the_assignee_answers_on_the_portal_and_others_cannot(client, deputy, other_deputy, assigned):
    client.force_login(other_deputy)
    url = reverse("liaison_portal:answer", args=[assigned.pk])
    assert client.post(url, {"answer": "越权"}).status_code == 404
    client.force_login(deputy)
    response = client.post(url, {"answer": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert client.post(url, {"answer": "已转交街道办理。"}).status_code == 302
    assigned.refresh_from_db()
    assert assigned.status == Opinion.Status.ANSWERED and assigned.answer == "已转交街道办理。"


def test_staff_of_the_congress_handle_it_on_the_office_pages(client, staff, deputy, station):
    o, _ = opinion(station, contact="13900006666")
    client.force_login(staff)
    page = client.get(reverse("liaison_office:opinion", args=[o.pk])).content.decode()
    assert "13900006666" in page and "交办" in page
    url = reverse("liaison_office:opinion_action", args=[o.pk, "assign"])
    response = client.post(url, {"assign-assignee": str(staff.pk + 9999), "assign-note": "请办理"})
    assert response.status_code == 200 and "有效的选项" in response.content.decode()
    assert Opinion.objects.get(pk=o.pk).status == Opinion.Status.RECEIVED
    assert client.post(url, {"assign-assignee": str(deputy.pk), "assign-note": "请办理"}).status_code == 302
    assert Opinion.objects.get(pk=o.pk).assignee == deputy
    close = reverse("liaison_office:opinion_action", args=[o.pk, "close"])
    response = client.post(close, {"close-note": ""})
    assert response.status_code == 200 and "现在不能" in response.content.decode()


def test_district_staff_never_see_the_citys_opinions_or_stations(client, district_staff, station, district_station):
    city_opinion, _ = opinion(station, text="市级站点的意见")
    own, _ = opinion(district_station, text="区级站点的意见")
    client.force_login(district_staff)
    html = client.get(reverse("liaison_office:opinions")).content.decode()
    assert "区级站点的意见" in html and "市级站点的意见" not in html
    assert client.get(reverse("liaison_office:opinion", args=[city_opinion.pk])).status_code == 404
    assert client.get(reverse("liaison_office:opinion", args=[own.pk])).status_code == 200
    post = client.post(reverse("liaison_office:opinion_action", args=[city_opinion.pk, "close_unanswered"]), {})
    assert post.status_code == 404
    stations = client.get(reverse("liaison_office:stations")).content.decode()
    assert district_station.name in stations and station.name not in stations
    for name in ("liaison_office:station", "liaison_office:qr", "liaison_office:qr_svg"):
        assert client.get(reverse(name, args=[station.pk])).status_code == 404
    # The admin too.
    admin = client.get(reverse("admin:liaison_station_changelist")).content.decode()
    assert district_station.name in admin and station.name not in admin
    assert client.get(reverse("admin:liaison_station_change", args=[station.pk])).status_code == 302
    opinions = client.get(reverse("admin:liaison_opinion_changelist"))
    assert opinions.status_code == 200 and list(opinions.context["cl"].result_list) == [own]


def test_city_staff_see_the_districts_below(client, staff, district_station):
    own, _ = opinion(district_station)
    client.force_login(staff)
    assert client.get(reverse("liaison_office:opinion", args=[own.pk])).status_code == 200


def test_the_admin_masks_the_contact(client, staff, station):
    o, _ = opinion(station, contact="13900005555")
    client.force_login(staff)
    html = client.get(reverse("admin:liaison_opinion_change", args=[o.pk])).content.decode()
    assert "13900005555" not in html and "139****5555" in html


def test_non_staff_get_403_on_office_pages(client, deputy, station):
    o, _ = opinion(station)
    client.force_login(deputy)
    assert client.get(reverse("liaison_office:opinions")).status_code == 403
    assert client.get(reverse("liaison_office:opinion", args=[o.pk])).status_code == 403
    assert client.get(reverse("liaison_office:qr", args=[station.pk])).status_code == 403


def test_the_summary_is_published_without_personal_data(client, staff, station):
    client.force_login(staff)
    url = reverse("liaison_office:summary", args=[station.pk])
    response = client.post(url, {"summary": "已回访张先生，电话13900001111。"})
    assert response.status_code == 200 and "请勿包含电话号码" in response.content.decode()
    station.refresh_from_db()
    assert station.summary == ""
    assert client.post(url, {"summary": "本月收到意见3条，均已答复。<script>x</script>"}).status_code == 302
    station.refresh_from_db()
    assert station.summary == "本月收到意见3条，均已答复。" and station.summary_published_at
    client.logout()
    assert "本月收到意见3条" in client.get(reverse("liaison:station", args=[station.pk])).content.decode()


def test_the_assignee_takes_an_opinion_up_as_a_suggestion_draft(client, deputy, assigned):
    client.force_login(deputy)
    page = client.get(reverse("liaison_portal:opinion", args=[assigned.pk])).content.decode()
    start = page.index(reverse("proposals_portal:new") + "?")
    link = page[start : page.index('"', start)].replace("&amp;", "&")
    draft = client.get(link).content.decode()
    assert "给李代表的意见" in draft  # the opinion's text fills the new draft
    assert "13900007777" not in draft and "13900007777" not in link  # never the citizen's contact
    from proposals.models import Suggestion

    assert not Suggestion.objects.exists()  # nothing saved until the deputy saves


def test_others_get_no_draft_link(client, other_deputy, assigned):
    client.force_login(other_deputy)
    assert client.get(reverse("liaison_portal:opinion", args=[assigned.pk])).status_code == 404
