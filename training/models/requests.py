"""Deputies' requests for information from a body (资料申请, 知情知政), handled as a case.

submitted by the deputy → routed by staff to a unit, with a deadline in working days →
answered by the unit's officer (text and files) or declined with a reason → rated by the
deputy (met the need or not). Staff may also decline a request themselves before routing.
Status changes only through ``training/workflow.py``; each writes a RequestEvent.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DataRequest(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ROUTED = "routed", _("Sent to the unit")
        ANSWERED = "answered", _("Answered")
        DECLINED = "declined", _("Declined")
        RATED = "rated", _("Rated")

    class Rating(models.TextChoices):
        MET = "met", _("Met my need")
        PARTLY = "partly", _("Partly met my need")
        NOT_MET = "not_met", _("Did not meet my need")

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="training_requests", verbose_name=_("Congress")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="training_requests", verbose_name=_("Deputy")
    )
    subject = models.CharField(_("Subject"), max_length=200)
    wanted = models.TextField(_("Information or data wanted"))
    reason = models.TextField(_("Reason"))
    # The body the deputy thinks holds it (free text); staff pick the unit.
    suggested_body = models.CharField(_("Body that may hold it"), max_length=100, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, db_index=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_requests",
        verbose_name=_("Unit"),
    )
    routed_at = models.DateTimeField(_("Sent at"), null=True, blank=True)
    due = models.DateField(_("Answer due"), null=True, blank=True)
    answer = models.TextField(_("Answer"), blank=True)
    answered_at = models.DateTimeField(_("Answered at"), null=True, blank=True)
    decline_reason = models.TextField(_("Reason for declining"), blank=True)
    rating = models.CharField(_("Rating"), max_length=8, choices=Rating.choices, blank=True)
    rating_note = models.TextField(_("Comment on the answer"), blank=True)
    created_at = models.DateTimeField(_("Submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("Data request")
        verbose_name_plural = _("Data requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="training_request_unit_idx"),
            models.Index(fields=["status", "due"], name="training_request_due_idx"),
        ]

    def __str__(self):
        return self.subject


class RequestEvent(models.Model):
    """One row per transition of a data request: its audit log and timeline."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("Request"))
    action = models.CharField(_("Action"), max_length=20)
    from_status = models.CharField(_("From"), max_length=10, choices=DataRequest.Status.choices, blank=True)
    to_status = models.CharField(_("To"), max_length=10, choices=DataRequest.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("Actor")
    )
    note = models.TextField(_("Note"), blank=True)
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        verbose_name = _("Request event")
        verbose_name_plural = _("Request events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.request_id} {self.action}"
