"""Materials pushed to deputies (信息推送): documents, policy briefs, notices and typical-case
write-ups (典型案例), with read receipts.

A receipt is written when a deputy first opens the material; who has not read it is the
audience (a rule, see ``audience.py``) minus the receipts. The office may remind the unread
once: ``reminded_at`` is claimed by a conditional update, so a second click sends nothing.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audience import AudienceFields


class Material(AudienceFields):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        POLICY = "policy", _("Policy brief")
        NOTICE = "notice", _("Notice")
        CASE = "case", _("Typical case write-up")

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="training_materials", verbose_name=_("Congress")
    )
    kind = models.CharField(_("Kind"), max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    title = models.CharField(_("Title"), max_length=200)
    body = models.TextField(_("Text"), blank=True)
    important = models.BooleanField(_("Important"), default=False)
    # A typical case the city shares with the district and township offices (item 17).
    shared_with_districts = models.BooleanField(_("Shared with the district offices"), default=False)
    published_at = models.DateTimeField(_("Sent at"), null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(_("Unread reminded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Created by")
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)

    class Meta:
        verbose_name = _("Material")
        verbose_name_plural = _("Materials")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["congress", "published_at"], name="training_material_pub_idx")]

    def __str__(self):
        return self.title


class Receipt(models.Model):
    """A deputy opened the material (read receipt)."""

    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("Material")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="training_receipts", verbose_name=_("Deputy")
    )
    read_at = models.DateTimeField(_("Read at"), default=timezone.now)

    class Meta:
        verbose_name = _("Read receipt")
        verbose_name_plural = _("Read receipts")
        ordering = ["-read_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["material", "deputy"], name="training_receipt_once")]

    def __str__(self):
        return f"{self.material} {self.deputy}"
