"""Awards (评优): the office nominates an eligible subject, shortlists or sets it aside, records the
chairpersons' meeting's decision and publishes the year's decided awards on the public page;
each rule refuses with a clear message and changes nothing; district staff never see or touch
the city's awards."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.exceptions import InvalidTransition, NotAllowed
from proposals import cache as page_cache
from proposals import services_awards as awards
from proposals.models import Award, Reply, Suggestion

from .. import factories
from ..builders import accepted, bulk_items, english, handled, replied, submitted
from .handling_builders import in_english

pytestmark = pytest.mark.django_db
K = Award.Kind
W = Award.Status
OFFICE = reverse("proposals_office:awards")
NOMINATE = reverse("proposals_office:award_nominate")
PUBLIC = reverse("proposals:awards")
YEAR = timezone.localdate().year
TODAY = timezone.localdate()


def public_year(year: int) -> str:
    return reverse("proposals:awards_year", args=[year])


def action_url(award, action: str) -> str:
    return reverse("proposals_office:award_action", args=[award.pk, action])


@pytest.fixture
def item(deputy, staff, unit_officer):
    """A handled, published item of this year: its reply was sent, its unit handled it."""
    return handled(deputy, staff, [unit_officer], title="关于增设老旧小区停车泊位的建议")


@pytest.fixture
def sent_reply(item):
    return Reply.objects.get(assignment__suggestion=item)


def nominate(actor, congress, *, kind=K.EXCELLENT_SUGGESTION, reason="选题精准，推动解决停车难", **subject):
    return awards.award_nominate(
        actor=actor, congress=congress, year=subject.pop("year", YEAR), kind=kind, reason=reason, **subject
    )


def state():
    """Everything an award action could change."""
    return sorted(
        Award.objects.values_list(
            "pk", "status", "decision_meeting", "decided_on", "published_on", "citation", "nomination_reason"
        )
    )


def moved(award, *steps, actor):
    for step in steps:
        if step == "shortlist":
            awards.award_shortlist(actor=actor, award=award)
        elif step == "decide":
            awards.award_decide(actor=actor, awards=[award], meeting="第十二次主任会议", decided_on=TODAY)
        elif step == "publish":
            awards.award_publish_year(actor=actor, congress=award.congress, year=award.year)
        award.refresh_from_db()
    return award


@pytest.fixture
def nominated(staff, city, item):
    return nominate(staff, city, suggestion=item, citation="推动新增泊位二百个")


# --- Nominating -------------------------------------------------------------------------------------


def test_nominate_each_kind_records_who_when_and_why(staff, city, item, sent_reply, unit_officer):
    s = nominate(staff, city, suggestion=item)
    r = nominate(staff, city, kind=K.EXCELLENT_REPLY, reply=sent_reply)
    u = nominate(staff, city, kind=K.ADVANCED_UNIT, unit=unit_officer.unit)
    p = nominate(staff, city, kind=K.ADVANCED_PERSON, person_name="王建国")
    for award in (s, r, u, p):
        award.refresh_from_db()
        assert (award.status, award.nominated_by, award.nominated_on, award.year) == (W.NOMINATED, staff, TODAY, YEAR)
        assert award.nomination_reason == "选题精准，推动解决停车难"
    assert (s.suggestion, r.reply, u.unit, p.person_name) == (item, sent_reply, unit_officer.unit, "王建国")


@pytest.mark.parametrize("who", ["district_staff", "deputy", "unit_officer", "outsider"])
def test_nominate_refuses_anyone_but_the_congress_staff(request, who, city, item):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        nominate(actor, city, suggestion=item)
    assert not Award.objects.exists()


def test_nominate_refuses_a_suggestion_not_accepted(staff, city, deputy):
    waiting = submitted(deputy, title="尚未审核的建议")
    with in_english(), pytest.raises(ValidationError) as exc:
        nominate(staff, city, suggestion=waiting)
    assert "accepted for handling in" in exc.value.message_dict["suggestion"][0]
    assert not Award.objects.exists()


def test_nominate_refuses_a_suggestion_of_another_year(staff, city, item):
    Suggestion.objects.filter(pk=item.pk).update(accepted_at=timezone.now() - datetime.timedelta(days=400))
    with pytest.raises(ValidationError) as exc:
        nominate(staff, city, suggestion=item)
    assert "suggestion" in exc.value.message_dict
    assert not Award.objects.exists()


def test_nominate_refuses_a_suggestion_of_another_congress(district_staff, district, item):
    with pytest.raises(ValidationError) as exc:
        nominate(district_staff, district, suggestion=item)
    assert "suggestion" in exc.value.message_dict
    assert not Award.objects.exists()


def test_nominate_refuses_a_reply_not_sent(staff, city, sent_reply):
    Reply.objects.filter(pk=sent_reply.pk).update(status=Reply.Status.COSIGNING)
    with in_english(), pytest.raises(ValidationError) as exc:
        nominate(staff, city, kind=K.EXCELLENT_REPLY, reply=sent_reply)
    assert "Only a reply sent to the deputy" in exc.value.message_dict["reply"][0]
    assert not Award.objects.exists()


def test_nominate_refuses_a_unit_without_items_that_year(staff, city, item, other_unit, unit_officer):
    with in_english(), pytest.raises(ValidationError) as exc:
        nominate(staff, city, kind=K.ADVANCED_UNIT, unit=other_unit)
    assert "handled items in" in exc.value.message_dict["unit"][0]
    with pytest.raises(ValidationError):
        nominate(staff, city, kind=K.ADVANCED_UNIT, unit=unit_officer.unit, year=YEAR - 1)
    assert not Award.objects.exists()


def test_nominate_refuses_a_unit_of_another_congress(staff, city, district, item):
    district_unit = factories.UnitFactory(congress=district, name="玄武区交通局")
    with pytest.raises(ValidationError):
        nominate(staff, city, kind=K.ADVANCED_UNIT, unit=district_unit)
    assert not Award.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"kind": K.ADVANCED_PERSON, "person_name": "  "}, "person_name", "Enter the person's name."),
        ({"kind": K.EXCELLENT_SUGGESTION}, "suggestion", "Choose the suggestion."),
        ({"kind": K.EXCELLENT_REPLY}, "reply", "Choose the reply."),
        ({"kind": K.ADVANCED_UNIT}, "unit", "Choose the unit."),
        ({"kind": K.ADVANCED_PERSON, "person_name": "王建国", "reason": " "}, "reason", "Say why this is nominated."),
        ({"kind": K.ADVANCED_PERSON, "person_name": "王建国", "year": YEAR + 1}, "year", "between 2000 and this year"),
        ({"kind": "medal", "person_name": "王建国"}, "kind", "Choose what the award is for."),
    ],
)
def test_nominate_refuses_bad_input_with_a_clear_message(staff, city, extra, field, words):
    extra = dict(extra)
    with in_english(), pytest.raises(ValidationError) as exc:
        nominate(staff, city, **extra)
    assert words in " ".join(exc.value.message_dict[field])
    assert not Award.objects.exists()


def test_nominate_refuses_the_same_subject_twice_in_a_year(staff, city, item, nominated):
    with in_english(), pytest.raises(ValidationError) as exc:
        nominate(staff, city, suggestion=item, reason="再次提名")
    assert "already nominated for" in exc.value.messages[0]
    nominate(staff, city, kind=K.ADVANCED_PERSON, person_name="王建国")
    with pytest.raises(ValidationError):
        nominate(staff, city, kind=K.ADVANCED_PERSON, person_name="王建国")
    assert Award.objects.count() == 2


# --- Shortlist, not chosen, decide --------------------------------------------------------------------


def test_shortlist_then_not_chosen(staff, nominated):
    awards.award_shortlist(actor=staff, award=nominated)
    assert Award.objects.get().status == W.SHORTLISTED
    awards.award_not_chosen(actor=staff, award=nominated)
    assert Award.objects.get().status == W.NOT_CHOSEN


def test_shortlist_refuses_the_wrong_state_and_the_wrong_actor(staff, district_staff, deputy, nominated):
    awards.award_shortlist(actor=staff, award=nominated)
    before = state()
    with pytest.raises(InvalidTransition):
        awards.award_shortlist(actor=staff, award=nominated)
    for actor in (district_staff, deputy):
        with pytest.raises(NotAllowed):
            awards.award_not_chosen(actor=actor, award=nominated)
    assert state() == before


def test_not_chosen_refuses_a_decided_award(staff, nominated):
    moved(nominated, "shortlist", "decide", actor=staff)
    before = state()
    with pytest.raises(InvalidTransition):
        awards.award_not_chosen(actor=staff, award=nominated)
    assert state() == before


def test_decide_records_the_meeting_and_its_date(staff, nominated):
    moved(nominated, "shortlist", actor=staff)
    day = TODAY - datetime.timedelta(days=3)
    assert awards.award_decide(actor=staff, awards=[nominated], meeting="第十二次主任会议", decided_on=day) == 1
    award = Award.objects.get()
    assert (award.status, award.decision_meeting, award.decided_on) == (W.DECIDED, "第十二次主任会议", day)


@pytest.mark.parametrize(
    ("meeting", "day", "field", "words"),
    [
        ("", TODAY, "meeting", "Name the chairpersons' meeting"),
        ("第十二次主任会议", None, "decided_on", "Enter the date of the meeting."),
        ("第十二次主任会议", TODAY + datetime.timedelta(days=1), "decided_on", "cannot be in the future"),
    ],
)
def test_decide_refuses_bad_input(staff, nominated, meeting, day, field, words):
    moved(nominated, "shortlist", actor=staff)
    before = state()
    with in_english(), pytest.raises(ValidationError) as exc:
        awards.award_decide(actor=staff, awards=[nominated], meeting=meeting, decided_on=day)
    assert words in exc.value.message_dict[field][0]
    assert state() == before


def test_decide_takes_only_shortlisted_ones_all_or_nothing(staff, city, nominated):
    person = nominate(staff, city, kind=K.ADVANCED_PERSON, person_name="王建国")
    moved(nominated, "shortlist", actor=staff)
    before = state()
    with in_english(), pytest.raises(InvalidTransition) as exc:
        awards.award_decide(actor=staff, awards=[nominated, person], meeting="主任会议", decided_on=TODAY)
    assert "Only shortlisted nominations can be decided" in exc.value.messages[0]
    assert state() == before


def test_decide_refuses_the_wrong_actor(staff, district_staff, nominated):
    moved(nominated, "shortlist", actor=staff)
    before = state()
    with pytest.raises(NotAllowed):
        awards.award_decide(actor=district_staff, awards=[nominated], meeting="主任会议", decided_on=TODAY)
    assert state() == before


# --- Publishing ------------------------------------------------------------------------------------------


def test_publish_year_publishes_the_decided_ones_only(staff, city, nominated):
    waiting = nominate(staff, city, kind=K.ADVANCED_PERSON, person_name="王建国")
    moved(nominated, "shortlist", "decide", actor=staff)
    assert awards.award_publish_year(actor=staff, congress=city, year=YEAR) == 1
    nominated.refresh_from_db()
    waiting.refresh_from_db()
    assert (nominated.status, nominated.published_on) == (W.PUBLISHED, TODAY)
    assert (waiting.status, waiting.published_on) == (W.NOMINATED, None)


def test_publish_year_refuses_with_nothing_decided_and_the_wrong_actor(
    staff, district_staff, city, district, nominated
):
    before = state()
    with in_english(), pytest.raises(InvalidTransition) as exc:
        awards.award_publish_year(actor=staff, congress=city, year=YEAR)
    assert "No award of" in exc.value.messages[0]
    moved(nominated, "shortlist", "decide", actor=staff)
    before = state()
    with pytest.raises(NotAllowed):
        awards.award_publish_year(actor=district_staff, congress=city, year=YEAR)
    # A district's own publish does not reach the city's awards.
    with pytest.raises(InvalidTransition):
        awards.award_publish_year(actor=district_staff, congress=district, year=YEAR)
    assert state() == before


def test_withdraw_takes_it_off_and_refuses_an_unpublished_one(staff, district_staff, nominated):
    moved(nominated, "shortlist", "decide", actor=staff)
    with pytest.raises(InvalidTransition):
        awards.award_withdraw(actor=staff, award=nominated)
    moved(nominated, "publish", actor=staff)
    before = state()
    with pytest.raises(NotAllowed):
        awards.award_withdraw(actor=district_staff, award=nominated)
    assert state() == before
    awards.award_withdraw(actor=staff, award=nominated)
    award = Award.objects.get()
    assert (award.status, award.published_on, award.decision_meeting) == (W.DECIDED, None, "第十二次主任会议")


# --- Office pages -------------------------------------------------------------------------------------------


def test_office_page_lists_by_kind_and_status_with_the_actions(staff_client, staff, city, nominated):
    nominate(staff, city, kind=K.ADVANCED_PERSON, person_name="王建国")
    response = english(staff_client).get(OFFICE, {"year": YEAR})
    html = response.content.decode()
    assert response.status_code == 200
    assert "关于增设老旧小区停车泊位的建议" in html and "王建国" in html
    assert action_url(nominated, "shortlist") in html
    assert action_url(nominated, "not_chosen") in html
    assert [s["count"] for s in response.context["sections"]] == [1, 0, 0, 1]


def test_office_page_refuses_others(deputy_client, staff, nominated):
    assert Client().get(OFFICE).status_code == 302
    assert deputy_client.get(OFFICE).status_code == 403
    assert (
        deputy_client.post(action_url(nominated, "shortlist"), {f"a{nominated.pk}-shortlist-confirm": "1"}).status_code
        == 403
    )
    assert Award.objects.get().status == W.NOMINATED


def test_district_staff_neither_see_nor_touch_the_city_awards(client, district_staff, district, staff, nominated):
    mine = nominate(district_staff, district, kind=K.ADVANCED_PERSON, person_name="区里的人")
    client.force_login(district_staff)
    html = client.get(OFFICE, {"year": YEAR}).content.decode()
    assert "区里的人" in html and "关于增设老旧小区停车泊位的建议" not in html
    before = state()
    response = client.post(action_url(nominated, "shortlist"), {f"a{nominated.pk}-shortlist-confirm": "1"})
    assert response.status_code == 404
    response = client.post(
        reverse("proposals_office:award_publish"),
        {"congress": nominated.congress_id, "year": YEAR, f"p{nominated.congress_id}-confirm": "1"},
    )
    assert response.status_code == 404
    moved(nominated, "shortlist", actor=staff)
    before = state()
    response = client.post(
        reverse("proposals_office:award_decide"),
        {
            "year": YEAR,
            "decide-awards": [nominated.pk],
            "decide-meeting": "主任会议",
            "decide-decided_on": TODAY.isoformat(),
            "decide-confirm": "1",
        },
    )
    assert response.status_code == 200
    assert state() == before
    assert mine.congress_id == district.pk


def test_an_action_without_the_tick_is_refused_and_changes_nothing(staff_client, nominated):
    before = state()
    response = english(staff_client).post(action_url(nominated, "shortlist"), {})
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode()
    assert state() == before


def test_shortlist_by_the_page(staff_client, nominated):
    response = staff_client.post(action_url(nominated, "shortlist"), {f"a{nominated.pk}-shortlist-confirm": "1"})
    assert response.status_code == 302
    assert Award.objects.get().status == W.SHORTLISTED


def test_a_step_on_an_award_that_moved_meanwhile_says_why(staff_client, staff, nominated):
    moved(nominated, "shortlist", "decide", actor=staff)
    before = state()
    response = english(staff_client).post(
        action_url(nominated, "shortlist"), {f"a{nominated.pk}-shortlist-confirm": "1"}
    )
    assert response.status_code == 200
    assert "is not possible now" in response.content.decode()
    assert state() == before


def test_an_unknown_action_or_a_bad_id_is_404(staff_client, nominated):
    assert staff_client.post(action_url(nominated, "decide"), {}).status_code == 404
    assert staff_client.post(f"{OFFICE}{10**20}/shortlist/", {}).status_code == 404
    url = reverse("proposals_office:award_publish")
    for bad in ("²", "%00", "-1", ""):
        assert staff_client.post(url, {"congress": bad, "year": YEAR}).status_code == 404
    assert staff_client.get(OFFICE, {"year": "x" * 300}).context["year"] == YEAR
    assert Award.objects.get().status == W.NOMINATED


def test_decide_by_the_page_and_a_bad_date_keeps_what_was_typed(staff_client, staff, nominated):
    moved(nominated, "shortlist", actor=staff)
    url = reverse("proposals_office:award_decide")
    data = {"year": YEAR, "decide-awards": [nominated.pk], "decide-meeting": "第十二次主任会议", "decide-confirm": "1"}
    before = state()
    future = (TODAY + datetime.timedelta(days=2)).isoformat()
    response = english(staff_client).post(url, {**data, "decide-decided_on": future})
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot be in the future" in html and "第十二次主任会议" in html and future in html
    assert state() == before
    response = staff_client.post(url, {**data, "decide-decided_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert Award.objects.get().status == W.DECIDED


def test_publish_by_the_page(staff_client, staff, city, nominated):
    moved(nominated, "shortlist", "decide", actor=staff)
    url = reverse("proposals_office:award_publish")
    assert staff_client.post(url, {"congress": city.pk, "year": YEAR}).status_code == 200
    assert Award.objects.get().status == W.DECIDED
    response = staff_client.post(url, {"congress": city.pk, "year": YEAR, f"p{city.pk}-confirm": "1"})
    assert response.status_code == 302
    assert Award.objects.get().status == W.PUBLISHED
    assert staff_client.post(url, {"congress": "9" * 30, "year": YEAR}).status_code == 404


def test_nomination_page_offers_the_year_candidates_and_nominates(staff_client, city, item, deputy, staff):
    accepted(deputy, staff, title="另一件已交办的建议")
    page = staff_client.get(NOMINATE, {"year": YEAR, "kind": K.EXCELLENT_SUGGESTION, "q": "停车"})
    assert [c.pk for c in page.context["candidates"]] == [item.pk]
    response = staff_client.post(
        f"{NOMINATE}?year={YEAR}",
        {
            "congress": city.pk,
            "year": YEAR,
            "kind": K.EXCELLENT_SUGGESTION,
            "subject": item.pk,
            "reason": "推动解决停车难",
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    award = Award.objects.get()
    assert (award.suggestion, award.nominated_by) == (item, staff)
    page = staff_client.get(NOMINATE, {"year": YEAR, "kind": K.EXCELLENT_SUGGESTION})
    assert [c.taken for c in page.context["candidates"] if c.pk == item.pk] == [True]


def test_nomination_refused_keeps_what_was_typed(staff_client, city, item):
    data = {
        "congress": city.pk,
        "year": YEAR,
        "kind": K.EXCELLENT_SUGGESTION,
        "subject": item.pk,
        "reason": "推动解决停车难",
    }
    response = english(staff_client).post(NOMINATE, data)
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode() and "推动解决停车难" in response.content.decode()
    response = english(staff_client).post(NOMINATE, {**data, "subject": 2**62, "confirm": "1"})
    assert "not one of the congress" in response.content.decode()
    response = english(staff_client).post(NOMINATE, {**data, "subject": "", "confirm": "1"})
    assert "Choose the suggestion." in response.content.decode()
    assert not Award.objects.exists()


def test_unit_candidates_show_the_quality_figures(staff_client, item, unit_officer):
    page = english(staff_client).get(NOMINATE, {"year": YEAR, "kind": K.ADVANCED_UNIT})
    (unit,) = page.context["candidates"]
    assert unit.pk == unit_officer.unit_id
    assert (unit.on_time_rate, unit.satisfaction_rate, unit.rehandled) == (100.0, 100.0, 0)
    assert "100.0%" in page.content.decode()


def test_district_staff_nominate_only_for_their_congress(client, district_staff, city, item):
    client.force_login(district_staff)
    assert client.get(NOMINATE, {"congress": city.pk}).context["congress"].pk == district_staff.congress_id
    response = client.post(
        NOMINATE,
        {
            "congress": city.pk,
            "year": YEAR,
            "kind": K.EXCELLENT_SUGGESTION,
            "subject": item.pk,
            "reason": "x",
            "confirm": "1",
        },
    )
    assert response.status_code == 404
    assert not Award.objects.exists()


# --- Admin -----------------------------------------------------------------------------------------------

ADMIN = "/admin/proposals/award/"


def test_admin_moves_awards_only_through_the_services(staff_client, nominated):
    assert staff_client.get(f"{ADMIN}add/").status_code == 403
    change = f"{ADMIN}{nominated.pk}/change/"
    page = staff_client.get(change)
    assert page.status_code == 200
    assert set(page.context["adminform"].form.fields) == {"citation", "nomination_reason"}
    response = staff_client.post(
        change, {"citation": "改过的评语", "nomination_reason": "理由", "status": W.PUBLISHED, "year": 1999}
    )
    assert response.status_code == 302
    award = Award.objects.get()
    assert (award.citation, award.status, award.year) == ("改过的评语", W.NOMINATED, YEAR)
    staff_client.post(ADMIN, {"action": "shortlist", "_selected_action": [nominated.pk]})
    assert Award.objects.get().status == W.SHORTLISTED
    staff_client.post(ADMIN, {"action": "withdraw", "_selected_action": [nominated.pk]})
    assert Award.objects.get().status == W.SHORTLISTED  # refused by the workflow: not published
    assert staff_client.post(f"{ADMIN}{nominated.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Award.objects.exists()


def test_admin_shows_district_staff_only_their_awards(client, district_staff, district, staff, nominated):
    mine = nominate(district_staff, district, kind=K.ADVANCED_PERSON, person_name="区里的人")
    client.force_login(district_staff)
    listed = client.get(ADMIN)
    assert [a.pk for a in listed.context["cl"].result_list] == [mine.pk]
    assert client.get(f"{ADMIN}{nominated.pk}/change/").status_code in (302, 404)
    client.post(ADMIN, {"action": "shortlist", "_selected_action": [nominated.pk]})
    assert Award.objects.get(pk=nominated.pk).status == W.NOMINATED


# --- Query counts ------------------------------------------------------------------------------------------

# The request's own (session, user, TOTP, role groups, congress scope: 2, unread badge) + the
# awards, the years; the empty decision form's queryset is never evaluated.
OFFICE_QUERIES = 9
PUBLIC_QUERIES = 2  # the years with published awards, the awards


def many_awards(*, n, staff, deputy, unit, city, status, start=1):
    items = bulk_items(n=n, deputy_user=deputy, staff=staff, unit=unit, start=start)
    rows = []
    for i, s in enumerate(items):
        rows.append(Award(congress=city, year=YEAR, kind=K.EXCELLENT_SUGGESTION, suggestion=s, status=status))
        rows.append(
            Award(congress=city, year=YEAR, kind=K.ADVANCED_PERSON, person_name=f"先进个人{start + i}", status=status)
        )
    Award.objects.bulk_create(rows)


def test_office_page_query_count_is_the_same_for_few_and_many(
    staff_client, staff, deputy, unit_officer, city, django_assert_num_queries
):
    many_awards(n=2, staff=staff, deputy=deputy, unit=unit_officer.unit, city=city, status=W.SHORTLISTED)
    staff_client.get(OFFICE)
    with django_assert_num_queries(OFFICE_QUERIES):
        response = staff_client.get(OFFICE, {"year": YEAR})
    assert response.context["total"] == 4
    many_awards(n=40, staff=staff, deputy=deputy, unit=unit_officer.unit, city=city, status=W.DECIDED, start=10)
    with django_assert_num_queries(OFFICE_QUERIES):
        response = staff_client.get(OFFICE, {"year": YEAR})
    assert response.context["total"] == 84


def test_public_page_query_count_is_the_same_for_few_and_many(
    client, staff, deputy, unit_officer, city, django_assert_num_queries
):
    many_awards(n=2, staff=staff, deputy=deputy, unit=unit_officer.unit, city=city, status=W.PUBLISHED)
    client.get(PUBLIC)
    with django_assert_num_queries(PUBLIC_QUERIES):
        response = client.get(PUBLIC)
    assert sum(len(s["awards"]) for s in response.context["sections"]) == 4
    many_awards(n=40, staff=staff, deputy=deputy, unit=unit_officer.unit, city=city, status=W.PUBLISHED, start=10)
    with django_assert_num_queries(PUBLIC_QUERIES):
        response = client.get(public_year(YEAR))
    assert sum(len(s["awards"]) for s in response.context["sections"]) == 84


# The request's own (7) + the congresses in scope, the chosen congress, the candidates, those already
# nominated; units also: the year's statistics (one SQL statement, unit names, reply categories) and
# the assignments handled again.
NOMINATE_QUERIES = {"suggestion": 11, "reply": 11, "unit": 15}


@pytest.mark.parametrize("kind", [K.EXCELLENT_SUGGESTION, K.EXCELLENT_REPLY, K.ADVANCED_UNIT])
def test_nomination_page_query_count_is_the_same_for_few_and_many(
    kind, staff_client, staff, deputy, unit_officer, item, django_assert_num_queries
):
    bulk_items(n=2, deputy_user=deputy, staff=staff, unit=unit_officer.unit)
    staff_client.get(NOMINATE, {"kind": kind})
    with django_assert_num_queries(NOMINATE_QUERIES[kind]):
        staff_client.get(NOMINATE, {"kind": kind})
    bulk_items(n=80, deputy_user=deputy, staff=staff, unit=unit_officer.unit, start=10)
    for i in range(5):
        factories.UnitFactory(congress=unit_officer.unit.congress, name=f"无交办单位{i}")
    with django_assert_num_queries(NOMINATE_QUERIES[kind]):
        response = staff_client.get(NOMINATE, {"kind": kind})
    assert len(response.context["candidates"]) == {"suggestion": 50, "reply": 1, "unit": 1}[kind]


# --- Public page -------------------------------------------------------------------------------------------


def test_public_page_shows_published_awards_only_with_links_to_published_items(
    client, staff, city, deputy, unit_officer, item, sent_reply, nominated
):
    unpublished, _a, _r = replied(deputy, staff, unit_officer, title="尚未公开的建议")
    Suggestion.objects.filter(pk=unpublished.pk).update(accepted_at=item.accepted_at)
    hidden = nominate(staff, city, suggestion=unpublished)
    waiting = nominate(staff, city, kind=K.ADVANCED_PERSON, person_name="仍在评选中")
    for award in (nominated, hidden):
        moved(award, "shortlist", "decide", actor=staff)
    awards.award_publish_year(actor=staff, congress=city, year=YEAR)
    assert PUBLIC in client.get(reverse("proposals:list")).content.decode()
    html = client.get(PUBLIC).content.decode()
    assert reverse("proposals:detail", args=[item.pk]) in html
    assert "尚未公开的建议" in html and reverse("proposals:detail", args=[unpublished.pk]) not in html
    assert waiting.person_name not in html
    assert client.get(public_year(YEAR)).status_code == 200


def test_public_year_switcher_and_404_for_a_year_with_nothing_published(client, staff, city, nominated):
    assert client.get(PUBLIC).status_code == 200  # nothing yet: the page says so
    moved(nominated, "shortlist", "decide", actor=staff)
    assert client.get(public_year(YEAR)).status_code == 404  # decided, not yet published
    moved(nominated, "publish", actor=staff)
    Award.objects.bulk_create(
        [Award(congress=city, year=YEAR - 1, kind=K.ADVANCED_PERSON, person_name="往年先进", status=W.PUBLISHED)]
    )
    response = client.get(PUBLIC)
    assert response.context["year"] == YEAR
    assert public_year(YEAR - 1) in response.content.decode()
    assert "往年先进" in client.get(public_year(YEAR - 1)).content.decode()
    assert client.get(public_year(YEAR - 2)).status_code == 404


@pytest.fixture
def cached(settings):
    settings.PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = 300
    page_cache._bump()
    yield
    page_cache._bump()


def test_publishing_and_withdrawing_show_on_the_next_anonymous_request(
    cached, staff, city, nominated, django_capture_on_commit_callbacks
):
    visitor = Client()
    moved(nominated, "shortlist", "decide", actor=staff)
    assert "关于增设老旧小区停车泊位的建议" not in visitor.get(PUBLIC).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        awards.award_publish_year(actor=staff, congress=city, year=YEAR)
    assert "关于增设老旧小区停车泊位的建议" in visitor.get(PUBLIC).content.decode()
    assert "关于增设老旧小区停车泊位的建议" in visitor.get(PUBLIC).content.decode()  # now from the cache
    with django_capture_on_commit_callbacks(execute=True):
        awards.award_withdraw(actor=staff, award=nominated)
    assert "关于增设老旧小区停车泊位的建议" not in visitor.get(PUBLIC).content.decode()


# --- Demo data ---------------------------------------------------------------------------------------------


def test_seed_awards_publishes_a_year_of_each_kind_and_is_idempotent(deputy, unit_officer, term, electoral_unit):
    from django.core.management import call_command

    from demo.management.commands import seed_awards
    from deputies.models import Congress

    city = Congress.objects.get(pk=deputy.mandate.congress_id)
    Congress.objects.filter(pk=city.pk).update(name=seed_awards.CITY_NAME)
    office = factories.StaffFactory(congress=city, email=seed_awards.STAFF_EMAIL, full_name="演示工作人员")
    for i in range(3):
        handled(deputy, office, [unit_officer], title=f"演示建议{i}")
    call_command("seed_awards")
    published = Award.objects.filter(status=W.PUBLISHED)
    assert set(published.values_list("kind", flat=True)) == set(K.values)
    assert published.filter(published_on=TODAY, decision_meeting__contains="主任会议").count() == published.count()
    assert set(Award.objects.exclude(status=W.PUBLISHED).values_list("status", flat=True)) == {
        W.NOMINATED,
        W.SHORTLISTED,
    }
    before = state()
    call_command("seed_awards")
    assert state() == before


def test_office_page_opens_on_the_latest_year_with_nominations(staff_client, city):
    assert staff_client.get(OFFICE).context["year"] == YEAR
    Award.objects.bulk_create(
        [Award(congress=city, year=YEAR - 2, kind=K.ADVANCED_PERSON, person_name="往年先进", status=W.PUBLISHED)]
    )
    response = staff_client.get(OFFICE)
    assert response.context["year"] == YEAR - 2 and "往年先进" in response.content.decode()
    assert staff_client.get(OFFICE, {"year": YEAR}).context["years"] == [YEAR, YEAR - 2]
