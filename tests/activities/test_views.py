"""The deputy's invitations page, the invite page and the organiser's list of activities to record."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Participation
from tests import factories
from tests.builders import serving_deputies, today
from tests.factories import ActivityFactory, ParticipationFactory

P = Participation.Status


# --- /portal/activities/ -------------------------------------------------------------------------


@pytest.fixture
def soon(staff, city):
    return ActivityFactory(
        congress=city, recorder=staff, title="专题调研：老旧小区改造", start_date=today() + datetime.timedelta(days=5)
    )


@pytest.mark.django_db
def test_the_deputy_sees_invitations_coming_activities_and_history(deputy_client, deputy, staff, city, soon):
    later = ActivityFactory(
        congress=city, recorder=staff, title="执法检查：大气污染防治", start_date=today() + datetime.timedelta(days=9)
    )
    past = ActivityFactory(
        congress=city, recorder=staff, title="座谈会：营商环境", start_date=today() - datetime.timedelta(days=30)
    )
    ParticipationFactory(activity=soon, deputy=deputy.mandate, status=P.INVITED)
    ParticipationFactory(activity=later, deputy=deputy.mandate, status=P.ACCEPTED)
    ParticipationFactory(activity=past, deputy=deputy.mandate, status=P.ATTENDED)
    page = deputy_client.get(reverse("activities:my_activities"))
    assert page.status_code == 200
    assert [p.activity for p in page.context["waiting"]] == [soon]
    assert [p.activity for p in page.context["upcoming"]] == [later]
    assert [p.activity for p in page.context["page"].object_list] == [past]
    html = page.content.decode()
    assert "老旧小区改造" in html and "大气污染防治" in html and "营商环境" in html


@pytest.mark.django_db
def test_the_deputy_accepts_an_invitation(deputy_client, deputy, soon):
    p = ParticipationFactory(activity=soon, deputy=deputy.mandate)
    response = deputy_client.post(reverse("activities:my_activities"), {"participation": p.pk, "answer": "accept"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == P.ACCEPTED


@pytest.mark.django_db
def test_declining_without_a_reason_shows_the_error_and_changes_nothing(deputy_client, deputy, soon):
    p = ParticipationFactory(activity=soon, deputy=deputy.mandate)
    page = deputy_client.post(
        reverse("activities:my_activities"), {"participation": p.pk, "answer": "decline", "reason": " "}
    )
    assert page.status_code == 200
    assert page.context["answer_form"].errors["reason"]
    assert 'aria-invalid="true"' in page.content.decode()
    p.refresh_from_db()
    assert p.status == P.INVITED


@pytest.mark.django_db
def test_a_refused_decline_keeps_what_was_typed(deputy_client, deputy, soon):
    p = ParticipationFactory(activity=soon, deputy=deputy.mandate)
    typed = "需要出差" * 60  # longer than the 200 characters a reason may have
    page = deputy_client.post(
        reverse("activities:my_activities"), {"participation": p.pk, "answer": "decline", "reason": typed}
    )
    assert page.context["answer_form"].errors["reason"]
    assert f'value="{typed}"' in page.content.decode()
    page = deputy_client.post(
        reverse("activities:my_activities"), {"participation": p.pk, "answer": "decline", "reason": "需要出差"}
    )
    p.refresh_from_db()
    assert (p.status, p.reason) == (P.DECLINED, "需要出差")


@pytest.mark.django_db
def test_a_deputy_cannot_answer_someone_elses_invitation(deputy_client, soon, city, term):
    (other,) = serving_deputies(1, city=city, term=term)
    p = ParticipationFactory(activity=soon, deputy=other)
    response = deputy_client.post(reverse("activities:my_activities"), {"participation": p.pk, "answer": "accept"})
    assert response.status_code == 404
    p.refresh_from_db()
    assert p.status == P.INVITED


@pytest.mark.django_db
def test_the_invitations_page_needs_a_login(client):
    response = client.get(reverse("activities:my_activities"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- /activities/<pk>/invite/ ----------------------------------------------------------------------


@pytest.fixture
def two_districts(city, term):
    xuanwu = factories.ElectoralUnitFactory(congress=city, name="玄武区", order=1)
    gulou = factories.ElectoralUnitFactory(congress=city, name="鼓楼区", order=2)
    return {
        "xuanwu": serving_deputies(4, city=city, term=term, unit=xuanwu),
        "gulou": serving_deputies(3, city=city, term=term, unit=gulou),
        "units": (xuanwu, gulou),
    }


@pytest.mark.django_db
def test_staff_invite_every_deputy_of_a_district(staff_client, staff, city, two_districts):
    activity = ActivityFactory(congress=city, recorder=staff, start_date=today() + datetime.timedelta(days=3))
    xuanwu, _gulou = two_districts["units"]
    url = reverse("activities:activity_invite", args=[activity.pk])
    page = staff_client.get(url, {"units": xuanwu.pk})
    assert {d.pk for d in page.context["candidates"]} == {d.pk for d in two_districts["xuanwu"]}
    response = staff_client.post(url, {"units": xuanwu.pk, "action": "all", "role": "participant"})
    assert response.status_code == 302 and f"units={xuanwu.pk}" in response["Location"]
    assert set(activity.participations.values_list("deputy_id", flat=True)) == {d.pk for d in two_districts["xuanwu"]}
    page = staff_client.get(response["Location"])
    assert page.context["candidates"] == []
    assert len(page.context["invited"]) == 4
    assert "已邀请" in page.content.decode() or "Already invited" in page.content.decode()


@pytest.mark.django_db
def test_staff_tick_individual_deputies_and_filter_by_group_and_grassroots(
    staff_client, staff, city, term, two_districts
):
    activity = ActivityFactory(congress=city, recorder=staff, start_date=today() + datetime.timedelta(days=3))
    group = factories.DeputyGroupFactory(congress=city, term=term)
    group.members.add(two_districts["gulou"][0], two_districts["xuanwu"][1])
    grassroots = factories.DeputyFactory(congress=city, term=term, is_grassroots=True)
    url = reverse("activities:activity_invite", args=[activity.pk])
    assert {d.pk for d in staff_client.get(url, {"group": group.pk}).context["candidates"]} == {
        two_districts["gulou"][0].pk,
        two_districts["xuanwu"][1].pk,
    }
    assert [d.pk for d in staff_client.get(url, {"grassroots": "on"}).context["candidates"]] == [grassroots.pk]
    picked = [two_districts["gulou"][2].pk, grassroots.pk]
    response = staff_client.post(url, {"action": "ticked", "role": "leader", "deputy": picked})
    assert response.status_code == 302
    assert set(activity.participations.values_list("deputy_id", "role")) == {(pk, "leader") for pk in picked}


@pytest.mark.django_db
def test_inviting_nobody_ticked_shows_an_error(staff_client, staff, city, two_districts):
    activity = ActivityFactory(congress=city, recorder=staff, start_date=today() + datetime.timedelta(days=3))
    page = staff_client.post(
        reverse("activities:activity_invite", args=[activity.pk]), {"action": "ticked", "role": "participant"}
    )
    assert page.status_code == 200 and page.context["invite_form"].errors
    assert not activity.participations.exists()


@pytest.mark.django_db
def test_the_invite_page_lists_terminated_and_other_congress_deputies_nowhere(
    staff_client, staff, city, term, district
):
    activity = ActivityFactory(congress=city, recorder=staff, start_date=today() + datetime.timedelta(days=3))
    serving = factories.DeputyFactory(congress=city, term=term)
    factories.DeputyFactory(congress=city, term=term, status="terminated")
    factories.DeputyFactory(congress=district)
    page = staff_client.get(reverse("activities:activity_invite", args=[activity.pk]))
    assert [d.pk for d in page.context["candidates"]] == [serving.pk]


@pytest.mark.django_db
def test_only_the_recorder_or_staff_of_the_congress_open_the_invite_page(
    client, staff, unit_officer, district_staff, deputy, city
):
    mine = ActivityFactory(congress=city, recorder=unit_officer, created_by=staff)
    other = ActivityFactory(congress=city, recorder=staff)
    client.force_login(unit_officer)
    assert client.get(reverse("activities:activity_invite", args=[mine.pk])).status_code == 200
    assert client.get(reverse("activities:activity_invite", args=[other.pk])).status_code == 403
    for user in (district_staff, deputy):
        client.force_login(user)
        assert client.get(reverse("activities:activity_invite", args=[other.pk])).status_code == 403
    assert client.get(reverse("activities:activity_invite", args=[999999])).status_code == 404


# --- /activities/mine/ -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_organiser_sees_the_activities_they_must_record(client, staff, unit_officer, city):
    held = ActivityFactory(congress=city, recorder=unit_officer, created_by=staff, title="执法检查：食品安全")
    coming = ActivityFactory(
        congress=city, recorder=unit_officer, created_by=staff, start_date=today() + datetime.timedelta(days=4)
    )
    ActivityFactory(congress=city, recorder=staff, title="别人的活动")
    client.force_login(unit_officer)
    page = client.get(reverse("activities:my_recording"))
    assert page.status_code == 200
    assert page.context["due"] == [held] and page.context["later"] == [coming]
    assert "别人的活动" not in page.content.decode()
    assert reverse("activities:attendance", args=[held.pk]) in page.content.decode()
