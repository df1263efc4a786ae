"""Delivery is exactly once across a killed worker, racing workers and a broker outage."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications import registry, services, tasks
from notifications.models import Notification
from notifications.sms import MemorySmsBackend
from notifications.tasks import deliver_notification


@pytest.fixture(autouse=True)
def _broker_backoff_reset():
    services._broker_down_until = 0.0
    token = services.delivery_deferred.set(False)
    yield
    services.delivery_deferred.reset(token)
    services._broker_down_until = 0.0


@pytest.mark.django_db
def test_a_claim_left_by_a_killed_worker_is_delivered_once_after_the_lease(deputy, settings, time_machine):
    """GIVEN a worker that claimed the e-mail and the SMS and died before sending (claimed, not sent)
    WHEN the delivery scan runs before the lease is over THEN nothing is queued;
    WHEN it runs after the lease THEN each channel goes out once, and later scans send nothing more."""
    settings.SMS_BACKEND = "notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    claimed = timezone.now()
    n = Notification.objects.create(
        user=deputy,
        key="k",
        title="答复已到",
        want_email=True,
        want_sms=True,
        email_claimed_at=claimed,
        sms_claimed_at=claimed,
    )
    time_machine.move_to(claimed + timedelta(minutes=5))
    assert registry.run_all_scans()["notifications.redeliver"] == 0
    assert deliver_notification(n.pk) == {"email": False, "sms": False}  # a re-delivered message inside the lease
    assert mail.outbox == [] and MemorySmsBackend.outbox == []

    time_machine.move_to(claimed + timedelta(minutes=11))
    assert registry.run_all_scans()["notifications.redeliver"] == 1
    assert registry.run_all_scans()["notifications.redeliver"] == 0
    time_machine.move_to(claimed + timedelta(minutes=30))
    assert registry.run_all_scans()["notifications.redeliver"] == 0
    assert deliver_notification(n.pk) == {"email": False, "sms": False}
    n.refresh_from_db()
    assert n.emailed_at is not None and n.sms_sent_at is not None and n.delivery_error == ""
    assert len(mail.outbox) == 1 and MemorySmsBackend.outbox == [(deputy.mobile, "答复已到")]


@pytest.mark.django_db
def test_the_lease_is_a_setting(deputy, settings, time_machine):
    settings.NOTIFICATIONS_DELIVERY_LEASE_SECONDS = 5
    claimed = timezone.now()
    n = Notification.objects.create(user=deputy, key="k", title="t", want_email=True, email_claimed_at=claimed)
    time_machine.move_to(claimed + timedelta(seconds=6))
    assert registry.run_all_scans()["notifications.redeliver"] == 1
    n.refresh_from_db()
    assert n.emailed_at is not None and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_once(deputy, settings):
    """GIVEN one notification WHEN eight workers deliver it at the same moment THEN one e-mail and one SMS."""
    settings.SMS_BACKEND = "notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    n = Notification.objects.create(user=deputy, key="k", title="t", want_email=True, want_sms=True)
    barrier = threading.Barrier(8)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(deliver_notification(n.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["email"] for r in results) == 1 and sum(r["sms"] for r in results) == 1
    assert len(mail.outbox) == 1 and len(MemorySmsBackend.outbox) == 1


@pytest.mark.django_db
def test_the_deliver_task_is_acknowledged_late_and_given_back_if_the_worker_dies():
    assert deliver_notification.acks_late is True
    assert deliver_notification.reject_on_worker_lost is True


@pytest.fixture
def broker_down(monkeypatch, settings):
    """A broker that refuses every message, as a stopped Redis does (not eager: over a queue)."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(services, "_queued_over_broker", lambda: True)
    monkeypatch.setattr(tasks.deliver_notification, "apply_async", refuse)
    return calls


@pytest.mark.django_db
def test_broker_down_costs_one_attempt_then_backs_off(
    deputy, outsider, broker_down, django_capture_on_commit_callbacks
):
    """GIVEN a stopped broker WHEN several notifications are made in a row THEN only the first
    tries the broker (a save pays one timeout, not one per notification), and each is left unsent."""
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(deputy, key="a", title="t")
        services.notify(outsider, key="a", title="t")
        services.notify(deputy, key="b", title="t")
    assert len(broker_down) == 1
    assert Notification.objects.filter(emailed_at__isnull=True, email_claimed_at__isnull=True).count() == 3


@pytest.mark.django_db
def test_what_was_not_queued_is_sent_by_the_scan_once_the_broker_is_back(
    deputy, broker_down, monkeypatch, settings, time_machine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        n = services.notify(deputy, key="a", title="t")
    # The scan, while the broker is still down, stops at the first refusal.
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    services._broker_down_until = 0.0
    assert registry.run_all_scans()["notifications.redeliver"] == 0
    assert mail.outbox == []
    # The broker is back (in-process delivery stands in for the worker).
    monkeypatch.undo()
    services._broker_down_until = 0.0
    assert not services._queued_over_broker()
    assert registry.run_all_scans()["notifications.redeliver"] == 1
    assert registry.run_all_scans()["notifications.redeliver"] == 0
    n.refresh_from_db()
    assert n.emailed_at is not None and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_save_whose_reminders_could_not_be_queued_says_they_will_follow(deputy, deputy_client, broker_down):
    """GIVEN a stopped broker WHEN a request creates a notification THEN the next page shows
    that the reminders will be sent later; a request without one shows nothing of the kind."""
    from django.contrib.messages import get_messages
    from django.test import RequestFactory

    from notifications.middleware import DeferredDeliveryMiddleware

    def view(request):
        services.enqueue_delivery(1)
        return None

    request = RequestFactory().post("/")
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    DeferredDeliveryMiddleware(view)(request)
    texts = [str(m) for m in get_messages(request)]
    assert texts == ["已保存。消息队列暂时不可用，提醒将稍后发出。"]

    quiet = RequestFactory().get("/")
    quiet.session = SessionStore()
    quiet._messages = FallbackStorage(quiet)
    DeferredDeliveryMiddleware(lambda r: None)(quiet)
    assert list(get_messages(quiet)) == []
    assert services.delivery_deferred.get() is False  # reset after each request
