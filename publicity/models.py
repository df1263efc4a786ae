"""Stories of deputies' work (代表履职风采, work plan item 18): written by the office in the admin,
shown on the public stories page once published, and on the public profile of every deputy
they name.

A story's text is plain text (``core.text.clean_text`` on the way in, ``render_body`` on the way
out). Its photos are decoded and written again on upload (``core.uploads``), so what is stored
holds the pixels only; they are served through a view that checks publication each time.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Story(models.Model):
    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="stories", verbose_name=_("Congress")
    )
    title = models.CharField(_("Title"), max_length=120)
    summary = models.CharField(
        _("Summary"), max_length=300, blank=True, help_text=_("One or two sentences shown in the list of stories.")
    )
    body = models.TextField(
        _("Text"), help_text=_("Plain text: a blank line starts a paragraph, lines starting with “- ” make a list.")
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy", blank=True, related_name="stories", verbose_name=_("Deputies involved")
    )
    # The date the story carries in public; set to the day of publication when left empty.
    published_on = models.DateField(_("Publication date"), null=True, blank=True)
    # Changed only by publicity.services.story_set_published.
    is_published = models.BooleanField(_("Published"), default=False, editable=False)
    published_at = models.DateTimeField(_("Published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("Published by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("Created by"),
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("Updated"), auto_now=True)

    class Meta:
        verbose_name = _("Story of deputies' work")
        verbose_name_plural = _("Stories of deputies' work")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_on__isnull=False),
                name="publicity_story_published_has_date",
            )
        ]
        indexes = [models.Index(fields=["is_published", "published_on"], name="publicity_story_public_idx")]

    def __str__(self):
        return self.title


def photo_path(instance, filename):
    return f"publicity/photos/{instance.token}{instance.extension}"


class StoryPhoto(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="photos", verbose_name=_("Story"))
    # The stored name is a random token: the uploader's file name never reaches the disk or a URL.
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    file = models.FileField(_("Photo"), upload_to=photo_path, help_text=_("A JPEG or PNG image."))
    caption = models.CharField(_("Caption"), max_length=150, blank=True)
    order = models.PositiveSmallIntegerField(_("Order"), default=0)

    class Meta:
        verbose_name = _("Story photo")
        verbose_name_plural = _("Story photos")
        ordering = ["story", "order", "id"]

    def __str__(self):
        return self.caption or self.token
