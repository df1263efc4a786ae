"""Stored renditions of the public pages (proposals.renditions, PostgreSQL) and the page frame
drawn once (accounts.shell): the same pages as drawn from the models, byte for byte but the CSRF
token; every write that changes what an item shows is seen by the very next request, with the
page cache off; fixed query counts on small and large data."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import shell
from accounts.display import COOKIE
from accounts.models import Unit
from demo.management.commands.bench_proposals import build_dataset
from deputies.models import CongressSession, Deputy, ElectoralUnit, StandingCommitteeMember
from proposals import renditions, services
from proposals.models import (
    Assignment,
    Attachment,
    Commitment,
    CoSigner,
    Field,
    PublicRendition,
    Rating,
    ReplyCategory,
    Suggestion,
)

from ..builders import english, handled, make_deputy_user, pdf, rate, replied, reply, submitted

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the renditions' triggers are PostgreSQL's")

LIST = reverse("proposals:list")
FEED = reverse("proposals:feed")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def detail(pk: int) -> str:
    return reverse("proposals:detail", args=[pk])


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return TOKEN.sub("", response.content.decode())


UPDATED = re.compile(r"<updated>[^<]*</updated>")


def fresh(url: str, client=None) -> str:
    """The page twice: the first request may draw and store, the second reads what was stored.
    (An empty feed says it was updated now: that line may differ.)"""
    client = client or Client()
    first = text(client.get(url))
    second = text(client.get(url))
    assert UPDATED.sub("", first) == UPDATED.sub("", second)
    return second


def rows(html: str) -> str:
    """The list's rows only (the filter form lists every unit and session)."""
    found = re.search(r'<ol class="pp-list".*?</ol>', html, re.S)
    return found.group(0) if found else ""


def revision(item) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT public_revision FROM proposals_suggestion WHERE id = %s", [item.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def item(deputy, staff, unit_officer):
    return handled(deputy, staff, [unit_officer], title="关于缓解老旧小区停车难问题的建议")


# --- The same pages ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_is_the_one_drawn_from_the_models(settings, language):
    build_dataset(count=45, published_share=0.9, seed=31)
    newest = Suggestion.objects.filter(published=True).order_by("-published_at", "-pk").first()
    oldest = Suggestion.objects.filter(published=True).order_by("pk").first()
    urls = [LIST, LIST + "?page=2", LIST + "?q=建议", LIST + "?q=建议&sort=relevance", FEED]
    urls += [detail(newest.pk), detail(oldest.pk)]

    def client():
        return english(Client()) if language == "en" else Client()

    settings.PROPOSALS_RENDITIONS = False
    from_models = {url: text(client().get(url)) for url in urls}
    settings.PROPOSALS_RENDITIONS = True
    assert not PublicRendition.objects.exists()
    drawn = {url: text(client().get(url)) for url in urls}
    stored = {url: text(client().get(url)) for url in urls}

    for url in urls:
        assert drawn[url] == from_models[url], url
        assert stored[url] == from_models[url], url
    kept = set(PublicRendition.objects.values_list("key", "language").distinct())
    assert {("detail", language), ("row", language)} <= kept
    assert any(key.startswith("entry:") for key, _ in kept)


@pytest.mark.django_db
def test_signed_in_readers_get_the_stored_content_in_their_own_frame(client, item, deputy):
    Client().get(detail(item.pk))  # stored by an anonymous visit
    client.force_login(deputy)

    html = text(client.get(detail(item.pk)))

    assert 'class="user-name"' in html and item.title in html
    assert 'class="user-name"' not in text(Client().get(detail(item.pk)))


@pytest.mark.django_db
def test_the_frame_follows_the_display_mode_and_the_language(item):
    standard = text(Client().get(detail(item.pk)))
    large = Client()
    large.cookies[COOKIE] = "large"
    in_large = text(large.get(detail(item.pk)))
    in_english = text(english(Client()).get(detail(item.pk)))

    assert 'class="mode-large"' in in_large and 'class="mode-large"' not in standard
    assert 'lang="en"' in in_english and "Text of the suggestion" in in_english
    assert "Text of the suggestion" not in standard


@pytest.mark.django_db
def test_the_frame_carries_each_visitors_own_token_and_path(item):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = detail(item.pk) + "?from=list"
    one = first.get(page).content.decode()
    two = second.get(page).content.decode()

    tokens_one, tokens_two = TOKEN.findall(one), TOKEN.findall(two)
    assert tokens_one and tokens_two and tokens_one != tokens_two
    assert second.cookies["csrftoken"].value
    assert f'name="next" value="/proposals/{item.pk}/?from=list"' in two
    assert "\x00" not in two
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', two).group(1)
    answer = second.post(reverse("set_language"), {"language": "en", "next": page, "csrfmiddlewaretoken": token})
    assert answer.status_code == 302


@pytest.mark.django_db
def test_a_message_waiting_is_shown_not_framed(item, deputy):
    visitor = Client()
    visitor.force_login(deputy)
    visitor.post(reverse("account_logout"))

    assert 'class="messages"' in text(visitor.get(detail(item.pk)))
    assert 'class="messages"' not in text(Client().get(detail(item.pk)))


@pytest.mark.django_db
def test_the_kept_frames_are_dropped_when_settings_change(settings, item):
    Client().get(detail(item.pk))
    assert shell._frames
    settings.LANGUAGE_COOKIE_NAME = "lang"
    assert not shell._frames


# --- Each write is seen by the next request ---------------------------------------------------


def pages_of(item) -> dict[str, str]:
    return {"detail": fresh(detail(item.pk)), "list": fresh(LIST), "feed": fresh(FEED)}


@pytest.mark.django_db
def test_an_edited_title_shows_everywhere_at_once(item):
    pages_of(item)
    Suggestion.objects.filter(pk=item.pk).update(title="关于增设社区微型停车场的建议")

    for html in pages_of(item).values():
        assert "关于增设社区微型停车场的建议" in html and item.title not in html


@pytest.mark.django_db
def test_unpublication_and_publication_show_at_once(item, staff):
    pages_of(item)
    services.suggestion_set_published(actor=staff, suggestion=item, published=False)

    assert Client().get(detail(item.pk)).status_code == 404
    assert item.title not in fresh(LIST) and item.title not in fresh(FEED)

    services.suggestion_set_published(actor=staff, suggestion=Suggestion.objects.get(pk=item.pk), published=True)
    assert all(item.title in html for html in pages_of(item).values())


@pytest.mark.django_db
def test_a_new_reply_shows_at_once(deputy, staff, unit_officer):
    suggestion, _assignment, first = replied(deputy, staff, unit_officer, code="A", text="第一次答复。")
    services.suggestion_set_published(actor=staff, suggestion=suggestion, published=True)
    rate(deputy, first, Rating.Value.UNSATISFIED, comment="未落实")
    before = pages_of(suggestion)
    assert "已开通社区微循环公交线路" not in before["detail"]

    reply(unit_officer, suggestion, code="A", text="已开通社区微循环公交线路。")

    after = pages_of(suggestion)
    assert "已开通社区微循环公交线路" in after["detail"] and "已开通社区微循环公交线路" in after["feed"]


@pytest.mark.django_db
def test_a_rating_a_commitment_and_an_attachment_show_at_once(deputy, staff, unit_officer):
    suggestion, _assignment, the_reply = replied(deputy, staff, unit_officer, code="B")
    services.suggestion_set_published(actor=staff, suggestion=suggestion, published=True)
    page = detail(suggestion.pk)
    assert "Not yet rated" in fresh(page, english(Client()))

    rate(deputy, the_reply, Rating.Value.SATISFIED)
    assert "Not yet rated" not in fresh(page, english(Client()))

    commitment = Commitment.objects.get(reply=the_reply)
    assert "Fulfilled" not in fresh(page, english(Client()))
    services.commitment_progress_add(actor=unit_officer, commitment=commitment, note="已完成", fulfilled=True)
    assert "Fulfilled" in fresh(page, english(Client()))

    attachment = services.attachment_add(actor=staff, suggestion=suggestion, upload=pdf("现场照片说明.pdf"))
    assert "现场照片说明.pdf" not in fresh(page)
    services.attachment_set_public(actor=staff, attachment=attachment, public=True)
    assert "现场照片说明.pdf" in fresh(page)
    Attachment.objects.filter(pk=attachment.pk).delete()
    assert "现场照片说明.pdf" not in fresh(page)


@pytest.mark.django_db
def test_a_withdrawn_assignment_and_a_key_supervision_show_at_once(item, staff, deputy, term):
    assert "示例市交通运输局" in fresh(detail(item.pk)) and "示例市交通运输局" in rows(fresh(LIST))
    leader = StandingCommitteeMember.objects.create(
        term=term, deputy=deputy.mandate, position="director", start_date=datetime.date(2023, 1, 1)
    )
    services.key_supervision_select(
        actor=staff, suggestion=item, sc_leader=leader, government_leader="王副市长", committee="城建环资委"
    )
    assert "王副市长" in fresh(detail(item.pk))
    assert "Deputy director" not in fresh(detail(item.pk), english(Client()))
    StandingCommitteeMember.objects.filter(pk=leader.pk).update(position="deputy_director")
    assert "Deputy director" in fresh(detail(item.pk), english(Client()))

    Assignment.objects.filter(suggestion=item).update(status=Assignment.Status.WITHDRAWN)
    assert "示例市交通运输局" not in rows(fresh(LIST))
    assert "示例市交通运输局" not in fresh(detail(item.pk)).split('id="pp-title"')[1]


@pytest.mark.django_db
def test_a_confirmed_cosigner_shows_at_once(city, term, deputy, staff, unit_officer, electoral_unit):
    partner = make_deputy_user(city, term, "王代表", electoral_unit)
    suggestion = submitted(deputy, title="关于增设口袋公园的建议")
    services.suggestion_accept(actor=staff, suggestion=suggestion)
    services.suggestion_assign(actor=staff, suggestion=suggestion, units_roles=[(unit_officer.unit, "lead")])
    the_reply = reply(unit_officer, Suggestion.objects.get(pk=suggestion.pk), code="A")
    rate(deputy, the_reply)
    services.suggestion_close(actor=staff, suggestion=Suggestion.objects.get(pk=suggestion.pk), publish=True)
    assert "王代表" not in fresh(detail(suggestion.pk))

    CoSigner.objects.create(suggestion=suggestion, deputy=partner.mandate, status=CoSigner.Status.CONFIRMED)

    assert "王代表" in fresh(detail(suggestion.pk))


@pytest.mark.django_db
@pytest.mark.parametrize("renamed", ["unit", "deputy", "electoral_unit", "field", "category", "session"])
def test_a_renamed_name_shows_at_once(item, renamed, city):
    if renamed == "session":
        session = CongressSession.objects.create(
            term=item.lead_deputy.term,
            number=1,
            name="第一次会议",
            start_date=datetime.date(2025, 1, 10),
            end_date=datetime.date(2025, 1, 14),
        )
        Suggestion.objects.filter(pk=item.pk).update(session=session)
    pages = {"detail": fresh(detail(item.pk)), "list": rows(fresh(LIST))}
    new = "新名称甲乙丙"
    assert all(new not in html for html in pages.values())
    model, pk = {
        "unit": (Unit, Assignment.objects.get(suggestion=item).unit_id),
        "deputy": (Deputy, item.lead_deputy_id),
        "electoral_unit": (ElectoralUnit, item.lead_deputy.electoral_unit_id),
        "field": (Field, item.field_id),
        "category": (ReplyCategory, ReplyCategory.objects.get(code="A").pk),
        "session": (CongressSession, Suggestion.objects.get(pk=item.pk).session_id),
    }[renamed]

    model.objects.filter(pk=pk).update(name=new)

    assert new in fresh(detail(item.pk)) and new in rows(fresh(LIST))


@pytest.mark.django_db
def test_writes_the_pages_do_not_show_leave_the_stored_parts_alone(item):
    before = revision(item)
    Deputy.objects.filter(pk=item.lead_deputy_id).update(is_grassroots=True)
    Unit.objects.filter(pk=Assignment.objects.get(suggestion=item).unit_id).update(sort_key="zzz")
    Assignment.objects.filter(suggestion=item).update(deadline=datetime.date(2030, 1, 1))
    ReplyCategory.objects.filter(code="A").update(order=9)

    assert revision(item) == before


@pytest.mark.django_db
def test_each_write_to_the_item_or_its_parts_raises_its_revision(item, deputy):
    seen = [revision(item)]
    Suggestion.objects.filter(pk=item.pk).update(body="新的正文")
    seen.append(revision(item))
    the_reply = item.assignments.get().replies.get()
    Rating.objects.filter(reply=the_reply).update(comment="很好")
    seen.append(revision(item))
    Commitment.objects.create(reply=the_reply, content="年内完成", due_date=datetime.date(2030, 1, 1))
    seen.append(revision(item))

    assert seen == sorted(set(seen)) and len(seen) == 4


# --- Honest under concurrency and code changes ---------------------------------------------------


@pytest.mark.django_db
def test_a_part_stored_under_an_older_revision_is_never_used(item):
    fresh(detail(item.pk))
    PublicRendition.objects.filter(suggestion=item, key="detail").update(html="<p>旧的内容</p>")
    assert "旧的内容" in text(Client().get(detail(item.pk)))  # current: used as stored

    PublicRendition.objects.filter(suggestion=item, key="detail").update(revision=revision(item) - 1)

    html = text(Client().get(detail(item.pk)))
    assert "旧的内容" not in html and item.title in html


@pytest.mark.django_db
def test_storing_never_replaces_a_newer_revision(item):
    now = revision(item)
    renditions.store([(item.pk, "detail", now + 5, "t", "<p>新</p>")], "zh-hans")
    renditions.store([(item.pk, "detail", now, "t", "<p>旧</p>")], "zh-hans")

    assert PublicRendition.objects.get(suggestion=item, key="detail", language="zh-hans").html == "<p>新</p>"


@pytest.mark.django_db
def test_parts_drawn_by_other_code_are_drawn_again(item, monkeypatch):
    fresh(detail(item.pk))
    PublicRendition.objects.filter(suggestion=item).update(html="<p>旧版本的标记</p>")
    monkeypatch.setattr(renditions, "_stamp", "another-build")

    assert "旧版本的标记" not in text(Client().get(detail(item.pk)))
    assert PublicRendition.objects.filter(suggestion=item, key="detail", stamp="another-build").exists()


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_its_statements_again(item):
    fresh(detail(item.pk))
    connection.close()

    assert item.title in text(Client().get(detail(item.pk)))
    assert item.title in text(Client().get(FEED))


@pytest.mark.django_db
def test_ids_no_row_can_have_are_not_found_and_nothing_is_stored(item):
    for pk in (item.pk + 1000, 2**63 - 1, 2**63, 10**20):
        assert Client().get(detail(pk)).status_code == 404, pk
    assert not PublicRendition.objects.exists()


@pytest.mark.django_db
def test_off_the_pages_are_drawn_from_the_models(settings, item):
    settings.PROPOSALS_RENDITIONS = False
    fresh(detail(item.pk))
    fresh(LIST)

    assert not PublicRendition.objects.exists()


# --- Queries -----------------------------------------------------------------------------------

# Stored and current: one statement for the detail and the feed; the list reads its four
# filter lists (one round trip), its page of ids and their rows.
DETAIL_STORED, FEED_STORED, LIST_STORED = 1, 1, 3
# Drawn: the lookup, the item's revision, the seven queries of the models' page, and the store
# (savepoint, insert, release).
DETAIL_DRAWN = 1 + 1 + 7 + 3


def count(url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert Client().get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_stored_pages_cost_a_fixed_number_of_queries_on_small_and_large_data():
    build_dataset(count=5, published_share=1.0, seed=41)
    newest = Suggestion.objects.filter(published=True).order_by("-published_at", "-pk").first()
    small_drawn = count(detail(newest.pk))
    small = [count(detail(newest.pk)), count(FEED), count(FEED), count(LIST), count(LIST)]

    build_dataset(count=300, published_share=0.9, seed=42)
    newest = Suggestion.objects.filter(published=True).order_by("-published_at", "-pk").first()
    large_drawn = count(detail(newest.pk))
    large = [count(detail(newest.pk)), count(FEED), count(FEED), count(LIST), count(LIST)]

    assert small_drawn == large_drawn == DETAIL_DRAWN
    # The first feed and list of each size draw what is missing; the second reads it all.
    assert small[0] == large[0] == DETAIL_STORED
    assert small[2] == large[2] == FEED_STORED
    assert small[4] == large[4] == LIST_STORED
    assert small[1] > FEED_STORED and large[3] > LIST_STORED
