from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person: in the inbox, and by e-mail/SMS when asked.

    ``key`` names the reason (e.g. ``suggestion:12:deadline-15d``); the unique
    constraint on (user, key) is what makes every reminder once-only, however
    many scans or workers try to send it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("Recipient")
    )
    key = models.CharField(_("Reminder key"), max_length=200)
    title = models.CharField(_("Title"), max_length=200)
    body = models.TextField(_("Body"), blank=True)
    url = models.CharField(_("Link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("Time"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("Read at"), null=True, blank=True)
    want_email = models.BooleanField(_("By e-mail"), default=True)
    want_sms = models.BooleanField(_("By SMS"), default=False)
    # A channel is claimed (…_claimed_at) by one worker before it sends, and marked sent
    # (emailed_at / sms_sent_at) once the gateway took it. A claim that never reached "sent"
    # (the worker was killed in between) lapses after the delivery lease and is tried again.
    email_claimed_at = models.DateTimeField(_("E-mail claimed at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("E-mailed at"), null=True, blank=True)
    sms_claimed_at = models.DateTimeField(_("SMS claimed at"), null=True, blank=True)
    sms_sent_at = models.DateTimeField(_("SMS sent at"), null=True, blank=True)
    delivery_error = models.CharField(_("Delivery error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Messages")
        verbose_name_plural = _("Messages")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            # The delivery scan looks only at what is still to be sent: a small part of the table.
            models.Index(
                fields=["created_at"],
                name="notification_undelivered_idx",
                condition=models.Q(want_email=True, emailed_at__isnull=True)
                | models.Q(want_sms=True, sms_sent_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
