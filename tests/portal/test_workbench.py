"""The workbench (``/portal/``): what each role finds waiting, that each item opens the page
where it is acted on, the deadline marks in words, and a query count that stays the same
with 5 and with 500 waiting items of every kind."""

import datetime
import secrets

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.services import user_sync_roles
from activities.models import Activity, DeputyLetter, Participation
from deputies.models import Deputy, StandingCommitteeMember
from liaison.models import Committee, Consultation, ContactAssignment, Opinion
from proposals.models import Assignment, CoSigner, Extension, KeySupervision, Suggestion
from tests import builders
from tests.liaison.factories import StationFactory
from training.models import DataRequest, Material

pytestmark = pytest.mark.django_db

S = Suggestion.Status
A = Assignment.Status
DEPUTY_BLOCKS = {
    "proposals.cosign",
    "activities.invitations",
    "proposals.rate",
    "activities.letter_feedback",
    "liaison.consultations",
    "liaison.opinions",
    "training.materials",
    "training.requests",
}
SC_BLOCKS = {"liaison.contacts", "proposals.supervision"}
UNIT_BLOCKS = {
    "proposals.unit_deadlines",
    "proposals.unit_views",
    "activities.unit_letters",
    "training.unit_requests",
}
STAFF_BLOCKS = {
    "proposals.office",
    "proposals.office_assign",
    "proposals.office_publish",
    "proposals.office_extensions",
    "activities.attendance",
    "activities.office_letters",
    "liaison.office_held",
    "liaison.office_received",
    "training.office_requests",
}


def today():
    return timezone.localdate()


def workbench(client):
    response = client.get("/portal/")
    assert response.status_code == 200
    return response, {block.key: block for block in response.context["blocks"]}


# --- Waiting work, written directly (many rows fast; the services are tested in their apps) ----


class World:
    """A city with a deputy who also holds an SC leader's seat, a unit officer and staff."""

    def __init__(self, city, term, staff):
        self.city, self.term, self.staff = city, term, staff
        self.deputy = builders.make_deputy_user(city, term, "李代表")
        self.seat = StandingCommitteeMember.objects.create(
            term=term, deputy=self.deputy.mandate, position="deputy_director", start_date=term.start_date
        )
        user_sync_roles(user=self.deputy)
        self.other = builders.make_deputy_user(city, term, "王代表")
        self.officer = builders.make_officer(city, "示例市交通运输局")
        self.unit = self.officer.unit
        self.committee = Committee.objects.create(congress=city, name="法制委员会", kind="special")
        self.station = StationFactory(congress=city)
        self.subject = builders.field()

    def _suggestions(self, n, *, lead, status, tag, **extra):
        now = timezone.now()
        return Suggestion.objects.bulk_create(
            [
                Suggestion(
                    congress=self.city,
                    title=f"{tag}{i}",
                    body="正文",
                    lead_deputy=lead,
                    status=status,
                    created_by=self.staff,
                    field=self.subject,
                    submitted_at=now,
                    **extra,
                )
                for i in range(n)
            ]
        )

    def _assignments(self, suggestions, *, role="lead", status=A.ASSIGNED, deadline=None):
        day = today()
        return Assignment.objects.bulk_create(
            [
                Assignment(
                    suggestion=s,
                    unit=self.unit,
                    role=role,
                    status=status,
                    assigned_on=day,
                    reassign_window_ends=day,
                    deadline=deadline or day + datetime.timedelta(days=i % 120 - 10),
                    assigned_by=self.staff,
                    first_replied_on=day if status == A.REPLIED else None,
                )
                for i, s in enumerate(suggestions)
            ]
        )

    def fill(self, n: int) -> None:
        mandate, day, now = self.deputy.mandate, today(), timezone.now()
        # The deputy: co-sign requests, invitations, replies to rate, letters, drafts to comment,
        # opinions to answer, materials, data requests.
        drafts = self._suggestions(n, lead=self.other.mandate, status=S.DRAFT, tag="联名")
        CoSigner.objects.bulk_create([CoSigner(suggestion=s, deputy=mandate) for s in drafts])
        later = day + datetime.timedelta(days=5)
        activities = Activity.objects.bulk_create(
            [
                Activity(
                    congress=self.city,
                    kind="inspection",
                    title=f"视察{i}",
                    start_date=later,
                    end_date=later,
                    organiser="代表工委",
                    recorder=self.staff,
                    created_by=self.staff,
                )
                for i in range(n)
            ]
        )
        Participation.objects.bulk_create(
            [
                Participation(activity=a, deputy=mandate, activity_date=later, activity_kind="inspection")
                for a in activities
            ]
        )
        replied = self._suggestions(n, lead=mandate, status=S.REPLIED, tag="待评")
        self._assignments(replied, status=A.REPLIED)
        DeputyLetter.objects.bulk_create(
            [
                DeputyLetter(
                    deputy=mandate,
                    subject=f"来信{i}",
                    content="内容",
                    received_on=day,
                    body=self.unit,
                    forwarded_on=day,
                    reply_due=day,
                    replied_on=day,
                    reply="已答复",
                    status=DeputyLetter.Status.REPLIED,
                )
                for i in range(n)
            ]
        )
        Consultation.objects.bulk_create(
            [
                Consultation(
                    committee=self.committee,
                    title=f"条例草案{i}",
                    draft="第一条",
                    closes_on=day + datetime.timedelta(days=i % 10),
                    published_at=now,
                    created_by=self.staff,
                )
                for i in range(n)
            ]
        )
        Opinion.objects.bulk_create(
            [
                Opinion(
                    station=self.station,
                    text=f"群众意见{i}",
                    status=status,
                    token_hash=secrets.token_hex(32),
                    assignee=self.deputy if status == Opinion.Status.ASSIGNED else None,
                    assigned_at=now if status == Opinion.Status.ASSIGNED else None,
                )
                for i in range(n)
                for status in (Opinion.Status.ASSIGNED, Opinion.Status.HELD, Opinion.Status.RECEIVED)
            ]
        )
        Material.objects.bulk_create(
            [Material(congress=self.city, title=f"材料{i}", published_at=now, created_by=self.staff) for i in range(n)]
        )
        DataRequest.objects.bulk_create(
            [
                DataRequest(
                    congress=self.city,
                    deputy=mandate,
                    subject=f"申请{i}",
                    wanted="数据",
                    reason="理由",
                    status=DataRequest.Status.SUBMITTED if i % 2 else DataRequest.Status.ROUTED,
                    unit=None if i % 2 else self.unit,
                    due=None if i % 2 else day + datetime.timedelta(days=i % 30 - 5),
                )
                for i in range(n)
            ]
        )
        # The SC leader: assigned deputies never contacted, key-supervision items.
        others = Deputy.objects.bulk_create(
            [
                Deputy(
                    congress=self.city,
                    term=self.term,
                    electoral_unit=mandate.electoral_unit,
                    name=f"联系代表{i}",
                    status="serving",
                )
                for i in range(n)
            ]
        )
        ContactAssignment.objects.bulk_create([ContactAssignment(member=self.seat, deputy=d) for d in others])
        supervised = self._suggestions(n, lead=self.other.mandate, status=S.ASSIGNED, tag="督办")
        KeySupervision.objects.bulk_create(
            [
                KeySupervision(
                    suggestion=s,
                    year=day.year,
                    sc_leader=self.seat,
                    government_leader="副市长",
                    committee="城建环保委",
                    selected_on=day,
                )
                for s in supervised
            ]
        )
        # The unit: replies due (some overdue, some due soon), assisting views, letters to answer.
        owed = self._suggestions(n, lead=self.other.mandate, status=S.ASSIGNED, tag="承办")
        owing = self._assignments(owed)
        # ... and the unit asked the office for more time on each.
        Extension.objects.bulk_create(
            [
                Extension(
                    assignment=a,
                    reason="需协调多部门",
                    requested_until=a.deadline + datetime.timedelta(days=30),
                    old_deadline=a.deadline,
                    requested_by=self.officer,
                )
                for a in owing
            ]
        )
        assisting = self._suggestions(n, lead=self.other.mandate, status=S.ASSIGNED, tag="协办")
        self._assignments(assisting, role="assisting")
        DeputyLetter.objects.bulk_create(
            [
                DeputyLetter(
                    deputy=self.other.mandate,
                    subject=f"转办{i}",
                    content="内容",
                    received_on=day,
                    body=self.unit,
                    forwarded_on=day,
                    reply_due=day + datetime.timedelta(days=i % 30 - 3),
                    status=DeputyLetter.Status.FORWARDED,
                )
                for i in range(n)
            ]
        )
        # The office: to review, to assign, to publish, attendance, letters to forward.
        self._suggestions(n, lead=self.other.mandate, status=S.SUBMITTED, tag="待审")
        self._suggestions(n, lead=self.other.mandate, status=S.ACCEPTED, tag="待交办", accepted_at=now)
        self._suggestions(n, lead=self.other.mandate, status=S.RATED, tag="待公开")
        before = day - datetime.timedelta(days=5)
        Activity.objects.bulk_create(
            [
                Activity(
                    congress=self.city,
                    kind="inspection",
                    title=f"已结束{i}",
                    start_date=before,
                    end_date=before,
                    organiser="代表工委",
                    recorder=self.staff,
                    created_by=self.staff,
                )
                for i in range(n)
            ]
        )
        DeputyLetter.objects.bulk_create(
            [
                DeputyLetter(deputy=self.other.mandate, subject=f"新信{i}", content="内容", received_on=day)
                for i in range(n)
            ]
        )


@pytest.fixture
def world(city, term, staff):
    return World(city, term, staff)


# --- Who sees what -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client):
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_after_login_unit_officers_and_deputies_land_on_the_workbench_staff_on_the_admin(
    client, unit_officer, deputy, staff
):
    for user, target in [(unit_officer, "/portal/"), (deputy, "/portal/"), (staff, "/admin/")]:
        client.force_login(user)
        assert client.get("/after-login/")["Location"] == target


def test_a_deputy_sees_their_waiting_work_and_no_one_elses(client, world):
    """GIVEN one of every kind of waiting item WHEN the plain deputy (no seat) opens the
    workbench THEN only the deputy's blocks show, with the year in figures below."""
    world.fill(1)
    client.force_login(world.other)
    # The other deputy leads everything; the co-sign requests and invitations are not theirs.
    _response, blocks = workbench(client)
    assert set(blocks) & (SC_BLOCKS | UNIT_BLOCKS | STAFF_BLOCKS) == set()
    assert "proposals.cosign" not in blocks

    client.force_login(world.deputy)
    response, blocks = workbench(client)
    assert DEPUTY_BLOCKS <= set(blocks)
    assert set(blocks) & (UNIT_BLOCKS | STAFF_BLOCKS) == set()
    assert blocks["proposals.cosign"].items[0].title == "联名0"
    assert blocks["activities.invitations"].items[0].title == "视察0"
    assert blocks["proposals.rate"].items[0].title == "待评0"
    assert blocks["liaison.consultations"].items[0].mark == "yellow"  # closes today
    assert response.context["year_block"] is not None
    figures = {item.title: item.detail for item in response.context["year_block"].items}
    assert figures[str(_label("suggestions and motions submitted"))] == "1"  # the rated item is this year's
    page = response.content.decode()
    assert "联名0" in page and "视察0" in page and "督办0" in page


def _label(text):
    from django.utils.translation import gettext

    return gettext(text)


def test_an_sc_leader_sees_deputies_not_contacted_and_their_key_supervision(client, world):
    world.fill(2)
    client.force_login(world.deputy)
    _response, blocks = workbench(client)
    contacts = blocks["liaison.contacts"]
    assert contacts.total == 2
    assert contacts.items[0].detail.startswith(str(_label("Not contacted yet")))
    assert {i.title for i in contacts.items} == {"联系代表0", "联系代表1"}
    assert blocks["proposals.supervision"].total == 2
    # A deputy without a seat has neither block.
    client.force_login(world.other)
    _response, blocks = workbench(client)
    assert not SC_BLOCKS & set(blocks)


def test_a_unit_officer_sees_deadlines_marked_in_words_and_no_deputy_work(client, world):
    world.fill(30)
    client.force_login(world.officer)
    response, blocks = workbench(client)
    assert UNIT_BLOCKS <= set(blocks)
    assert set(blocks) & (DEPUTY_BLOCKS | SC_BLOCKS | STAFF_BLOCKS) == set()
    deadlines = blocks["proposals.unit_deadlines"]
    assert deadlines.total == 30  # the replied items owe nothing
    assert [i.mark for i in deadlines.items] == ["red"] * 5  # ten overdue, nearest first
    assert deadlines.items[0].due == today() - datetime.timedelta(days=10)
    assert blocks["proposals.unit_views"].total == 30
    assert blocks["activities.unit_letters"].items[0].mark == "red"
    page = response.content.decode()
    assert "已逾期" in page
    assert "李代表" not in [b.heading for b in blocks.values()]


def test_unit_deadlines_turn_yellow_within_the_warning_days(client, world, settings):
    settings.PROPOSALS_DEADLINE_WARN_WORKDAYS = 10
    owed = world._suggestions(2, lead=world.other.mandate, status=S.ASSIGNED, tag="临期")
    world._assignments(owed[:1], deadline=today() + datetime.timedelta(days=3))
    world._assignments(owed[1:], deadline=today() + datetime.timedelta(days=90))
    client.force_login(world.officer)
    response, blocks = workbench(client)
    assert [i.mark for i in blocks["proposals.unit_deadlines"].items] == ["yellow", ""]
    assert "即将到期" in response.content.decode()


def test_staff_see_their_queues_and_no_deputy_or_unit_work(client, world):
    world.fill(3)
    client.force_login(world.staff)
    _response, blocks = workbench(client)
    assert STAFF_BLOCKS <= set(blocks)
    assert set(blocks) & (DEPUTY_BLOCKS | SC_BLOCKS | UNIT_BLOCKS) == set()
    assert blocks["proposals.office"].total == 3
    assert blocks["proposals.office_assign"].total == 3
    assert blocks["proposals.office_publish"].total == 3
    assert blocks["activities.attendance"].total == 3  # the coming inspections have not ended
    assert blocks["activities.office_letters"].total == 3
    assert blocks["proposals.office_extensions"].total == 3
    assert blocks["liaison.office_held"].total == 3
    assert blocks["liaison.office_received"].total == 3
    assert blocks["training.office_requests"].total == 1  # one of the three requests is not yet routed


def test_district_staff_do_not_see_the_citys_queues(client, world, district_staff):
    world.fill(2)
    client.force_login(district_staff)
    _response, blocks = workbench(client)
    assert not set(blocks) & STAFF_BLOCKS


def test_someone_with_no_role_is_told_nothing_waits(client, outsider):
    client.force_login(outsider)
    response, blocks = workbench(client)
    assert blocks == {}
    assert response.context["year_block"] is None
    assert 'class="card wb-empty"' in response.content.decode()


def test_a_block_shows_a_page_of_items_with_the_total_and_the_full_list(client, world):
    world.fill(8)
    client.force_login(world.deputy)
    response, blocks = workbench(client)
    block = blocks["proposals.cosign"]
    assert len(block.items) == 5 and block.total == 8
    assert f'href="{block.more_url}"' in response.content.decode()


# --- Each item one tap from its action ---------------------------------------------------------


@pytest.mark.parametrize("who", ["deputy", "officer", "staff"])
def test_every_item_opens_the_page_of_its_action(client, world, who):
    world.fill(2)
    user = getattr(world, who)
    client.force_login(user)
    response, blocks = workbench(client)
    assert blocks
    urls = {item.url for block in blocks.values() for item in block.items}
    urls |= {block.more_url for block in blocks.values() if block.more_url}
    if who == "deputy":
        urls |= {item.url for item in response.context["year_block"].items}
    for url in sorted(urls):
        path = url.split("#")[0]
        resolve(path.split("?")[0])
        opened = client.get(path)
        assert opened.status_code == 200, (url, opened.status_code)


# --- Query counts: the same with 5 and 500 waiting items ---------------------------------------

# Session, user, the mandates (and their groups), the role groups, the unit, the unread count;
# then one query per block that concerns the role (its page and its total together), three
# for the training blocks' reading of the mandates, one for the year in figures.
QUERIES = {"deputy": 21, "officer": 16, "staff": 17}


@pytest.mark.parametrize("who", ["deputy", "officer", "staff"])
@pytest.mark.parametrize("n", [5, 500])
def test_the_query_count_does_not_grow_with_the_waiting_items(client, world, who, n, django_assert_num_queries):
    world.fill(n)
    user = getattr(world, who)
    client.force_login(user)
    with django_assert_num_queries(QUERIES[who]):
        response = client.get("/portal/")
    assert response.status_code == 200
    totals = {block.key: block.total for block in response.context["blocks"]}
    assert max(totals.values()) >= n
    assert all(len(block.items) <= 5 for block in response.context["blocks"])


def test_a_plain_sc_member_has_deputies_to_contact_but_no_key_supervision(client, world):
    world.fill(1)
    StandingCommitteeMember.objects.filter(pk=world.seat.pk).update(position="member")
    KeySupervision.objects.all().delete()
    client.force_login(world.deputy)
    _response, blocks = workbench(client)
    assert "liaison.contacts" in blocks
    assert "proposals.supervision" not in blocks


def test_a_deputy_contacted_lately_leaves_the_sc_members_list(client, world):
    from liaison.models import ContactRecord

    world.fill(2)
    first = ContactAssignment.objects.order_by("pk").first()
    ContactRecord.objects.create(
        member=world.seat, deputy=first.deputy, kind="visit", date=today(), recorded_by=world.deputy
    )
    client.force_login(world.deputy)
    _response, blocks = workbench(client)
    assert [i.title for i in blocks["liaison.contacts"].items] == ["联系代表1"]


def test_answered_work_leaves_the_workbench(client, world):
    """GIVEN the deputy's invitations and co-sign requests WHEN they are answered THEN their
    blocks go (the year in figures stays)."""
    world.fill(2)
    Participation.objects.filter(deputy=world.deputy.mandate).update(status=Participation.Status.ACCEPTED)
    CoSigner.objects.filter(deputy=world.deputy.mandate).update(status=CoSigner.Status.CONFIRMED)
    client.force_login(world.deputy)
    response, blocks = workbench(client)
    assert "activities.invitations" not in blocks and "proposals.cosign" not in blocks
    assert response.context["year_block"] is not None
