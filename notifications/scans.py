"""The notifications app's own scan: re-deliver what a lost queue message left behind."""

from datetime import timedelta

from django.db.models import Q

from .models import Notification
from .registry import register_scan
from .services import enqueue_delivery

# A notification still undelivered this long after creation is queued again.
REDELIVERY_AFTER = timedelta(minutes=10)


@register_scan("notifications.redeliver")
def redeliver_undelivered(now) -> int:
    stale = Notification.objects.filter(created_at__lte=now - REDELIVERY_AFTER).filter(
        Q(want_email=True, emailed_at__isnull=True) | Q(want_sms=True, sms_sent_at__isnull=True)
    )
    ids = list(stale.values_list("pk", flat=True)[:500])
    for pk in ids:
        enqueue_delivery(pk)
    return len(ids)
