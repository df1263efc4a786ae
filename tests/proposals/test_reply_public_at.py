"""When each reply became public, kept by the database for the Atom feed (migration
proposals/0014_reply_public_at, PostgreSQL): after every kind of write the column equals what the
models say (public: sent, its assignment not withdrawn, its item published and in a public
state; then the later of its entry and its item's publication), and the feed's keys are the full
sort's."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from demo.management.commands.bench_proposals import build_dataset
from proposals.models import Assignment, Reply, Suggestion
from proposals.selectors import public as selectors

from ..builders import handled, make_officer

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the column and its triggers are PostgreSQL's"
)

A = Assignment.Status


def stored() -> dict[int, datetime.datetime | None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, public_at FROM proposals_reply")
        return dict(cursor.fetchall())


def expected() -> dict[int, datetime.datetime | None]:
    out = {}
    for reply in Reply.all_objects.select_related("assignment__suggestion"):
        item = reply.assignment.suggestion
        public = (
            reply.status == Reply.Status.SENT
            and reply.assignment.status != A.WITHDRAWN
            and item.published
            and item.status in selectors.PUBLIC_STATUSES
        )
        out[reply.pk] = max(d for d in (reply.created_at, item.published_at) if d is not None) if public else None
    return out


def agrees() -> bool:
    assert stored() == expected()
    return True


@pytest.fixture
def item(deputy, staff, unit_officer, city):
    police = make_officer(city, "示例市公安局")
    return handled(deputy, staff, [unit_officer, police], roles=["separate", "separate"], codes=["A", "B"])


@pytest.mark.django_db
def test_a_published_items_replies_are_public_from_their_entry(item):
    assert agrees()
    assert all(value is not None for value in stored().values())


@pytest.mark.django_db
def test_publication_and_its_withdrawal_and_a_new_time(item):
    Suggestion.objects.filter(pk=item.pk).update(published=False)
    assert agrees() and not any(stored().values())
    later = timezone.now() + datetime.timedelta(days=3)
    Suggestion.objects.filter(pk=item.pk).update(published=True, published_at=later)
    assert agrees() and set(stored().values()) == {later}


@pytest.mark.django_db
def test_a_state_that_is_not_public(item):
    Suggestion.objects.filter(pk=item.pk).update(status=Suggestion.Status.ASSIGNED)
    assert agrees() and not any(stored().values())
    Suggestion.objects.filter(pk=item.pk).update(status=Suggestion.Status.CLOSED)
    assert agrees() and all(stored().values())


@pytest.mark.django_db
def test_a_withdrawn_assignment_and_a_returned_reply(item):
    first, second = Assignment.objects.filter(suggestion=item).order_by("pk")
    Assignment.objects.filter(pk=first.pk).update(status=A.WITHDRAWN)
    assert agrees()
    Reply.all_objects.filter(assignment=second).update(status=Reply.Status.RETURNED)
    assert agrees() and not any(stored().values())
    Assignment.objects.filter(pk=first.pk).update(status=A.REPLIED)
    Reply.all_objects.filter(assignment=second).update(status=Reply.Status.SENT)
    assert agrees() and all(stored().values())


@pytest.mark.django_db
def test_a_reply_entered_later_and_a_new_reply(item):
    reply = Reply.objects.filter(assignment__suggestion=item).first()
    Reply.all_objects.filter(pk=reply.pk).update(created_at=timezone.now() + datetime.timedelta(days=9))
    assert agrees()
    reply.pk = None
    reply.round = 2
    reply.save()
    assert agrees() and stored()[reply.pk] is not None


@pytest.mark.django_db
def test_the_feeds_keys_are_the_full_sorts():
    build_dataset(count=120, published_share=0.8, seed=51)
    Suggestion.objects.filter(pk__in=Suggestion.objects.filter(published=True).values("pk")[:15]).update(
        published_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert agrees()
    everything = sorted(((r.public_at, r.pk) for r in selectors._public_replies()), key=lambda key: key, reverse=True)
    keys = selectors.latest_public_reply_keys(30)
    assert [(k.public_at, k.pk) for k in keys] == everything[:30]
