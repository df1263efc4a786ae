"""The training pages through HTTP: each audience's lists and details, refusals as 403/404,
bad input kept on the form with its message, and list query counts that do not grow with
the number of items (5 and 500)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.builders import english, exe, make_deputy_user, pdf
from training.models import Course, DataRequest, Material, Receipt

from .builders import course, data_request, material, routed

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


# --- Portal ----------------------------------------------------------------------------------


def test_portal_material_open_writes_the_receipt_and_shows_in_staff_list(client, staff, deputy, city):
    m = material(staff, city, title="关于2026年预算草案的说明", important=True, uploads=[pdf("预算说明.pdf")])
    login(client, deputy)
    page = client.get(reverse("training_portal:materials"))
    assert page.status_code == 200 and "关于2026年预算草案的说明" in page.content.decode()
    detail = client.get(reverse("training_portal:material", args=[m.pk]))
    assert detail.status_code == 200
    assert Receipt.objects.filter(material=m, deputy=deputy.mandate).exists()
    document = m.documents.get()
    download = client.get(reverse("training_portal:file", args=[document.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    login(client, staff)
    office = client.get(reverse("training_office:material", args=[m.pk]))
    assert "李代表" in office.content.decode().split('id="read-list"')[1]


def test_portal_refuses_what_is_not_the_deputys(client, staff, deputy, city, term, electoral_unit):
    other = make_deputy_user(city, term, "王代表", electoral_unit)
    m = material(staff, city, audience_kind="custom", deputies=[other.mandate], uploads=[pdf()])
    r = data_request(other)
    login(client, deputy)
    assert client.get(reverse("training_portal:material", args=[m.pk])).status_code == 404
    assert client.get(reverse("training_portal:file", args=[m.documents.get().pk])).status_code == 404
    assert client.get(reverse("training_portal:request", args=[r.pk])).status_code == 404
    assert client.post(reverse("training_portal:rate", args=[r.pk]), {"rating": "met"}).status_code == 404
    assert not Receipt.objects.exists()


def test_request_form_keeps_what_was_typed_on_bad_input(client, deputy):
    login(client, deputy)
    english(client)
    response = client.post(
        reverse("training_portal:request_new"), {"subject": "养老数据", "wanted": "", "reason": "建议"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "养老数据" in body and "This field is required." in body
    assert not DataRequest.objects.exists()


def test_the_request_journey_over_http(client, deputy, staff, unit_officer):
    login(client, deputy)
    response = client.post(
        reverse("training_portal:request_new"),
        {
            "subject": "地铁客流数据",
            "wanted": "2025年各线路日均客流。",
            "reason": "调研公共交通",
            "suggested_body": "市交通运输局",
        },
    )
    r = DataRequest.objects.get()
    assert response.status_code == 302
    login(client, staff)
    assert client.get(reverse("training_office:request", args=[r.pk])).status_code == 200
    response = client.post(
        reverse("training_office:route", args=[r.pk]),
        {"route-unit": unit_officer.unit_id, "route-workdays": 5, "route-note": ""},
    )
    assert response.status_code == 302
    login(client, unit_officer)
    assert "地铁客流数据" in client.get(reverse("training_unit:requests")).content.decode()
    bad = client.post(
        reverse("training_unit:answer", args=[r.pk]), {"answer-answer": "见附件", "answer-files": [exe()]}
    )
    assert bad.status_code == 200 and "见附件" in bad.content.decode()
    r.refresh_from_db()
    assert r.status == "routed"
    ok = client.post(
        reverse("training_unit:answer", args=[r.pk]),
        {"answer-answer": "各线路客流见附件。", "answer-files": [pdf("客流.pdf")]},
    )
    assert ok.status_code == 302
    login(client, deputy)
    page = client.get(reverse("training_portal:request", args=[r.pk]))
    assert "各线路客流见附件。" in page.content.decode()
    document = r.documents.get()
    assert client.get(reverse("training_portal:file", args=[document.pk])).status_code == 200
    assert client.post(reverse("training_portal:rate", args=[r.pk]), {"rating": "met", "note": ""}).status_code == 302
    r.refresh_from_db()
    assert r.status == "rated"


def test_a_unit_officer_cannot_open_another_units_request(client, deputy, staff, unit_officer, city):
    from tests import factories
    from tests.builders import officer_of

    r = routed(deputy, staff, unit_officer.unit)
    other = officer_of(factories.UnitFactory(congress=city, name="市教育局"), "教育局联系人")
    login(client, other)
    assert client.get(reverse("training_unit:request", args=[r.pk])).status_code == 404
    assert client.post(reverse("training_unit:answer", args=[r.pk]), {"answer-answer": "x"}).status_code == 404
    login(client, deputy)
    assert client.get(reverse("training_unit:requests")).status_code == 403


def test_course_enrol_and_feedback_pages(client, staff, deputy, city):
    c = course(staff, city, start=timezone.localdate(), sessions=2)
    login(client, deputy)
    assert client.get(reverse("training_portal:courses")).status_code == 200
    assert client.post(reverse("training_portal:enrol", args=[c.pk])).status_code == 302
    again = client.post(reverse("training_portal:enrol", args=[c.pk]))
    assert again.status_code == 200
    session = c.sessions.order_by("date").first()
    english(client)
    bad = client.post(reverse("training_portal:feedback", args=[c.pk, session.pk]), {f"s{session.pk}-comment": "很好"})
    assert bad.status_code == 200 and "很好" in bad.content.decode()
    ok = client.post(
        reverse("training_portal:feedback", args=[c.pk, session.pk]),
        {f"s{session.pk}-score": 5, f"s{session.pk}-usefulness": "very", f"s{session.pk}-comment": "很好"},
    )
    assert ok.status_code == 302
    login(client, staff)
    page = client.get(reverse("training_office:course", args=[c.pk])).content.decode()
    assert "很好" in page


# --- Office ----------------------------------------------------------------------------------


def test_office_pages_are_for_staff_only(client, deputy, outsider, unit_officer):
    for user in (deputy, outsider, unit_officer):
        login(client, user)
        for name in ("courses", "materials", "requests", "course_new", "material_new"):
            assert client.get(reverse(f"training_office:{name}")).status_code == 403


def test_office_creates_and_sends_a_material_with_confirmation(client, staff, deputy, city):
    login(client, staff)
    english(client)
    response = client.post(
        reverse("training_office:material_new"),
        {"congress": city.pk, "title": "关于社区养老的通知", "kind": "notice", "audience": "all", "important": "on"},
    )
    assert response.status_code == 302
    m = Material.objects.get()
    unconfirmed = client.post(reverse("training_office:material_action", args=[m.pk, "publish"]), {})
    assert unconfirmed.status_code == 200 and "Tick the box" in unconfirmed.content.decode()
    m.refresh_from_db()
    assert m.published_at is None
    sent = client.post(reverse("training_office:material_action", args=[m.pk, "publish"]), {"publish-confirm": "on"})
    assert sent.status_code == 302
    m.refresh_from_db()
    assert m.published_at is not None
    assert (
        client.post(
            reverse("training_office:material_action", args=[m.pk, "remind"]), {"remind-confirm": "on"}
        ).status_code
        == 302
    )
    twice = client.post(reverse("training_office:material_action", args=[m.pk, "remind"]), {"remind-confirm": "on"})
    assert twice.status_code == 200 and "already been reminded" in twice.content.decode()


def test_office_material_form_refuses_a_disguised_file(client, staff, city):
    login(client, staff)
    response = client.post(
        reverse("training_office:material_new"),
        {"congress": city.pk, "title": "带附件的材料", "kind": "document", "audience": "all", "files": [exe()]},
    )
    assert response.status_code == 200 and "带附件的材料" in response.content.decode()
    assert not Material.objects.exists()


def test_office_course_form_and_session(client, staff, city):
    login(client, staff)
    response = client.post(
        reverse("training_office:course_new"),
        {
            "congress": city.pk,
            "title": "人大代表讲坛",
            "kind": "lecture",
            "organiser": "代表工作委员会",
            "enrolment": "open",
            "audience": "all",
        },
    )
    assert response.status_code == 302
    c = Course.objects.get()
    day = timezone.localdate() + datetime.timedelta(days=5)
    added = client.post(
        reverse("training_office:course_action", args=[c.pk, "session"]),
        {"session-title": "第一讲", "session-date": day, "session-start_time": "09:00", "session-end_time": "11:00"},
    )
    assert added.status_code == 302 and c.sessions.get().activity is not None
    bad = client.post(
        reverse("training_office:course_action", args=[c.pk, "session"]),
        {"session-title": "第二讲", "session-date": day, "session-start_time": "11:00", "session-end_time": "09:00"},
    )
    assert bad.status_code == 200 and "第二讲" in bad.content.decode()
    assert c.sessions.count() == 1


def test_district_staff_get_404_on_city_records(client, staff, district_staff, deputy, city):
    m = material(staff, city)
    c = course(staff, city)
    r = data_request(deputy)
    login(client, district_staff)
    assert client.get(reverse("training_office:material", args=[m.pk])).status_code == 404
    assert client.get(reverse("training_office:course", args=[c.pk])).status_code == 404
    assert client.get(reverse("training_office:request", args=[r.pk])).status_code == 404
    assert (
        client.post(
            reverse("training_office:material_action", args=[m.pk, "remind"]), {"remind-confirm": "on"}
        ).status_code
        == 404
    )


# --- Query counts ----------------------------------------------------------------------------


def _many_materials(staff, city, n):
    Material.objects.bulk_create(
        [Material(congress=city, title=f"材料{i}", published_at=timezone.now(), created_by=staff) for i in range(n)]
    )


def _many_courses(staff, city, n):
    Course.objects.bulk_create(
        [
            Course(congress=city, title=f"课程{i}", organiser="代表工委", published_at=timezone.now(), created_by=staff)
            for i in range(n)
        ]
    )


def _many_requests(deputy, n):
    DataRequest.objects.bulk_create(
        [
            DataRequest(
                congress_id=deputy.mandate.congress_id,
                deputy=deputy.mandate,
                subject=f"申请{i}",
                wanted="w",
                reason="r",
                status="submitted",
            )
            for i in range(n)
        ]
    )


# name -> rows builder. Each page: session, user, the page's count and rows (2), the roles, the
# header's inbox count; the courses and materials pages also the deputy's mandates, groups and
# leader seats (3) behind the audience rule.
PORTAL_PAGES = {
    "training_portal:materials": _many_materials,
    "training_portal:courses": _many_courses,
    "training_portal:requests": None,
}
EXPECTED = {"training_portal:materials": 9, "training_portal:courses": 9, "training_portal:requests": 6}


@pytest.mark.parametrize("name", list(PORTAL_PAGES))
def test_portal_list_query_counts_are_the_same_for_5_and_500(
    client, staff, deputy, city, name, django_assert_num_queries
):
    """GIVEN a deputy with 5, then 500 items on a list WHEN the page is drawn THEN the same exact count."""
    login(client, deputy)
    url = reverse(name)
    build = PORTAL_PAGES[name]

    def grow(n):
        if build is None:
            _many_requests(deputy, n)
        else:
            build(staff, city, n)

    grow(5)
    client.get(url)  # the session is touched on the first request
    with django_assert_num_queries(EXPECTED[name]):
        assert client.get(url).status_code == 200
    grow(495)
    with django_assert_num_queries(EXPECTED[name]):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 500


def test_declining_asks_for_confirmation_and_keeps_the_reason(client, deputy, staff, unit_officer):
    r = routed(deputy, staff, unit_officer.unit)
    login(client, unit_officer)
    english(client)
    url = reverse("training_unit:decline", args=[r.pk])
    unconfirmed = client.post(url, {"decline-reason": "方案尚未定稿"})
    assert unconfirmed.status_code == 200
    assert "Tick the box" in unconfirmed.content.decode() and "方案尚未定稿" in unconfirmed.content.decode()
    r.refresh_from_db()
    assert r.status == "routed"
    assert client.post(url, {"decline-reason": "方案尚未定稿", "decline-confirm": "on"}).status_code == 302
    r.refresh_from_db()
    assert r.status == "declined" and r.decline_reason == "方案尚未定稿"


def test_the_office_status_filter_and_an_unknown_one(client, staff, deputy):
    data_request(deputy)
    login(client, staff)
    assert client.get(reverse("training_office:requests") + "?status=overdue").context["page"].paginator.count == 0
    assert client.get(reverse("training_office:requests") + "?status=<b>").context["page"].paginator.count == 1


def test_the_portal_lists_briefings_only_on_request(client, staff, deputy, city):
    course(staff, city, title="人大代表讲坛")
    briefing = course(staff, city, title="会前政情通报会", kind="briefing")
    login(client, deputy)
    rows = client.get(reverse("training_portal:courses") + "?kind=briefing").context["page"].object_list
    assert [c.pk for c in rows] == [briefing.pk]
    assert client.get(reverse("training_portal:courses") + "?kind=x").context["page"].paginator.count == 2


# The office's and the unit's lists: session, user, roles (and the staff's scope), the page's
# count and rows, the header's inbox count; the office's materials also the cases the city shares.
OTHER_LISTS = {
    "training_office:materials": 9,
    "training_office:courses": 9,
    "training_office:requests": 9,
    "training_unit:requests": 6,
}


@pytest.mark.parametrize("name", list(OTHER_LISTS))
def test_office_and_unit_list_query_counts_are_the_same_for_5_and_500(
    client, staff, deputy, city, unit_officer, name, django_assert_num_queries
):
    login(client, unit_officer if name.startswith("training_unit") else staff)
    url = reverse(name)

    def grow(n):
        _many_materials(staff, city, n)
        _many_courses(staff, city, n)
        _many_requests(deputy, n)
        DataRequest.objects.update(unit=unit_officer.unit)

    grow(5)
    client.get(url)
    with django_assert_num_queries(OTHER_LISTS[name]):
        assert client.get(url).status_code == 200
    grow(495)
    with django_assert_num_queries(OTHER_LISTS[name]):
        response = client.get(url)
    assert response.context["page"].paginator.count == 500
