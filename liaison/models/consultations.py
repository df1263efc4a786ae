"""Consultations (征求代表意见): a committee publishes a draft regulation to the deputies for
comment, article by article or as a whole, until a closing date; deputies comment in the
portal; the committee marks what it adopted, which the deputies who commented then see."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Consultation(models.Model):
    committee = models.ForeignKey(
        "liaison.Committee", on_delete=models.PROTECT, related_name="consultations", verbose_name=_("Committee")
    )
    title = models.CharField(_("Title"), max_length=200)
    draft = models.TextField(_("Draft"))
    by_article = models.BooleanField(_("Comments by article"), default=True)
    closes_on = models.DateField(_("Comments close on"))
    published_at = models.DateTimeField(_("Published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Created by")
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)

    class Meta:
        verbose_name = _("Consultation")
        verbose_name_plural = _("Consultations")
        ordering = ["-closes_on", "-id"]

    def __str__(self):
        return self.title

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.published_at is not None and today <= self.closes_on


class ConsultationArticle(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="articles", verbose_name=_("Consultation")
    )
    number = models.PositiveSmallIntegerField(_("Article"))
    text = models.TextField(_("Text"))

    class Meta:
        verbose_name = _("Article of a draft")
        verbose_name_plural = _("Articles of drafts")
        ordering = ["consultation", "number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="liaison_article_once")]

    def __str__(self):
        return f"{self.consultation_id} §{self.number}"


class ConsultationComment(models.Model):
    """A deputy's comment on one article (or, with no article, on the draft as a whole)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments", verbose_name=_("Consultation")
    )
    article = models.ForeignKey(
        ConsultationArticle,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("Article"),
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="consultation_comments", verbose_name=_("Deputy")
    )
    text = models.TextField(_("Comment"))
    submitted_at = models.DateTimeField(_("Submitted at"), default=timezone.now)
    adopted = models.BooleanField(_("Adopted"), null=True, blank=True)
    decision_note = models.TextField(_("How it was handled"), blank=True)
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Comment on a draft")
        verbose_name_plural = _("Comments on drafts")
        ordering = ["consultation", "article__number", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "article", "deputy"],
                condition=Q(article__isnull=False),
                name="liaison_comment_once_per_article",
            ),
            models.UniqueConstraint(
                fields=["consultation", "deputy"],
                condition=Q(article__isnull=True),
                name="liaison_comment_once_as_a_whole",
            ),
        ]

    def __str__(self):
        return f"{self.consultation_id} · {self.deputy_id}"
