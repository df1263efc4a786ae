"""The one way to tell a user something: ``notify``.

A notification is written once per (user, key); a second call with the same
key, from any process, finds the unique constraint and does nothing. E-mail and
SMS go out after the transaction commits, through a Celery task (in-process
when REDIS_URL is unset); the delivery scan re-sends what a lost queue message
left undelivered.
"""

import contextvars
import logging
import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import NotAllowed

from .models import Notification

logger = logging.getLogger(__name__)


def notify(user, *, key: str, title: str, body: str = "", url: str = "", email: bool = True, sms: bool = False):
    """Create the notification for ``key`` unless it exists; return it, or None if it already did."""
    if user is None or not user.is_active:
        return None
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the caller's transaction usable
            notification = Notification.objects.create(
                user=user,
                key=key[:200],
                title=title[:200],
                body=body,
                url=url[:300],
                want_email=email and bool(user.email),
                want_sms=sms and bool(user.mobile),
            )
    except IntegrityError:
        return None
    if notification.want_email or notification.want_sms:
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


def notify_many(users, *, key: str, title: str, body: str = "", url: str = "", email: bool = True, sms: bool = False):
    """``notify`` for many users with the same key, in three queries whatever their number
    (an invitation to hundreds of deputies). Returns the notifications created; users who
    already had one for ``key``, and inactive users, get nothing."""
    users = [u for u in users if u is not None and u.is_active]
    if not users:
        return []
    key = key[:200]
    have = set(Notification.objects.filter(key=key, user__in=users).values_list("user_id", flat=True))
    new = [
        Notification(
            user=u,
            key=key,
            title=title[:200],
            body=body,
            url=url[:300],
            want_email=email and bool(u.email),
            want_sms=sms and bool(u.mobile),
        )
        for u in users
        if u.pk not in have
    ]
    # A concurrent notify for the same (user, key) loses to the unique constraint, as in notify().
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    created = list(Notification.objects.filter(key=key, user_id__in=[n.user_id for n in new]))
    for notification in created:
        if notification.want_email or notification.want_sms:
            transaction.on_commit(lambda pk=notification.pk: enqueue_delivery(pk))
    return created


# After the broker refused a message, this process does not try it again for this long: a
# stopped or hung Redis costs one request one timeout, not every notification of every save.
BROKER_BACKOFF_SECONDS = 10.0
_broker_down_until = 0.0

# Set for the current request (or scan) when a delivery could not be queued, so that the page
# can say the reminders will follow (notifications.middleware.DeferredDeliveryMiddleware).
delivery_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar("delivery_deferred", default=False)


def _queued_over_broker() -> bool:
    """False when tasks run in-process (no REDIS_URL): then no broker can be down."""
    from .tasks import deliver_notification

    return not deliver_notification.app.conf.task_always_eager


def enqueue_delivery(notification_id: int) -> bool:
    """Queue delivery; True when queued. If the broker is down, log it and say so: the
    delivery scan sends what was not queued once the broker is back."""
    global _broker_down_until
    from .tasks import deliver_notification

    over_broker = _queued_over_broker()
    if over_broker and time.monotonic() < _broker_down_until:
        delivery_deferred.set(True)
        logger.info("Broker unavailable: delivery of notification %s left to the delivery scan", notification_id)
        return False
    try:
        deliver_notification.apply_async((notification_id,), retry=False)
    except Exception:  # noqa: BLE001 - a broker outage must not break the request
        delivery_deferred.set(True)
        if over_broker:
            _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.exception("Could not queue delivery of notification %s", notification_id)
        return False
    return True


def notification_mark_read(*, actor, notification: Notification) -> None:
    if notification.user_id != actor.pk:
        raise NotAllowed(_("You can only change your own messages."))
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def notification_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
