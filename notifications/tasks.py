"""Celery tasks: deliver one notification; run the periodic scans."""

import logging

from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification
from .registry import run_all_scans
from .sms import get_sms_backend

logger = logging.getLogger(__name__)


@shared_task(name="notifications.deliver")
def deliver_notification(notification_id: int) -> dict:
    """Send the e-mail and SMS of a notification, each at most once.

    Each channel is claimed with a conditional UPDATE before sending, so two
    workers (or a re-delivered message) never send the same one twice.
    """
    sent = {"email": False, "sms": False}
    now = timezone.now()
    if Notification.objects.filter(pk=notification_id, want_email=True, emailed_at__isnull=True).update(emailed_at=now):
        n = Notification.objects.select_related("user").get(pk=notification_id)
        try:
            send_mail(n.title, _email_body(n), None, [n.user.email], fail_silently=False)
            sent["email"] = True
        except Exception as exc:  # noqa: BLE001 - give the claim back; the delivery scan retries
            Notification.objects.filter(pk=n.pk).update(emailed_at=None, delivery_error=str(exc)[:300])
            logger.warning("E-mail for notification %s failed: %s", n.pk, exc)
    if Notification.objects.filter(pk=notification_id, want_sms=True, sms_sent_at__isnull=True).update(sms_sent_at=now):
        n = Notification.objects.select_related("user").get(pk=notification_id)
        try:
            get_sms_backend().send(n.user.mobile, n.title)
            sent["sms"] = True
        except Exception as exc:  # noqa: BLE001
            Notification.objects.filter(pk=n.pk).update(sms_sent_at=None, delivery_error=str(exc)[:300])
            logger.warning("SMS for notification %s failed: %s", n.pk, exc)
    return sent


def _email_body(n: Notification) -> str:
    from django.conf import settings

    link = f"\n\n{settings.SITE_URL.rstrip('/')}{n.url}" if n.url.startswith("/") else (f"\n\n{n.url}" if n.url else "")
    return f"{n.body}{link}"


@shared_task(name="notifications.run_scans")
def run_scans() -> dict:
    """Beat runs this every SCAN_INTERVAL_SECONDS: every registered reminder scan."""
    return run_all_scans()
