"""Reminder scans in bulk: the due reminders found and their keys computed in SQL, the ones
already sent left out there, the rest inserted a batch at a time with the database skipping
any (user, key) that exists, one delivery task per batch, and each channel still claimed per
notification before it is sent. Two scans at once send each reminder once."""

import datetime
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications import services, tasks
from notifications.models import Notification
from notifications.services import Message, notify_each
from proposals import scans
from proposals.models import Assignment
from tests import factories

from ..builders import bulk_items

A = Assignment.Status


@pytest.fixture
def officers(unit_officer):
    second = factories.UserFactory(full_name="承办人乙", unit=unit_officer.unit)
    factories.UserFactory(full_name="已停用", unit=unit_officer.unit, is_active=False)
    return [unit_officer, second]


def expected_keys(officers, today) -> set[tuple[int, str]]:
    """The keys the scan must send, worked out in Python as the scan did before it moved to SQL."""
    keys = set()
    for a in Assignment.objects.filter(
        status__in=scans.UNIT_OWES_REPLY, suggestion__status__in=scans.HANDLING
    ).select_related("suggestion"):
        days_left = (a.deadline - today).days
        if days_left > max(scans.DEADLINE_REMINDER_DAYS):
            continue
        stamp = f"{a.deadline:%Y%m%d}"
        if days_left >= 0:
            window = min(d for d in scans.DEADLINE_REMINDER_DAYS if days_left <= d)
            key = f"assignment:{a.pk}:deadline-{stamp}:due-{window}d"
        else:
            key = f"assignment:{a.pk}:deadline-{stamp}:overdue-w{(-days_left - 1) // 7}"
        keys |= {(o.pk, key) for o in officers}
    return keys


def sent_keys() -> set[tuple[int, str]]:
    return set(Notification.objects.filter(key__contains=":deadline-").values_list("user_id", "key"))


def items(n, *, deputy, staff, unit, start=1):
    """``n`` assigned items, deadlines from 90 days ahead to 29 days past (a third or so due)."""
    return bulk_items(n=n, deputy_user=deputy, staff=staff, unit=unit, start=start)


@pytest.mark.django_db
def test_first_pass_sends_each_due_reminder_once_and_a_repeat_pass_reads_only(
    deputy, staff, officers, django_capture_on_commit_callbacks, django_assert_num_queries
):
    items(240, deputy=deputy, staff=staff, unit=officers[0].unit)
    now = timezone.now()
    want = expected_keys(officers, timezone.localdate())
    assert len(want) > 100

    with django_capture_on_commit_callbacks(execute=True):
        created = scans.reply_deadlines(now)

    assert created == len(want)
    assert sent_keys() == want
    assert Counter(m.to[0] for m in mail.outbox) == {o.email: len(want) // len(officers) for o in officers}
    with django_assert_num_queries(1):  # the one read: nothing is left to send
        assert scans.reply_deadlines(now) == 0
    assert Notification.objects.count() == len(want)


@pytest.mark.django_db
def test_the_titles_and_links_are_those_of_each_reminder(deputy, staff, officers, django_capture_on_commit_callbacks):
    item = items(1, deputy=deputy, staff=staff, unit=officers[0].unit)[0]
    assignment = item.assignments.get()
    today = timezone.localdate()
    Assignment.objects.filter(pk=assignment.pk).update(deadline=today - datetime.timedelta(days=9))
    scans.reply_deadlines(timezone.now())
    n = Notification.objects.get(user=officers[0])
    assert n.key == f"assignment:{assignment.pk}:deadline-{today - datetime.timedelta(days=9):%Y%m%d}:overdue-w1"
    assert item.title in n.title and n.url == f"/unit/assignments/{assignment.pk}/"
    assert "9" in n.body and n.want_email and not n.want_sms


@pytest.mark.django_db
def test_the_first_pass_costs_the_same_queries_for_50_and_320_due(deputy, staff, officers, django_assert_num_queries):
    """One read, then per batch a savepoint, the INSERT and its release: not one query per reminder."""
    items(100, deputy=deputy, staff=staff, unit=officers[0].unit)
    with django_assert_num_queries(4):
        small = scans.reply_deadlines(timezone.now())
    Notification.objects.all().delete()
    items(400, deputy=deputy, staff=staff, unit=officers[0].unit, start=1000)
    with django_assert_num_queries(4):
        large = scans.reply_deadlines(timezone.now())
    assert 0 < small < 100 < large < services.NOTIFY_BATCH


@pytest.mark.django_db
def test_one_delivery_task_per_batch(deputy, staff, officers, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(services, "NOTIFY_BATCH", 20)
    monkeypatch.setattr(tasks.deliver_many, "apply_async", lambda args, **kw: queued.append(args[0]))
    monkeypatch.setattr(tasks.deliver_notification, "apply_async", lambda *a, **kw: pytest.fail("one by one"))
    items(120, deputy=deputy, staff=staff, unit=officers[0].unit)

    with django_capture_on_commit_callbacks(execute=True):
        created = scans.reply_deadlines(timezone.now())

    assert len(queued) == -(-created // 20)
    assert all(len(batch) <= 20 for batch in queued)
    ids = [pk for batch in queued for pk in batch]
    assert sorted(ids) == sorted(Notification.objects.values_list("pk", flat=True)) and len(set(ids)) == created


@pytest.mark.django_db
def test_deliver_many_claims_each_channel_as_deliver_notification_does(deputy, outsider, settings):
    """GIVEN three notifications, one already claimed by a live worker WHEN a batch is delivered
    twice THEN each unclaimed one is e-mailed once, the claimed one is left to its worker, and a
    lapsed claim is taken over."""
    ids = notify_each(
        [
            Message(deputy.pk, "k:1", "一", email=True),
            Message(outsider.pk, "k:1", "二", email=True),
            Message(deputy.pk, "k:2", "三", email=True, sms=True),
        ]
    )
    assert len(ids) == 3
    claimed = Notification.objects.get(key="k:2")
    Notification.objects.filter(pk=claimed.pk).update(email_claimed_at=timezone.now())

    assert tasks.deliver_many(ids) == {"email": 2, "sms": 1}
    assert tasks.deliver_many(ids) == {"email": 0, "sms": 0}
    assert sorted(m.subject for m in mail.outbox) == ["一", "二"]

    Notification.objects.filter(pk=claimed.pk).update(
        email_claimed_at=timezone.now() - tasks.delivery_lease() - datetime.timedelta(seconds=1)
    )
    assert tasks.deliver_many(ids) == {"email": 1, "sms": 0}
    assert tasks.deliver_many.acks_late is True and tasks.deliver_many.reject_on_worker_lost is True


@pytest.mark.django_db
def test_notify_each_skips_what_exists_and_returns_only_what_it_created(deputy, outsider):
    services.notify(deputy, key="k:1", title="早到")
    created = notify_each([Message(deputy.pk, "k:1", "又一次"), Message(outsider.pk, "k:1", "新")])
    assert Notification.objects.filter(pk__in=created).get().user == outsider
    assert notify_each([Message(deputy.pk, "k:1", "再一次"), Message(outsider.pk, "k:1", "再")]) == []
    assert Notification.objects.get(user=deputy, key="k:1").title == "早到"


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_send_each_reminder_once(deputy, staff, officers, monkeypatch):
    """GIVEN due reminders WHEN two scans have both read what is due before either inserts
    THEN every reminder exists once, each scan reports only what it inserted, and each e-mail
    goes out once. On PostgreSQL the scans are two threads on two connections (the second
    INSERT waits for the first to commit, then skips its rows); on SQLite, which serialises
    writers, the same interleaving is played in one thread."""
    items(150, deputy=deputy, staff=staff, unit=officers[0].unit)
    want = expected_keys(officers, timezone.localdate())
    now = timezone.now()
    real_notify_each = scans.notify_each
    results: list[int] = []

    if connection.vendor == "postgresql":
        both_read = threading.Barrier(2, timeout=30)

        def notify_after_both_read(messages):
            messages = list(messages)
            both_read.wait()
            return real_notify_each(messages)

        monkeypatch.setattr(scans, "notify_each", notify_after_both_read)
        errors = []

        def run():
            try:
                results.append(scans.reply_deadlines(now))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors
    else:
        read: list[list] = []
        monkeypatch.setattr(scans, "notify_each", lambda messages: read.append(list(messages)) or [])
        scans.reply_deadlines(now)
        scans.reply_deadlines(now)
        assert len(read[0]) == len(read[1]) == len(want)  # both found every reminder due
        results = [len(real_notify_each(messages)) for messages in read]

    assert sum(results) == len(want)
    assert sent_keys() == want
    assert Notification.objects.count() == len(want)
    assert len(mail.outbox) == len(want)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
