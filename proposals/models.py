"""Deputies' suggestions and motions, their handling by units, replies, ratings and more.

The workflow (``Suggestion.Status`` and the transition table in proposals/workflow.py)
is changed only by proposals/services.py; every transition writes a SuggestionEvent.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Field(models.Model):
    """The subject area of a suggestion (领域), e.g. urban construction, education."""

    name = models.CharField(_("Name"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("Order"), default=0)

    class Meta:
        verbose_name = _("Field")
        verbose_name_plural = _("Fields")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ReplyCategory(models.Model):
    """A reply class (A solved, B being solved, C kept for reference, …): data, since places differ."""

    code = models.CharField(_("Code"), max_length=2, unique=True)
    name = models.CharField(_("Name"), max_length=60)
    # Replies in a category that promises action go into the commitment ledger.
    creates_commitment = models.BooleanField(_("Promises action (commitment ledger)"), default=False)
    order = models.PositiveSmallIntegerField(_("Order"), default=0)

    class Meta:
        verbose_name = _("Reply category")
        verbose_name_plural = _("Reply categories")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class TopicGuide(models.Model):
    """The topic guide (选题指引) published before a session."""

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="topic_guides", verbose_name=_("Congress")
    )
    session = models.ForeignKey(
        "deputies.CongressSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="topic_guides",
        verbose_name=_("Session"),
    )
    title = models.CharField(_("Title"), max_length=200)
    body = models.TextField(_("Text"), help_text=_("Paragraphs and lists; scripts are removed."))
    published = models.BooleanField(_("Published"), default=False)
    published_on = models.DateField(_("Published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Topic guide")
        verbose_name_plural = _("Topic guides")
        ordering = ["-published_on", "-id"]

    def __str__(self):
        return self.title


class Suggestion(models.Model):
    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestion")
        MOTION = "motion", _("Motion")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted for handling")
        ASSIGNED = "assigned", _("Assigned")
        REPLIED = "replied", _("Replied")
        RATED = "rated", _("Rated")
        REHANDLING = "rehandling", _("Being handled again")
        CLOSED = "closed", _("Closed")
        MERGED = "merged", _("Merged")

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("Congress")
    )
    session = models.ForeignKey(
        "deputies.CongressSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("Session"),
        help_text=_("Empty: submitted between sessions."),
    )
    kind = models.CharField(_("Kind"), max_length=12, choices=Kind.choices, default=Kind.SUGGESTION)
    title = models.CharField(_("Title"), max_length=200)
    body = models.TextField(_("Text"))
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, null=True, blank=True, related_name="suggestions", verbose_name=_("Field")
    )
    lead_deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="led_suggestions", verbose_name=_("Lead deputy")
    )
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # Numbered per session (or per year between sessions) on acceptance: gapless, unique.
    number = models.PositiveIntegerField(_("Number"), null=True, blank=True)
    number_series = models.CharField(_("Number series"), max_length=40, blank=True)
    is_broad = models.BooleanField(
        _("Broad or hard case"),
        default=False,
        help_text=_("Reply within 6 months instead of 3 (Deputies Law art. 51)."),
    )
    entered_by_staff = models.BooleanField(_("Entered by staff for the deputy"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Created by")
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    updated_at = models.DateTimeField(_("Updated"), default=timezone.now)
    submitted_at = models.DateTimeField(_("Submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("Accepted at"), null=True, blank=True)
    return_reason = models.TextField(_("Reason for return"), blank=True)
    converted_from_motion = models.BooleanField(_("Converted from a motion"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_items",
        verbose_name=_("Merged into"),
    )
    published = models.BooleanField(_("Published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("Published at"), null=True, blank=True, db_index=True)
    # Jieba-segmented text of title, body and replies, for full-text search. On PostgreSQL the
    # table also has ``search_vector``, generated from it (to_tsvector('simple', search_text)),
    # stored and GIN-indexed (migration 0006; not a model field, so no other query loads it);
    # SQLite falls back to substring search.
    search_text = models.TextField(_("Search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("Suggestion or motion")
        verbose_name_plural = _("Suggestions and motions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "number_series", "number"],
                condition=Q(number__isnull=False),
                name="suggestion_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["published", "-published_at"], name="suggestion_public_idx"),
            models.Index(fields=["congress", "status"], name="suggestion_status_idx"),
            # The director's dashboard's counts per session and state, read from the index alone.
            models.Index(
                fields=["congress", "session", "status", "entered_by_staff"],
                include=["id"],
                name="suggestion_session_idx",
            ),
            # The office list, newest first, walked in order (its scope read from the index).
            models.Index(
                fields=["-submitted_at", "-id", "congress"],
                condition=~Q(status="draft") | Q(entered_by_staff=True),
                name="suggestion_office_order_idx",
            ),
        ]

    def __str__(self):
        return f"{self.number_label} {self.title}".strip()

    @property
    def number_label(self) -> str:
        return f"{self.number_series}第{self.number}号" if self.number else ""


class NumberCounter(models.Model):
    """The next number of a series (a session, or a year between sessions); locked on use."""

    congress = models.ForeignKey("deputies.Congress", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=40)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["congress", "series"], name="counter_unique")]

    def __str__(self):
        return f"{self.series}: {self.last_number}"


class CoSigner(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="cosigners", verbose_name=_("Suggestion")
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="cosigned", verbose_name=_("Deputy")
    )
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    responded_at = models.DateTimeField(_("Answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Co-signer")
        verbose_name_plural = _("Co-signers")
        ordering = ["suggestion", "id"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "deputy"], name="cosigner_once")]

    def __str__(self):
        return str(self.deputy)


def attachment_path(instance, filename):
    # The stored name is generated; the original (sanitised) name is kept in a field.
    return f"proposals/{timezone.now():%Y/%m}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("Suggestion")
    )
    reply = models.ForeignKey(
        "Reply", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments", verbose_name=_("Reply")
    )
    file = models.FileField(_("File"), upload_to=attachment_path, max_length=200)
    token = models.CharField(max_length=32, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    original_name = models.CharField(_("File name"), max_length=120)
    content_type = models.CharField(_("Type"), max_length=100)
    size = models.PositiveIntegerField(_("Size"))
    public = models.BooleanField(_("Cleared for publication"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Uploaded by")
    )
    uploaded_at = models.DateTimeField(_("Uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("Attachment")
        verbose_name_plural = _("Attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class SuggestionEvent(models.Model):
    """One row per transition: the audit log and the timeline the deputy sees."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="events", verbose_name=_("Suggestion")
    )
    action = models.CharField(_("Action"), max_length=30)
    from_status = models.CharField(_("From"), max_length=12, choices=Suggestion.Status.choices, blank=True)
    to_status = models.CharField(_("To"), max_length=12, choices=Suggestion.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("Actor")
    )
    note = models.TextField(_("Note"), blank=True)
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        verbose_name = _("Suggestion event")
        verbose_name_plural = _("Suggestion events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.suggestion_id} {self.action}"

    @property
    def action_label(self) -> str:
        from .workflow import ACTION_LABELS

        return str(ACTION_LABELS.get(self.action, self.action))


class Assignment(models.Model):
    """A suggestion given to one unit with a role (交办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        JOINT = "joint", _("Joint")
        ASSISTING = "assisting", _("Assisting")
        SEPARATE = "separate", _("Separate")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        REASSIGN_REQUESTED = "reassign_requested", _("Re-assignment requested")
        WITHDRAWN = "withdrawn", _("Withdrawn (re-assigned)")
        REPLIED = "replied", _("Replied")
        REHANDLING = "rehandling", _("Being handled again")
        DONE = "done", _("Done")

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("Suggestion")
    )
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("Unit")
    )
    role = models.CharField(_("Role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.ASSIGNED, db_index=True
    )
    pre_assignment = models.BooleanField(_("Pre-assignment during the session"), default=False)
    assigned_on = models.DateField(_("Assigned on"))
    reassign_window_ends = models.DateField(_("Re-assignment requests until"))
    deadline = models.DateField(_("Reply due"), db_index=True)
    reassign_reason = models.TextField(_("Reason for re-assignment request"), blank=True)
    received_at = models.DateTimeField(_("Received at"), null=True, blank=True)
    first_replied_on = models.DateField(_("First replied on"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Assigned by")
    )

    class Meta:
        verbose_name = _("Assignment")
        verbose_name_plural = _("Assignments")
        ordering = ["suggestion", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "unit"], condition=~Q(status="withdrawn"), name="assignment_once_per_unit"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "deadline"], name="assignment_unit_idx"),
            # Assignments owing a reply, by deadline: the reminder scan reads only these (a small
            # part of the table once the year is handled).
            models.Index(
                fields=["deadline", "suggestion"],
                condition=Q(status__in=["assigned", "rehandling"]),
                name="assignment_open_deadline_idx",
            ),
            # Assignments awaiting the unit (a pending re-assignment request included), by deadline:
            # the office list's and the dashboard's "overdue" (proposals.selectors.office.overdue_exists).
            models.Index(
                fields=["deadline", "suggestion"],
                condition=Q(status__in=["assigned", "reassign_requested", "rehandling"]),
                name="assignment_awaiting_idx",
            ),
        ]

    def __str__(self):
        return f"{self.suggestion} → {self.unit}"


class ContactLog(models.Model):
    """The unit's contact with the deputy while handling (Deputies Law art. 51)."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before handling")
        DURING = "during", _("During handling")
        AFTER = "after", _("After replying")

    class Method(models.TextChoices):
        VISIT = "visit", _("Visit")
        MEETING = "meeting", _("Meeting")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video call")
        SITE = "site", _("On-site inspection")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("Assignment")
    )
    stage = models.CharField(_("Stage"), max_length=8, choices=Stage.choices)
    method = models.CharField(_("Method"), max_length=8, choices=Method.choices)
    contacted_on = models.DateField(_("Date"))
    note = models.TextField(_("What was discussed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Recorded by")
    )
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestion_contacts",
        verbose_name=_("Activity"),
    )

    class Meta:
        verbose_name = _("Contact with the deputy")
        verbose_name_plural = _("Contacts with the deputy")
        ordering = ["contacted_on", "id"]

    def __str__(self):
        return f"{self.assignment} {self.contacted_on}"


class SentReplyManager(models.Manager):
    """Replies the deputy has: a lead unit's reply waiting for its joint units' co-signature, or
    returned by one of them, is not a reply yet for the deputy, the public pages, the ratings or
    the statistics. Reverse relations (``assignment.replies``) and prefetches read through this
    manager too; the handling units' own pages and the co-signature read ``Reply.all_objects``."""

    def get_queryset(self):
        return super().get_queryset().filter(status=Reply.Status.SENT)


class Reply(models.Model):
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="replies", verbose_name=_("Assignment")
    )
    round = models.PositiveSmallIntegerField(_("Round"), default=1)
    category = models.ForeignKey(
        ReplyCategory, on_delete=models.PROTECT, related_name="replies", verbose_name=_("Category")
    )
    text = models.TextField(_("Reply text"))
    signer = models.CharField(_("Signed by"), max_length=40)
    replied_on = models.DateField(_("Reply date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Entered by")
    )
    created_at = models.DateTimeField(_("Entered at"), default=timezone.now)
    on_time = models.BooleanField(_("On time"), default=True)

    class Status(models.TextChoices):
        # A lead unit's reply waits for its joint units' co-signature (会签) before the deputy sees it.
        COSIGNING = "cosigning", _("Waiting for the joint units' co-signature")
        SENT = "sent", _("Sent to the deputy")
        RETURNED = "returned", _("Returned by a joint unit for revision")

    status = models.CharField(_("Reply status"), max_length=10, choices=Status.choices, default=Status.SENT)

    all_objects = models.Manager()
    objects = SentReplyManager()

    class Meta:
        # Reverse relations and the admin read sent replies only (see SentReplyManager).
        default_manager_name = "objects"
        verbose_name = _("Reply")
        verbose_name_plural = _("Replies")
        ordering = ["assignment", "round"]
        constraints = [models.UniqueConstraint(fields=["assignment", "round"], name="reply_once_per_round")]

    def __str__(self):
        return f"{self.assignment} #{self.round}"


class Rating(models.Model):
    """The deputy's own rating of a reply. Nobody rates on a deputy's behalf."""

    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically_satisfied", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("Reply"))
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="ratings", verbose_name=_("Deputy")
    )
    value = models.CharField(_("Rating"), max_length=20, choices=Value.choices)
    comment = models.TextField(_("Comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Rated by")
    )
    rated_at = models.DateTimeField(_("Rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("Rating")
        verbose_name_plural = _("Ratings")
        constraints = [models.UniqueConstraint(fields=["reply", "deputy"], name="rating_once_per_reply")]

    def __str__(self):
        return f"{self.reply} {self.get_value_display()}"


class Commitment(models.Model):
    """What a reply promised (答复承诺解决事项), followed until fulfilled."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        FULFILLED = "fulfilled", _("Fulfilled")
        DROPPED = "dropped", _("Could not be fulfilled")

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("Reply"))
    content = models.TextField(_("Commitment"))
    due_date = models.DateField(_("Due date"), db_index=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    fulfilled_on = models.DateField(_("Fulfilled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Commitment")
        verbose_name_plural = _("Commitment ledger")
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.content[:40]


class CommitmentProgress(models.Model):
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="progress", verbose_name=_("Commitment")
    )
    reported_on = models.DateField(_("Date"))
    note = models.TextField(_("Progress"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Reported by")
    )

    class Meta:
        verbose_name = _("Commitment progress")
        verbose_name_plural = _("Commitment progress")
        ordering = ["reported_on", "id"]

    def __str__(self):
        return f"{self.reported_on} {self.note[:30]}"


class KeySupervision(models.Model):
    """Key supervision (重点督办) chosen by the chairpersons' meeting."""

    suggestion = models.OneToOneField(
        Suggestion, on_delete=models.CASCADE, related_name="key_supervision", verbose_name=_("Suggestion")
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    sc_leader = models.ForeignKey(
        "deputies.StandingCommitteeMember",
        on_delete=models.PROTECT,
        related_name="key_supervisions",
        verbose_name=_("Leading SC leader"),
    )
    government_leader = models.CharField(_("Government leader in charge"), max_length=60)
    committee = models.CharField(_("Supervising committee"), max_length=60)
    selected_on = models.DateField(_("Selected on"))
    # The units handling the item file a progress report on this schedule; the scans remind them.
    report_every_days = models.PositiveSmallIntegerField(_("Progress report every (days)"), default=30)

    class Meta:
        verbose_name = _("Key supervision")
        verbose_name_plural = _("Key supervision")
        ordering = ["-year", "id"]

    def __str__(self):
        return str(self.suggestion)


class KeySupervisionProgress(models.Model):
    supervision = models.ForeignKey(
        KeySupervision, on_delete=models.CASCADE, related_name="progress", verbose_name=_("Key supervision")
    )
    reported_on = models.DateField(_("Date"))
    note = models.TextField(_("Progress"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Reported by")
    )
    # Set when a handling unit filed this report; empty for the office's own notes.
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_reports",
        verbose_name=_("Reporting unit"),
    )

    class Meta:
        verbose_name = _("Key supervision progress")
        verbose_name_plural = _("Key supervision progress")
        ordering = ["reported_on", "id"]

    def __str__(self):
        return f"{self.reported_on} {self.note[:30]}"


class ThirdPartyEvaluation(models.Model):
    """A third-party evaluation (第三方评估) of the handling of an unsatisfied reply."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("Reply"))
    evaluator = models.CharField(_("Evaluator"), max_length=100)
    evaluated_on = models.DateField(_("Evaluated on"))
    conclusion = models.TextField(_("Conclusion"))
    score = models.PositiveSmallIntegerField(_("Score"), null=True, blank=True)

    class Meta:
        verbose_name = _("Third-party evaluation")
        verbose_name_plural = _("Third-party evaluations")
        ordering = ["-evaluated_on", "id"]

    def __str__(self):
        return f"{self.evaluator} {self.evaluated_on}"


class Award(models.Model):
    class Kind(models.TextChoices):
        EXCELLENT_SUGGESTION = "suggestion", _("Excellent suggestion")
        EXCELLENT_REPLY = "reply", _("Excellent reply")
        ADVANCED_UNIT = "unit", _("Advanced handling unit")
        ADVANCED_PERSON = "person", _("Advanced individual")

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="awards", verbose_name=_("Congress")
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    kind = models.CharField(_("Kind"), max_length=12, choices=Kind.choices)
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.PROTECT, null=True, blank=True, related_name="awards", verbose_name=_("Suggestion")
    )
    reply = models.ForeignKey(
        Reply, on_delete=models.PROTECT, null=True, blank=True, related_name="awards", verbose_name=_("Reply")
    )
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="awards", verbose_name=_("Unit")
    )
    person_name = models.CharField(_("Person"), max_length=40, blank=True)
    citation = models.CharField(_("Citation"), max_length=200, blank=True)

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        DECIDED = "decided", _("Decided by the chairpersons' meeting")
        NOT_CHOSEN = "not_chosen", _("Not chosen")
        PUBLISHED = "published", _("Published")

    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.NOMINATED, db_index=True
    )
    nomination_reason = models.TextField(_("Reason for the nomination"), blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Nominated by"),
    )
    nominated_on = models.DateField(_("Nominated on"), null=True, blank=True)
    decision_meeting = models.CharField(_("Chairpersons' meeting that decided"), max_length=100, blank=True)
    decided_on = models.DateField(_("Decided on"), null=True, blank=True)
    published_on = models.DateField(_("Published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Award")
        verbose_name_plural = _("Awards")
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="suggestion", suggestion__isnull=False)
                    | Q(kind="reply", reply__isnull=False)
                    | Q(kind="unit", unit__isnull=False)
                    | (Q(kind="person") & ~Q(person_name=""))
                ),
                name="award_names_its_subject",
            )
        ]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}"


class AssistingView(models.Model):
    """The written view an assisting unit (协办) sends to the lead unit (主办), never to the deputy."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="assisting_view", verbose_name=_("Assignment")
    )
    text = models.TextField(_("Written view"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Sent by")
    )
    sent_at = models.DateTimeField(_("Sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("Assisting unit's view")
        verbose_name_plural = _("Assisting units' views")
        ordering = ["sent_at", "id"]

    def __str__(self):
        return f"{self.assignment} {self.sent_at:%Y-%m-%d}"


class Extension(models.Model):
    """A unit's request for more time (延期), granted with a new date or refused by the office."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("Assignment")
    )
    reason = models.TextField(_("Reason"))
    requested_until = models.DateField(_("New date asked for"))
    old_deadline = models.DateField(_("Deadline before the request"))
    granted_until = models.DateField(_("New date granted"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Requested by")
    )
    requested_at = models.DateTimeField(_("Requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Decided by"),
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    decision_note = models.TextField(_("Note on the decision"), blank=True)

    class Meta:
        verbose_name = _("Extension")
        verbose_name_plural = _("Extensions")
        ordering = ["requested_at", "id"]
        constraints = [
            # One open request per assignment at a time.
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(status="requested"), name="extension_one_open_request"
            ),
            models.CheckConstraint(
                condition=Q(status="granted", granted_until__isnull=False) | ~Q(status="granted"),
                name="extension_granted_has_a_date",
            ),
        ]

    def __str__(self):
        return f"{self.assignment} → {self.requested_until}"


class UrgingNotice(models.Model):
    """A formal urging notice (催办通知) the office sends to a unit late with its reply."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="urging_notices", verbose_name=_("Assignment")
    )
    number = models.PositiveSmallIntegerField(_("Notice number"), default=1)
    text = models.TextField(_("Text of the notice"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Sent by")
    )
    sent_at = models.DateTimeField(_("Sent at"), default=timezone.now)
    deadline_then = models.DateField(_("Deadline when sent"))

    class Meta:
        verbose_name = _("Urging notice")
        verbose_name_plural = _("Urging notices")
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "number"], name="urging_notice_number_unique")]

    def __str__(self):
        return f"{self.assignment} #{self.number}"


class ReplyCoSignature(models.Model):
    """A joint unit's (会办) co-signature of the lead unit's reply: signed, or returned with an opinion."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SIGNED = "signed", _("Co-signed")
        RETURNED = "returned", _("Returned with an opinion")

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="cosignatures", verbose_name=_("Reply"))
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="cosignatures", verbose_name=_("Joint unit's assignment")
    )
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    opinion = models.TextField(_("Opinion"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Signed by"),
    )
    signed_at = models.DateTimeField(_("Signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Co-signature of a reply")
        verbose_name_plural = _("Co-signatures of replies")
        ordering = ["reply", "id"]
        constraints = [models.UniqueConstraint(fields=["reply", "assignment"], name="reply_cosignature_once_per_unit")]

    def __str__(self):
        return f"{self.reply} / {self.assignment.unit_id}"


class KeySupervisionInstruction(models.Model):
    """An instruction (批示) the SC leader in charge gives on a key-supervision item."""

    supervision = models.ForeignKey(
        KeySupervision, on_delete=models.CASCADE, related_name="instructions", verbose_name=_("Key supervision")
    )
    text = models.TextField(_("Instruction"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Given by")
    )
    given_at = models.DateTimeField(_("Given at"), default=timezone.now)

    class Meta:
        verbose_name = _("Key-supervision instruction")
        verbose_name_plural = _("Key-supervision instructions")
        ordering = ["given_at", "id"]

    def __str__(self):
        return self.text[:30]


class DocumentTemplate(models.Model):
    """A Word template (docxtpl) staff upload to replace a shipped default letter."""

    class Kind(models.TextChoices):
        ASSIGNMENT_LETTER = "assignment_letter", _("Assignment letter")
        REPLY_SUMMARY = "reply_summary", _("Reply summary")
        URGING_NOTICE = "urging_notice", _("Urging notice")

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="document_templates", verbose_name=_("Congress")
    )
    kind = models.CharField(_("Document"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("Template file (.docx)"), upload_to="document-templates/%Y/")
    is_active = models.BooleanField(_("In use"), default=True)
    note = models.CharField(_("Note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Uploaded by")
    )
    uploaded_at = models.DateTimeField(_("Uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("Document template")
        verbose_name_plural = _("Document templates")
        ordering = ["congress", "kind", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "kind"], condition=Q(is_active=True), name="document_template_one_active"
            )
        ]

    def __str__(self):
        return f"{self.congress} {self.get_kind_display()}"


class PublicRendition(models.Model):
    """A published item's public HTML as it was last rendered (PostgreSQL only: see
    ``proposals.renditions``): the detail page's content, its row on the list, the feed's entry
    for each reply. Valid while ``revision`` equals the item's ``public_revision``, a column the
    database's triggers raise on every write to the item or to anything its public page shows
    (migration 0013), and while ``stamp`` is the running code's (templates and translations)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="+")
    # "detail", "row" or "entry:<reply id>"
    key = models.CharField(max_length=24)
    language = models.CharField(max_length=16)
    revision = models.BigIntegerField()
    stamp = models.CharField(max_length=32)
    title = models.TextField(blank=True)
    html = models.TextField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "key", "language"], name="rendition_once"),
        ]

    def __str__(self):
        return f"{self.suggestion_id} {self.key} {self.language}"
