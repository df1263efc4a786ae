"""The roster: congresses, terms, sessions, electoral units, groups, deputies,
status changes, vacancies, by-elections and credentials reviews.

A ``Deputy`` row is one mandate: a person with mandates at two levels has two
rows linked to the same user account. Counts (serving deputies, open
vacancies) are always computed from these rows, never stored.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_id_number, validate_mobile
from core.fields import EncryptedCharField, EncryptedFieldsMixin, KeyedHashField, upper_strip


class Congress(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        TOWNSHIP = "township", _("Township")

    name = models.CharField(_("Name"), max_length=60, unique=True)
    short_name = models.CharField(_("Short name"), max_length=20, blank=True)
    level = models.CharField(_("Level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("Parent congress"),
    )
    # Minimum number of deputies who may jointly submit a motion (10 at county
    # level and above, 5 at township level: Local Organic Law art. 22).
    motion_min_cosigners = models.PositiveSmallIntegerField(_("Minimum co-signers of a motion"), default=10)

    class Meta:
        verbose_name = _("People's congress")
        verbose_name_plural = _("People's congress")
        ordering = ["id"]

    def __str__(self):
        return self.name

    def descendant_ids(self) -> list[int]:
        """This congress and every congress below it (a handful of rows)."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(Congress.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids


class Term(models.Model):
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="terms", verbose_name=_("Congress"))
    number = models.PositiveSmallIntegerField(_("Term number"))
    name = models.CharField(_("Name"), max_length=30, help_text=_("e.g. 第十七届"))
    start_date = models.DateField(_("Start date"))
    end_date = models.DateField(_("End date"), null=True, blank=True)
    is_current = models.BooleanField(_("Current term"), default=False)

    class Meta:
        verbose_name = _("Term")
        verbose_name_plural = _("Term")
        ordering = ["congress", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="term_number_unique"),
            models.UniqueConstraint(
                fields=["congress"], condition=Q(is_current=True), name="one_current_term_per_congress"
            ),
        ]

    def __str__(self):
        return f"{self.congress.short_name or self.congress.name}{self.name}"


class CongressSession(models.Model):
    """A session of the congress (人代会会议), e.g. 市十七届人大二次会议."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("Term"))
    number = models.PositiveSmallIntegerField(_("Number"))
    name = models.CharField(_("Name"), max_length=60)
    start_date = models.DateField(_("Opening date"))
    end_date = models.DateField(_("Closing date"))

    class Meta:
        verbose_name = _("Congress session")
        verbose_name_plural = _("Congress session")
        ordering = ["term", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_number_unique"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="session_dates_ordered"),
        ]

    def __str__(self):
        return self.name


class ElectoralUnit(models.Model):
    """Who elects a congress's deputies: for a city, its district congresses and the garrison."""

    congress = models.ForeignKey(
        Congress, on_delete=models.PROTECT, related_name="electoral_units", verbose_name=_("Congress")
    )
    name = models.CharField(_("Name"), max_length=60)
    code = models.CharField(_("Code"), max_length=20, blank=True)
    electing_congress = models.ForeignKey(
        Congress,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="elects_into",
        verbose_name=_("Electing congress"),
        help_text=_(
            "The lower congress that elects the deputies, e.g. a district congress; leave empty for the garrison."
        ),
    )
    seats = models.PositiveSmallIntegerField(_("Seats"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("Order"), default=0)

    class Meta:
        verbose_name = _("Electoral unit")
        verbose_name_plural = _("Electoral unit")
        ordering = ["congress", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="electoral_unit_name_unique")]

    def __str__(self):
        return self.name


class DeputyGroup(models.Model):
    class Kind(models.TextChoices):
        DEPUTY_GROUP = "group", _("Deputy group")
        PROFESSIONAL = "professional", _("Professional group")

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="groups", verbose_name=_("Congress"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="groups", verbose_name=_("Term"))
    kind = models.CharField(_("Kind"), max_length=15, choices=Kind.choices, default=Kind.DEPUTY_GROUP)
    name = models.CharField(_("Name"), max_length=60)
    electoral_unit = models.ForeignKey(
        ElectoralUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("Electoral unit"),
    )
    # A national or provincial group is served by the office of the congress where its deputies were
    # elected (work plan item 7): the city office runs the group and its plans.
    served_by = models.ForeignKey(
        Congress,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_served",
        verbose_name=_("Served by the office of"),
        help_text=_("For a national or provincial deputy or group: the congress whose office serves them in the city."),
    )
    field = models.CharField(_("Field"), max_length=40, blank=True)
    leader = models.ForeignKey(
        "Deputy", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Leader")
    )
    members = models.ManyToManyField("Deputy", blank=True, related_name="groups", verbose_name=_("Members"))

    class Meta:
        verbose_name = _("Deputy group")
        verbose_name_plural = _("Deputy group")
        ordering = ["congress", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="group_name_unique_per_term")]

    def __str__(self):
        return self.name


class Deputy(EncryptedFieldsMixin, models.Model):
    """One mandate of one person at one congress and term."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting credentials review")
        SERVING = "serving", _("Serving")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("Terminated")

    congress = models.ForeignKey(
        Congress, on_delete=models.PROTECT, related_name="deputies", verbose_name=_("Congress")
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="deputies", verbose_name=_("Term"))
    electoral_unit = models.ForeignKey(
        ElectoralUnit, on_delete=models.PROTECT, related_name="deputies", verbose_name=_("Electoral unit")
    )
    # A national or provincial mandate is served by the office of the congress where the deputy was
    # elected or lives (work plan item 7): the city office runs their groups, plans, assistants
    # and invitations although the mandate belongs to a higher congress.
    served_by = models.ForeignKey(
        Congress,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_served",
        verbose_name=_("Served by the office of"),
        help_text=_("For a national or provincial deputy or group: the congress whose office serves them in the city."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name=_("Login account"),
    )
    name = models.CharField(_("Name"), max_length=30)
    gender = models.CharField(_("Gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("Ethnicity"), max_length=20, default="汉族")
    birth_year = models.PositiveSmallIntegerField(_("Birth year"), null=True, blank=True)
    party = models.CharField(_("Party"), max_length=30, blank=True)
    occupation = models.CharField(_("Occupation"), max_length=60, blank=True)
    employer = models.CharField(_("Employer and position"), max_length=120, blank=True)
    is_grassroots = models.BooleanField(_("Grassroots deputy"), default=False)
    # Private contact details: encrypted at rest (core/fields.py), looked up through their keyed
    # hashes, and masked for everyone without deputies.view_personal_data.
    mobile = EncryptedCharField(
        _("Mobile number"),
        max_length=11,
        blank=True,
        validators=[validate_mobile],
        hash_field="mobile_hash",
        purpose="mobile",
    )
    mobile_hash = KeyedHashField(source="mobile", db_index=True)
    id_number = EncryptedCharField(
        _("ID number"),
        max_length=18,
        blank=True,
        validators=[validate_id_number],
        hash_field="id_number_hash",
        purpose="id_number",
        normalize=upper_strip,
    )
    id_number_hash = KeyedHashField(source="id_number", db_index=True)
    address = EncryptedCharField(_("Address"), max_length=200, blank=True)
    email = models.EmailField(_("E-mail"), blank=True)
    # Public profile.
    public_bio = models.TextField(_("Public biography"), blank=True)
    is_public = models.BooleanField(_("Shown publicly"), default=True)
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.SERVING, db_index=True)
    elected_on = models.DateField(_("Elected on"), null=True, blank=True)
    created_at = models.DateTimeField(_("Created"), default=timezone.now)

    class Meta:
        verbose_name = _("Deputy")
        verbose_name_plural = _("Deputy")
        ordering = ["congress", "electoral_unit__order", "name", "id"]
        permissions = [("view_personal_data", _("Can view deputies' personal data (mobile, ID number, address)"))]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "mobile_hash"], condition=~Q(mobile_hash=""), name="deputy_mobile_unique_per_term"
            ),
            models.UniqueConstraint(
                fields=["term", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="deputy_id_number_unique_per_term",
            ),
        ]
        indexes = [models.Index(fields=["congress", "term", "status"])]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # The unique constraints stand on the hash columns, which no form shows: say it here.
        if self.term_id:
            others = Deputy.objects.filter(term_id=self.term_id).exclude(pk=self.pk)
            errors = {}
            if self.mobile and others.filter(mobile=self.mobile).exists():
                errors["mobile"] = _("Another deputy of this term already has this mobile number.")
            if self.id_number and others.filter(id_number=self.id_number).exists():
                errors["id_number"] = _("Another deputy of this term already has this ID number.")
            if errors:
                raise ValidationError(errors)


class StandingCommitteeMember(models.Model):
    """A seat on the standing committee (常委会组成人员) for a term."""

    class Position(models.TextChoices):
        DIRECTOR = "director", _("Director")
        DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")
        SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
        MEMBER = "member", _("Member")

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sc_members", verbose_name=_("Term"))
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="sc_seats", verbose_name=_("Deputy"))
    position = models.CharField(_("Position"), max_length=20, choices=Position.choices, default=Position.MEMBER)
    start_date = models.DateField(_("From"))
    end_date = models.DateField(_("Until"), null=True, blank=True)

    class Meta:
        verbose_name = _("Standing committee member")
        verbose_name_plural = _("Standing committee member")
        ordering = ["term", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["term", "deputy"], name="sc_member_unique_per_term")]

    def __str__(self):
        return f"{self.get_position_display()} {self.deputy}"

    @property
    def is_leader(self) -> bool:
        return self.position in {self.Position.DIRECTOR, self.Position.DEPUTY_DIRECTOR}


class StatusChange(models.Model):
    """An audit row for each change of a deputy's status."""

    class Kind(models.TextChoices):
        SUSPEND = "suspend", _("Suspended")
        RESUME = "resume", _("Resumed")
        TERMINATE = "terminate", _("Terminated")
        CONFIRM = "confirm", _("Confirmed by credentials review")

    class Reason(models.TextChoices):
        RESIGNED = "resigned", _("Resigned")
        RECALLED = "recalled", _("Recalled")
        MOVED = "moved", _("Moved out of the area")
        DIED = "died", _("Died")
        ABSENT = "absent", _("Absent from two congress sessions without approval")
        NATIONALITY = "nationality", _("Lost PRC nationality")
        CONVICTED = "convicted", _("Deprived of political rights by law")
        CUSTODY = "custody", _("In custody in a criminal case")
        SENTENCED = "sentenced", _("Sentenced without deprivation of political rights")
        CAPACITY = "capacity", _("Lost legal capacity")
        OTHER = "other", _("Other")

    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="status_changes", verbose_name=_("Deputy")
    )
    kind = models.CharField(_("Kind of change"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("Reason"), max_length=15, choices=Reason.choices, blank=True)
    from_status = models.CharField(_("From status"), max_length=12, choices=Deputy.Status.choices)
    to_status = models.CharField(_("To status"), max_length=12, choices=Deputy.Status.choices)
    effective_date = models.DateField(_("Effective date"))
    note = models.TextField(_("Note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("Actor")
    )
    created_at = models.DateTimeField(_("Recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("Deputy status change")
        verbose_name_plural = _("Deputy status change")
        ordering = ["-effective_date", "-id"]

    def __str__(self):
        return f"{self.deputy} {self.get_kind_display()}"


class CredentialsReview(models.Model):
    """A meeting of the credentials committee and its report to the SC."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Confirmed by the SC")

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="credentials_reviews", verbose_name=_("Term"))
    title = models.CharField(_("Report title"), max_length=120)
    meeting_date = models.DateField(_("Review meeting date"))
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    approved_on = models.DateField(_("Confirmed by the SC on"), null=True, blank=True)
    note = models.TextField(_("Note"), blank=True)

    class Meta:
        verbose_name = _("Credentials review")
        verbose_name_plural = _("Credentials review")
        ordering = ["-meeting_date", "-id"]

    def __str__(self):
        return self.title


class Vacancy(models.Model):
    """A seat left empty by a terminated deputy, until a by-election fills it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Vacancies")
        FILLED = "filled", _("Filled")

    electoral_unit = models.ForeignKey(
        ElectoralUnit, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("Electoral unit")
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("Term"))
    vacated_by = models.OneToOneField(
        Deputy, on_delete=models.PROTECT, related_name="vacancy", verbose_name=_("Former deputy")
    )
    opened_on = models.DateField(_("Vacant since"))
    status = models.CharField(_("Status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    filled_by = models.OneToOneField(
        Deputy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filled_vacancy",
        verbose_name=_("By-elected deputy"),
    )
    filled_on = models.DateField(_("Filled on"), null=True, blank=True)
    reported_in = models.ForeignKey(
        CredentialsReview,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vacancies_reported",
        verbose_name=_("Reported in review"),
    )

    class Meta:
        verbose_name = _("Vacancy")
        verbose_name_plural = _("Vacancy")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", filled_by__isnull=True) | Q(status="filled", filled_by__isnull=False),
                name="vacancy_filled_has_deputy",
            )
        ]

    def __str__(self):
        return f"{self.electoral_unit} · {self.vacated_by}"


class ByElection(models.Model):
    """A by-election (补选) held by an electoral unit for one or more vacancies."""

    electoral_unit = models.ForeignKey(
        ElectoralUnit, on_delete=models.PROTECT, related_name="by_elections", verbose_name=_("Electoral unit")
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="by_elections", verbose_name=_("Term"))
    held_on = models.DateField(_("By-election date"))
    held_by = models.CharField(
        _("Held by"), max_length=60, help_text=_("e.g. the district congress standing committee")
    )
    review = models.ForeignKey(
        CredentialsReview,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="by_elections",
        verbose_name=_("Credentials review"),
    )
    note = models.TextField(_("Note"), blank=True)

    class Meta:
        verbose_name = _("By-election")
        verbose_name_plural = _("By-election")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.electoral_unit} {self.held_on:%Y-%m-%d}"


class ByElectionResult(models.Model):
    """A deputy elected at a by-election; serving once the review is approved."""

    by_election = models.ForeignKey(
        ByElection, on_delete=models.CASCADE, related_name="results", verbose_name=_("By-election")
    )
    deputy = models.OneToOneField(
        Deputy, on_delete=models.PROTECT, related_name="by_election_result", verbose_name=_("Elected deputy")
    )
    vacancy = models.OneToOneField(
        Vacancy, on_delete=models.PROTECT, related_name="by_election_result", verbose_name=_("Vacancy filled")
    )

    class Meta:
        verbose_name = _("By-election result")
        verbose_name_plural = _("By-election result")

    def __str__(self):
        return str(self.deputy)


class PerformanceAssistant(models.Model):
    """A performance assistant (履职助理) supporting a national deputy."""

    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="assistants", verbose_name=_("Deputy"))
    name = models.CharField(_("Name"), max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assisted_deputies",
        verbose_name=_("Login account"),
    )
    employer = models.CharField(_("Employer and position"), max_length=120, blank=True)
    start_date = models.DateField(_("From"))
    end_date = models.DateField(_("Until"), null=True, blank=True)

    class Meta:
        verbose_name = _("Performance assistant")
        verbose_name_plural = _("Performance assistants")
        ordering = ["deputy", "-start_date"]

    def __str__(self):
        return f"{self.name} → {self.deputy}"
