"""The Atom feed of newly published replies /proposals/feed/."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from demo.management.commands.bench_proposals import build_dataset
from proposals import services
from proposals.models import Rating, Reply
from proposals.selectors.public import latest_public_replies

from ..builders import assigned, handled, make_officer, rate, reply

FEED = reverse("proposals:feed")
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    root = ET.fromstring(response.content)
    return root, root.findall(f"{ATOM}entry")


@pytest.mark.django_db
def test_feed_is_atom_with_the_replies_of_published_items_only(client, deputy, staff, unit_officer, city):
    police = make_officer(city, "示例市公安局")
    shown = handled(
        deputy,
        staff,
        [unit_officer, police],
        title="关于公开事项的建议",
        codes=["A", "B"],
        roles=["separate", "separate"],
    )
    handled(deputy, staff, [unit_officer], title="关于未公开事项的建议", publish=False)

    response = client.get(FEED)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root, items = entries(response)
    assert root.tag == f"{ATOM}feed"
    assert len(items) == 2
    titles = [e.find(f"{ATOM}title").text for e in items]
    assert all("关于公开事项的建议" in t for t in titles)
    assert any(unit_officer.unit.name in t for t in titles) and any(police.unit.name in t for t in titles)
    links = {e.find(f"{ATOM}link").get("href") for e in items}
    reply_ids = Reply.objects.filter(assignment__suggestion=shown).values_list("pk", flat=True)
    assert links == {f"http://testserver{reverse('proposals:detail', args=[shown.pk])}#reply-{pk}" for pk in reply_ids}


@pytest.mark.django_db
def test_an_item_published_later_puts_its_replies_on_top(client, deputy, staff, unit_officer, time_machine):
    time_machine.move_to("2026-04-01 10:00 +0800", tick=False)
    late = handled(deputy, staff, [unit_officer], title="关于后来公开的建议", publish=False)
    time_machine.move_to("2026-04-10 10:00 +0800", tick=False)
    handled(deputy, staff, [unit_officer], title="关于先公开的建议")
    time_machine.move_to("2026-04-20 10:00 +0800", tick=False)
    services.suggestion_set_published(actor=staff, suggestion=late, published=True)

    _root, items = entries(client.get(FEED))

    assert "关于后来公开的建议" in items[0].find(f"{ATOM}title").text
    assert items[0].find(f"{ATOM}updated").text.startswith("2026-04-20")


@pytest.mark.django_db
def test_feed_text_is_escaped(client, deputy, staff, unit_officer):
    """The summary is HTML for feed readers: the reply's text reaches them escaped, as text."""
    handled(
        deputy,
        staff,
        [unit_officer],
        title="&lt;script&gt;alert(1)&lt;/script&gt;",
        texts={0: "&lt;img src=x onerror=alert(2)&gt;答复"},
    )

    response = client.get(FEED)
    raw = response.content.decode()
    _root, items = entries(response)

    assert "<script>" not in raw and "<img" not in raw
    # Titles are plain text in Atom: escaped once in the XML, shown as typed.
    assert "<script>alert(1)</script>" in items[0].find(f"{ATOM}title").text
    summary = items[0].find(f"{ATOM}summary").text
    assert "&lt;img src=x onerror=alert(2)&gt;" in summary and "<img" not in summary


@pytest.mark.django_db
def test_feed_costs_two_queries_whatever_the_size(client, django_assert_num_queries, settings):
    """The replies of the items published last, and the replies entered last: two queries
    (drawn from the models; the stored entries' counts: test_renditions.py)."""
    settings.PROPOSALS_RENDITIONS = False
    build_dataset(count=10, published_share=1.0, seed=21)
    with django_assert_num_queries(2):
        assert client.get(FEED).status_code == 200
    build_dataset(count=1000, published_share=1.0, seed=22)
    with django_assert_num_queries(2):
        _root, items = entries(client.get(FEED))
    assert len(items) == 30


@pytest.mark.django_db
def test_feed_order_equals_a_full_sort(deputy, staff, unit_officer, time_machine):
    """GIVEN items published on other days than their replies came, and a reply entered after
    its item was published THEN for every limit the feed equals sorting all public replies by
    the time they became public."""
    for handled_on, published_on in [(1, 1), (2, 9), (3, 3), (4, 4), (5, 12), (6, 6)]:
        time_machine.move_to(f"2026-04-{handled_on:02d} 10:00 +0800", tick=False)
        item = assigned(deputy, staff, [unit_officer], title=f"关于第{handled_on}件事的建议")
        first = reply(unit_officer, item, code="C")
        time_machine.move_to(f"2026-04-{published_on:02d} 11:00 +0800", tick=False)
        services.suggestion_set_published(actor=staff, suggestion=item, published=True)
    # Item 1, published on day 1, is re-handled: its second reply comes on day 20.
    time_machine.move_to("2026-04-13 10:00 +0800", tick=False)
    first = Reply.objects.get(assignment__suggestion__title="关于第1件事的建议")
    rate(deputy, first, Rating.Value.UNSATISFIED, "未解决")
    time_machine.move_to("2026-04-20 10:00 +0800", tick=False)
    reply(unit_officer, first.assignment.suggestion, code="A")

    everything = sorted(
        (
            (max(r.created_at, r.assignment.suggestion.published_at), r.pk)
            for r in Reply.objects.filter(assignment__suggestion__published=True).select_related(
                "assignment__suggestion"
            )
        ),
        reverse=True,
    )
    for limit in range(1, 8):
        assert [r.pk for r in latest_public_replies(limit=limit)] == [pk for _when, pk in everything[:limit]]


@pytest.mark.django_db
@pytest.mark.parametrize("stored", [True, False])
def test_the_feed_body_is_sent_in_one_piece(client, settings, deputy, staff, unit_officer, stored):
    # A WSGI server writes each piece of a body on its own; the feed writer makes dozens.
    settings.PROPOSALS_RENDITIONS = stored
    handled(deputy, staff, [unit_officer], title="关于公开事项的建议")

    response = client.get(FEED)

    pieces = list(response)
    assert len(pieces) == 1
    assert len(entries(response)[1]) == 1
