"""Requests to export personal data beyond the size limit, and the permissions of exports.

A bulk export of personal data (mobile numbers, ID numbers, addresses, e-mail) of more
than ``EXPORT_PERSONAL_MAX_ROWS`` rows needs a second person: the requester files an
``ExportApproval`` for the same list (model and changelist filter), another member of
staff holding ``dataio.approve_personal_export`` approves it, and the requester may then
run that export once before the approval expires.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportApproval(models.Model):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Requested by")
    )
    # The model's label ("deputies.Deputy") and the list the export covers: the
    # changelist's filter and search as a query string, plus a digest of any selected rows.
    model = models.CharField(_("Data"), max_length=100)
    query = models.TextField(_("Filter"), blank=True)
    row_count = models.PositiveIntegerField(_("Rows"))
    reason = models.TextField(_("Reason"))
    created_at = models.DateTimeField(_("Requested at"), default=timezone.now, db_index=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Approved by"),
    )
    approved_at = models.DateTimeField(_("Approved at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("Valid until"), null=True, blank=True)
    used_at = models.DateTimeField(_("Used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Personal data export request")
        verbose_name_plural = _("Personal data export requests")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("export_personal_data", _("Can export personal data")),
            ("approve_personal_export", _("Can approve large exports of personal data")),
        ]

    def __str__(self):
        return _("Export request %(id)s") % {"id": self.pk}

    @property
    def state(self) -> str:
        if self.used_at:
            return "used"
        if not self.approved_at:
            return "pending"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "approved"
