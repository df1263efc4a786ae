"""Header links and staff-dashboard panels come from each app's registrations (core/registry.py)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from core.registry import Figure, NavItem, Panel, dashboard_panels, navigation
from notifications.models import Notification
from portal.context_processors import nav_links
from portal.selectors import staff_dashboard
from tests import factories
from tests.conftest import with_totp

PUBLIC = ["portal:home", "proposals:list", "liaison:stations", "livelihood:index", "publicity:stories"]
SIGNED_IN = [*PUBLIC, "portal:portal_home"]
# The header's links by role, in the order the header shows them (the order of the old hand-written header).
EXPECTED = {
    "anonymous": PUBLIC,
    "outsider": [*SIGNED_IN, "notifications:inbox"],
    "deputy": [
        *SIGNED_IN,
        "proposals_portal:list",
        "activities:my_activities",
        "liaison_portal:duties",
        "activities:letters_portal",
        "livelihood_portal:home",
        "training_portal:courses",
        "archive:my_archive",
        "notifications:inbox",
    ],
    "unit_officer": [
        *SIGNED_IN,
        "proposals_unit:home",
        "activities:letters_unit",
        "livelihood_unit:home",
        "training_unit:requests",
        "activities:my_recording",
        "notifications:inbox",
    ],
    "staff": [
        *SIGNED_IN,
        "overview:dashboard",
        "reports:index",
        "proposals_office:list",
        "liaison_office:opinions",
        "livelihood_office:cycles",
        "training_office:courses",
        "archive:archive_list",
        "activities:my_recording",
        "activities:letters_office",
        "notifications:inbox",
        "admin:index",
    ],
}
PRIVATE = {name for names in EXPECTED.values() for name in names} - set(PUBLIC)


def _hrefs(page):
    return [link.href for link in page.context["nav_items"]]


def _urls(names):
    return [reverse(name) for name in names]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["outsider", "deputy", "unit_officer", "staff"])
def test_each_role_sees_its_own_links_in_order(client, role, request):
    client.force_login(request.getfixturevalue(role))
    page = client.get("/portal/")
    assert _hrefs(page) == _urls(EXPECTED[role])
    html = page.content.decode()
    for name in PRIVATE - set(EXPECTED[role]):
        assert f'href="{reverse(name)}"' not in html, name


@pytest.mark.django_db
def test_anonymous_sees_only_the_public_links(client, city, term):
    page = client.get("/")
    assert _hrefs(page) == _urls(PUBLIC)
    html = page.content.decode()
    assert all(f'href="{reverse(name)}"' not in html for name in PRIVATE)


@pytest.mark.django_db
def test_links_keep_their_labels_and_mark_the_current_section(deputy_client):
    page = deputy_client.get(reverse("proposals_portal:list"))
    html = page.content.decode()
    # Chinese by default: the same catalogue entries as the hand-written header had.
    assert '<a href="/portal/suggestions/" aria-current="page">我的建议</a>' in html
    assert '<a href="/portal/">我的工作台</a>' in html  # only its own page marks the portal home
    assert [link.href for link in page.context["nav_items"] if link.current] == ["/portal/suggestions/"]


@pytest.mark.django_db
def test_the_inbox_badge_counts_unread_messages(deputy_client, deputy):
    Notification.objects.create(user=deputy, key="a", title="一")
    Notification.objects.create(user=deputy, key="b", title="二", read_at=timezone.now())
    html = deputy_client.get("/portal/").content.decode()
    assert '消息 <span class="badge" aria-label="1 条未读">1</span>' in html


@pytest.mark.django_db
def test_the_header_costs_one_group_query_and_the_badge_one_count(deputy, django_assert_num_queries):
    request = RequestFactory().get("/portal/")
    request.user = deputy
    deputy._role_cache = None  # as on a fresh request
    with django_assert_num_queries(1):  # the roles, cached on the user for every app's function
        links = nav_links(request)
    with django_assert_num_queries(1):  # the unread count, once however often the template reads it
        badges = {link.href: link.badge for link in links}
        assert links[-1].badge == 0
    assert badges.pop("/inbox/") == 0 and set(badges.values()) == {None}
    with django_assert_num_queries(0):
        nav_links(request)


def test_the_header_of_a_request_without_a_user_is_the_public_one():
    request = RequestFactory().get("/")
    assert [link.href for link in nav_links(request)] == _urls(PUBLIC)
    request.user = AnonymousUser()
    assert [link.href for link in nav_links(request)] == _urls(PUBLIC)


@pytest.fixture
def extra_nav_item():
    @navigation.register("tests.extra", order=5)
    def extra(request):
        return [NavItem("测试链接", "/test-only/", order=115)]

    yield extra
    navigation.unregister("tests.extra")
    assert "tests.extra" not in navigation


@pytest.mark.django_db
def test_a_registered_entry_takes_its_place_in_the_header(deputy_client, extra_nav_item):
    hrefs = _hrefs(deputy_client.get("/portal/"))
    assert hrefs[-2:] == ["/inbox/", "/test-only/"]


# --- the staff dashboard ---------------------------------------------------------------------------------------------


@pytest.fixture
def extra_panel():
    calls = []

    @dashboard_panels.register("tests.extra", order=15)
    def extra(actor, today):
        calls.append((actor, today))
        return Panel(
            figures=[Figure("test_things", "测试事项", 7, "/admin/?test=1&x=2")],
            lines=["测试说明 <b>不是标签</b>"],
            values={"test_value": 3},
        )

    @dashboard_panels.register("tests.empty", order=16)
    def nothing(actor, today):
        return None

    yield calls
    dashboard_panels.unregister("tests.extra")
    dashboard_panels.unregister("tests.empty")


@pytest.mark.django_db
def test_a_registered_panel_shows_on_the_admin_index_for_staff(staff_client, staff, extra_panel):
    page = staff_client.get("/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<li><a href="/admin/?test=1&amp;x=2"><strong>7</strong> 测试事项</a></li>' in html
    assert "<p>测试说明 &lt;b&gt;不是标签&lt;/b&gt;</p>" in html  # lines are text, escaped
    dashboard = page.context["dashboard"]
    assert dashboard["test_things"] == 7 and dashboard["test_value"] == 3
    # Between the suggestions' panel (order 10) and the ledger's (order 20); figures keep the panels' order.
    keys = [figure.key for panel in dashboard.panels for figure in panel.figures]
    assert keys == [
        "to_review",
        "overdue",
        "reassign_requests",
        "test_things",
        "attendance_open",
        "letters_overdue",
        "open_vacancies",
        "opinions_held",
        "opinions_unassigned",
        "opinions_overdue",
        "coverage_leader_visits_percent",
        "coverage_sc_meetings_percent",
        "consultations_open",
        "consultations_closing",
        "livelihood_behind",
        "livelihood_reports_overdue",
        "livelihood_observations_overdue",
        "training_requests_to_route",
        "training_requests_overdue",
        "training_important_materials",
    ]
    assert extra_panel == [(staff, timezone.localdate())]


@pytest.mark.django_db
def test_no_dashboard_for_an_admin_user_outside_the_staff_group(client, extra_panel):
    user = with_totp(factories.UserFactory(full_name="仅有后台标志", is_staff=True))
    client.force_login(user)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "dashboard" not in page.context and 'class="dashboard"' not in page.content.decode()
    assert extra_panel == []


def _late_activity(congress, staff):
    day = timezone.localdate() - datetime.timedelta(days=10)
    return Activity.objects.create(
        congress=congress,
        kind=Activity.Kind.INSPECTION,
        title="视察",
        start_date=day,
        end_date=day,
        organiser="代表工委",
        recorder=staff,
        created_by=staff,
    )


@pytest.mark.django_db
def test_district_staff_count_only_their_congress(client, staff, district_staff, city, district, term):
    _late_activity(city, staff)
    _late_activity(district, staff)
    _late_activity(district, staff)
    assert staff_dashboard(actor=staff)["attendance_open"] == 3  # the city's office sees the districts too
    assert staff_dashboard(actor=district_staff)["attendance_open"] == 2
    client.force_login(district_staff)
    page = client.get("/admin/")
    assert page.context["dashboard"]["attendance_open"] == 2
    assert "<strong>2</strong> 项活动未登记出席" in page.content.decode()


@pytest.mark.django_db
def test_the_dashboard_costs_one_query_per_figure_group(staff, extra_panel, django_assert_num_queries):
    staff_dashboard(actor=staff)  # the staff member's congress scope is cached on the user
    # the suggestions' panel (whether the scope is every congress, then one indexed count per
    # figure: to review, overdue, re-assignment requests), activities, letters,
    # vacancies, the public's opinions (the working days behind "overdue", and one aggregate), the
    # two connections' coverage (one aggregate), consultations (one aggregate), livelihood
    # (projects behind, reports overdue, observations overdue), training (one aggregate of data
    # requests, the important materials); the test panel queries nothing.
    with django_assert_num_queries(16):
        staff_dashboard(actor=staff)


@pytest.mark.django_db
@pytest.mark.parametrize("materials", [1, 5])
def test_the_read_share_of_important_materials_costs_one_query_however_many(
    staff, extra_panel, django_assert_num_queries, materials
):
    from tests.training.builders import material

    for i in range(materials):
        material(staff, staff.congress, title=f"重要材料{i}", important=True)
    staff_dashboard(actor=staff)
    with django_assert_num_queries(17):
        dashboard = staff_dashboard(actor=staff)
    assert dashboard["training_important_materials"] == materials


def test_two_panels_may_not_give_the_same_figure():
    from django.core.exceptions import ImproperlyConfigured

    from portal.selectors import Dashboard

    with pytest.raises(ImproperlyConfigured, match="to_review"):
        Dashboard([Panel(figures=[Figure("to_review", "a", 1)]), Panel(values={"to_review": 2})])


@pytest.mark.django_db
def test_the_admin_header_shows_the_staff_working_pages_registered_for_it(staff_client):
    """Entries marked ``in_admin`` also stand in the admin's header, in the registry's order."""
    page = staff_client.get(reverse("admin:index")).content.decode()
    header = page[page.index('id="user-tools"') :]
    header = header[: header.index("</div>")]
    positions = [
        header.index(reverse(name))
        for name in ("proposals_office:list", "archive:archive_list", "activities:my_recording")
    ]
    assert positions == sorted(positions)
    assert reverse("proposals_portal:list") not in header
