"""Livelihood projects (民生实事项目): one cycle per congress and year.

群众提 (ideas from the public, and deputies' candidates) → screening into the government's
candidate list (projects holding items) → 代表定 (the vote at the session: more than half of ALL
deputies, most votes first up to the seats) → 政府办 (departments report progress on targets)
→ 人大评 (supervision groups, observations, the year-end satisfaction vote).

Status fields change only through ``livelihood/workflow.py``. A proposer's contact is personal
data: encrypted at rest, never on a public page.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedCharField


class Cycle(models.Model):
    """A congress's livelihood year, from the collection window to the evaluation."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        COLLECTING = "collecting", _("Collecting ideas")
        SCREENING = "screening", _("Screening")
        VOTED = "voted", _("Voted")
        EVALUATING = "evaluating", _("Evaluation open")
        CLOSED = "closed", _("Closed")

    class TieRule(models.TextChoices):
        FEWER_AGAINST = "fewer_against", _("Fewer votes against wins; if still tied, the seat stays vacant")
        VACANT = "vacant", _("None of the tied candidates is elected; the seat stays vacant")

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="livelihood_cycles", verbose_name=_("Congress")
    )
    year = models.PositiveIntegerField(_("Year of delivery"))
    title = models.CharField(_("Title"), max_length=100)
    notice = models.TextField(_("Collection notice"), blank=True)
    opens_on = models.DateField(_("Collection opens"))
    closes_on = models.DateField(_("Collection closes"))
    seats = models.PositiveIntegerField(_("Seats (projects to elect)"), default=10, validators=[MinValueValidator(1)])
    tie_rule = models.CharField(
        _("Tie at the last seat"), max_length=16, choices=TieRule.choices, default=TieRule.FEWER_AGAINST
    )
    # The congress's number of deputies when the vote was held: the majority is of ALL of them.
    deputies_total = models.PositiveIntegerField(_("Deputies of the congress"), null=True, blank=True)
    vote_held_on = models.DateField(_("Vote held on"), null=True, blank=True)
    evaluation_closes_on = models.DateField(_("Evaluation closes"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)

    class Meta:
        verbose_name = _("Livelihood cycle")
        verbose_name_plural = _("Livelihood cycles")
        ordering = ["-year", "congress_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year"],
                name="livelihood_cycle_once_per_year",
                violation_error_message=_("This congress already has a livelihood cycle for that year."),
            ),
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="livelihood_cycle_window_ordered"),
        ]

    def __str__(self):
        return self.title


class CycleEvent(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="events", verbose_name=_("Cycle"))
    action = models.CharField(_("Action"), max_length=30)
    from_status = models.CharField(_("From"), max_length=12, blank=True)
    to_status = models.CharField(_("To"), max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(_("Note"), blank=True)
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        verbose_name = _("Cycle event")
        verbose_name_plural = _("Cycle events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.cycle_id} {self.action}"


class Idea(models.Model):
    """An idea from the public (群众提), a deputy's candidate (alone or jointly), or an offline
    submission entered by staff. Screening groups, merges and shortlists them."""

    class Source(models.TextChoices):
        PUBLIC = "public", _("The public (online)")
        DEPUTY = "deputy", _("Deputies")
        OFFLINE = "offline", _("Offline submission")

    class Status(models.TextChoices):
        HELD = "held", _("Held for review")
        RECEIVED = "received", _("Received")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        MERGED = "merged", _("Merged")
        REJECTED = "rejected", _("Not taken up")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("Cycle"))
    source = models.CharField(_("Source"), max_length=8, choices=Source.choices)
    title = models.CharField(_("Title"), max_length=100)
    what_where = models.TextField(_("What and where"))
    why = models.TextField(_("Why"), blank=True)
    estimated_cost = models.DecimalField(
        _("Estimated cost (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    beneficiaries = models.CharField(_("Beneficiaries"), max_length=200, blank=True)
    deputies = models.ManyToManyField(
        "deputies.Deputy", blank=True, related_name="livelihood_ideas", verbose_name=_("Proposing deputies")
    )
    lead = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="livelihood_led_ideas",
        verbose_name=_("Lead deputy"),
    )
    # A deputy's candidate may take up a public idea.
    adopted_idea = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="adoptions", verbose_name=_("Adopts")
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged", verbose_name=_("Merged into")
    )
    group = models.CharField(_("Screening group"), max_length=40, blank=True)
    author_name = models.CharField(_("Name"), max_length=40, blank=True)
    contact = EncryptedCharField(_("Contact phone"), max_length=40, blank=True)
    held_reason = models.CharField(_("Held because"), max_length=200, blank=True)
    client_hash = models.CharField(max_length=64, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, db_index=True)
    created_at = models.DateTimeField(_("Received at"), default=timezone.now)

    class Meta:
        verbose_name = _("Livelihood idea or candidate")
        verbose_name_plural = _("Livelihood ideas and candidates")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client_hash", "created_at"], name="livelihood_idea_client_idx"),
            models.Index(fields=["cycle", "status"], name="livelihood_idea_cycle_idx"),
        ]

    def __str__(self):
        return self.title


class IdeaEvent(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="events", verbose_name=_("Idea"))
    action = models.CharField(_("Action"), max_length=30)
    from_status = models.CharField(_("From"), max_length=12, blank=True)
    to_status = models.CharField(_("To"), max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(_("Note"), blank=True)
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        verbose_name = _("Idea event")
        verbose_name_plural = _("Idea events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.idea_id} {self.action}"


class Project(models.Model):
    """A category on the government's candidate list (e.g. 养老服务类); elected ones are delivered."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        ELECTED = "elected", _("Elected")
        NOT_ELECTED = "not_elected", _("Not elected")
        COMPLETED = "completed", _("Completed")

    class Outcome(models.TextChoices):
        MAJORITY = "majority", _("Elected: more than half of all deputies voted for it, within the seats")
        TIE_WON = "tie_won", _("Elected at the last seat by the tie rule")
        SHORT = "short", _("Not elected: fewer votes for than half of all deputies")
        OUTSIDE = "outside", _("Not elected: other candidates with more votes took the seats")
        TIE_LOST = "tie_lost", _("Not elected: tied at the last seat and lost by the tie rule")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="projects", verbose_name=_("Cycle"))
    number = models.PositiveIntegerField(_("Number on the list"))
    title = models.CharField(_("Title"), max_length=100)
    description = models.TextField(_("Description"), blank=True)
    department = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="livelihood_projects",
        verbose_name=_("Responsible department"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="livelihood_projects",
        verbose_name=_("Responsible officer"),
    )
    budget = models.DecimalField(_("Budget (10,000 yuan)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    ideas = models.ManyToManyField(Idea, blank=True, related_name="projects", verbose_name=_("From ideas"))
    votes_for = models.PositiveIntegerField(_("Votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("Votes against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("Abstentions"), null=True, blank=True)
    # Why the vote gave this result (majority, seat, tie rule), explained on the results page.
    outcome = models.CharField(_("Vote outcome"), max_length=12, choices=Outcome.choices, blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.CANDIDATE, db_index=True
    )

    class Meta:
        verbose_name = _("Livelihood project")
        verbose_name_plural = _("Livelihood projects")
        ordering = ["cycle", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "number"],
                name="livelihood_project_number",
                violation_error_message=_("Another project of this cycle has that number."),
            ),
        ]

    def __str__(self):
        return self.title


class ProjectEvent(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events", verbose_name=_("Project"))
    action = models.CharField(_("Action"), max_length=30)
    from_status = models.CharField(_("From"), max_length=12, blank=True)
    to_status = models.CharField(_("To"), max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(_("Note"), blank=True)
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        verbose_name = _("Project event")
        verbose_name_plural = _("Project events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.project_id} {self.action}"


class Item(models.Model):
    """One item of a project (a project of ten categories holds forty items, say)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items", verbose_name=_("Project"))
    title = models.CharField(_("Title"), max_length=150)
    department = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="livelihood_items",
        verbose_name=_("Responsible department"),
    )
    budget = models.DecimalField(_("Budget (10,000 yuan)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    order = models.PositiveIntegerField(_("Order"), default=0)

    class Meta:
        verbose_name = _("Project item")
        verbose_name_plural = _("Project items")
        ordering = ["project", "order", "id"]

    def __str__(self):
        return self.title


class Target(models.Model):
    """A measurable target of an item: e.g. 新建口袋公园 30 个 by 2025-11-30."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="targets", verbose_name=_("Item"))
    name = models.CharField(_("Target"), max_length=150)
    unit = models.CharField(_("Unit of measure"), max_length=20)
    target_value = models.DecimalField(
        _("Target value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    current_value = models.DecimalField(_("Reached so far"), max_digits=12, decimal_places=2, default=Decimal("0"))
    due_date = models.DateField(_("Due date"))
    reported_at = models.DateTimeField(_("Last reported"), null=True, blank=True)

    class Meta:
        verbose_name = _("Target")
        verbose_name_plural = _("Targets")
        ordering = ["item", "due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(target_value__gt=0), name="livelihood_target_positive"),
            models.CheckConstraint(
                condition=Q(current_value__gte=0) & Q(current_value__lte=F("target_value")),
                name="livelihood_target_bounded",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def percent(self) -> int:
        return int(min(Decimal(100), self.current_value * 100 / self.target_value)) if self.target_value else 0

    @property
    def done(self) -> bool:
        return self.current_value >= self.target_value


class Milestone(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("Item"))
    title = models.CharField(_("Milestone"), max_length=150)
    due_date = models.DateField(_("Due date"))
    reached_on = models.DateField(_("Reached on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Milestone")
        verbose_name_plural = _("Milestones")
        ordering = ["item", "due_date", "id"]

    def __str__(self):
        return self.title


class Report(models.Model):
    """A department's progress report on one item for a period (monthly or quarterly)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="reports", verbose_name=_("Item"))
    period = models.CharField(_("Period"), max_length=7, help_text=_("e.g. 2025-06"))
    narrative = models.TextField(_("Progress"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("Reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("Progress report")
        verbose_name_plural = _("Progress reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "period"],
                name="livelihood_report_once_per_period",
                violation_error_message=_("This item already has a report for that period."),
            )
        ]

    def __str__(self):
        return f"{self.item} {self.period}"


class ReportValue(models.Model):
    """The value a report gives for a target; a move backwards carries its reason."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values", verbose_name=_("Report"))
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values", verbose_name=_("Target"))
    previous = models.DecimalField(_("Before"), max_digits=12, decimal_places=2)
    value = models.DecimalField(_("Value"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("Reason for a lower value"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Reported value")
        verbose_name_plural = _("Reported values")
        ordering = ["report", "target"]
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="livelihood_value_once"),
            models.CheckConstraint(
                condition=Q(value__gte=F("previous")) | ~Q(reason=""), name="livelihood_value_backwards_reason"
            ),
        ]

    def __str__(self):
        return f"{self.target} {self.value}"


def photo_path(instance, filename):
    return f"livelihood/photos/{instance.token}{instance.extension}"


class Photo(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("Report"))
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    file = models.FileField(_("Photo"), upload_to=photo_path)
    caption = models.CharField(_("Caption"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("Progress photo")
        verbose_name_plural = _("Progress photos")
        ordering = ["report", "id"]

    def __str__(self):
        return self.caption or self.token


class SupervisionGroup(models.Model):
    """A group of deputies following some projects through the year (8 groups in Nanjing)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="groups", verbose_name=_("Cycle"))
    name = models.CharField(_("Name"), max_length=60)
    leader = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Leader")
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy", related_name="livelihood_groups", blank=True, verbose_name=_("Deputies")
    )
    projects = models.ManyToManyField(Project, related_name="groups", blank=True, verbose_name=_("Projects followed"))

    class Meta:
        verbose_name = _("Supervision group")
        verbose_name_plural = _("Supervision groups")
        ordering = ["cycle", "name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "name"], name="livelihood_group_name")]

    def __str__(self):
        return self.name


class Inspection(models.Model):
    """A group's inspection of a project: an activity of the ledger (so the archive counts it)."""

    group = models.ForeignKey(
        SupervisionGroup, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("Group")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("Project")
    )
    date = models.DateField(_("Date"))
    place = models.CharField(_("Place"), max_length=200, blank=True)
    activity = models.OneToOneField(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="livelihood_inspection",
        verbose_name=_("Activity"),
    )

    class Meta:
        verbose_name = _("Supervision inspection")
        verbose_name_plural = _("Supervision inspections")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.group} {self.date}"


class Observation(models.Model):
    """A deputy's observation on a project, which the department answers within N working days."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting answer")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="observations", verbose_name=_("Project")
    )
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="+", verbose_name=_("Deputy"))
    text = models.TextField(_("Observation"))
    due_on = models.DateField(_("Answer due"))
    answer = models.TextField(_("Answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("Answered at"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(_("Made at"), default=timezone.now)

    class Meta:
        verbose_name = _("Supervision observation")
        verbose_name_plural = _("Supervision observations")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.project} #{self.pk}"


class ObservationEvent(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("Action"), max_length=30)
    from_status = models.CharField(_("From"), max_length=10, blank=True)
    to_status = models.CharField(_("To"), max_length=10, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(_("Note"), blank=True)
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        verbose_name = _("Observation event")
        verbose_name_plural = _("Observation events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.observation_id} {self.action}"


class Rating(models.Model):
    """A deputy's year-end satisfaction with a project: their own act, once per project."""

    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("Project"))
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="+", verbose_name=_("Deputy"))
    value = models.CharField(_("Rating"), max_length=12, choices=Value.choices)
    comment = models.TextField(_("Comment"), blank=True)
    created_at = models.DateTimeField(_("Rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("Satisfaction rating")
        verbose_name_plural = _("Satisfaction ratings")
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "deputy"],
                name="livelihood_rating_once",
                violation_error_message=_("You have already rated this project."),
            )
        ]

    def __str__(self):
        return f"{self.project} {self.value}"
