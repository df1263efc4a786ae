"""The activity ledger (履职活动) and what hangs off it: participations, duty reports,
special supervisors, deputies' letters and group activity plans.

These models lived in ``deputies`` until the ledger became an app of its own; their
tables keep the names they had there (``db_table``), so no row moved.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Congress, Deputy, DeputyGroup


class Activity(models.Model):
    """Anything deputies take part in. Other apps link their events here (SC meetings,
    trainings, station receptions, livelihood inspections) instead of keeping attendance."""

    class Kind(models.TextChoices):
        RESEARCH = "research", _("Research trip")
        INSPECTION = "inspection", _("Inspection")
        LAW_ENFORCEMENT = "law_enforcement", _("Law-enforcement check")
        SYMPOSIUM = "symposium", _("Symposium")
        BRIEFING = "briefing", _("Briefing")
        GOVERNMENT_BODIES = "government_bodies", _("Activity of the government, commission, court or procuratorate")
        GROUP = "group", _("Deputy group activity")
        PROFESSIONAL_GROUP = "professional_group", _("Professional group activity")
        SC_MEETING = "sc_meeting", _("Attending an SC meeting")
        TRAINING = "training", _("Training")
        LIVELIHOOD = "livelihood", _("Livelihood project supervision")
        STATION = "station", _("Station reception")
        RECEPTION_DAY = "reception_day", _("Director's reception day")
        OTHER = "other", _("Other")

    congress = models.ForeignKey(
        Congress, on_delete=models.PROTECT, related_name="activities", verbose_name=_("Congress")
    )
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField(_("Title"), max_length=200)
    start_date = models.DateField(_("Start date"), db_index=True)
    end_date = models.DateField(_("End date"))
    place = models.CharField(_("Place"), max_length=200, blank=True)
    organiser = models.CharField(_("Organising body"), max_length=100)
    organiser_unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("Organising unit"),
    )
    group = models.ForeignKey(
        DeputyGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("Deputy group"),
    )
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="activities_to_record",
        verbose_name=_("Responsible for attendance"),
        help_text=_("Whoever organises records it: this person records who came."),
    )
    description = models.TextField(_("Description"), blank=True)
    # The record of another app this activity stands for (an SC meeting, a course, a station
    # reception, a livelihood inspection), set by ``services.activity_open_for``: one each.
    source_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Recorded for"),
    )
    source_id = models.PositiveBigIntegerField(_("Record number"), null=True, blank=True)
    attendance_closed_at = models.DateTimeField(_("Attendance recorded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Created by")
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)

    class Meta:
        db_table = "deputies_activity"
        verbose_name = _("Activity")
        verbose_name_plural = _("Activities")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="activity_dates_ordered"),
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="one_activity_per_source",
                violation_error_message=_("This record already has its activity in the ledger."),
            ),
        ]
        indexes = [models.Index(fields=["congress", "start_date"])]

    def __str__(self):
        return self.title


class Participation(models.Model):
    """One deputy in one activity: invited → accepted/declined → attended/absent/excused."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        LEADER = "leader", _("Leader")
        SPEAKER = "speaker", _("Speaker")
        OBSERVER = "observer", _("Observer")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participations", verbose_name=_("Activity")
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="participations", verbose_name=_("Deputy")
    )
    role = models.CharField(_("Role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    reason = models.CharField(
        _("Reason"), max_length=200, blank=True, help_text=_("Why the deputy declined or was excused.")
    )
    walk_in = models.BooleanField(_("Came without invitation"), default=False)
    # Copied from the activity so that counts per year use one covering index, not a join.
    activity_date = models.DateField(_("Activity date"))
    activity_kind = models.CharField(_("Kind"), max_length=20, choices=Activity.Kind.choices)
    responded_at = models.DateTimeField(_("Answered at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("Recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Recorded by"),
    )

    class Meta:
        db_table = "deputies_participation"
        verbose_name = _("Participation")
        verbose_name_plural = _("Participations")
        ordering = ["activity", "deputy__name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "deputy"], name="participation_once_per_activity"),
            models.CheckConstraint(condition=~Q(status="declined") | ~Q(reason=""), name="declined_needs_reason"),
        ]
        indexes = [
            models.Index(
                fields=["deputy", "activity_date", "activity_kind", "status"], name="participation_archive_idx"
            ),
            models.Index(fields=["activity", "status"], name="participation_activity_idx"),
            # The dashboard's SC-meeting coverage asks, per deputy, whether one such row exists
            # this term: the date in the index answers it from the index alone.
            models.Index(
                fields=["deputy", "activity_date"],
                condition=Q(activity_kind="sc_meeting", status="attended"),
                name="participation_sc_attended_idx",
            ),
        ]

    def __str__(self):
        return f"{self.deputy} · {self.activity}"


class ParticipationSummary(models.Model):
    """One deputy's participations in one year (or, in the row of year 0, the whole mandate),
    counted: what the archive list sorts and filters by.

    Not a second table of counts typed by hand: database triggers on the participation table
    (migration 0003) change these rows in the same statement as the participations, whichever
    code writes them (the services, the admin's cascade, a raw import), and
    ``manage.py rebuild_participation_summaries`` recounts them from the ledger.
    """

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="participation_summaries", verbose_name=_("Deputy")
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    participations = models.IntegerField(_("Invited"), default=0)
    attended = models.IntegerField(_("Attended"), default=0)
    absent = models.IntegerField(_("Absent"), default=0)
    excused = models.IntegerField(_("Excused"), default=0)
    declined = models.IntegerField(_("Declined"), default=0)

    COUNTS = ("participations", "attended", "absent", "excused", "declined")
    # The row of "year" 0 counts every year of the deputy's mandate: the term's column sorts
    # by one joined row instead of a sum per deputy.
    WHOLE_TERM = 0

    class Meta:
        verbose_name = _("Participation summary")
        verbose_name_plural = _("Participation summaries")
        constraints = [models.UniqueConstraint(fields=["deputy", "year"], name="participation_summary_once")]

    def __str__(self):
        return f"{self.deputy} {self.year}"


class DutyReport(models.Model):
    """A deputy reports on their work (述职) to the electoral unit, or a provincial deputy at an SC meeting."""

    class Kind(models.TextChoices):
        TO_ELECTORAL_UNIT = "electoral_unit", _("Report to the electoral unit")
        AT_SC_MEETING = "sc_meeting", _("Report at an SC meeting")

    class Result(models.TextChoices):
        PENDING = "", _("Not yet evaluated")
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically_satisfied", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="duty_reports", verbose_name=_("Deputy"))
    kind = models.CharField(_("Kind"), max_length=15, choices=Kind.choices, default=Kind.TO_ELECTORAL_UNIT)
    scheduled_on = models.DateField(_("Scheduled for"))
    held_on = models.DateField(_("Held on"), null=True, blank=True)
    audience = models.CharField(_("Reported to"), max_length=120, blank=True)
    summary = models.TextField(_("Report summary"), blank=True)
    result = models.CharField(_("Evaluation"), max_length=20, choices=Result.choices, blank=True, default="")
    evaluation_note = models.TextField(_("Evaluation note"), blank=True)
    activity = models.OneToOneField(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duty_report",
        verbose_name=_("Activity"),
    )

    class Meta:
        db_table = "deputies_dutyreport"
        verbose_name = _("Duty report")
        verbose_name_plural = _("Duty reports")
        ordering = ["-scheduled_on", "-id"]

    def __str__(self):
        return f"{self.deputy} {self.scheduled_on:%Y-%m-%d}"


class SpecialSupervisor(models.Model):
    """A deputy appointed special supervisor (特约监督员) by a body, for a period."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="supervisor_posts", verbose_name=_("Deputy")
    )
    body = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="special_supervisors", verbose_name=_("Appointing body")
    )
    title = models.CharField(_("Title"), max_length=60, default="特约监督员")
    start_date = models.DateField(_("From"))
    end_date = models.DateField(_("Until"), null=True, blank=True)

    class Meta:
        db_table = "deputies_specialsupervisor"
        verbose_name = _("Special supervisor")
        verbose_name_plural = _("Special supervisors")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="supervisor_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.deputy} · {self.body}"


class DeputyLetter(models.Model):
    """A matter a deputy passes on (代表信访): sent to a body, answered by a deadline, rated by the deputy."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        FORWARDED = "forwarded", _("Forwarded")
        REPLIED = "replied", _("Replied")
        CLOSED = "closed", _("Closed")

    class Feedback(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically_satisfied", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="letters", verbose_name=_("Deputy"))
    subject = models.CharField(_("Subject"), max_length=200)
    content = models.TextField(_("Content"))
    received_on = models.DateField(_("Received on"))
    body = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputy_letters",
        verbose_name=_("Sent to"),
    )
    forwarded_on = models.DateField(_("Forwarded on"), null=True, blank=True)
    reply_due = models.DateField(_("Reply due"), null=True, blank=True)
    reply = models.TextField(_("Reply"), blank=True)
    replied_on = models.DateField(_("Replied on"), null=True, blank=True)
    feedback = models.CharField(_("Deputy's feedback"), max_length=20, choices=Feedback.choices, blank=True)
    feedback_note = models.TextField(_("Feedback note"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    # Set when the deputy lodged the letter in the portal (empty: entered by staff from paper).
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Lodged by"),
    )
    close_note = models.TextField(_("Why the office closed it"), blank=True)
    created_at = models.DateTimeField(_("Created"), default=timezone.now)

    class Meta:
        db_table = "deputies_deputyletter"
        verbose_name = _("Deputy's letter")
        verbose_name_plural = _("Deputies' letters")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return self.subject


class LetterEvent(models.Model):
    """One row per step of a letter: its audit log and the timeline the deputy, the unit and staff see."""

    letter = models.ForeignKey(
        DeputyLetter, on_delete=models.CASCADE, related_name="events", verbose_name=_("Deputy's letter")
    )
    action = models.CharField(_("Action"), max_length=20)
    from_status = models.CharField(_("From"), max_length=10, choices=DeputyLetter.Status.choices, blank=True)
    to_status = models.CharField(_("To"), max_length=10, choices=DeputyLetter.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("Actor")
    )
    note = models.TextField(_("Note"), blank=True)
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        verbose_name = _("Letter event")
        verbose_name_plural = _("Letter events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.letter_id} {self.action}"


def letter_file_path(instance, filename):
    # The stored name is generated; the original (sanitised) name is kept in a field.
    return f"letters/{timezone.now():%Y/%m}/{instance.token}{instance.extension}"


class LetterAttachment(models.Model):
    """A file of a letter: sent by the deputy with the letter, or by the unit with its answer."""

    class Part(models.TextChoices):
        LETTER = "letter", _("With the letter")
        REPLY = "reply", _("With the answer")

    letter = models.ForeignKey(
        DeputyLetter, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("Deputy's letter")
    )
    part = models.CharField(_("Part"), max_length=10, choices=Part.choices, default=Part.LETTER)
    file = models.FileField(_("File"), upload_to=letter_file_path, max_length=200)
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
        verbose_name = _("Letter attachment")
        verbose_name_plural = _("Letter attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class GroupActivityPlan(models.Model):
    """A deputy group's yearly activity plan (national and provincial groups, item 7)."""

    group = models.ForeignKey(
        DeputyGroup, on_delete=models.CASCADE, related_name="plans", verbose_name=_("Deputy group")
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    content = models.TextField(_("Plan"))
    planned_activities = models.PositiveSmallIntegerField(_("Activities planned"), default=0)

    class Meta:
        db_table = "deputies_groupactivityplan"
        verbose_name = _("Group activity plan")
        verbose_name_plural = _("Group activity plans")
        ordering = ["-year", "group"]
        constraints = [models.UniqueConstraint(fields=["group", "year"], name="one_plan_per_group_year")]

    def __str__(self):
        return f"{self.group} {self.year}"
