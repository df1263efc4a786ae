"""Celery tasks: deliver one notification, or a scan's batch of them; run the periodic scans."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from .models import Notification
from .registry import run_all_scans
from .sms import get_sms_backend

logger = logging.getLogger(__name__)

# channel -> (wanted flag, claim timestamp, sent timestamp)
CHANNELS = {
    "email": ("want_email", "email_claimed_at", "emailed_at"),
    "sms": ("want_sms", "sms_claimed_at", "sms_sent_at"),
}


def delivery_lease() -> timedelta:
    """How long a claim holds: a claim older than this that never reached "sent" is void
    (its worker died between claiming and sending) and the delivery scan queues it again."""
    return timedelta(seconds=getattr(settings, "NOTIFICATIONS_DELIVERY_LEASE_SECONDS", 600))


def _claim(notification_id: int, channel: str, now) -> bool:
    """Take the channel with one conditional UPDATE: of two workers racing, one wins."""
    wanted, claimed, sent = CHANNELS[channel]
    free = Q(**{f"{claimed}__isnull": True}) | Q(**{f"{claimed}__lt": now - delivery_lease()})
    rows = Notification.objects.filter(free, pk=notification_id, **{wanted: True, f"{sent}__isnull": True})
    return bool(rows.update(**{claimed: now}))


def _send(notification_id: int, channel: str, now, send) -> bool:
    _wanted, claimed, sent = CHANNELS[channel]
    if not _claim(notification_id, channel, now):
        return False
    n = Notification.objects.select_related("user").get(pk=notification_id)
    try:
        send(n)
    except Exception as exc:  # noqa: BLE001 - give the claim back; the delivery scan retries
        Notification.objects.filter(pk=n.pk, **{claimed: now}).update(
            **{claimed: None, "delivery_error": str(exc)[:300]}
        )
        logger.warning("%s for notification %s failed: %s", channel, n.pk, exc)
        return False
    Notification.objects.filter(pk=n.pk).update(**{sent: timezone.now(), "delivery_error": ""})
    return True


@shared_task(name="notifications.deliver", acks_late=True, reject_on_worker_lost=True)
def deliver_notification(notification_id: int) -> dict:
    """Send the e-mail and SMS of a notification, each once.

    Each channel is claimed with a conditional UPDATE before sending, so two workers (or a
    re-delivered message) never send the same one twice; it is marked sent after the send.
    The message is acknowledged only when the task has finished, and given back to the
    queue if the worker process dies, so a killed worker's deliveries are taken up again.
    """
    return _deliver(notification_id)


@shared_task(name="notifications.deliver_many", acks_late=True, reject_on_worker_lost=True)
def deliver_many(notification_ids: list[int]) -> dict:
    """``deliver_notification`` for each of a scan's batch, one after the other: the same claim
    per channel and notification, so an id delivered already (or claimed by another worker
    within the lease) is skipped, and a re-delivered or half-done batch sends nothing twice.
    Returns how many e-mails and SMS went out."""
    sent = {"email": 0, "sms": 0}
    for notification_id in notification_ids:
        result = _deliver(notification_id)
        sent["email"] += result["email"]
        sent["sms"] += result["sms"]
    return sent


def _deliver(notification_id: int) -> dict:
    now = timezone.now()
    return {
        "email": _send(
            notification_id,
            "email",
            now,
            lambda n: send_mail(n.title, _email_body(n), None, [n.user.email], fail_silently=False),
        ),
        "sms": _send(notification_id, "sms", now, lambda n: get_sms_backend().send(n.user.mobile, n.title)),
    }


def _email_body(n: Notification) -> str:
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{n.url}" if n.url.startswith("/") else (f"\n\n{n.url}" if n.url else "")
    return f"{n.body}{link}"


@shared_task(name="notifications.run_scans")
def run_scans() -> dict:
    """Beat runs this every SCAN_INTERVAL_SECONDS: every registered reminder scan."""
    return run_all_scans()
