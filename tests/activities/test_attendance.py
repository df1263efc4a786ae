"""The attendance sheet: hundreds of rows in one submit, one transaction, every bad row named."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from activities import services
from activities.models import Activity, Participation
from deputies import services as roster
from deputies.models import StatusChange
from tests import factories
from tests.builders import serving_deputies
from tests.factories import ActivityFactory, ParticipationFactory

P = Participation.Status


def sheet_data(activity, status=P.ATTENDED, **overrides):
    """What the browser sends: every row of the sheet with a status and an (empty) reason."""
    data = {"action": "save", "walk_ins": ""}
    for pk in activity.participations.values_list("pk", flat=True):
        data[f"status-{pk}"] = status
        data[f"reason-{pk}"] = ""
    data.update(overrides)
    return data


def statuses(activity):
    return dict(activity.participations.values_list("pk", "status"))


@pytest.fixture
def activity(staff, city):
    return ActivityFactory(congress=city, recorder=staff, title="集中视察：秦淮河治理")


@pytest.fixture
def invited(staff, activity, city, term):
    deputies = serving_deputies(5, city=city, term=term)
    services.activity_invite(actor=staff, activity=activity, deputies=deputies)
    return list(activity.participations.select_related("deputy").order_by("pk"))


def url(activity):
    return reverse("activities:attendance", args=[activity.pk])


# --- the sheet -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sheet_is_prefilled_from_the_answers(staff_client, activity, invited):
    Participation.objects.filter(pk=invited[0].pk).update(status=P.ACCEPTED)
    Participation.objects.filter(pk=invited[1].pk).update(status=P.DECLINED, reason="外地出差")
    page = staff_client.get(url(activity))
    assert page.status_code == 200
    rows = {row["p"].pk: row for row in page.context["sheet"]}
    assert (rows[invited[0].pk]["status"], rows[invited[0].pk]["reason"]) == (P.ATTENDED, "")
    assert (rows[invited[1].pk]["status"], rows[invited[1].pk]["reason"]) == (P.EXCUSED, "外地出差")
    assert rows[invited[2].pk]["status"] == ""  # no answer: the organiser chooses
    html = page.content.decode()
    assert 'value="外地出差"' in html
    assert "<script" not in html and "style=" not in html  # the CSP allows neither inline


@pytest.mark.django_db
def test_mark_all_as_attended_fills_the_sheet_and_writes_nothing(staff_client, activity, invited):
    data = sheet_data(activity, status="", action="all_attended", walk_ins="某人")
    data[f"reason-{invited[3].pk}"] = "迟到半小时"
    page = staff_client.post(url(activity), data)
    assert page.status_code == 200
    assert {row["status"] for row in page.context["sheet"]} == {P.ATTENDED}
    assert page.context["walk_in_text"] == "某人"
    assert 'value="迟到半小时"' in page.content.decode()
    assert set(statuses(activity).values()) == {P.INVITED}


@pytest.mark.django_db
def test_recording_the_sheet_saves_every_row_and_closes_attendance(staff_client, activity, invited):
    data = sheet_data(activity)
    data[f"status-{invited[0].pk}"] = P.ABSENT
    data[f"status-{invited[1].pk}"] = P.EXCUSED
    data[f"reason-{invited[1].pk}"] = "因病请假"
    response = staff_client.post(url(activity), data)
    assert response.status_code == 302
    got = statuses(activity)
    assert got[invited[0].pk] == P.ABSENT and got[invited[1].pk] == P.EXCUSED
    assert [got[p.pk] for p in invited[2:]] == [P.ATTENDED] * 3
    activity.refresh_from_db()
    assert activity.attendance_closed_at is not None


@pytest.mark.django_db
def test_walk_ins_are_added_by_name_or_mobile(staff_client, activity, invited, city, term):
    by_name = factories.DeputyFactory(congress=city, term=term, name="周来宾")
    by_mobile = factories.DeputyFactory(congress=city, term=term, name="吴来宾", mobile="13900001111")
    data = sheet_data(activity, walk_ins="周来宾\n\n139 0000 1111\n")
    response = staff_client.post(url(activity), data)
    assert response.status_code == 302
    walk_ins = activity.participations.filter(walk_in=True)
    assert {(p.deputy_id, p.status) for p in walk_ins} == {(by_name.pk, P.ATTENDED), (by_mobile.pk, P.ATTENDED)}


# --- bad input: a clear error, nothing written, everything typed kept ----------------------------------


@pytest.mark.django_db
def test_an_excused_row_without_a_reason_is_named_and_nothing_is_written(staff_client, activity, invited):
    data = sheet_data(activity, walk_ins="")
    data[f"status-{invited[2].pk}"] = P.EXCUSED
    data[f"status-{invited[0].pk}"] = P.ABSENT
    page = staff_client.post(url(activity), data)
    assert page.status_code == 200
    assert any(invited[2].deputy.name in e for e in page.context["errors"])
    row = next(r for r in page.context["sheet"] if r["p"].pk == invited[2].pk)
    assert row["problem"] and row["status"] == P.EXCUSED
    assert next(r for r in page.context["sheet"] if r["p"].pk == invited[0].pk)["status"] == P.ABSENT  # kept as typed
    assert set(statuses(activity).values()) == {P.INVITED}
    activity.refresh_from_db()
    assert activity.attendance_closed_at is None


@pytest.mark.django_db
def test_an_unknown_walk_in_name_is_a_clear_error_and_nothing_is_written(staff_client, activity, invited):
    page = staff_client.post(url(activity), sheet_data(activity, walk_ins="查无此人"))
    assert page.status_code == 200
    (error,) = page.context["errors"]
    assert "查无此人" in error and "示例市人民代表大会" in error
    assert page.context["walk_in_text"] == "查无此人"
    assert set(statuses(activity).values()) == {P.INVITED}
    assert not activity.participations.filter(walk_in=True).exists()


@pytest.mark.django_db
def test_an_ambiguous_walk_in_name_asks_for_the_mobile_number(staff_client, activity, invited, city, term):
    factories.DeputyFactory(congress=city, term=term, name="王伟")
    factories.DeputyFactory(congress=city, term=term, name="王伟")
    page = staff_client.post(url(activity), sheet_data(activity, walk_ins="王伟"))
    (error,) = page.context["errors"]
    assert "王伟" in error and "****" in error  # the namesakes, with masked mobiles
    assert set(statuses(activity).values()) == {P.INVITED}


@pytest.mark.django_db
def test_a_status_that_is_not_allowed_is_refused(staff_client, activity, invited):
    data = sheet_data(activity)
    data[f"status-{invited[1].pk}"] = P.ACCEPTED  # an answer, not an attendance
    page = staff_client.post(url(activity), data)
    assert page.status_code == 200
    assert any(invited[1].deputy.name in e for e in page.context["errors"])
    assert set(statuses(activity).values()) == {P.INVITED}


@pytest.mark.django_db
def test_a_participation_of_another_activity_is_refused(staff_client, staff, activity, invited, city):
    elsewhere = ParticipationFactory(activity=ActivityFactory(congress=city, recorder=staff))
    data = sheet_data(activity)
    data[f"status-{elsewhere.pk}"] = P.ATTENDED
    data[f"reason-{elsewhere.pk}"] = ""
    page = staff_client.post(url(activity), data)
    assert page.status_code == 200
    assert page.context["errors"]
    assert set(statuses(activity).values()) == {P.INVITED}
    elsewhere.refresh_from_db()
    assert elsewhere.status == P.INVITED


@pytest.mark.django_db
def test_a_deputy_terminated_before_the_day_cannot_be_ticked_present(staff_client, staff, activity, invited):
    gone = invited[4].deputy
    roster.deputy_terminate(
        actor=staff,
        deputy=gone,
        reason=StatusChange.Reason.DIED,
        effective_date=activity.start_date - datetime.timedelta(days=3),
    )
    page = staff_client.get(url(activity))
    assert not next(r for r in page.context["sheet"] if r["p"].pk == invited[4].pk)["serving"]
    page = staff_client.post(url(activity), sheet_data(activity))
    assert any(gone.name in e for e in page.context["errors"])
    assert set(statuses(activity).values()) == {P.INVITED}


# --- permissions ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_unit_officer_records_their_own_activity_but_not_another(client, staff, unit_officer, city, term):
    mine = ActivityFactory(congress=city, recorder=unit_officer, created_by=staff)
    other = ActivityFactory(congress=city, recorder=staff)
    for a in (mine, other):
        services.activity_invite(actor=staff, activity=a, deputies=serving_deputies(2, city=city, term=term))
    client.force_login(unit_officer)
    assert client.get(url(mine)).status_code == 200
    assert client.post(url(mine), sheet_data(mine)).status_code == 302
    assert set(statuses(mine).values()) == {P.ATTENDED}
    assert client.get(url(other)).status_code == 403
    assert client.post(url(other), sheet_data(other)).status_code == 403
    assert set(statuses(other).values()) == {P.INVITED}


@pytest.mark.django_db
def test_deputies_outsiders_and_other_congresses_staff_may_not_record(
    client, activity, invited, deputy, outsider, district_staff
):
    for user in (deputy, outsider, district_staff):
        client.force_login(user)
        assert client.get(url(activity)).status_code == 403
        assert client.post(url(activity), sheet_data(activity)).status_code == 403
    client.logout()
    assert client.get(url(activity)).status_code == 302
    assert set(statuses(activity).values()) == {P.INVITED}


# --- 500 deputies in one submit ------------------------------------------------------------------------------


@pytest.fixture
def big_activity(staff, city, term):
    """An inspection with 500 invited deputies across 5 districts (written in bulk: this is setup)."""
    activity = ActivityFactory(congress=city, recorder=staff, kind=Activity.Kind.INSPECTION)
    units = [factories.ElectoralUnitFactory(congress=city, name=f"第{i}区") for i in range(5)]
    from deputies.models import Deputy

    deputies = Deputy.objects.bulk_create(
        Deputy(
            congress=city,
            term=term,
            electoral_unit=units[i % 5],
            name=f"代表{i:03d}",
            gender="F",
            mobile=f"1391111{i:04d}",
            status="serving",
        )
        for i in range(500)
    )
    Participation.objects.bulk_create(
        Participation(activity=activity, deputy=d, activity_date=activity.start_date, activity_kind=activity.kind)
        for d in deputies
    )
    return activity


def test_the_sheet_fits_600_deputies_in_one_post():
    """Two fields a row: 600 deputies need more than Django's default limit of 1,000 fields."""
    assert (django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 10**9) >= 2 * 600 + 10


@pytest.mark.django_db
def test_recording_500_deputies_in_one_submit(staff_client, big_activity):
    page = staff_client.get(url(big_activity))
    assert page.status_code == 200 and len(page.context["sheet"]) == 500
    data = sheet_data(big_activity)
    pks = sorted(statuses(big_activity))
    for pk in pks[:40]:
        data[f"status-{pk}"] = P.ABSENT
    for pk in pks[40:60]:
        data[f"status-{pk}"] = P.EXCUSED
        data[f"reason-{pk}"] = "另有公务"
    response = staff_client.post(url(big_activity), data)
    assert response.status_code == 302
    got = list(big_activity.participations.values_list("status", flat=True))
    assert (got.count(P.ATTENDED), got.count(P.ABSENT), got.count(P.EXCUSED)) == (440, 40, 20)
    assert big_activity.participations.filter(recorded_at__isnull=False).count() == 500


@pytest.mark.django_db
def test_one_bad_row_in_500_rejects_the_whole_submit(staff_client, big_activity):
    data = sheet_data(big_activity)
    pks = sorted(statuses(big_activity))
    bad = big_activity.participations.select_related("deputy").get(pk=pks[321])
    data[f"status-{bad.pk}"] = P.EXCUSED  # and no reason
    data[f"reason-{pks[7]}"] = "提前离场"
    page = staff_client.post(url(big_activity), data)
    assert page.status_code == 200
    (error,) = page.context["errors"]
    assert bad.deputy.name in error
    assert set(statuses(big_activity).values()) == {P.INVITED}
    assert not big_activity.participations.filter(recorded_at__isnull=False).exists()
    html = page.content.decode()
    assert 'value="提前离场"' in html and f'id="row-{bad.pk}" class="row-error"' in html
