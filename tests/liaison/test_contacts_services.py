"""Contact assignments, contact records, routing what was gathered, director reception days:
every rule a test, every bad input refused in Chinese with nothing written."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities.models import Activity, DeputyLetter, Participation
from core.exceptions import NotAllowed
from liaison import services_contacts as services
from liaison.models import Committee, ContactAssignment, ContactRecord, OpinionRouting, ReceptionDay
from notifications.models import Notification

from .. import factories

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def assignment(staff, leader, deputy):
    return services.assignment_create(actor=staff, member=leader.seat, deputy=deputy.mandate)


# --- Assignments ------------------------------------------------------------------------------


def test_staff_assign_a_deputy_to_an_sc_member(assignment, leader, deputy):
    assert assignment.member == leader.seat and assignment.deputy == deputy.mandate


@pytest.mark.parametrize(
    "case, message",
    [
        ("self", "不能被指定联系自己"),
        ("twice", "已指定由该组成人员联系"),
        ("other_term", "往届代表不是"),
        ("not_serving", "不在任"),
    ],
)
def test_bad_assignments_are_refused(staff, leader, deputy, city, case, message):
    target = deputy.mandate
    if case == "self":
        target = leader.mandate
    elif case == "twice":
        services.assignment_create(actor=staff, member=leader.seat, deputy=target)
    elif case == "other_term":
        old = factories.TermFactory(congress=city, number=16, name="第十六届", is_current=False)
        target = factories.DeputyFactory(congress=city, term=old, name="往届代表")
    elif case == "not_serving":
        target = factories.DeputyFactory(congress=city, term=deputy.mandate.term, status="suspended")
    before = ContactAssignment.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(actor=staff, member=leader.seat, deputy=target)
    assert message in " ".join(exc.value.messages)
    assert ContactAssignment.objects.count() == before


@pytest.mark.parametrize("who", ["district_staff", "outsider", "deputy"])
def test_only_staff_of_the_congress_assign(request, who, leader, deputy):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.assignment_create(actor=actor, member=leader.seat, deputy=deputy.mandate)
    assert ContactAssignment.objects.count() == 0


# --- Contact records --------------------------------------------------------------------------


def test_the_member_records_a_contact_with_opinions(assignment, leader):
    record = services.contact_record(
        actor=leader, assignment=assignment, kind="visit", date=today(), opinions="  希望增加社区养老服务点。 "
    )
    assert record.member == leader.seat and record.deputy == assignment.deputy
    assert record.opinions == "希望增加社区养老服务点。" and record.recorded_by == leader


def test_staff_may_enter_a_paper_record(assignment, staff):
    record = services.contact_record(actor=staff, assignment=assignment, kind="phone", date=today())
    assert record.recorded_by == staff


@pytest.mark.parametrize("who", ["sc_plain", "deputy", "district_staff", "outsider"])
def test_nobody_else_records_for_the_member(request, who, assignment):
    with pytest.raises(NotAllowed):
        services.contact_record(actor=request.getfixturevalue(who), assignment=assignment, kind="visit", date=today())
    assert ContactRecord.objects.count() == 0


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"kind": "letter"}, "kind", "请选择走访、谈话、电话或会议"),
        ({"date": "tomorrow"}, "date", "联系日期不能晚于今天"),
        ({"date": datetime.date(2021, 12, 31)}, "date", "早于本届开始日期"),
        ({"date": None}, "date", "请填写联系日期"),
        ({"opinions": "意见\x00"}, "opinions", "无法保存的字符"),
        ({"opinions": "长" * 4001}, "opinions", "最多 4000 个字"),
    ],
)
def test_bad_contact_records_are_refused(assignment, leader, values, field, message):
    data = {"kind": "visit", "date": today(), "opinions": "", **values}
    if data["date"] == "tomorrow":
        data["date"] = today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.contact_record(actor=leader, assignment=assignment, **data)
    assert message in " ".join(exc.value.message_dict[field])
    assert ContactRecord.objects.count() == 0


# --- Routing ----------------------------------------------------------------------------------


@pytest.fixture
def record(assignment, leader):
    return services.contact_record(
        actor=leader, assignment=assignment, kind="talk", date=today(), opinions="建议延长地铁末班车时间。"
    )


def test_route_to_a_committee(record, staff, committee):
    routing = services.opinion_route(
        actor=staff, record=record, target="committee", text=record.opinions, committee=committee
    )
    assert routing.committee == committee and routing.target == OpinionRouting.Target.COMMITTEE


def test_route_to_a_unit_forwards_a_deputys_letter_with_its_deadline(record, staff, unit_officer):
    with_unit = unit_officer.unit
    routing = services.opinion_route(actor=staff, record=record, target="letter", text=record.opinions, unit=with_unit)
    letter = routing.letter
    assert letter.deputy == record.deputy and letter.body == with_unit
    assert letter.status == DeputyLetter.Status.FORWARDED and letter.reply_due == today() + datetime.timedelta(days=30)
    assert Notification.objects.filter(user=unit_officer, key=f"letter:{letter.pk}:forwarded").exists()


def test_route_as_a_suggestion_draft_tells_the_deputy_with_a_prefilled_link(record, staff, deputy):
    routing = services.opinion_route(actor=staff, record=record, target="suggestion", text="建议延长末班车。")
    note = Notification.objects.get(user=deputy, key=f"liaison:routing:{routing.pk}:suggestion")
    url = urlsplit(note.url)
    assert url.path == "/portal/suggestions/new/"
    query = parse_qs(url.query)
    assert query["body"] == ["建议延长末班车。"] and "联系" in query["title"][0]


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"target": "committee", "text": ""}, "text", "这个字段是必填项"),
        ({"target": "committee"}, "committee", "请选择本级人大的委员会"),
        ({"target": "committee", "committee": "district"}, "committee", "请选择本级人大的委员会"),
        ({"target": "letter"}, "unit", "请选择信件转交的单位"),
        ({"target": "fax"}, "target", "请选择意见转往何处"),
    ],
)
def test_bad_routings_are_refused(record, staff, district, values, field, message):
    data = {"text": "意见", **values}
    if data.get("committee") == "district":
        data["committee"] = Committee.objects.create(congress=district, name="区法制委员会")
    with pytest.raises(ValidationError) as exc:
        services.opinion_route(actor=staff, record=record, **data)
    assert message in " ".join(exc.value.message_dict[field])
    assert OpinionRouting.objects.count() == 0 and DeputyLetter.objects.count() == 0


def test_a_deputy_without_an_account_cannot_get_a_draft(staff, leader, city, term):
    plain = factories.DeputyFactory(congress=city, term=term, name="无账号代表")
    assignment = services.assignment_create(actor=staff, member=leader.seat, deputy=plain)
    record = services.contact_record(actor=leader, assignment=assignment, kind="visit", date=today(), opinions="意见")
    with pytest.raises(ValidationError) as exc:
        services.opinion_route(actor=staff, record=record, target="suggestion", text="意见")
    assert "没有账号" in " ".join(exc.value.messages)
    assert OpinionRouting.objects.count() == 0


@pytest.mark.parametrize("who", ["district_staff", "leader", "deputy"])
def test_only_staff_route(request, record, who, committee):
    with pytest.raises(NotAllowed):
        services.opinion_route(
            actor=request.getfixturevalue(who), record=record, target="committee", text="意见", committee=committee
        )
    assert OpinionRouting.objects.count() == 0


# --- Director reception days ------------------------------------------------------------------


def test_a_reception_day_is_an_attended_activity_in_the_ledger(staff, city, leader, deputy, other_deputy):
    day = services.reception_day_record(
        actor=staff,
        congress=city,
        date=today(),
        leader=leader.seat,
        deputies=[deputy.mandate, other_deputy.mandate],
        raised="反映老旧小区加装电梯问题。",
    )
    assert set(day.deputies.all()) == {deputy.mandate, other_deputy.mandate}
    activity = day.activity
    assert activity.kind == Activity.Kind.RECEPTION_DAY and activity.start_date == today()
    assert activity.attendance_closed_at is not None
    statuses = set(Participation.objects.filter(activity=activity).values_list("deputy_id", "status"))
    assert statuses == {(deputy.mandate.pk, "attended"), (other_deputy.mandate.pk, "attended")}


@pytest.mark.parametrize(
    "case, field, message",
    [
        ("not_leader", "leader", "请选择本级人大常委会主任或副主任"),
        ("future", "date", "接待日举行后再登记"),
        ("nobody", "deputies", "至少填写一名"),
        ("other_congress", "deputies", "不是本级人大在任代表"),
    ],
)
def test_bad_reception_days_are_refused(staff, city, district, leader, sc_plain, deputy, case, field, message):
    data = {"congress": city, "date": today(), "leader": leader.seat, "deputies": [deputy.mandate], "raised": ""}
    if case == "not_leader":
        data["leader"] = sc_plain.seat
    elif case == "future":
        data["date"] = today() + datetime.timedelta(days=1)
    elif case == "nobody":
        data["deputies"] = []
    elif case == "other_congress":
        data["deputies"] = [factories.DeputyFactory(congress=district, name="区代表")]
    with pytest.raises(ValidationError) as exc:
        services.reception_day_record(actor=staff, **data)
    assert message in " ".join(exc.value.message_dict[field])
    assert ReceptionDay.objects.count() == 0 and Activity.objects.count() == 0


def test_district_staff_may_not_record_the_citys_reception_day(district_staff, city, leader, deputy):
    with pytest.raises(NotAllowed):
        services.reception_day_record(
            actor=district_staff, congress=city, date=today(), leader=leader.seat, deputies=[deputy.mandate]
        )
    assert ReceptionDay.objects.count() == 0
