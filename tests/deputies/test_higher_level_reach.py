"""National and provincial deputies elected in the city (work plan item 7): the city office
manages their groups, group plans, performance assistants and invitations to activities; a
district office does not, and no office reaches another city's.

GIVEN a city with a district, a province and the nation; a provincial deputy elected by the city
congress, a national deputy the city serves (``served_by``), and the same two for another city.
"""

import datetime

import pytest
from django.urls import reverse

from activities import selectors as activity_selectors
from activities import services as activity_services
from activities.forms import InviteFilterForm
from activities.models import GroupActivityPlan, Participation
from deputies import selectors
from deputies.models import Congress, DeputyGroup, PerformanceAssistant
from tests import factories
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db
LEVEL = Congress.Level


@pytest.fixture
def world(city, term, district):
    province = factories.CongressFactory(name="示例省人民代表大会", short_name="省", level=LEVEL.PROVINCIAL)
    nation = factories.CongressFactory(name="全国人民代表大会", short_name="全国", level=LEVEL.NATIONAL)
    other_city = factories.CongressFactory(name="另一市人民代表大会", short_name="另一市")
    province_term = factories.TermFactory(congress=province)
    nation_term = factories.TermFactory(congress=nation)
    ours_unit = factories.ElectoralUnitFactory(congress=province, name="示例市", electing_congress=city)
    theirs_unit = factories.ElectoralUnitFactory(congress=province, name="另一市", electing_congress=other_city)
    nation_unit = factories.ElectoralUnitFactory(congress=nation, name="示例省", electing_congress=province)

    def deputy(congress, t, unit, name, served_by=None):
        return factories.DeputyFactory(congress=congress, term=t, electoral_unit=unit, name=name, served_by=served_by)

    w = {
        "city": city,
        "province": province,
        "nation": nation,
        "provincial": deputy(province, province_term, ours_unit, "省代表甲"),
        "national": deputy(nation, nation_term, nation_unit, "全国代表甲", served_by=city),
        "their_provincial": deputy(province, province_term, theirs_unit, "外市省代表"),
        "their_national": deputy(nation, nation_term, nation_unit, "外市全国代表", served_by=other_city),
        "nation_term": nation_term,
    }
    w["our_group"] = DeputyGroup.objects.create(
        congress=nation, term=nation_term, name="全国人大代表示例市小组", served_by=city
    )
    w["our_group"].members.add(w["national"])
    w["provincial_group"] = DeputyGroup.objects.create(
        congress=province, term=province_term, name="省人大代表示例市小组", electoral_unit=ours_unit
    )
    w["their_group"] = DeputyGroup.objects.create(
        congress=nation, term=nation_term, name="全国人大代表另一市小组", served_by=other_city
    )
    for key in ("our_group", "provincial_group", "their_group"):
        w[f"{key}_plan"] = GroupActivityPlan.objects.create(group=w[key], year=2026, content="走访原选举单位")
    day = datetime.date(2025, 3, 1)
    w["our_assistant"] = PerformanceAssistant.objects.create(deputy=w["national"], name="陈助理", start_date=day)
    w["their_assistant"] = PerformanceAssistant.objects.create(
        deputy=w["their_national"], name="王助理", start_date=day
    )
    return w


def admin_page(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- What each office reaches ------------------------------------------------------------------


def test_city_staff_reach_the_groups_deputies_and_assistants_the_city_serves(world, staff):
    groups = set(selectors.reached(DeputyGroup.objects.all(), staff).values_list("name", flat=True))
    assert groups == {"全国人大代表示例市小组", "省人大代表示例市小组"}
    deputies = set(selectors.deputy_list_for_staff(actor=staff).values_list("name", flat=True))
    assert {"省代表甲", "全国代表甲"} <= deputies
    assert not {"外市省代表", "外市全国代表"} & deputies


def test_district_staff_reach_none_of_them(world, district_staff):
    assert not selectors.reached(DeputyGroup.objects.all(), district_staff).exists()
    deputies = set(selectors.deputy_list_for_staff(actor=district_staff).values_list("name", flat=True))
    assert not {"省代表甲", "全国代表甲", "外市省代表", "外市全国代表"} & deputies
    for key in ("our_group", "provincial_group", "their_group"):
        assert not selectors.in_reach(district_staff, world[key])


# --- The admin: groups, plans, assistants --------------------------------------------------------


def test_city_staff_list_and_change_the_national_group_the_city_serves(client, world, staff):
    listing = admin_page(client, staff, reverse("admin:deputies_deputygroup_changelist")).content.decode()
    assert "全国人大代表示例市小组" in listing and "省人大代表示例市小组" in listing
    assert "全国人大代表另一市小组" not in listing
    group = world["our_group"]
    url = reverse("admin:deputies_deputygroup_change", args=[group.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="name"' in page.content.decode()
    response = client.post(
        url,
        {
            "congress": world["nation"].pk,
            "term": world["nation_term"].pk,
            "kind": "group",
            "name": "全国人大代表示例市代表小组",
            "served_by": world["city"].pk,
            "members": [world["national"].pk],
            "field": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    group.refresh_from_db()
    assert group.name == "全国人大代表示例市代表小组"


def test_another_citys_group_stays_out_of_reach_in_the_admin(client, world, staff):
    for url in (
        reverse("admin:deputies_deputygroup_change", args=[world["their_group"].pk]),
        reverse("admin:activities_groupactivityplan_change", args=[world["their_group_plan"].pk]),
        reverse("admin:deputies_performanceassistant_change", args=[world["their_assistant"].pk]),
    ):
        response = admin_page(client, staff, url)
        assert response.status_code == 302 and response.url == reverse("admin:index")


def test_a_national_group_added_without_naming_the_city_is_refused_in_chinese(client, world, staff):
    client.force_login(staff)
    data = {"congress": world["nation"].pk, "term": world["nation_term"].pk, "kind": "group", "name": "新小组"}
    refused = client.post(reverse("admin:deputies_deputygroup_add"), data)
    assert refused.status_code == 200 and "本机构不为该级人大的代表提供服务" in refused.content.decode()
    assert not DeputyGroup.objects.filter(name="新小组").exists()
    added = client.post(reverse("admin:deputies_deputygroup_add"), {**data, "served_by": world["city"].pk})
    assert added.status_code == 302
    assert DeputyGroup.objects.get(name="新小组").served_by == world["city"]


def test_city_staff_manage_plans_and_assistants_of_those_deputies(client, world, staff):
    client.force_login(staff)
    plans = client.get(reverse("admin:activities_groupactivityplan_changelist")).content.decode()
    assert "全国人大代表示例市小组" in plans and "全国人大代表另一市小组" not in plans
    response = client.post(
        reverse("admin:activities_groupactivityplan_add"),
        {"group": world["our_group"].pk, "year": 2027, "content": "专题调研", "planned_activities": 2},
    )
    assert response.status_code == 302
    refused = client.post(
        reverse("admin:activities_groupactivityplan_add"),
        {"group": world["their_group"].pk, "year": 2027, "content": "专题调研", "planned_activities": 2},
    )
    assert refused.status_code == 200
    assert not GroupActivityPlan.objects.filter(group=world["their_group"], year=2027).exists()
    assistants = client.get(reverse("admin:deputies_performanceassistant_changelist")).content.decode()
    assert "陈助理" in assistants and "王助理" not in assistants
    change = reverse("admin:deputies_performanceassistant_change", args=[world["our_assistant"].pk])
    response = client.post(
        change, {"deputy": world["national"].pk, "name": "陈助理", "employer": "市人大", "start_date": "2025-03-01"}
    )
    assert response.status_code == 302
    world["our_assistant"].refresh_from_db()
    assert world["our_assistant"].employer == "市人大"


def test_district_staff_reach_no_plan_or_assistant_of_the_citys_national_deputies(client, world, district):
    someone = with_totp(factories.StaffFactory(congress=district, full_name="区工作人员乙"))
    client.force_login(someone)
    plans = client.get(reverse("admin:activities_groupactivityplan_changelist")).content.decode()
    assistants = client.get(reverse("admin:deputies_performanceassistant_changelist")).content.decode()
    assert "全国人大代表示例市小组" not in plans and "陈助理" not in assistants
    url = reverse("admin:deputies_performanceassistant_change", args=[world["our_assistant"].pk])
    assert client.get(url).status_code == 302
    response = client.post(
        reverse("admin:deputies_performanceassistant_add"),
        {"deputy": world["national"].pk, "name": "区助理", "start_date": "2025-03-01"},
    )
    assert response.status_code == 200
    assert not PerformanceAssistant.objects.filter(name="区助理").exists()


# --- Invitations to activities -----------------------------------------------------------------


def test_a_city_activity_invites_the_national_and_provincial_deputies_the_city_serves(world, staff, city):
    activity = factories.ActivityFactory(congress=city, recorder=staff, start_date=datetime.date.today())
    candidates = set(activity_selectors.invite_candidates(activity=activity).values_list("name", flat=True))
    assert {"省代表甲", "全国代表甲"} <= candidates and not {"外市省代表", "外市全国代表"} & candidates
    groups = set(InviteFilterForm(activity=activity).fields["group"].queryset.values_list("name", flat=True))
    assert {"全国人大代表示例市小组", "省人大代表示例市小组"} <= groups and "全国人大代表另一市小组" not in groups
    by_group = activity_selectors.invite_candidates(activity=activity, group_id=world["our_group"].pk)
    assert list(by_group.values_list("name", flat=True)) == ["全国代表甲"]
    invited = activity_services.activity_invite(
        actor=staff,
        activity=activity,
        deputies=[world["national"], world["provincial"], world["their_national"], world["their_provincial"]],
    )
    assert invited == 2
    names = set(Participation.objects.filter(activity=activity).values_list("deputy__name", flat=True))
    assert names == {"全国代表甲", "省代表甲"}


def test_a_district_activity_cannot_invite_the_citys_national_deputies(world, district):
    someone = with_totp(factories.StaffFactory(congress=district, full_name="区工作人员丙"))
    activity = factories.ActivityFactory(congress=district, recorder=someone, start_date=datetime.date.today())
    candidates = set(activity_selectors.invite_candidates(activity=activity).values_list("name", flat=True))
    assert not {"省代表甲", "全国代表甲"} & candidates
    assert activity_services.activity_invite(actor=someone, activity=activity, deputies=[world["national"]]) == 0
    assert not Participation.objects.filter(activity=activity).exists()


def test_the_invite_page_lists_them_for_city_staff(client, world, staff, city):
    activity = factories.ActivityFactory(congress=city, recorder=staff, start_date=datetime.date.today())
    client.force_login(staff)
    page = client.get(reverse("activities:activity_invite", args=[activity.pk])).content.decode()
    assert "全国代表甲" in page and "全国人大代表示例市小组" in page and "外市全国代表" not in page


# --- Their letters (代表信访) --------------------------------------------------------------------


def test_city_staff_handle_the_letters_of_the_national_deputies_the_city_serves(world, staff, district_staff):
    from accounts.services import user_sync_roles
    from activities.models import DeputyLetter
    from activities.selectors import letters_for_office
    from core.exceptions import NotAllowed
    from notifications.models import Notification
    from tests.builders import today

    user = factories.UserFactory(full_name="全国代表甲")
    national = world["national"]
    national.user = user
    national.save(update_fields=["user"])
    user_sync_roles(user=user)
    letter = activity_services.letter_lodge(
        actor=user, deputy=national, subject="长江岸线保护", content="建议加强巡查。"
    )
    assert Notification.objects.filter(user=staff, key=f"letter:{letter.pk}:lodged").exists()
    assert not Notification.objects.filter(user=district_staff).exists()
    assert list(letters_for_office(actor=staff)) == [letter]
    assert not letters_for_office(actor=district_staff).exists()
    unit = factories.UnitFactory(congress=world["city"], name="示例市水务局")
    with pytest.raises(NotAllowed):
        activity_services.letter_forward(
            actor=district_staff, letter=letter, body=unit, forwarded_on=today(), workdays=5
        )
    activity_services.letter_forward(actor=staff, letter=letter, body=unit, forwarded_on=today(), workdays=5)
    letter.refresh_from_db()
    assert letter.status == DeputyLetter.Status.FORWARDED and letter.body == unit
