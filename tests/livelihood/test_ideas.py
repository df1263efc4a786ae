"""群众提: the collection window, the public's idea form under abuse, deputies' candidates
(alone, jointly, taking up a public idea), staff's offline entries, and screening."""

import datetime
import time

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from core.exceptions import InvalidTransition, NotAllowed
from livelihood import services
from livelihood.forms import IdeaForm
from livelihood.models import Cycle, Idea
from notifications.models import Notification

from . import builders as lb

pytestmark = pytest.mark.django_db
I = Idea.Status  # noqa: E741
URL = "/livelihood/ideas/new/"


def form_data(seconds_ago=5, **overrides):
    data = {
        "title": "增设社区充电车棚",
        "what_where": "在梅园新村小区周边集中建设电动自行车充电车棚。",
        "why": "很多人在楼道充电，有火灾隐患。",
        "author_name": "",
        "contact": "",
        "website": "",
        "started": signing.dumps(time.time() - seconds_ago, salt=IdeaForm.started_salt),
    }
    data.update(overrides)
    return data


def _post(client, ip="203.0.113.7", **data):
    return client.post(URL, form_data(**data), REMOTE_ADDR=ip)


def _refused(response, message, typed=None):
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[-3000:]
    if typed is not None:
        assert typed in html
    assert Idea.objects.count() == 0


# --- The window ------------------------------------------------------------------------------


def test_opening_the_window_tells_every_serving_deputy_once(staff, city, deputy, other_deputy):
    c = lb.cycle(staff, city, open_=False)
    services.cycle_open_collection(actor=staff, cycle=c)
    assert Notification.objects.filter(key=f"livelihood:cycle:{c.pk}:opened").count() == 2
    with pytest.raises(InvalidTransition):
        services.cycle_open_collection(actor=staff, cycle=c)
    assert Notification.objects.filter(key=f"livelihood:cycle:{c.pk}:opened").count() == 2


def test_only_staff_of_the_congress_open_the_window(staff, district_staff, deputy, city):
    c = lb.cycle(staff, city, open_=False)
    for actor in (deputy, district_staff):
        with pytest.raises(NotAllowed):
            services.cycle_open_collection(actor=actor, cycle=c)
    c.refresh_from_db()
    assert c.status == Cycle.Status.DRAFT


def test_a_window_closing_before_it_opens_is_refused(staff, city):
    with pytest.raises(ValidationError) as exc:
        services.cycle_create(
            actor=staff,
            congress=city,
            year=2030,
            title="x",
            opens_on=datetime.date(2029, 10, 1),
            closes_on=datetime.date(2029, 9, 1),
        )
    assert "closes_on" in exc.value.message_dict
    assert Cycle.objects.count() == 0


def test_a_second_cycle_for_the_same_year_is_refused_on_the_page(staff_client, staff, city):
    lb.cycle(staff, city, year=2027)
    response = staff_client.post(
        reverse("livelihood_office:cycles"),
        {
            "congress": city.pk,
            "year": 2027,
            "title": "重复",
            "opens_on": "2026-09-01",
            "closes_on": "2026-10-31",
            "seats": 10,
            "tie_rule": "fewer_against",
        },
    )
    assert response.status_code == 200
    assert "该人大已有当年的民生实事周期。" in response.content.decode()
    assert Cycle.objects.count() == 1


# --- The public form -------------------------------------------------------------------------


def test_a_good_idea_is_stored_and_thanked(client, staff, city):
    c = lb.cycle(staff, city)
    response = _post(client, contact="13900001234", author_name="刘女士")
    assert response.status_code == 302 and response["Location"] == reverse("livelihood:idea_thanks")
    idea = Idea.objects.get()
    assert idea.cycle == c and idea.status == I.RECEIVED and idea.source == Idea.Source.PUBLIC
    assert idea.contact == "13900001234"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact, client_hash FROM livelihood_idea")
        contact, client_hash = cursor.fetchone()
    assert "13900001234" not in contact and "203.0.113.7" not in client_hash and len(client_hash) == 64


def test_the_form_says_when_no_window_is_open(client, staff, city):
    lb.cycle(staff, city, open_=False)
    response = client.get(URL)
    assert "目前不在征集民生实事建议。" in response.content.decode()
    _post(client)
    assert Idea.objects.count() == 0


def test_oversized_what_is_refused_keeping_the_text(client, staff, city):
    lb.cycle(staff, city)
    text = "长" * 2001
    _refused(_post(client, what_where=text), "最多 2000 个字（现有 2001 个）", typed=text)


def test_empty_fields_are_refused(client, staff, city):
    lb.cycle(staff, city)
    _refused(_post(client, title="  ", what_where=""), "请为您的建议写一个简短的标题。")


def test_markup_is_removed(client, staff, city):
    lb.cycle(staff, city)
    _post(client, what_where='路灯坏了<script>alert("x")</script><b>请修</b>')
    assert Idea.objects.get().what_where == "路灯坏了请修"


def test_nul_bytes_are_refused_by_the_service(staff, city):
    c = lb.cycle(staff, city)
    with pytest.raises(ValidationError) as exc:
        lb.public_idea(c, what_where="路灯\x00坏了")
    assert "what_where" in exc.value.message_dict
    assert Idea.objects.count() == 0


def test_a_bad_phone_is_refused(client, staff, city):
    lb.cycle(staff, city)
    _refused(_post(client, contact="call me"), "请填写电话号码（仅限数字），或留空。", typed="call me")


def test_a_phone_number_in_the_text_is_refused(client, staff, city):
    lb.cycle(staff, city)
    _refused(_post(client, why="请打13900001234联系我"), "这里请不要写电话号码或身份证号；请填在联系电话一栏。")


def test_a_filled_honeypot_is_refused(client, staff, city):
    lb.cycle(staff, city)
    _refused(_post(client, website="http://spam.example"), "未能提交")


def test_a_form_sent_too_quickly_is_refused(client, staff, city):
    lb.cycle(staff, city)
    _refused(_post(client, seconds_ago=0), "提交得太快了")


def test_a_forged_or_missing_timestamp_is_refused(client, staff, city):
    lb.cycle(staff, city)
    _refused(_post(client, started="1700000000"), "表单已过期")
    _refused(_post(client, started=""), "表单已过期")


def test_a_burst_from_one_address_is_cut_off_after_the_limit(client, staff, city, settings):
    settings.PUBLIC_FORM_RATE_LIMITS = {"livelihood-idea": (3, 3600)}
    lb.cycle(staff, city)
    for n in range(3):
        assert _post(client, title=f"建议{n}").status_code == 302
    response = _post(client, title="第四条")
    assert response.status_code == 200 and "请稍后再试" in response.content.decode()
    assert Idea.objects.count() == 3
    assert _post(client, ip="203.0.113.8", title="另一处").status_code == 302


def test_a_sensitive_word_holds_the_idea_for_review(client, staff, city):
    lb.cycle(staff, city)
    assert _post(client, why="楼道里贴满了代开发票的小广告").status_code == 302
    idea = Idea.objects.get()
    assert idea.status == I.HELD and idea.held_reason == "代开发票"


def test_the_honeypot_is_hidden_by_a_class(client, staff, city):
    lb.cycle(staff, city)
    html = client.get(URL).content.decode()
    assert 'class="lv-hp"' in html and 'name="website"' in html and "style=" not in html.split('class="lv-hp"')[1][:200]


def test_public_pages_never_show_a_proposers_contact(client, staff, city, deputy):
    c = lb.cycle(staff, city)
    lb.public_idea(c, author_name="刘女士", contact="13900009876")
    deputy_page = None
    from django.test import Client

    portal = Client()
    portal.force_login(deputy)
    deputy_page = portal.get(reverse("livelihood_portal:home")).content.decode()
    for html in (client.get("/livelihood/").content.decode(), deputy_page):
        assert "13900009876" not in html and "刘女士" not in html
    assert "增设充电桩" in deputy_page  # the idea itself may be taken up


# --- Deputies' candidates --------------------------------------------------------------------


def test_a_deputy_proposes_jointly_and_the_co_proposer_is_told(staff, city, deputy, other_deputy):
    c = lb.cycle(staff, city)
    idea = services.candidate_submit(
        actor=deputy,
        cycle=c,
        title="新建托育点",
        what_where="老城区社区用房",
        why="托育需求大",
        estimated_cost="300",
        beneficiaries="婴幼儿家庭",
        co_deputies=[other_deputy.mandate],
    )
    assert idea.source == Idea.Source.DEPUTY and idea.lead == deputy.mandate
    assert set(idea.deputies.all()) == {deputy.mandate, other_deputy.mandate}
    assert Notification.objects.filter(user=other_deputy, key=f"livelihood:idea:{idea.pk}:co").exists()


def test_a_deputy_takes_up_a_public_idea(staff, city, deputy):
    c = lb.cycle(staff, city)
    public = lb.public_idea(c)
    idea = services.candidate_submit(
        actor=deputy, cycle=c, title=public.title, what_where=public.what_where, why="群众呼声高", adopted_idea=public
    )
    assert idea.adopted_idea == public and public.adoptions.get() == idea
    assert "群众建议" in idea.events.get().note or public.title in idea.events.get().note


def test_someone_not_a_deputy_cannot_propose_a_candidate(staff, city, outsider, unit_officer):
    c = lb.cycle(staff, city)
    for actor in (outsider, unit_officer, staff):
        with pytest.raises(NotAllowed):
            services.candidate_submit(actor=actor, cycle=c, title="x", what_where="y", why="z")
    assert Idea.objects.count() == 0


def test_no_candidate_outside_the_window(staff, city, deputy):
    c = lb.cycle(staff, city)
    services.cycle_close_collection(actor=staff, cycle=c)
    with pytest.raises(InvalidTransition):
        services.candidate_submit(actor=deputy, cycle=c, title="x", what_where="y", why="z")
    assert Idea.objects.count() == 0


def test_a_bad_cost_is_refused_on_the_portal_form_keeping_the_text(client, staff, city, deputy):
    c = lb.cycle(staff, city)
    client.force_login(deputy)
    response = client.post(
        reverse("livelihood_portal:candidate_new", args=[c.pk]),
        {"title": "新建托育点", "what_where": "老城区", "why": "需求大", "estimated_cost": "三百万"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "请以万元为单位填写数字。" in html and "新建托育点" in html
    assert Idea.objects.count() == 0


def test_staff_enter_an_offline_submission_naming_a_deputy(staff, city, deputy):
    c = lb.cycle(staff, city)
    idea = services.idea_enter_offline(
        actor=staff, cycle=c, title="增设儿童游乐设施", what_where="老旧小区", deputies=[deputy.mandate]
    )
    assert idea.source == Idea.Source.OFFLINE and idea.lead == deputy.mandate and idea.entered_by == staff
    with pytest.raises(NotAllowed):
        services.idea_enter_offline(actor=deputy, cycle=c, title="x", what_where="y")


# --- Screening -------------------------------------------------------------------------------


def test_screening_groups_merges_and_shortlists(staff, city):
    c = lb.cycle(staff, city)
    a, b = lb.public_idea(c, title="甲"), lb.public_idea(c, title="乙", ip="198.51.100.2")
    services.idea_group(actor=staff, idea=a, group="安全类")
    services.idea_merge(actor=staff, idea=b, into=a)
    services.idea_shortlist(actor=staff, idea=a)
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.status, a.group, b.status, b.merged_into) == (I.SHORTLISTED, "安全类", I.MERGED, a)
    assert [e.action for e in a.events.all()] == ["submit", "group", "shortlist"]


def test_merging_into_itself_or_a_closed_idea_is_refused(staff, city):
    c = lb.cycle(staff, city)
    a, b = lb.public_idea(c, title="甲"), lb.public_idea(c, title="乙", ip="198.51.100.2")
    services.idea_reject(actor=staff, idea=b, reason="重复")
    with pytest.raises(ValidationError):
        services.idea_merge(actor=staff, idea=a, into=a)
    with pytest.raises(ValidationError):
        services.idea_merge(actor=staff, idea=a, into=b)
    a.refresh_from_db()
    assert a.status == I.RECEIVED and a.merged_into is None


def test_screening_by_the_wrong_actor_or_in_the_wrong_state_changes_nothing(staff, district_staff, city, deputy):
    c = lb.cycle(staff, city)
    idea = lb.public_idea(c)
    for actor in (deputy, district_staff):
        with pytest.raises(NotAllowed):
            services.idea_shortlist(actor=actor, idea=idea)
    services.idea_reject(actor=staff, idea=idea, reason="不属于民生实事范围")
    with pytest.raises(InvalidTransition):
        services.idea_shortlist(actor=staff, idea=idea)
    idea.refresh_from_db()
    assert idea.status == I.REJECTED


def test_rejecting_needs_a_reason(staff, city):
    c = lb.cycle(staff, city)
    idea = lb.public_idea(c)
    with pytest.raises(ValidationError):
        services.idea_reject(actor=staff, idea=idea, reason="  ")
    idea.refresh_from_db()
    assert idea.status == I.RECEIVED


def test_a_held_idea_is_released_or_rejected_by_staff(staff, city):
    c = lb.cycle(staff, city)
    idea = lb.public_idea(c, why="赌博")
    assert idea.status == I.HELD
    services.idea_release(actor=staff, idea=idea)
    idea.refresh_from_db()
    assert idea.status == I.RECEIVED and idea.held_reason == ""


def test_the_office_screening_page_acts_through_the_services(staff_client, staff, city):
    c = lb.cycle(staff, city)
    idea = lb.public_idea(c)
    response = staff_client.post(reverse("livelihood_office:idea_action", args=[idea.pk, "shortlist"]))
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == I.SHORTLISTED
    response = staff_client.post(reverse("livelihood_office:idea_action", args=[idea.pk, "reject"]), {"reason": "x"})
    assert response.status_code == 200
    idea.refresh_from_db()
    assert idea.status == I.SHORTLISTED
