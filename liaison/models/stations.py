"""Liaison stations (联系点、代表之家、联络站、专业代表工作站), the deputies' duty schedule, and
the opinions (民意) the public leaves at a station.

A station's address, hours, contact person and phone are the station's own and public; a
deputy shown on a station page shows only their name. An opinion's contact number is
personal data: encrypted at rest and masked on screen. Opinion status changes only
through ``liaison/workflow.py``; every transition writes an OpinionEvent.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedCharField


class Station(models.Model):
    class Kind(models.TextChoices):
        SERVICE_CENTER = "service_center", _("Deputy contact point at a government service centre")
        HOME = "home", _("Deputies' home")
        STATION = "station", _("Deputies' liaison station")
        PROFESSIONAL = "professional", _("Professional deputies' workstation")

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="liaison_stations", verbose_name=_("Congress")
    )
    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices, default=Kind.STATION)
    district = models.CharField(_("District"), max_length=30)
    street = models.CharField(_("Street or town"), max_length=40, blank=True)
    name = models.CharField(_("Name"), max_length=100)
    address = models.CharField(_("Station address"), max_length=200)
    opening_hours = models.CharField(_("Opening hours"), max_length=200, blank=True)
    contact_name = models.CharField(_("Contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(_("Contact phone"), max_length=40, blank=True)
    deputies = models.ManyToManyField(
        "deputies.Deputy", blank=True, related_name="liaison_stations", verbose_name=_("Attached deputies")
    )
    is_active = models.BooleanField(_("Open to the public"), default=True)
    # What staff publish about the opinions handled here: their own words, no personal data.
    summary = models.TextField(_("Summary of handled opinions"), blank=True)
    summary_published_at = models.DateTimeField(_("Summary published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Liaison station")
        verbose_name_plural = _("Liaison stations")
        ordering = ["district", "street", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "name"],
                name="liaison_station_name_per_congress",
                violation_error_message=_("This congress already has a station of this name."),
            )
        ]
        indexes = [models.Index(fields=["is_active", "district", "street"], name="liaison_station_list_idx")]

    def __str__(self):
        return self.name


class Duty(models.Model):
    """A deputy on duty at a station (值班安排); each one is a station reception in the ledger."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="duties", verbose_name=_("Station"))
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="liaison_duties", verbose_name=_("Deputy")
    )
    date = models.DateField(_("Date"))
    start_time = models.TimeField(_("From"))
    end_time = models.TimeField(_("Until"))
    activity = models.OneToOneField(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_duty",
        verbose_name=_("Activity"),
    )
    # A duty called off before it began (liaison.services.duty_cancel): kept with its reason,
    # out of the public schedule, its reception withdrawn from the ledger.
    cancelled_at = models.DateTimeField(_("Cancelled at"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("Reason for cancelling"), max_length=200, blank=True, editable=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("Cancelled by"),
    )

    class Meta:
        verbose_name = _("Station duty")
        verbose_name_plural = _("Station duties")
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="liaison_duty_times_ordered"),
            # A cancelled duty leaves its time free for another.
            models.UniqueConstraint(
                fields=["station", "deputy", "date", "start_time"],
                condition=Q(cancelled_at__isnull=True),
                name="liaison_duty_once",
                violation_error_message=_("This deputy is already on duty here at that time."),
            ),
        ]
        indexes = [models.Index(fields=["station", "date"], name="liaison_duty_station_idx")]

    def __str__(self):
        return f"{self.station} {self.date} {self.deputy}"


class Opinion(models.Model):
    """An opinion left by a member of the public, handled as a case."""

    class Status(models.TextChoices):
        HELD = "held", _("Held for review")
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")

    class Category(models.TextChoices):
        TRAFFIC = "traffic", _("Traffic and transport")
        HOUSING = "housing", _("Housing and neighbourhood")
        EDUCATION = "education", _("Education")
        HEALTH = "health", _("Health and elderly care")
        ENVIRONMENT = "environment", _("Environment")
        ECONOMY = "economy", _("Employment and business")
        SAFETY = "safety", _("Public safety")
        OTHER = "other", _("Other")

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("Station"))
    # The deputy the citizen chose (from the station's deputies), if any.
    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_opinions",
        verbose_name=_("Addressed to"),
    )
    category = models.CharField(_("Category"), max_length=16, choices=Category.choices, default=Category.OTHER)
    text = models.TextField(_("Opinion"))
    author_name = models.CharField(_("Name"), max_length=40, blank=True)
    contact = EncryptedCharField(_("Contact phone"), max_length=40, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, db_index=True)
    # Why the opinion was held for review (the words found), shown to staff only.
    held_reason = models.CharField(_("Held because"), max_length=200, blank=True)
    # The private link's token is never stored, only its keyed hash.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The sender's address, as a keyed hash only: counted for the rate limit, never shown.
    client_hash = models.CharField(max_length=64, blank=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_opinions",
        verbose_name=_("Assigned to"),
    )
    assigned_at = models.DateTimeField(_("Assigned at"), null=True, blank=True)
    answer = models.TextField(_("Answer"), blank=True)
    answered_at = models.DateTimeField(_("Answered at"), null=True, blank=True)
    close_reason = models.CharField(_("Reason for closing without answer"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("Received at"), default=timezone.now)

    class Meta:
        verbose_name = _("Public opinion")
        verbose_name_plural = _("Public opinions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client_hash", "created_at"], name="liaison_opinion_client_idx"),
            models.Index(fields=["station", "status"], name="liaison_opinion_station_idx"),
        ]

    def __str__(self):
        return f"{self.station} #{self.pk}"


class OpinionEvent(models.Model):
    """One row per transition of an opinion: its audit log and timeline, notes included."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="events", verbose_name=_("Opinion"))
    action = models.CharField(_("Action"), max_length=20)
    from_status = models.CharField(_("From"), max_length=10, choices=Opinion.Status.choices, blank=True)
    to_status = models.CharField(_("To"), max_length=10, choices=Opinion.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("Actor")
    )
    note = models.TextField(_("Note"), blank=True)
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        verbose_name = _("Opinion event")
        verbose_name_plural = _("Opinion events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.opinion_id} {self.action}"
