"""Files of the training app: a course's slides and materials, a material's documents, a unit's
answer to a data request. Accepted only through ``core.uploads.check_upload`` (type by content,
size), stored under a generated name; served only by views that check access."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def file_path(instance, filename):
    return f"training/{timezone.now():%Y/%m}/{instance.token}{instance.extension}"


class Document(models.Model):
    course = models.ForeignKey(
        "training.Course", on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    material = models.ForeignKey(
        "training.Material", on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    request = models.ForeignKey(
        "training.DataRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    file = models.FileField(_("File"), upload_to=file_path, max_length=200)
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    original_name = models.CharField(_("File name"), max_length=120)
    content_type = models.CharField(_("Type"), max_length=100)
    size = models.PositiveIntegerField(_("Size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Uploaded by")
    )
    uploaded_at = models.DateTimeField(_("Uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("Training file")
        verbose_name_plural = _("Training files")
        ordering = ["uploaded_at", "id"]
        constraints = [
            # Exactly one owner.
            models.CheckConstraint(
                condition=(
                    Q(course__isnull=False, material__isnull=True, request__isnull=True)
                    | Q(course__isnull=True, material__isnull=False, request__isnull=True)
                    | Q(course__isnull=True, material__isnull=True, request__isnull=False)
                ),
                name="training_document_one_owner",
            )
        ]

    def __str__(self):
        return self.original_name
