"""Actions on courses, lectures and briefings: create and publish, sessions (each an activity
in the ledger), enrolment (open: the deputy enrols; assigned: the whole audience is
enrolled, and those who join the audience later by the scan), briefing topics, files and
feedback. Attendance is recorded on the ledger's own page (``/activities/<id>/attendance/``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity
from activities.services import activity_invite, activity_open_for
from core.exceptions import InvalidTransition, NotAllowed
from notifications.services import notify

from . import audience
from .models import AudienceKind, Course, Enrolment, Feedback, Session, Topic
from .services import (
    _clean_body,
    _clean_title,
    check_audience,
    check_uploads,
    document_add,
    require_congress_staff,
)

COMMENT_MAX = 1000
A = AudienceKind


def course_create(
    *,
    actor,
    congress,
    title: str,
    kind: str,
    organiser: str,
    speaker: str = "",
    description: str = "",
    place: str = "",
    online_link: str = "",
    enrolment: str = Course.Enrolment.OPEN,
    capacity: int | None = None,
    congress_session=None,
    audience_kind: str = A.ALL,
    group=None,
    unit=None,
    since=None,
    deputies=(),
) -> Course:
    require_congress_staff(actor, congress.pk)
    fields = check_audience(
        congress=congress, audience_kind=audience_kind, group=group, unit=unit, since=since, deputies=deputies
    )
    errors = {}
    if kind not in Course.Kind.values:
        errors["kind"] = _("Choose a kind.")
    if enrolment not in Course.Enrolment.values:
        errors["enrolment"] = _("Choose how deputies are enrolled.")
    if not (organiser or "").strip():
        errors["organiser"] = _("Name the organising body.")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("At least one place, or leave it empty.")
    if congress_session is not None and congress_session.term.congress_id != congress.pk:
        errors["congress_session"] = _("This session belongs to another congress.")
    if errors:
        raise ValidationError(errors)
    course = Course(
        congress=congress,
        kind=kind,
        title=_clean_title(title),
        description=_clean_body(description, "description"),
        speaker=speaker.strip()[:100],
        organiser=organiser.strip()[:100],
        place=place.strip()[:200],
        online_link=online_link.strip(),
        enrolment=enrolment,
        capacity=capacity,
        congress_session=congress_session,
        created_by=actor,
        **fields,
    )
    with transaction.atomic():
        course.save()
        if audience_kind == A.CUSTOM:
            course.audience_deputies.set(deputies)
    return course


def _activity_kind(course: Course) -> str:
    return Activity.Kind.BRIEFING if course.is_briefing else Activity.Kind.TRAINING


def _open_activity(actor, session: Session) -> Activity:
    course = session.course
    return activity_open_for(
        actor=actor,
        source=session,
        kind=_activity_kind(course),
        congress=course.congress,
        title=f"{course.title}：{session.title}"[:200],
        start_date=session.date,
        place=(session.place or course.place or course.online_link)[:200],
        organiser=course.organiser[:100],
    )


def session_add(
    *, actor, course: Course, title: str, date: datetime.date, start_time, end_time, speaker="", place=""
) -> Session:
    """A session of the course; it enters the ledger and every enrolled deputy is invited."""
    require_congress_staff(actor, course.congress_id)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give a title.")
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = _("The session must end after it starts.")
    if errors:
        raise ValidationError(errors)
    session = Session(
        course=course,
        title=title.strip()[:200],
        date=date,
        start_time=start_time,
        end_time=end_time,
        speaker=speaker.strip()[:100],
        place=place.strip()[:200],
    )
    with transaction.atomic():
        session.save()
        session.activity = _open_activity(actor, session)
        session.save(update_fields=["activity"])
        deputies = [e.deputy for e in course.enrolments.select_related("deputy")]
        if deputies:
            activity_invite(actor=actor, activity=session.activity, deputies=deputies)
    return session


def topic_add(*, actor, course: Course, title: str, presenter: str) -> Topic:
    require_congress_staff(actor, course.congress_id)
    errors = {}
    if not course.is_briefing:
        errors["title"] = _("Topics belong to briefings.")
    elif not (title or "").strip():
        errors["title"] = _("Give a title.")
    if not (presenter or "").strip():
        errors["presenter"] = _("Name the presenting body.")
    if errors:
        raise ValidationError(errors)
    order = course.topics.count() + 1
    return Topic.objects.create(
        course=course, title=title.strip()[:200], presenter=presenter.strip()[:100], order=order
    )


def course_add_files(*, actor, course: Course, uploads) -> list:
    require_congress_staff(actor, course.congress_id)
    check_uploads(uploads)
    with transaction.atomic():
        return [document_add(actor=actor, upload=u, course=course) for u in uploads]


def course_publish(*, actor, course: Course) -> Course:
    """Publish the course to its audience; an assigned course enrols the whole audience."""
    require_congress_staff(actor, course.congress_id)
    with transaction.atomic():
        if not Course.objects.filter(pk=course.pk, published_at__isnull=True).update(published_at=timezone.now()):
            raise InvalidTransition(_("This course has already been published."))
        course.refresh_from_db(fields=["published_at"])
        if course.enrolment == Course.Enrolment.ASSIGNED:
            course_sync_assigned(course=course)
    return course


def _future_sessions(course: Course, today=None):
    today = today or timezone.localdate()
    return list(
        course.sessions.filter(date__gte=today, activity__attendance_closed_at__isnull=True).select_related("activity")
    )


def _enrol(course: Course, deputies, via: str) -> list[Enrolment]:
    """Write the enrolments, invite to the coming sessions and tell each deputy (once)."""
    have = set(Enrolment.objects.filter(course=course).values_list("deputy_id", flat=True))
    new = [Enrolment(course=course, deputy=d, via=via) for d in deputies if d.pk not in have]
    Enrolment.objects.bulk_create(new, ignore_conflicts=True)
    if not new:
        return []
    # The organiser (the course's recorder) issues the ledger invitations: "whoever organises
    # records it", also when the deputy enrolled themselves.
    for session in _future_sessions(course):
        activity_invite(actor=session.activity.recorder, activity=session.activity, deputies=[e.deputy for e in new])
    for e in new:
        if e.deputy.user_id:
            notify(
                e.deputy.user,
                key=f"training:enrolled:{course.pk}:{e.deputy.pk}",
                title=_("Enrolment confirmed: %(title)s") % {"title": course.title},
                body=_("You are enrolled; the sessions are listed on the course page."),
                url=f"/portal/training/courses/{course.pk}/",
            )
    return new


def course_sync_assigned(*, course: Course) -> int:
    """Enrol every deputy now in an assigned course's audience (new members included)."""
    if course.enrolment != Course.Enrolment.ASSIGNED or course.published_at is None:
        return 0
    deputies = list(audience.deputies_in(course).select_related("user"))
    return len(_enrol(course, deputies, Enrolment.Via.ASSIGNED))


def course_enrol(*, actor, course: Course) -> Enrolment:
    """A deputy in the audience enrols in a published open course, while places are left and
    a session is still to come."""
    if course.published_at is None:
        raise NotAllowed(_("This course is not open."))
    mandates = audience.mandates_in(course, audience.mandates_of(actor))
    if not mandates:
        raise NotAllowed(_("This course is not offered to you."))
    if course.enrolment != Course.Enrolment.OPEN:
        raise InvalidTransition(_("Deputies are assigned to this course by the office."))
    deputy = mandates[0]
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if Enrolment.objects.filter(course=course, deputy=deputy).exists():
            raise InvalidTransition(_("You are already enrolled."))
        if not course.sessions.filter(date__gte=timezone.localdate()).exists():
            raise InvalidTransition(_("Enrolment is closed: no session is still to come."))
        if locked.capacity is not None and locked.enrolments.count() >= locked.capacity:
            raise InvalidTransition(_("All places are taken."))
        try:
            with transaction.atomic():
                new = _enrol(course, [deputy], Enrolment.Via.SELF)
        except IntegrityError:
            new = []
        if not new:
            raise InvalidTransition(_("You are already enrolled."))
    return new[0]


def feedback_give(*, actor, session: Session, score, usefulness: str, comment: str = "") -> Feedback:
    """An enrolled deputy's feedback on a session that has taken place, once."""
    course = session.course
    mandates = audience.mandates_of(actor)
    enrolled = list(Enrolment.objects.filter(course=course, deputy_id__in=mandates.ids).select_related("deputy"))
    if not enrolled:
        raise NotAllowed(_("Only deputies enrolled in the course give feedback."))
    if session.date > timezone.localdate():
        raise InvalidTransition(_("Feedback opens once the session has taken place."))
    errors = {}
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        errors["score"] = _("Give a mark from 1 to 5.")
    if usefulness not in Feedback.Usefulness.values:
        errors["usefulness"] = _("Say how useful it was.")
    comment = _clean_body(comment, "comment")
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("At most %(max)d characters.") % {"max": COMMENT_MAX}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                session=session, deputy=enrolled[0].deputy, score=score, usefulness=usefulness, comment=comment
            )
    except IntegrityError:
        raise InvalidTransition(_("You have already given feedback on this session."))
