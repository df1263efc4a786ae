"""The notifications app's own scan: re-deliver what a lost queue message left behind.

A notification is queued again when it is older than the delivery lease and a channel it
wants was neither sent nor claimed within the lease: its queue message was never published
(the broker was down), was lost, or its worker was killed between claiming and sending.
"""

from django.db.models import Q

from .models import Notification
from .registry import register_scan
from .services import enqueue_delivery
from .tasks import delivery_lease

BATCH = 500


@register_scan("notifications.redeliver")
def redeliver_undelivered(now) -> int:
    lapsed = now - delivery_lease()
    email_due = Q(want_email=True, emailed_at__isnull=True) & (
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=lapsed)
    )
    sms_due = Q(want_sms=True, sms_sent_at__isnull=True) & (
        Q(sms_claimed_at__isnull=True) | Q(sms_claimed_at__lt=lapsed)
    )
    stale = Notification.objects.filter(created_at__lte=lapsed).filter(email_due | sms_due).order_by("created_at")
    queued = 0
    for pk in stale.values_list("pk", flat=True)[:BATCH]:
        if not enqueue_delivery(pk):
            break  # the broker is away: the next scan tries again
        queued += 1
    return queued
