"""The two connections (两个联系, work plan items 1–3): committees and their liaison deputies,
standing-committee members' contact assignments and contact records, where an opinion
gathered was routed, director reception days, SC-meeting topics with their invitations and
the pre-meeting symposium's written opinions.

Attendance never lives here: an SC meeting, a symposium and a reception day are
``activities.Activity`` rows, and every invitation is an ``activities.Participation``, so the
performance archive and the coverage figures read one ledger.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Committee(models.Model):
    """A special committee (专门委员会) or working committee (工作委员会) of a congress."""

    class Kind(models.TextChoices):
        SPECIAL = "special", _("Special committee")
        WORKING = "working", _("Working committee")

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="liaison_committees", verbose_name=_("Congress")
    )
    kind = models.CharField(_("Kind"), max_length=10, choices=Kind.choices, default=Kind.SPECIAL)
    name = models.CharField(_("Name"), max_length=60)
    # 对口联系代表: the deputies this committee keeps in touch with (work plan item 3).
    liaison_deputies = models.ManyToManyField(
        "deputies.Deputy", blank=True, related_name="liaison_committees", verbose_name=_("Liaison deputies")
    )
    # The ledger activities the committee organised (research, inspections, law-enforcement
    # checks): their attendance stays in the ledger, the committee's page lists them.
    activities = models.ManyToManyField(
        "activities.Activity", blank=True, related_name="liaison_committees", verbose_name=_("Activities organised")
    )

    class Meta:
        verbose_name = _("Committee")
        verbose_name_plural = _("Committees")
        ordering = ["congress", "kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "name"],
                name="liaison_committee_name_per_congress",
                violation_error_message=_("This congress already has a committee of this name."),
            )
        ]

    def __str__(self):
        return self.name


class ContactAssignment(models.Model):
    """A deputy assigned to a standing-committee member to keep in touch with (固定联系代表)."""

    member = models.ForeignKey(
        "deputies.StandingCommitteeMember",
        on_delete=models.CASCADE,
        related_name="contact_assignments",
        verbose_name=_("Standing committee member"),
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="contact_assignments", verbose_name=_("Deputy")
    )
    created_at = models.DateTimeField(_("Assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("Contact assignment")
        verbose_name_plural = _("Contact assignments")
        ordering = ["member", "deputy__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "deputy"],
                name="liaison_contact_assignment_once",
                violation_error_message=_("This deputy is already assigned to this member."),
            )
        ]

    def __str__(self):
        return f"{self.member} · {self.deputy}"


class ContactRecord(models.Model):
    """One contact of an SC member with an assigned deputy, and the opinions gathered."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        TALK = "talk", _("Talk")
        PHONE = "phone", _("Phone call")
        MEETING = "meeting", _("Meeting")

    member = models.ForeignKey(
        "deputies.StandingCommitteeMember",
        on_delete=models.PROTECT,
        related_name="contact_records",
        verbose_name=_("Standing committee member"),
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="contact_records", verbose_name=_("Deputy")
    )
    kind = models.CharField(_("Kind of contact"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("Date"))
    opinions = models.TextField(_("Opinions gathered"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Recorded by")
    )
    created_at = models.DateTimeField(_("Recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("Contact record")
        verbose_name_plural = _("Contact records")
        ordering = ["-date", "-id"]
        indexes = [
            # Coverage asks, per deputy, whether a contact exists since the term began.
            models.Index(fields=["deputy", "date"], name="liaison_contact_deputy_idx"),
            models.Index(fields=["member", "deputy", "date"], name="liaison_contact_member_idx"),
        ]

    def __str__(self):
        return f"{self.date} {self.member} · {self.deputy}"


class OpinionRouting(models.Model):
    """Where staff sent an opinion gathered in a contact: to a committee, to a unit as a
    deputy's letter (代表信访, tracked in the ledger app), or to the deputy as a suggestion draft."""

    class Target(models.TextChoices):
        COMMITTEE = "committee", _("To a committee")
        LETTER = "letter", _("To a unit, as a letter")
        SUGGESTION = "suggestion", _("To the deputy, as a suggestion draft")

    record = models.ForeignKey(
        ContactRecord, on_delete=models.PROTECT, related_name="routings", verbose_name=_("Contact record")
    )
    target = models.CharField(_("Sent"), max_length=12, choices=Target.choices)
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Committee")
    )
    letter = models.OneToOneField(
        "activities.DeputyLetter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_routing",
        verbose_name=_("Deputy's letter"),
    )
    text = models.TextField(_("Opinion as sent"))
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Sent by")
    )
    routed_at = models.DateTimeField(_("Sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("Routed opinion")
        verbose_name_plural = _("Routed opinions")
        ordering = ["-routed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target="committee") | Q(committee__isnull=False), name="liaison_routing_committee"
            ),
            models.CheckConstraint(
                condition=~Q(target="letter") | Q(letter__isnull=False), name="liaison_routing_letter"
            ),
        ]

    def __str__(self):
        return f"{self.record_id} → {self.get_target_display()}"


class ReceptionDay(models.Model):
    """A director reception day (主任接待代表日): a leader receives deputies; one Activity in the ledger."""

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="reception_days", verbose_name=_("Congress")
    )
    date = models.DateField(_("Date"))
    leader = models.ForeignKey(
        "deputies.StandingCommitteeMember",
        on_delete=models.PROTECT,
        related_name="reception_days",
        verbose_name=_("Receiving leader"),
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy", related_name="reception_days", verbose_name=_("Deputies received")
    )
    raised = models.TextField(_("What the deputies raised"), blank=True)
    activity = models.OneToOneField(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reception_day",
        verbose_name=_("Activity"),
    )

    class Meta:
        verbose_name = _("Director reception day")
        verbose_name_plural = _("Director reception days")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date} {self.leader}"


class Topic(models.Model):
    """An item on an SC meeting's agenda (议题), with the committee responsible for it."""

    meeting = models.ForeignKey(
        "activities.Activity", on_delete=models.PROTECT, related_name="liaison_topics", verbose_name=_("SC meeting")
    )
    title = models.CharField(_("Topic"), max_length=200)
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="topics", verbose_name=_("Responsible committee")
    )
    order = models.PositiveSmallIntegerField(_("Order"), default=0)
    participations = models.ManyToManyField(
        "activities.Participation",
        through="TopicInvitation",
        related_name="liaison_topics",
        verbose_name=_("Invited deputies"),
    )

    class Meta:
        verbose_name = _("SC meeting topic")
        verbose_name_plural = _("SC meeting topics")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "title"],
                name="liaison_topic_once_per_meeting",
                violation_error_message=_("This meeting already has a topic of this title."),
            )
        ]

    def __str__(self):
        return self.title


class TopicInvitation(models.Model):
    """A deputy invited to attend an SC meeting for a topic: the invitation itself is the ledger's participation."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("Topic"))
    participation = models.ForeignKey(
        "activities.Participation", on_delete=models.CASCADE, related_name="+", verbose_name=_("Participation")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Invited by")
    )
    created_at = models.DateTimeField(_("Invited at"), default=timezone.now)

    class Meta:
        verbose_name = _("Topic invitation")
        verbose_name_plural = _("Topic invitations")
        constraints = [models.UniqueConstraint(fields=["topic", "participation"], name="liaison_topic_invite_once")]

    def __str__(self):
        return f"{self.topic_id} · {self.participation_id}"


class Symposium(models.Model):
    """The pre-meeting symposium of the attending deputies (列席代表座谈会); its own Activity."""

    meeting = models.OneToOneField(
        "activities.Activity", on_delete=models.PROTECT, related_name="liaison_symposium", verbose_name=_("SC meeting")
    )
    date = models.DateField(_("Date"))
    place = models.CharField(_("Place"), max_length=200, blank=True)
    activity = models.OneToOneField(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_symposium_of",
        verbose_name=_("Activity"),
    )

    class Meta:
        verbose_name = _("Pre-meeting symposium")
        verbose_name_plural = _("Pre-meeting symposia")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.meeting} · {self.date}"


class TopicOpinion(models.Model):
    """A deputy's written opinion on a topic, for the pre-meeting symposium (one per deputy and topic)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("Topic"))
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="topic_opinions", verbose_name=_("Deputy")
    )
    text = models.TextField(_("Opinion"))
    submitted_at = models.DateTimeField(_("Submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("Opinion on a topic")
        verbose_name_plural = _("Opinions on topics")
        ordering = ["topic", "submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "deputy"], name="liaison_topic_opinion_once")]

    def __str__(self):
        return f"{self.topic} · {self.deputy}"
