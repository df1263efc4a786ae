"""SC meetings: topics with their committee, invitations per topic as ledger participations,
the wide circle of grassroots deputies, the pre-meeting symposium, deputies' written opinions
per topic in the portal, the office page and its export."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Participation
from activities.services import participation_respond
from core.exceptions import InvalidTransition, NotAllowed
from liaison import scans
from liaison import services_contacts as services
from liaison.models import Committee, Symposium, Topic, TopicInvitation, TopicOpinion
from notifications.models import Notification

from .. import factories
from .factories import grassroots

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(staff, sc_meeting, committee):
    return services.topic_add(
        actor=staff, meeting=sc_meeting, title="审议《示例市养老服务条例（草案）》", committee=committee
    )


# --- Topics -----------------------------------------------------------------------------------


def test_a_topic_belongs_to_an_sc_meeting_and_a_committee_of_its_congress(topic, sc_meeting, committee):
    assert topic.meeting == sc_meeting and topic.committee == committee


@pytest.mark.parametrize(
    "case, message",
    [
        ("not_sc", "只有常委会会议才有议题"),
        ("other_committee", "请选择会议所属人大的委员会"),
        ("twice", "本次会议已有同名议题"),
        ("empty", "这个字段是必填项"),
    ],
)
def test_bad_topics_are_refused(staff, city, district, sc_meeting, committee, case, message):
    meeting, chosen, title = sc_meeting, committee, "议题"
    if case == "not_sc":
        meeting = factories.ActivityFactory(congress=city, kind="inspection", recorder=staff)
    elif case == "other_committee":
        chosen = Committee.objects.create(congress=district, name="区委员会")
    elif case == "twice":
        services.topic_add(actor=staff, meeting=meeting, title=title, committee=committee)
    elif case == "empty":
        title = "  "
    before = Topic.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.topic_add(actor=staff, meeting=meeting, title=title, committee=chosen)
    assert message in " ".join(exc.value.messages)
    assert Topic.objects.count() == before


def test_district_staff_may_not_add_a_topic_to_the_citys_meeting(district_staff, sc_meeting, committee):
    with pytest.raises(NotAllowed):
        services.topic_add(actor=district_staff, meeting=sc_meeting, title="议题", committee=committee)
    assert Topic.objects.count() == 0


# --- Invitations ------------------------------------------------------------------------------


def test_inviting_for_a_topic_is_a_participation_in_the_ledger(staff, topic, deputy, other_deputy):
    n = services.topic_invite(actor=staff, topic=topic, deputies=[deputy.mandate, other_deputy.mandate])
    assert n == 2
    parts = Participation.objects.filter(activity=topic.meeting)
    assert {p.deputy_id for p in parts} == {deputy.mandate.pk, other_deputy.mandate.pk}
    assert all(p.activity_kind == Activity.Kind.SC_MEETING and p.status == "invited" for p in parts)
    assert TopicInvitation.objects.filter(topic=topic).count() == 2
    assert Notification.objects.filter(user=deputy, key=f"activity:{topic.meeting.pk}:invited").exists()
    # Invited again, and for a second topic: one participation per deputy, one invitation per topic.
    assert services.topic_invite(actor=staff, topic=topic, deputies=[deputy.mandate]) == 0
    second = services.topic_add(actor=staff, meeting=topic.meeting, title="第二个议题", committee=topic.committee)
    assert services.topic_invite(actor=staff, topic=second, deputies=[deputy.mandate]) == 1
    assert Participation.objects.filter(activity=topic.meeting).count() == 2


def test_a_deputy_named_twice_is_invited_once(staff, topic, deputy):
    assert services.topic_invite(actor=staff, topic=topic, deputies=[deputy.mandate, deputy.mandate]) == 1
    assert Participation.objects.filter(activity=topic.meeting).count() == 1


def test_an_invitation_is_answered_on_the_activities_pages(client, staff, topic, deputy):
    services.topic_invite(actor=staff, topic=topic, deputies=[deputy.mandate])
    participation = Participation.objects.get(activity=topic.meeting, deputy=deputy.mandate)
    participation_respond(actor=deputy, participation=participation, accept=True)
    participation.refresh_from_db()
    assert participation.status == "accepted"
    client.force_login(deputy)
    page = client.get(reverse("liaison_portal:topics"))
    assert topic.title in page.content.decode() and "/portal/activities/" in page.content.decode()


def test_no_invitation_to_a_meeting_that_is_over(staff, topic, deputy):
    Activity.objects.filter(pk=topic.meeting.pk).update(
        start_date=timezone.localdate() - datetime.timedelta(days=3),
        end_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    topic.meeting.refresh_from_db()
    with pytest.raises(InvalidTransition) as exc:
        services.topic_invite(actor=staff, topic=topic, deputies=[deputy.mandate])
    assert "会议已结束" in str(exc.value)
    assert TopicInvitation.objects.count() == 0 and Participation.objects.count() == 0


def test_inviting_nobody_serving_is_refused(staff, topic, city, term):
    gone = factories.DeputyFactory(congress=city, term=term, status="terminated")
    with pytest.raises(ValidationError) as exc:
        services.topic_invite(actor=staff, topic=topic, deputies=[gone])
    assert "请至少选择一名本级人大在任代表" in " ".join(exc.value.messages)
    assert Participation.objects.count() == 0


def test_the_wide_circle_invites_grassroots_deputies_never_invited_this_term(staff, topic, city, term):
    """GIVEN 8 grassroots deputies, of whom one was invited to an earlier SC meeting this term and
    one only to a meeting before the term, and two non-grassroots deputies: WHEN staff invite the
    wide circle capped at 5, THEN five of the seven never invited this term are invited, in order."""
    people = grassroots(city, term, 8)
    factories.DeputyFactory(congress=city, term=term, name="非基层代表")
    earlier = factories.ActivityFactory(congress=city, kind="sc_meeting", recorder=staff)
    factories.ParticipationFactory(activity=earlier, deputy=people[0], status="declined")
    before_term = factories.ActivityFactory(
        congress=city, kind="sc_meeting", recorder=staff, start_date=datetime.date(2021, 3, 1)
    )
    factories.ParticipationFactory(activity=before_term, deputy=people[1], status="attended")
    assert services.topic_invite_wide(actor=staff, topic=topic, cap=5) == 5
    invited = list(
        TopicInvitation.objects.filter(topic=topic)
        .order_by("participation__deputy__name")
        .values_list("participation__deputy__name", flat=True)
    )
    assert invited == [p.name for p in people[1:6]]
    # The rest, then nobody left.
    assert services.topic_invite_wide(actor=staff, topic=topic, cap=500) == 2
    with pytest.raises(ValidationError) as exc:
        services.topic_invite_wide(actor=staff, topic=topic, cap=5)
    assert "都已受邀" in " ".join(exc.value.messages)


@pytest.mark.parametrize("cap", [0, 501, None])
def test_the_wide_circle_needs_a_sensible_cap(staff, topic, cap):
    with pytest.raises(ValidationError) as exc:
        services.topic_invite_wide(actor=staff, topic=topic, cap=cap)
    assert "请填写 1 到 500 之间的数" in " ".join(exc.value.messages)
    assert Participation.objects.count() == 0


# --- Symposium and opinions -------------------------------------------------------------------


def test_the_symposium_is_an_activity_with_the_invited_deputies(staff, topic, deputy, other_deputy):
    services.topic_invite(actor=staff, topic=topic, deputies=[deputy.mandate, other_deputy.mandate])
    declined = Participation.objects.get(activity=topic.meeting, deputy=other_deputy.mandate)
    participation_respond(actor=other_deputy, participation=declined, accept=False, reason="出差")
    day = topic.meeting.start_date - datetime.timedelta(days=2)
    symposium = services.symposium_schedule(actor=staff, meeting=topic.meeting, date=day, place="市人大常委会会议室")
    assert symposium.activity.kind == Activity.Kind.SYMPOSIUM and symposium.activity.start_date == day
    assert list(Participation.objects.filter(activity=symposium.activity).values_list("deputy_id", flat=True)) == [
        deputy.mandate.pk
    ]
    # Invited later for a topic: invited to the symposium too. Moved: the ledger row follows.
    later = factories.DeputyFactory(congress=topic.meeting.congress, term=deputy.mandate.term, name="后邀代表")
    services.topic_invite(actor=staff, topic=topic, deputies=[later])
    assert Participation.objects.filter(activity=symposium.activity).count() == 2
    services.symposium_schedule(actor=staff, meeting=topic.meeting, date=day - datetime.timedelta(days=1))
    symposium.activity.refresh_from_db()
    assert symposium.activity.start_date == day - datetime.timedelta(days=1)
    assert Symposium.objects.count() == 1 and Activity.objects.filter(kind="symposium").count() == 1


def test_the_symposium_comes_before_the_meeting(staff, topic):
    with pytest.raises(ValidationError) as exc:
        services.symposium_schedule(
            actor=staff, meeting=topic.meeting, date=topic.meeting.start_date + datetime.timedelta(days=1)
        )
    assert "座谈会须在会议之前召开" in " ".join(exc.value.messages)
    assert Symposium.objects.count() == 0


def test_an_invited_deputy_gives_and_rewrites_an_opinion_in_the_portal(client, staff, topic, deputy):
    services.topic_invite(actor=staff, topic=topic, deputies=[deputy.mandate])
    client.force_login(deputy)
    url = reverse("liaison_portal:topic_opinion", args=[topic.pk])
    assert client.post(url, {"text": "建议增加社区嵌入式养老机构。"}).status_code == 302
    assert client.post(url, {"text": "建议增加社区嵌入式养老机构，并给予运营补贴。"}).status_code == 302
    opinion = TopicOpinion.objects.get()
    assert opinion.deputy == deputy.mandate and opinion.text.endswith("运营补贴。")
    page = client.get(reverse("liaison_portal:topic", args=[topic.pk]))
    assert "运营补贴" in page.content.decode()


def test_an_empty_opinion_comes_back_in_chinese(client, staff, topic, deputy):
    services.topic_invite(actor=staff, topic=topic, deputies=[deputy.mandate])
    client.force_login(deputy)
    response = client.post(reverse("liaison_portal:topic_opinion", args=[topic.pk]), {"text": " "})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert TopicOpinion.objects.count() == 0


def test_a_deputy_not_invited_for_the_topic_gets_404(client, topic, deputy):
    client.force_login(deputy)
    assert client.get(reverse("liaison_portal:topic", args=[topic.pk])).status_code == 404
    assert client.post(reverse("liaison_portal:topic_opinion", args=[topic.pk]), {"text": "x"}).status_code == 404
    with pytest.raises(NotAllowed):
        services.topic_opinion_submit(actor=deputy, topic=topic, deputy=deputy.mandate, text="意见")
    assert TopicOpinion.objects.count() == 0


def test_no_opinion_for_someone_else_after_declining_or_after_the_meeting(staff, topic, deputy, other_deputy):
    services.topic_invite(actor=staff, topic=topic, deputies=[deputy.mandate, other_deputy.mandate])
    with pytest.raises(NotAllowed):
        services.topic_opinion_submit(actor=other_deputy, topic=topic, deputy=deputy.mandate, text="代写")
    p = Participation.objects.get(activity=topic.meeting, deputy=other_deputy.mandate)
    participation_respond(actor=other_deputy, participation=p, accept=False, reason="出差")
    with pytest.raises(NotAllowed):
        services.topic_opinion_submit(actor=other_deputy, topic=topic, deputy=other_deputy.mandate, text="意见")
    Activity.objects.filter(pk=topic.meeting.pk).update(
        start_date=timezone.localdate() - datetime.timedelta(days=1),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    topic.meeting.refresh_from_db()
    with pytest.raises(InvalidTransition) as exc:
        services.topic_opinion_submit(actor=deputy, topic=topic, deputy=deputy.mandate, text="意见")
    assert "会议已召开" in str(exc.value)
    assert TopicOpinion.objects.count() == 0


# --- The office page and its export -----------------------------------------------------------


def test_staff_see_and_export_who_attended_and_what_was_said_per_topic(client, staff, topic, deputy, other_deputy):
    services.topic_invite(actor=staff, topic=topic, deputies=[deputy.mandate, other_deputy.mandate])
    services.topic_opinion_submit(actor=deputy, topic=topic, deputy=deputy.mandate, text="=建议明确护理补贴标准。")
    client.force_login(staff)
    page = client.get(reverse("liaison_office:meeting", args=[topic.meeting.pk]))
    html = page.content.decode()
    assert topic.title in html and "=建议明确护理补贴标准。" in html and other_deputy.mandate.name in html
    response = client.get(reverse("liaison_office:meeting_export", args=[topic.meeting.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["议题", "负责委员会", "代表", "出席记录", "意见内容"]
    by_name = {r[2]: r for r in rows[1:]}
    assert by_name[deputy.mandate.name][4] == "=建议明确护理补贴标准。"
    assert by_name[other_deputy.mandate.name][3] == "已邀请" and by_name[other_deputy.mandate.name][4] in ("", None)
    # The text stays text in Excel: never a formula.
    assert sheet.cell(row=2 if rows[1][2] == deputy.mandate.name else 3, column=5).data_type == "s"


def test_staff_invite_from_the_office_page(client, staff, topic, deputy):
    client.force_login(staff)
    key = f"invite-{topic.pk}"
    url = reverse("liaison_office:topic_invite", args=[topic.pk])
    assert client.post(url, {f"{key}-deputies": [deputy.mandate.pk]}).status_code == 302
    assert TopicInvitation.objects.filter(topic=topic).count() == 1
    wide = reverse("liaison_office:topic_wide", args=[topic.pk])
    response = client.post(wide, {f"wide-{topic.pk}-cap": "0"})
    assert response.status_code == 200 and "大于或等于" in response.content.decode()
    assert TopicInvitation.objects.filter(topic=topic).count() == 1


def test_district_staff_and_deputies_do_not_open_the_citys_meeting(client, district_staff, deputy, topic):
    client.force_login(district_staff)
    assert client.get(reverse("liaison_office:meeting", args=[topic.meeting.pk])).status_code == 404
    client.force_login(deputy)
    assert client.get(reverse("liaison_office:meeting", args=[topic.meeting.pk])).status_code == 403


@pytest.mark.parametrize("n", [5, 50])
def test_the_meeting_page_queries_do_not_grow(client, staff, topic, city, term, n, django_assert_num_queries):
    people = grassroots(city, term, n)
    services.topic_invite(actor=staff, topic=topic, deputies=people)
    second = services.topic_add(actor=staff, meeting=topic.meeting, title="第二个议题", committee=topic.committee)
    services.topic_invite(actor=staff, topic=second, deputies=people)
    TopicOpinion.objects.bulk_create(TopicOpinion(topic=topic, deputy=d, text="意见") for d in people)
    client.force_login(staff)
    client.get(reverse("liaison_office:meeting", args=[topic.meeting.pk]))
    with django_assert_num_queries(MEETING_PAGE_QUERIES):
        response = client.get(reverse("liaison_office:meeting", args=[topic.meeting.pk]))
    assert len(response.context["meeting"].topics) == 2


# Measured, the same with 5 and 50 deputies: the request's session, user and header, the meeting,
# its topics, their invitations and opinions, the symposium, the invitation form's candidates.
MEETING_PAGE_QUERIES = 14


# --- Reminders --------------------------------------------------------------------------------


def test_the_day_before_is_reminded_once_by_the_ledger_not_twice(staff, topic, deputy):
    """The ledger's scan already reminds accepted participants the day before any activity (SC
    meetings and symposia included); liaison adds no second reminder of its own."""
    from activities import scans as activity_scans

    services.topic_invite(actor=staff, topic=topic, deputies=[deputy.mandate])
    p = Participation.objects.get(activity=topic.meeting)
    participation_respond(actor=deputy, participation=p, accept=True)
    now = timezone.now() + datetime.timedelta(days=9)
    assert activity_scans.activity_day_before(now) == 1
    assert activity_scans.activity_day_before(now) == 0
    for scan in (scans.duty_reminders, scans.opinion_reminders, scans.contact_reminders):
        scan(now)
    assert (
        Notification.objects.filter(user=deputy, title__contains=topic.meeting.title[:10])
        .exclude(key__endswith=":invited")
        .count()
        == 1
    )
