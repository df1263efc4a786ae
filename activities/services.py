"""Actions on the activity ledger and deputies' letters (代表信访).

"Whoever organises records it" (谁组织、谁负责): the person named as recorder on an
activity (staff or a unit officer) records attendance; staff of the congress may too.

Every write of participations here (invitations, answers, attendance and its corrections,
an activity moved to another date) also moves the per-(deputy, year) counts the archive list
sorts by: database triggers do it in the same statement (``activities/summaries.py``), so no
service adds a query of its own and no other writer can forget it.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.scoping import in_scope
from core.exceptions import InvalidTransition, NotAllowed
from core.text import clean_text
from core.workdays import add_workdays
from core.workflow import DEPUTY, RECORDER, STAFF, UNIT
from deputies.models import Deputy
from deputies.selectors import ABOVE_CITY, in_reach, served_from_q
from deputies.services import deputy_status_on
from notifications.services import notify_many

from . import workflow
from .models import Activity, DeputyLetter, Participation

S = Deputy.Status

P = Participation.Status
ATTENDANCE_STATES = {P.ATTENDED, P.ABSENT, P.EXCUSED}
ANSWER_STATES = workflow.ANSWER_STATES


def require_activity_manager(actor, activity: Activity) -> None:
    """Staff of the activity's congress, or the person named to record it."""
    if activity.recorder_id == getattr(actor, "pk", None):
        return
    if not (roles.is_staff_member(actor) and actor.has_perm("activities.change_activity")):
        raise NotAllowed(_("Only the organiser named on the activity or office staff may do this."))
    if not in_scope(actor, activity.congress_id):
        raise NotAllowed(_("This activity belongs to another congress."))


def activity_create(*, actor, **fields) -> Activity:
    """Create an activity; ``fields`` are the model's (congress, kind, title, dates, recorder, …)."""
    if not (roles.is_staff_member(actor) and actor.has_perm("activities.add_activity")):
        raise NotAllowed(_("Only office staff may create activities."))
    activity = Activity(created_by=actor, **fields)
    if not in_scope(actor, activity.congress_id):
        raise NotAllowed(_("This activity belongs to another congress."))
    activity.full_clean()
    activity.save()
    return activity


def activity_open_for(
    *, actor, source, kind: str, congress, title: str, start_date, end_date=None, recorder=None, **fields
) -> Activity:
    """The ledger activity that stands for ``source``, a record of another app (an SC meeting,
    a course, a station reception, a livelihood inspection): created on the first call, kept in
    step with the record on later ones. Invitations and attendance then go through the ledger,
    so the archive counts them. ``fields`` are other Activity fields (place, organiser, …).
    """
    source_type = ContentType.objects.get_for_model(source)
    values = {
        "kind": kind,
        "congress": congress,
        "title": title,
        "start_date": start_date,
        "end_date": end_date or start_date,
        "recorder": recorder or actor,
        **fields,
    }
    activity = Activity.objects.filter(source_type=source_type, source_id=source.pk).first()
    if activity is None:
        try:
            with transaction.atomic():
                return activity_create(actor=actor, source_type=source_type, source_id=source.pk, **values)
        except IntegrityError:  # opened by someone else meanwhile: keep theirs in step instead
            activity = Activity.objects.get(source_type=source_type, source_id=source.pk)
    changed = []
    for name, value in values.items():
        field = Activity._meta.get_field(name)
        current = getattr(activity, field.attname)
        wanted = getattr(value, "pk", value) if field.is_relation else value
        if current != wanted:
            setattr(activity, name, value)
            changed.append(name)
    if changed:
        activity_update(actor=actor, activity=activity, fields=changed)
    return activity


# Fields copied onto each participation so that the archive counts need no join.
COPIED_TO_PARTICIPATIONS = {"start_date": "activity_date", "kind": "activity_kind"}


def activity_update(*, actor, activity: Activity, fields) -> Activity:
    """Save the changed ``fields`` of an activity (already set on it) and keep the copies
    on its participations in step, in one transaction."""
    require_activity_manager(actor, activity)
    fields = [f for f in fields if f not in {"created_by", "created_at", "attendance_closed_at"}]
    activity.full_clean()
    with transaction.atomic():
        concrete = [f for f in fields if not activity._meta.get_field(f).many_to_many]
        if concrete:
            activity.save(update_fields=concrete)
        copies = {
            target: getattr(activity, source) for source, target in COPIED_TO_PARTICIPATIONS.items() if source in fields
        }
        if copies:
            Participation.objects.filter(activity=activity).update(**copies)
    return activity


def activity_invite(*, actor, activity: Activity, deputies, role: str = Participation.Role.PARTICIPANT) -> int:
    """Invite deputies (skipping those already invited and those not serving); tell each of them.

    Returns the number of new invitations.
    """
    require_activity_manager(actor, activity)
    if activity.attendance_closed_at is not None:
        raise InvalidTransition(_("Attendance has been recorded; no more invitations can be sent."))
    wanted = [d for d in deputies if d.status == S.SERVING]
    others = [d.pk for d in wanted if d.congress_id != activity.congress_id]
    if others:
        # National and provincial deputies the activity's congress serves may be invited too
        # (work plan item 7); anyone else's deputies never.
        served = set(
            Deputy.objects.filter(served_from_q([activity.congress_id]), pk__in=others).values_list("pk", flat=True)
        )
        wanted = [d for d in wanted if d.congress_id == activity.congress_id or d.pk in served]
    with transaction.atomic():
        existing = set(
            Participation.objects.filter(activity=activity, deputy__in=wanted).values_list("deputy_id", flat=True)
        )
        new = [
            Participation(
                activity=activity,
                deputy=d,
                role=role,
                activity_date=activity.start_date,
                activity_kind=activity.kind,
            )
            for d in wanted
            if d.pk not in existing
        ]
        Participation.objects.bulk_create(new, batch_size=500)
        # One read of the accounts and one write of the notifications, however many are invited.
        user_ids = [d.user_id for d in wanted if d.pk not in existing and d.user_id]
        if user_ids:
            notify_many(
                get_user_model().objects.filter(pk__in=user_ids),
                key=f"activity:{activity.pk}:invited",
                title=_("Invitation: %(title)s") % {"title": activity.title},
                body=_("%(start)s, %(place)s. Please accept or decline in the portal.")
                % {"start": activity.start_date, "place": activity.place or activity.organiser},
                url="/portal/activities/",
            )
    return len(new)


def activity_withdraw(*, actor, activity: Activity) -> int:
    """Take an activity that will not take place (a cancelled station duty) out of the ledger:
    it goes with its invitations, so no archive or count includes it (the summaries follow
    the deletion in the same statement). Refused once any attendance is recorded. Returns the
    number of invitations withdrawn; telling the invited is the caller's, who knows why."""
    require_activity_manager(actor, activity)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().filter(pk=activity.pk).first()
        if locked is None:
            return 0
        recorded = locked.participations.filter(status__in=ATTENDANCE_STATES).exists()
        if locked.attendance_closed_at is not None or recorded:
            raise InvalidTransition(_("Attendance has been recorded; the activity can no longer be withdrawn."))
        count = locked.participations.count()
        locked.delete()
    return count


def participation_respond(*, actor, participation: Participation, accept: bool, reason: str = "") -> Participation:
    """The deputy accepts or declines an invitation; declining needs a reason."""
    deputy = participation.deputy
    if deputy.user_id is None or deputy.user_id != actor.pk:
        raise NotAllowed(_("Only the invited deputy may answer the invitation."))
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Please give a reason for declining.")})
    activity = participation.activity
    if activity.attendance_closed_at is not None or activity.end_date < timezone.localdate():
        raise InvalidTransition(_("The activity is over; the invitation can no longer be answered."))
    try:
        workflow.PARTICIPATION.run(
            participation,
            "accept" if accept else "decline",
            actor=actor,
            role=DEPUTY,
            updates={"reason": "" if accept else reason[:200], "responded_at": timezone.now()},
        )
    except InvalidTransition:
        raise InvalidTransition(_("Attendance has already been recorded for this invitation."))
    participation.refresh_from_db()
    return participation


def attendance_record(*, actor, activity: Activity, marks: dict, walk_ins=(), today=None) -> dict:
    """Record attendance in one go: ``marks`` maps participation id → (status, reason);
    ``walk_ins`` are deputies who came without an invitation.

    All or nothing: any bad row raises ValidationError listing every problem and
    nothing is written. Returns counts per status.
    """
    require_activity_manager(actor, activity)
    today = today or timezone.localdate()
    if activity.start_date > today:
        raise ValidationError(_("The activity has not started yet; attendance cannot be recorded."))
    errors: list[str] = []
    with transaction.atomic():
        participations = {
            p.pk: p
            for p in Participation.objects.select_for_update()
            .filter(activity=activity)
            .select_related("deputy")
            .prefetch_related("deputy__status_changes")
        }
        unknown = [pk for pk in marks if pk not in participations]
        if unknown:
            errors.append(_("%(n)d rows do not belong to this activity.") % {"n": len(unknown)})
        changed = []
        for pk, (status, reason) in marks.items():
            p = participations.get(pk)
            if p is None:
                continue
            reason = (reason or "").strip()
            if status not in ATTENDANCE_STATES:
                errors.append(_("%(name)s: choose attended, absent or excused.") % {"name": p.deputy.name})
                continue
            if status == P.EXCUSED and not reason and not p.reason:
                errors.append(_("%(name)s: an excused absence needs a reason.") % {"name": p.deputy.name})
                continue
            if status == P.ATTENDED and deputy_status_on(p.deputy, activity.start_date) != S.SERVING:
                errors.append(
                    _("%(name)s was not serving on %(date)s and cannot be recorded as present.")
                    % {"name": p.deputy.name, "date": activity.start_date}
                )
                continue
            p.reason = (reason or p.reason)[:200]
            changed.append((p, workflow.ATTENDANCE_ACTIONS[status]))
        already = {p.deputy_id for p in participations.values()}
        new = []
        for d in walk_ins:
            if d.pk in already:
                errors.append(_("%(name)s is already on the list.") % {"name": d.name})
            elif d.congress_id != activity.congress_id:
                errors.append(_("%(name)s is not a deputy of this congress.") % {"name": d.name})
            elif deputy_status_on(d, activity.start_date) != S.SERVING:
                errors.append(
                    _("%(name)s was not serving on %(date)s and cannot be recorded as present.")
                    % {"name": d.name, "date": activity.start_date}
                )
            else:
                already.add(d.pk)
                walk_in = Participation(
                    activity=activity,
                    deputy=d,
                    walk_in=True,
                    activity_date=activity.start_date,
                    activity_kind=activity.kind,
                )
                workflow.PARTICIPATION.start(walk_in, P.ATTENDED)
                new.append(walk_in)
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        for p in new:
            p.recorded_at, p.recorded_by = now, actor
        workflow.PARTICIPATION.run_each(
            changed,
            actor=actor,
            role=RECORDER if activity.recorder_id == actor.pk else STAFF,
            fields=["reason"],
            updates={"recorded_at": now, "recorded_by": actor},
        )
        Participation.objects.bulk_create(new, batch_size=500)
        Activity.objects.filter(pk=activity.pk).update(attendance_closed_at=now)
        activity.attendance_closed_at = now
    counts = dict.fromkeys(ATTENDANCE_STATES, 0)
    for p in [p for p, _action in changed] + new:
        counts[p.status] += 1
    return counts


# --- Deputies' letters (代表信访) -------------------------------------------------------------
#
# A deputy lodges a letter in the portal (or staff enter one received on paper); staff forward
# it to a unit with a deadline in working days; the unit's officer answers it on the unit's page
# (or the office closes it); the deputy reads the answer and gives feedback. Every step is a
# LetterEvent row: the timeline all three see.

LETTER_REPLY_DAYS = 30  # when a caller gives neither a date nor working days (routing from liaison)
LETTER_SUBJECT_MAX = 200
LETTER_TEXT_MAX = 5000
LETTER_FILES_MAX = 5


def letter_reply_workdays() -> int:
    return int(getattr(settings, "LETTERS_REPLY_WORKDAYS", 15))


def letter_attachment_max_bytes() -> int:
    return int(getattr(settings, "LETTERS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def letter_url(letter, audience: str) -> str:
    from django.urls import reverse

    return reverse(f"activities:letter_{audience}", args=[letter.pk])


def _letter_text(value: str, *, field: str, empty: str, limit: int) -> str:
    text = clean_text(value or "")
    if not text:
        raise ValidationError({field: empty})
    if len(text) > limit:
        raise ValidationError(
            {field: _("At most %(limit)d characters, please (this text has %(n)d).") % {"limit": limit, "n": len(text)}}
        )
    return text


def _check_letter_files(uploads) -> list[tuple]:
    """Check every file before anything is written: one bad file refuses the whole step."""
    from core.uploads import check_upload

    uploads = [u for u in uploads or () if u]
    if len(uploads) > LETTER_FILES_MAX:
        raise ValidationError({"files": _("At most %(n)d files, please.") % {"n": LETTER_FILES_MAX}})
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, *check_upload(upload, max_bytes=letter_attachment_max_bytes())))
        except ValidationError as exc:
            raise ValidationError({"files": [f"{upload.name}：{m}" for m in exc.messages]}) from exc
    return checked


def _save_letter_files(letter, checked, *, actor, part) -> None:
    from .models import LetterAttachment, LetterEvent

    for upload, content_type, extension, name in checked:
        attachment = LetterAttachment(
            letter=letter,
            part=part,
            token=secrets.token_hex(16),
            extension=extension,
            original_name=name,
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
        )
        attachment.file.save(f"{attachment.token}{extension}", upload, save=False)
        attachment.save()
        LetterEvent.objects.create(letter=letter, action="attach", actor=actor, note=name)


def _require_letter_staff(actor, letter: DeputyLetter) -> None:
    """Office staff of the deputy's congress, or of the congress that serves a national or
    provincial deputy elected in the city (work plan item 7)."""
    if not (roles.is_staff_member(actor) and actor.has_perm("deputies.change_deputy")):
        raise NotAllowed(_("Only deputy-work office staff may handle deputies' letters."))
    if not in_reach(actor, letter.deputy):
        raise NotAllowed(_("This deputy belongs to another congress; you may not change it."))


def _offices_of(deputy: Deputy) -> list[int]:
    """The congresses whose staff handle the deputy's letters."""
    ids = [deputy.congress_id]
    if deputy.congress.level in ABOVE_CITY:
        ids += [i for i in (deputy.served_by_id, deputy.electoral_unit.electing_congress_id) if i]
    return ids


def letter_lodge(*, actor, deputy: Deputy, subject: str, content: str, uploads=()) -> DeputyLetter:
    """The deputy lodges a letter with the office (a mandate of their own, serving); files are
    checked by content first, so a bad file refuses the whole letter and nothing is written."""
    from .models import LetterEvent

    if deputy.user_id is None or deputy.user_id != getattr(actor, "pk", None):
        raise NotAllowed(_("Only the deputy may lodge a letter in their own name."))
    if deputy.status != S.SERVING:
        raise NotAllowed(_("Only a serving deputy may lodge a letter."))
    errors = {}
    try:
        subject = _letter_text(
            subject, field="subject", empty=_("Please give the letter a subject."), limit=LETTER_SUBJECT_MAX
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        content = _letter_text(
            content, field="content", empty=_("Please write what the letter is about."), limit=LETTER_TEXT_MAX
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        checked = _check_letter_files(uploads)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    letter = DeputyLetter(
        deputy=deputy, subject=subject, content=content, received_on=timezone.localdate(), lodged_by=actor
    )
    workflow.LETTER.start(letter, DeputyLetter.Status.RECEIVED)
    with transaction.atomic():
        letter.save()
        LetterEvent.objects.create(letter=letter, action="lodge", actor=actor, to_status=letter.status)
        _save_letter_files(letter, checked, actor=actor, part="letter")
        staff = get_user_model().objects.filter(
            is_staff=True,
            is_active=True,
            congress_id__in=_offices_of(deputy),
            groups__name=roles.GROUP_NAMES[roles.STAFF],
        )
        notify_many(
            staff,
            key=f"letter:{letter.pk}:lodged",
            title=_("A deputy's letter to forward: %(subject)s") % {"subject": letter.subject},
            body=_("From %(deputy)s.") % {"deputy": deputy.name},
            url=letter_url(letter, "office"),
        )
    return letter


def letter_forward(
    *, actor, letter: DeputyLetter, body, forwarded_on: datetime.date, reply_due=None, workdays: int | None = None
) -> DeputyLetter:
    """Pass the deputy's matter to a unit, with a reply deadline: the date given, else ``workdays``
    working days after forwarding (Chinese holidays and make-up days counted), else 30 days."""
    _require_letter_staff(actor, letter)
    if body is None:
        raise ValidationError({"body": _("Choose the unit that is to answer.")})
    if not in_scope(actor, body.congress_id) or not body.is_active:
        raise ValidationError({"body": _("Choose an active unit of your congress.")})
    if reply_due is None and workdays is not None:
        if not 1 <= workdays <= 120:
            raise ValidationError({"workdays": _("Give between 1 and 120 working days.")})
        reply_due = add_workdays(forwarded_on, workdays)
    reply_due = reply_due or forwarded_on + datetime.timedelta(days=LETTER_REPLY_DAYS)
    if reply_due < forwarded_on:
        raise ValidationError({"reply_due": _("The deadline cannot be before the day it is forwarded.")})
    with transaction.atomic():
        try:
            workflow.LETTER.run(
                letter,
                "forward",
                actor=actor,
                role=STAFF,
                updates={"body": body, "forwarded_on": forwarded_on, "reply_due": reply_due},
                note=_("To %(unit)s, answer due %(date)s") % {"unit": body.name, "date": reply_due},
            )
        except InvalidTransition:
            raise InvalidTransition(_("This matter has already been forwarded."))
        _notify_unit_officers(
            body, letter, key="forwarded", title=_("A deputy's matter to answer by %(date)s") % {"date": reply_due}
        )
    letter.refresh_from_db()
    return letter


def letter_reply(*, actor, letter: DeputyLetter, reply: str, replied_on: datetime.date, upload=None) -> DeputyLetter:
    """The unit's officer (or staff) records the answer, with a file if any; the deputy is asked for feedback."""
    from notifications.services import notify

    is_officer = (
        getattr(actor, "unit_id", None) is not None
        and actor.unit_id == letter.body_id
        and roles.has_role(actor, roles.UNIT_OFFICER)
    )
    if not is_officer:
        _require_letter_staff(actor, letter)
    errors = {}
    try:
        reply = _letter_text(reply, field="reply", empty=_("The reply cannot be empty."), limit=LETTER_TEXT_MAX)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        checked = _check_letter_files([upload] if upload else [])
    except ValidationError as exc:
        errors.update({"file" if k == "files" else k: v for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            workflow.LETTER.run(
                letter,
                "reply",
                actor=actor,
                role=UNIT if is_officer else STAFF,
                updates={"reply": reply, "replied_on": replied_on},
            )
        except InvalidTransition:
            raise InvalidTransition(_("Only a forwarded matter can be answered."))
        _save_letter_files(letter, checked, actor=actor, part="reply")
        if letter.deputy.user_id:
            notify(
                letter.deputy.user,
                key=f"letter:{letter.pk}:replied",
                title=_("Reply received: %(subject)s") % {"subject": letter.subject},
                body=_("Please tell us whether you are satisfied with the reply."),
                url=letter_url(letter, "portal"),
            )
    letter.refresh_from_db()
    return letter


def letter_close(*, actor, letter: DeputyLetter, note: str) -> DeputyLetter:
    """The office ends a matter before any answer (settled otherwise, withdrawn, a duplicate), with its reason."""
    from notifications.services import notify

    _require_letter_staff(actor, letter)
    note = _letter_text(note, field="note", empty=_("Say why the letter is closed."), limit=LETTER_TEXT_MAX)
    with transaction.atomic():
        try:
            workflow.LETTER.run(letter, "close", actor=actor, role=STAFF, updates={"close_note": note}, note=note)
        except InvalidTransition:
            raise InvalidTransition(_("Only a letter not yet answered can be closed by the office."))
        if letter.deputy.user_id:
            notify(
                letter.deputy.user,
                key=f"letter:{letter.pk}:closed",
                title=_("Your letter was closed: %(subject)s") % {"subject": letter.subject},
                body=note[:500],
                url=letter_url(letter, "portal"),
            )
    letter.refresh_from_db()
    return letter


def letter_feedback(*, actor, letter: DeputyLetter, feedback: str, note: str = "") -> DeputyLetter:
    """Only the deputy rates the reply: nobody rates on a deputy's behalf."""
    if letter.deputy.user_id is None or letter.deputy.user_id != actor.pk:
        raise NotAllowed(_("Only the deputy who raised the matter may give feedback."))
    if feedback not in DeputyLetter.Feedback.values:
        raise ValidationError({"feedback": _("Choose satisfied, basically satisfied or unsatisfied.")})
    note = clean_text(note or "")
    if len(note) > LETTER_TEXT_MAX:
        raise ValidationError({"note": _("At most %(limit)d characters, please.") % {"limit": LETTER_TEXT_MAX}})
    with transaction.atomic():
        try:
            workflow.LETTER.run(
                letter,
                "feedback",
                actor=actor,
                role=DEPUTY,
                updates={"feedback": feedback, "feedback_note": note},
                note=" · ".join(x for x in [str(DeputyLetter.Feedback(feedback).label), note] if x),
            )
        except InvalidTransition:
            raise InvalidTransition(_("Feedback can be given once the reply has arrived."))
        if letter.body_id:
            _notify_unit_officers(
                letter.body,
                letter,
                key="feedback",
                title=_("The deputy's feedback: %(subject)s") % {"subject": letter.subject},
            )
    letter.refresh_from_db()
    return letter


def _notify_unit_officers(unit, letter, *, key: str, title: str) -> None:
    notify_many(
        unit.officers.filter(is_active=True),
        key=f"letter:{letter.pk}:{key}",
        title=title,
        body=letter.subject,
        url=letter_url(letter, "unit"),
    )
