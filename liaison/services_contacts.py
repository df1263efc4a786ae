"""Actions of the two connections: contact assignments and records, routing what was
gathered, director reception days, SC-meeting topics with their invitations, the
pre-meeting symposium and the deputies' written opinions on topics.

Who may act: office staff of the congress (``in_scope``) for assignments, routing, reception
days, topics and invitations; the SC member holding the seat (or staff, entering a paper
record) for contact records; the invited deputy for an opinion on a topic. Every meeting,
symposium and reception is an Activity and every invitation a Participation of the ledger,
through ``activities.services``, so the archive counts them.
"""

import calendar
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.scoping import in_scope
from activities.models import Activity, DeputyLetter, Participation
from activities.services import activity_invite, activity_open_for, attendance_record, letter_forward
from core.exceptions import InvalidTransition, NotAllowed
from core.text import clean_text
from deputies.models import Deputy, StandingCommitteeMember
from notifications.services import notify

from .models import (
    Committee,
    ContactAssignment,
    ContactRecord,
    OpinionRouting,
    ReceptionDay,
    Symposium,
    Topic,
    TopicInvitation,
    TopicOpinion,
)

OPINIONS_MAX = 4000
TITLE_MAX = 200
WIDE_CIRCLE_MAX = 500
LEADER_POSITIONS = (StandingCommitteeMember.Position.DIRECTOR, StandingCommitteeMember.Position.DEPUTY_DIRECTOR)
SUGGESTION_DRAFT_URL = "/portal/suggestions/new/"


def contact_months() -> int:
    """Months without contact after which an assigned deputy counts as overdue (LIAISON_CONTACT_MONTHS)."""
    return int(getattr(settings, "LIAISON_CONTACT_MONTHS", 6))


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Who may act ------------------------------------------------------------------------------


def require_staff(actor, congress_id: int) -> None:
    if not roles.is_staff_member(actor):
        raise NotAllowed(_("Only office staff may do this."))
    if not in_scope(actor, congress_id):
        raise NotAllowed(_("This record belongs to another congress."))


def is_seat_holder(actor, member: StandingCommitteeMember) -> bool:
    return member.deputy.user_id is not None and member.deputy.user_id == getattr(actor, "pk", None)


def _text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    value = value or ""
    if "\x00" in value:
        raise ValidationError({field: _("The text contains a character that cannot be stored (NUL).")})
    value = clean_text(value)
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(max)d characters (this has %(n)d).") % {"max": limit, "n": len(value)}}
        )
    return value


# --- Contact assignments ----------------------------------------------------------------------


def assignment_check(assignment: ContactAssignment) -> None:
    """The rules of one assignment (ValidationError by field); the admin form and the import use them."""
    member, deputy = assignment.member, assignment.deputy
    if member.end_date is not None or not member.term.is_current:
        raise ValidationError({"member": _("%(name)s holds no current seat.") % {"name": member.deputy.name}})
    if deputy.term_id != member.term_id:
        raise ValidationError(
            {"deputy": _("%(name)s is not a deputy of %(term)s.") % {"name": deputy.name, "term": member.term}}
        )
    if deputy.status != Deputy.Status.SERVING:
        raise ValidationError({"deputy": _("%(name)s is not serving.") % {"name": deputy.name}})
    if deputy.pk == member.deputy_id:
        raise ValidationError({"deputy": _("A member cannot be assigned to keep in touch with themselves.")})
    taken = ContactAssignment.objects.filter(member=member, deputy=deputy).exclude(pk=assignment.pk)
    if taken.exists():
        raise ValidationError({"deputy": _("This deputy is already assigned to this member.")})


def assignment_create(*, actor, member: StandingCommitteeMember, deputy: Deputy) -> ContactAssignment:
    """Assign a serving deputy of the member's term to a current SC member."""
    require_staff(actor, member.term.congress_id)
    assignment = ContactAssignment(member=member, deputy=deputy)
    assignment_check(assignment)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ValidationError({"deputy": _("This deputy is already assigned to this member.")})
    return assignment


# --- Contact records --------------------------------------------------------------------------


def contact_record(
    *, actor, assignment: ContactAssignment, kind: str, date: datetime.date, opinions: str = ""
) -> ContactRecord:
    """The SC member (or staff, from a paper record) records a contact with an assigned deputy.

    Refused, with nothing written: someone else's assignment, an unknown kind, a date in the
    future or before the term began, oversized or NUL-carrying text.
    """
    member = assignment.member
    if not is_seat_holder(actor, member):
        require_staff(actor, member.term.congress_id)
    errors = {}
    if kind not in ContactRecord.Kind.values:
        errors["kind"] = _("Choose visit, talk, phone call or meeting.")
    if date is None:
        errors["date"] = _("Please give the date of the contact.")
    elif date > timezone.localdate():
        errors["date"] = _("The date of a contact cannot be in the future.")
    elif date < member.term.start_date:
        errors["date"] = _("The date is before the term began (%(date)s).") % {"date": member.term.start_date}
    try:
        opinions = _text(opinions, field="opinions", limit=OPINIONS_MAX)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return ContactRecord.objects.create(
        member=member, deputy=assignment.deputy, kind=kind, date=date, opinions=opinions, recorded_by=actor
    )


def suggestion_draft_url(*, record: ContactRecord, text: str) -> str:
    """The portal's new-suggestion page, filled in with the opinion (the page accepts GET prefill)."""
    title = _("Suggestion on what was raised in a contact on %(date)s") % {"date": record.date}
    return f"{SUGGESTION_DRAFT_URL}?{urlencode({'title': title[:TITLE_MAX], 'body': text})}"


def opinion_route(
    *,
    actor,
    record: ContactRecord,
    target: str,
    text: str,
    committee: Committee | None = None,
    unit=None,
) -> OpinionRouting:
    """Send an opinion gathered in a contact on: to a committee; to a unit as a deputy's letter
    (forwarded through the ledger's letter service, with its reply deadline); or to the deputy
    as a suggestion draft they may take up."""
    congress_id = record.member.term.congress_id
    require_staff(actor, congress_id)
    text = _text(text, field="text", limit=OPINIONS_MAX, required=True)
    if target not in OpinionRouting.Target.values:
        raise ValidationError({"target": _("Choose where the opinion is sent.")})
    routing = OpinionRouting(record=record, target=target, text=text, routed_by=actor)
    if target == OpinionRouting.Target.COMMITTEE:
        if committee is None or committee.congress_id != congress_id:
            raise ValidationError({"committee": _("Choose a committee of this congress.")})
        routing.committee = committee
    elif target == OpinionRouting.Target.LETTER:
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit the letter goes to.")})
        if not in_scope(actor, unit.congress_id):
            raise ValidationError({"unit": _("This unit belongs to another congress.")})
    elif record.deputy.user_id is None:
        raise ValidationError({"target": _("%(name)s has no account to receive the draft.") % {"name": record.deputy}})
    with transaction.atomic():
        if target == OpinionRouting.Target.LETTER:
            today = timezone.localdate()
            letter = DeputyLetter.objects.create(
                deputy=record.deputy,
                subject=(_("Raised in a contact on %(date)s") % {"date": record.date})[:200],
                content=text,
                received_on=today,
            )
            routing.letter = letter_forward(actor=actor, letter=letter, body=unit, forwarded_on=today)
        routing.save()
        if target == OpinionRouting.Target.SUGGESTION:
            notify(
                record.deputy.user,
                key=f"liaison:routing:{routing.pk}:suggestion",
                title=_("An opinion you raised may become a suggestion"),
                body=text[:500],
                url=suggestion_draft_url(record=record, text=text),
            )
    return routing


# --- Director reception days ------------------------------------------------------------------


def reception_day_check(*, congress, date, leader, deputies: list, raised: str = "") -> str:
    """The rules of a reception day (ValidationError by field); returns the cleaned text."""
    errors = {}
    if leader is None or leader.term.congress_id != congress.pk or not leader.is_leader:
        errors["leader"] = _("Choose a director or deputy director of this congress.")
    if date is None or date > timezone.localdate():
        errors["date"] = _("Record a reception day once it has taken place.")
    if not deputies:
        errors["deputies"] = _("Name at least one deputy received.")
    outside = [d.name for d in deputies if d.congress_id != congress.pk or d.status != Deputy.Status.SERVING]
    if outside:
        errors["deputies"] = _("Not serving deputies of this congress: %(names)s.") % {"names": "、".join(outside)}
    try:
        raised = _text(raised, field="raised", limit=OPINIONS_MAX)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return raised


def reception_day_record(
    *, actor, congress, date: datetime.date, leader: StandingCommitteeMember, deputies, raised: str = ""
) -> ReceptionDay:
    """Record a director reception day that took place: the leader, the deputies received and
    what they raised. It enters the ledger as an activity the deputies attended."""
    require_staff(actor, congress.pk)
    deputies = list(deputies)
    raised = reception_day_check(congress=congress, date=date, leader=leader, deputies=deputies, raised=raised)
    with transaction.atomic():
        day = ReceptionDay.objects.create(congress=congress, date=date, leader=leader, raised=raised)
        day.deputies.set(deputies)
        activity = activity_open_for(
            actor=actor,
            source=day,
            kind=Activity.Kind.RECEPTION_DAY,
            congress=congress,
            title=(_("Director reception day: %(name)s") % {"name": leader.deputy.name})[:200],
            start_date=date,
            organiser=_("Deputy-work office")[:100],
            description=raised,
        )
        activity_invite(actor=actor, activity=activity, deputies=deputies)
        marks = {
            pk: (Participation.Status.ATTENDED, "")
            for pk in Participation.objects.filter(activity=activity).values_list("pk", flat=True)
        }
        attendance_record(actor=actor, activity=activity, marks=marks)
        day.activity = activity
        day.save(update_fields=["activity"])
    return day


# --- SC meetings: topics, invitations, symposium, opinions ------------------------------------


def topic_check(topic: Topic) -> None:
    """A topic belongs to an SC meeting and to a committee of the meeting's congress."""
    if topic.meeting.kind != Activity.Kind.SC_MEETING:
        raise ValidationError({"meeting": _("Topics belong to SC meetings only.")})
    if topic.committee.congress_id != topic.meeting.congress_id:
        raise ValidationError({"committee": _("Choose a committee of the meeting's congress.")})
    if Topic.objects.filter(meeting=topic.meeting, title=topic.title).exclude(pk=topic.pk).exists():
        raise ValidationError({"title": _("This meeting already has a topic of this title.")})


def topic_add(*, actor, meeting: Activity, title: str, committee: Committee, order: int = 0) -> Topic:
    require_staff(actor, meeting.congress_id)
    title = _text(title, field="title", limit=TITLE_MAX, required=True)
    topic = Topic(meeting=meeting, title=title, committee=committee, order=order)
    topic_check(topic)
    topic.save()
    return topic


def _symposium_invite(actor, meeting: Activity, deputies) -> None:
    symposium = Symposium.objects.filter(meeting=meeting).select_related("activity").first()
    if symposium and symposium.activity and symposium.activity.attendance_closed_at is None:
        activity_invite(actor=actor, activity=symposium.activity, deputies=deputies)


def topic_invite(*, actor, topic: Topic, deputies) -> int:
    """Invite deputies to attend the meeting for this topic: one ledger participation each
    (``activity_invite``: serving deputies of the congress, told in the portal), and the topic
    it is for. Returns how many deputies were newly invited for the topic."""
    meeting = topic.meeting
    require_staff(actor, meeting.congress_id)
    if meeting.attendance_closed_at is not None or meeting.end_date < timezone.localdate():
        raise InvalidTransition(_("The meeting is over; no more invitations can be sent."))
    # Each deputy once, however often named: the ledger holds one participation per deputy.
    unique = {d.pk: d for d in deputies}
    deputies = [
        d for d in unique.values() if d.congress_id == meeting.congress_id and d.status == Deputy.Status.SERVING
    ]
    if not deputies:
        raise ValidationError({"deputies": _("Choose at least one serving deputy of this congress.")})
    with transaction.atomic():
        activity_invite(actor=actor, activity=meeting, deputies=deputies)
        participations = Participation.objects.filter(activity=meeting, deputy__in=deputies).exclude(
            pk__in=TopicInvitation.objects.filter(topic=topic).values("participation_id")
        )
        new = [TopicInvitation(topic=topic, participation=p, invited_by=actor) for p in participations]
        TopicInvitation.objects.bulk_create(new, batch_size=500)
        _symposium_invite(actor, meeting, deputies)
    return len(new)


def wide_circle_candidates(*, meeting: Activity):
    """Grassroots deputies of the meeting's congress and current term, serving, never invited to
    an SC meeting this term (扩大列席范围): first by electoral unit, then by name."""
    term = meeting.congress.terms.filter(is_current=True).first()
    if term is None:
        return Deputy.objects.none()
    invited = Participation.objects.filter(
        deputy=OuterRef("pk"), activity_kind=Activity.Kind.SC_MEETING, activity_date__gte=term.start_date
    )
    return (
        Deputy.objects.filter(term=term, status=Deputy.Status.SERVING, is_grassroots=True)
        .exclude(Exists(invited))
        .order_by("electoral_unit__order", "electoral_unit__name", "name", "pk")
    )


def topic_invite_wide(*, actor, topic: Topic, cap: int) -> int:
    """One action: invite for this topic every grassroots deputy not yet invited to any SC
    meeting this term, at most ``cap`` of them."""
    require_staff(actor, topic.meeting.congress_id)
    if cap is None or not 1 <= cap <= WIDE_CIRCLE_MAX:
        raise ValidationError({"cap": _("Choose a number from 1 to %(max)d.") % {"max": WIDE_CIRCLE_MAX}})
    deputies = list(wide_circle_candidates(meeting=topic.meeting)[:cap])
    if not deputies:
        raise ValidationError(
            {"cap": _("Every grassroots deputy has already been invited to an SC meeting this term.")}
        )
    return topic_invite(actor=actor, topic=topic, deputies=deputies)


def symposium_schedule(*, actor, meeting: Activity, date: datetime.date, place: str = "") -> Symposium:
    """Hold the attending deputies' symposium before the meeting: an activity of the ledger,
    with every deputy invited to the meeting (and not declining) invited to it."""
    require_staff(actor, meeting.congress_id)
    if meeting.kind != Activity.Kind.SC_MEETING:
        raise ValidationError(_("Only an SC meeting has a pre-meeting symposium."))
    if date is None or date > meeting.start_date:
        raise ValidationError(
            {"date": _("The symposium is held before the meeting, on the meeting's day at the latest.")}
        )
    place = _text(place, field="place", limit=200)
    with transaction.atomic():
        symposium, _created = Symposium.objects.get_or_create(meeting=meeting, defaults={"date": date, "place": place})
        if symposium.activity_id and symposium.activity.attendance_closed_at is not None:
            raise InvalidTransition(_("The symposium's attendance has been recorded; it can no longer be moved."))
        if not _created:
            symposium.date, symposium.place = date, place
        symposium.activity = activity_open_for(
            actor=actor,
            source=symposium,
            kind=Activity.Kind.SYMPOSIUM,
            congress=meeting.congress,
            title=(_("Symposium before: %(title)s") % {"title": meeting.title})[:200],
            start_date=date,
            place=place,
            organiser=meeting.organiser,
        )
        symposium.save(update_fields=["date", "place", "activity"])
        invited = (
            Participation.objects.filter(activity=meeting)
            .exclude(status=Participation.Status.DECLINED)
            .select_related("deputy")
        )
        activity_invite(actor=actor, activity=symposium.activity, deputies=[p.deputy for p in invited])
    return symposium


def topic_opinion_submit(*, actor, topic: Topic, deputy: Deputy, text: str) -> TopicOpinion:
    """An invited deputy gives (or rewrites) their written opinion on a topic, until the meeting's day."""
    if deputy.user_id is None or deputy.user_id != actor.pk:
        raise NotAllowed(_("Only the invited deputy may give this opinion."))
    invited = TopicInvitation.objects.filter(topic=topic, participation__deputy=deputy).exclude(
        participation__status=Participation.Status.DECLINED
    )
    if not invited.exists():
        raise NotAllowed(_("You are not invited to attend the meeting for this topic."))
    if topic.meeting.start_date < timezone.localdate():
        raise InvalidTransition(_("The meeting has taken place; opinions can no longer be given."))
    text = _text(text, field="text", limit=OPINIONS_MAX, required=True)
    opinion, _created = TopicOpinion.objects.update_or_create(
        topic=topic, deputy=deputy, defaults={"text": text, "submitted_at": timezone.now()}
    )
    return opinion
