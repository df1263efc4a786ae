"""The one way to tell a user something: ``notify`` (``notify_many``: one key for many users;
``notify_each``: a scan's many reminders, each with its own key, in batches).

A notification is written once per (user, key); a second call with the same
key, from any process, finds the unique constraint and does nothing. E-mail and
SMS go out after the transaction commits, through a Celery task (in-process
when REDIS_URL is unset); the delivery scan re-sends what a lost queue message
left undelivered.
"""

import contextvars
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
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


@dataclass(frozen=True)
class Message:
    """One notification for ``notify_each``: ``user_id`` must be an active user's, and
    ``email``/``sms`` already say whether that user has an address for the channel."""

    user_id: int
    key: str
    title: str
    body: str = ""
    url: str = ""
    email: bool = False
    sms: bool = False


# Rows per INSERT (14 parameters each: well under SQLite's 32,766 and PostgreSQL's 65,535).
NOTIFY_BATCH = 1000


def notify_each(messages: Iterable[Message], *, batch_size: int | None = None) -> list[int]:
    """Create many notifications, each under its own (user, key), one INSERT per batch; return
    the ids created.

    The database decides once-only: the INSERT skips every row whose (user, key) exists
    (``ON CONFLICT DO NOTHING`` on the unique constraint), including one that a concurrent scan
    inserted a moment ago, and returns only the ids it inserted, so of two scans at once each
    reminder is created, counted and queued by exactly one. Each batch commits on its own and
    queues one delivery task for its ids (``deliver_many``) after the commit.
    """
    batch_size = batch_size or NOTIFY_BATCH
    created: list[int] = []
    batch: list[Message] = []
    for message in messages:
        batch.append(message)
        if len(batch) >= batch_size:
            created += _insert_batch(batch)
            batch = []
    if batch:
        created += _insert_batch(batch)
    return created


def _insert_batch(batch: list[Message]) -> list[int]:
    meta = Notification._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    # The row's own values, in the database's form; every other column takes its default
    # (unread, nothing claimed or sent), worked out once for the batch, not per row.
    given = ("user_id", "key", "title", "body", "url", "created_at", "want_email", "want_sms")
    constant = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields if f.attname not in given}
    constant["created_at"] = meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    params = []
    for m in batch:
        own = {
            "user_id": m.user_id,
            "key": m.key[:200],
            "title": m.title[:200],
            "body": m.body,
            "url": m.url[:300],
            "want_email": bool(m.email),
            "want_sms": bool(m.sms),
        }
        params += [own[f.attname] if f.attname in own else constant[f.attname] for f in fields]
    qn = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Django's bulk_create(ignore_conflicts=True) cannot say which rows it inserted; RETURNING
    # after ON CONFLICT DO NOTHING can (PostgreSQL, and SQLite from 3.35).
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES {', '.join([placeholders] * len(batch))} "
        f"ON CONFLICT ({qn(meta.get_field('user').column)}, {qn(meta.get_field('key').column)}) DO NOTHING "
        f"RETURNING {qn(meta.pk.column)}, {qn(meta.get_field('want_email').column)}, "
        f"{qn(meta.get_field('want_sms').column)}"
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted = cursor.fetchall()
        to_deliver = sorted(pk for pk, email, sms in inserted if email or sms)
        if to_deliver:
            transaction.on_commit(lambda: enqueue_delivery_many(to_deliver))
    return sorted(pk for pk, *_flags in inserted)


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
    from .tasks import deliver_notification

    return _enqueue(deliver_notification, notification_id, f"notification {notification_id}")


def enqueue_delivery_many(notification_ids: list[int]) -> bool:
    """Queue one task delivering all of ``notification_ids`` (a scan's batch); as ``enqueue_delivery``."""
    from .tasks import deliver_many

    ids = list(notification_ids)
    return _enqueue(deliver_many, ids, f"{len(ids)} notifications from {ids[0]}" if ids else "no notifications")


def _enqueue(task, argument, what: str) -> bool:
    global _broker_down_until

    over_broker = _queued_over_broker()
    if over_broker and time.monotonic() < _broker_down_until:
        delivery_deferred.set(True)
        logger.info("Broker unavailable: delivery of %s left to the delivery scan", what)
        return False
    try:
        task.apply_async((argument,), retry=False)
    except Exception:  # noqa: BLE001 - a broker outage must not break the request
        delivery_deferred.set(True)
        if over_broker:
            _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.exception("Could not queue delivery of %s", what)
        return False
    return True


def notification_mark_read(*, actor, notification: Notification) -> None:
    if notification.user_id != actor.pk:
        raise NotAllowed(_("You can only change your own messages."))
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def notification_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
