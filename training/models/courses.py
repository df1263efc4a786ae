"""Courses, lectures and briefings (人大代表讲坛, thematic and targeted trainings, trainings of
district and township congress chairs, 政情通报会), their sessions, enrolment and feedback.

A session is an activity in the ledger (kind training or briefing): invitations and
attendance are recorded there, so the performance archive counts them. A course has no
status field: it is published or not (``published_at``), and each session's attendance is
closed in the ledger.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audience import AudienceFields


class Course(AudienceFields):
    class Kind(models.TextChoices):
        LECTURE = "lecture", _("Deputies' lecture series")
        THEMATIC = "thematic", _("Thematic training")
        TARGETED = "targeted", _("Targeted training (suggestions, livelihood supervision)")
        CHAIRS = "chairs", _("Training of district and township congress chairs")
        BRIEFING = "briefing", _("Briefing before the session")

    class Enrolment(models.TextChoices):
        OPEN = "open", _("Open: deputies of the audience enrol themselves")
        ASSIGNED = "assigned", _("Assigned: the whole audience is enrolled")

    congress = models.ForeignKey(
        "deputies.Congress", on_delete=models.PROTECT, related_name="training_courses", verbose_name=_("Congress")
    )
    kind = models.CharField(_("Kind"), max_length=12, choices=Kind.choices, default=Kind.LECTURE)
    title = models.CharField(_("Title"), max_length=200)
    description = models.TextField(_("Description"), blank=True)
    speaker = models.CharField(_("Speaker"), max_length=100, blank=True)
    organiser = models.CharField(_("Organising body"), max_length=100)
    place = models.CharField(_("Place"), max_length=200, blank=True)
    online_link = models.URLField(_("Online link"), blank=True)
    enrolment = models.CharField(_("Enrolment"), max_length=10, choices=Enrolment.choices, default=Enrolment.OPEN)
    capacity = models.PositiveIntegerField(_("Places"), null=True, blank=True, help_text=_("Empty: no limit."))
    # For a briefing: the congress session it prepares.
    congress_session = models.ForeignKey(
        "deputies.CongressSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_briefings",
        verbose_name=_("Congress session"),
    )
    published_at = models.DateTimeField(_("Published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Created by")
    )
    created_at = models.DateTimeField(_("Created"), default=timezone.now)

    class Meta:
        verbose_name = _("Course or briefing")
        verbose_name_plural = _("Courses and briefings")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["congress", "published_at"], name="training_course_pub_idx")]

    def __str__(self):
        return self.title

    @property
    def is_briefing(self) -> bool:
        return self.kind == self.Kind.BRIEFING


class Session(models.Model):
    """One meeting of a course (a lecture, a day of training, the briefing itself)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("Course"))
    title = models.CharField(_("Title"), max_length=200)
    date = models.DateField(_("Date"))
    start_time = models.TimeField(_("From"))
    end_time = models.TimeField(_("Until"))
    speaker = models.CharField(_("Speaker"), max_length=100, blank=True)
    place = models.CharField(_("Place"), max_length=200, blank=True)
    activity = models.OneToOneField(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_session",
        verbose_name=_("Activity"),
    )

    class Meta:
        verbose_name = _("Session")
        verbose_name_plural = _("Sessions")
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="training_session_times_ordered")
        ]
        indexes = [models.Index(fields=["date"], name="training_session_date_idx")]

    def __str__(self):
        return f"{self.course} {self.date}"


class Topic(models.Model):
    """A topic of a briefing and the body that presents it (e.g. 市发展改革委 on the economy)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="topics", verbose_name=_("Briefing"))
    title = models.CharField(_("Topic"), max_length=200)
    presenter = models.CharField(_("Presenting body"), max_length=100)
    order = models.PositiveSmallIntegerField(_("Order"), default=0)

    class Meta:
        verbose_name = _("Briefing topic")
        verbose_name_plural = _("Briefing topics")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class Enrolment(models.Model):
    class Via(models.TextChoices):
        SELF = "self", _("Enrolled themselves")
        ASSIGNED = "assigned", _("Assigned by the office")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("Course"))
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="training_enrolments", verbose_name=_("Deputy")
    )
    via = models.CharField(_("How"), max_length=10, choices=Via.choices)
    created_at = models.DateTimeField(_("Enrolled at"), default=timezone.now)

    class Meta:
        verbose_name = _("Enrolment")
        verbose_name_plural = _("Enrolments")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "deputy"],
                name="training_enrol_once",
                violation_error_message=_("This deputy is already enrolled."),
            )
        ]

    def __str__(self):
        return f"{self.course} {self.deputy}"


class Feedback(models.Model):
    """A deputy's short feedback on one session: a mark from 1 to 5, usefulness, a comment."""

    class Usefulness(models.TextChoices):
        VERY = "very", _("Very useful for my work")
        SOME = "some", _("Somewhat useful")
        LITTLE = "little", _("Of little use")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("Session"))
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.PROTECT, related_name="training_feedback", verbose_name=_("Deputy")
    )
    score = models.PositiveSmallIntegerField(_("Overall mark (1–5)"))
    usefulness = models.CharField(_("Usefulness"), max_length=8, choices=Usefulness.choices)
    comment = models.TextField(_("Comment"), blank=True)
    created_at = models.DateTimeField(_("Given at"), default=timezone.now)

    class Meta:
        verbose_name = _("Session feedback")
        verbose_name_plural = _("Session feedback")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "deputy"],
                name="training_feedback_once",
                violation_error_message=_("You have already given feedback on this session."),
            ),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="training_feedback_score_range"),
        ]

    def __str__(self):
        return f"{self.session} {self.deputy}"
