"""Every write on suggestions and motions.

Each action checks who may run it, runs in a transaction, changes the status only
through ``_transition`` (a conditional UPDATE from the allowed states), and writes a
SuggestionEvent. Notifications are queued with ``transaction.on_commit`` by
``notifications.services.notify``.
"""

import datetime
import secrets
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts import roles
from accounts.scoping import in_scope
from core.exceptions import InvalidTransition, NotAllowed
from core.search import segment_for_index
from core.text import clean_text
from core.workdays import add_workdays
from deputies.models import Deputy
from notifications.services import notify

from . import workflow
from .cache import public_pages_changed
from .models import (
    Assignment,
    Attachment,
    Commitment,
    CommitmentProgress,
    ContactLog,
    CoSigner,
    KeySupervision,
    KeySupervisionProgress,
    NumberCounter,
    Rating,
    Reply,
    ReplyCategory,
    ReplyCoSignature,
    Suggestion,
    SuggestionEvent,
    ThirdPartyEvaluation,
)
from .workflow import DEPUTY, STAFF, SYSTEM, UNIT

S = Suggestion.Status
A = Assignment.Status


# --- Who is who ------------------------------------------------------------------------------


def is_office_staff(actor, congress_id: int) -> bool:
    if not (roles.is_staff_member(actor) and actor.has_perm("proposals.change_suggestion")):
        return False
    return in_scope(actor, congress_id)


def require_staff(actor, suggestion: Suggestion) -> None:
    if not is_office_staff(actor, suggestion.congress_id):
        raise NotAllowed(_("Only deputy-work office staff may do this."))


def is_lead_deputy(actor, suggestion: Suggestion) -> bool:
    return suggestion.lead_deputy.user_id is not None and suggestion.lead_deputy.user_id == actor.pk


def require_unit_officer(actor, assignment: Assignment) -> None:
    if actor.unit_id is None or actor.unit_id != assignment.unit_id or not actor.is_active:
        raise NotAllowed(_("Only an officer of the assigned unit may do this."))


# --- Helpers -----------------------------------------------------------------------------------


def reply_deadline(assigned_on: datetime.date, *, broad: bool) -> datetime.date:
    months = settings.PROPOSALS_BROAD_REPLY_MONTHS if broad else settings.PROPOSALS_REPLY_MONTHS
    return assigned_on + relativedelta(months=months)


def _event(suggestion, action, *, actor, from_status="", to_status="", note=""):
    event = SuggestionEvent.objects.create(
        suggestion=suggestion, action=action, actor=actor, from_status=from_status, to_status=to_status, note=note
    )
    # Ratings, commitments' progress, attachments cleared or withdrawn: shown on public pages.
    public_pages_changed()
    return event


def _refuse(current: str, action: str):
    return workflow._suggestion_refusal(None, current, action)


def _transition(suggestion: Suggestion, action: str, *, actor, role: str = STAFF, note: str = "", **updates):
    """Move the suggestion along the table (``workflow.SUGGESTION``); refuse, changing nothing,
    if it is not in a source state or ``role`` may not run the action."""
    moved = workflow.SUGGESTION.run(
        suggestion, action, actor=actor, role=role, note=note, updates={"updated_at": timezone.now(), **updates}
    )
    public_pages_changed()
    return moved


def _reindex(suggestion: Suggestion) -> None:
    replies = Reply.objects.filter(assignment__suggestion=suggestion).values_list("text", flat=True)
    text = segment_for_index(" ".join([suggestion.title, suggestion.body, *replies]))
    Suggestion.objects.filter(pk=suggestion.pk).update(search_text=text)
    public_pages_changed()  # search results, and the replies themselves


# --- Drafting (deputies) ---------------------------------------------------------------------


def suggestion_create(
    *,
    actor,
    lead_deputy: Deputy,
    title: str,
    body: str,
    kind: str = Suggestion.Kind.SUGGESTION,
    field=None,
    session=None,
    on_behalf: bool = False,
) -> Suggestion:
    """A deputy drafts for themselves; staff may enter a paper suggestion for a deputy (marked and audited)."""
    if on_behalf:
        if not is_office_staff(actor, lead_deputy.congress_id):
            raise NotAllowed(_("Only deputy-work office staff may enter a suggestion for a deputy."))
    elif lead_deputy.user_id != actor.pk:
        raise NotAllowed(_("You can only draft suggestions as yourself."))
    if lead_deputy.status != Deputy.Status.SERVING:
        raise NotAllowed(_("Only a serving deputy may make suggestions."))
    title, body = clean_text(title), clean_text(body)
    errors = {}
    if not title:
        errors["title"] = _("Enter a title.")
    if not body:
        errors["body"] = _("Enter the text.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            congress_id=lead_deputy.congress_id,
            session=session,
            kind=kind,
            title=title[:200],
            body=body,
            field=field,
            lead_deputy=lead_deputy,
            created_by=actor,
            entered_by_staff=on_behalf,
        )
        _event(
            suggestion,
            "create",
            actor=actor,
            to_status=S.DRAFT,
            note=_("Entered by staff on the deputy's behalf") if on_behalf else "",
        )
    return suggestion


def suggestion_update(*, actor, suggestion: Suggestion, **fields) -> Suggestion:
    """Edit a draft (or a returned item): only the lead deputy, or staff for a staff-entered one."""
    if not (
        is_lead_deputy(actor, suggestion)
        or (suggestion.entered_by_staff and is_office_staff(actor, suggestion.congress_id))
    ):
        raise NotAllowed(_("Only the lead deputy may edit this draft."))
    allowed = {"title", "body", "kind", "field", "session"}
    if set(fields) - allowed:
        raise ValueError(f"Unexpected fields: {set(fields) - allowed}")
    for key in ("title", "body"):
        if key in fields:
            fields[key] = clean_text(fields[key])
            if not fields[key]:
                raise ValidationError({key: _("This field cannot be empty.")})
    with transaction.atomic():
        updated = Suggestion.objects.filter(pk=suggestion.pk, status__in=workflow.EDITABLE).update(
            updated_at=timezone.now(), **fields
        )
        if not updated:
            raise InvalidTransition(_("Only a draft or a returned item can be edited."))
        public_pages_changed()
    for key, value in fields.items():
        setattr(suggestion, key, value)
    return suggestion


def cosigner_invite(*, actor, suggestion: Suggestion, deputies) -> int:
    if not is_lead_deputy(actor, suggestion) and not is_office_staff(actor, suggestion.congress_id):
        raise NotAllowed(_("Only the lead deputy may invite co-signers."))
    if suggestion.status not in workflow.EDITABLE:
        raise InvalidTransition(_("Co-signers can be invited while the item is a draft."))
    invited = []
    with transaction.atomic():
        for deputy in deputies:
            if deputy.pk == suggestion.lead_deputy_id:
                continue
            if deputy.congress_id != suggestion.congress_id or deputy.status != Deputy.Status.SERVING:
                raise ValidationError(_("%(name)s is not a serving deputy of this congress.") % {"name": deputy.name})
            cosigner, new = CoSigner.objects.get_or_create(suggestion=suggestion, deputy=deputy)
            if not new:
                continue
            invited.append(deputy.name)
            if deputy.user_id:
                notify(
                    deputy.user,
                    key=f"suggestion:{suggestion.pk}:cosign:{deputy.pk}",
                    title=_("Co-signing request: %(title)s") % {"title": suggestion.title},
                    body=_("%(name)s asks you to co-sign.") % {"name": suggestion.lead_deputy.name},
                    url=f"/portal/suggestions/{suggestion.pk}/",
                )
        if invited:
            _event(suggestion, "cosigners_invited", actor=actor, note="、".join(invited))
    return len(invited)


def cosigner_withdraw(*, actor, cosigner: CoSigner) -> None:
    """The lead deputy withdraws an invitation (or removes a co-signer) while the item is a draft."""
    suggestion = cosigner.suggestion
    if not is_lead_deputy(actor, suggestion):
        raise NotAllowed(_("Only the lead deputy may invite co-signers."))
    with transaction.atomic():
        deleted, _rows = CoSigner.objects.filter(pk=cosigner.pk, suggestion__status__in=workflow.EDITABLE).delete()
        if not deleted:
            raise InvalidTransition(_("Co-signers can be invited while the item is a draft."))
        _event(suggestion, "cosigner_withdrawn", actor=actor, note=cosigner.deputy.name)


def cosigner_respond(*, actor, cosigner: CoSigner, confirm: bool) -> CoSigner:
    if cosigner.deputy.user_id != actor.pk:
        raise NotAllowed(_("Only the invited deputy may answer."))
    with transaction.atomic():
        try:
            workflow.COSIGNER.run(
                cosigner,
                "confirm" if confirm else "decline",
                actor=actor,
                role=DEPUTY,
                updates={"responded_at": timezone.now()},
                where={"suggestion__status__in": workflow.EDITABLE | {S.SUBMITTED}},
            )
        except InvalidTransition:
            raise InvalidTransition(_("This item can no longer be co-signed."))
        _event(cosigner.suggestion, "cosigner_" + cosigner.status, actor=actor, note=cosigner.deputy.name)
    return cosigner


def attachment_add(*, actor, suggestion: Suggestion, upload, reply: Reply | None = None, allowed=None) -> Attachment:
    """Accept a PDF, Word file or image, checked by its content, not its name."""
    from core.uploads import check_upload

    if reply is None:
        if not (is_lead_deputy(actor, suggestion) or is_office_staff(actor, suggestion.congress_id)):
            raise NotAllowed(_("Only the lead deputy may add attachments."))
        if suggestion.status not in workflow.EDITABLE and not is_office_staff(actor, suggestion.congress_id):
            raise InvalidTransition(_("Attachments can be added while the item is a draft."))
    else:
        require_unit_officer(actor, reply.assignment)
    content_type, extension, safe_name = check_upload(
        upload, max_bytes=settings.PROPOSALS_ATTACHMENT_MAX_BYTES, allowed=allowed
    )
    attachment = Attachment(
        suggestion=suggestion,
        reply=reply,
        token=secrets.token_hex(16),
        extension=extension,
        original_name=safe_name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(f"{attachment.token}{extension}", upload, save=False)
    attachment.save()
    return attachment


def attachment_remove(*, actor, attachment: Attachment) -> None:
    """The lead deputy removes a file from a draft; the stored file goes with it."""
    suggestion = attachment.suggestion
    if attachment.reply_id is not None or not is_lead_deputy(actor, suggestion):
        raise NotAllowed(_("Only the lead deputy may add attachments."))
    with transaction.atomic():
        if (
            Suggestion.objects.filter(pk=suggestion.pk).values_list("status", flat=True).first()
            not in workflow.EDITABLE
        ):
            raise InvalidTransition(_("Attachments can be added while the item is a draft."))
        name = attachment.file.name
        attachment.delete()
        _event(suggestion, "attachment_removed", actor=actor, note=attachment.original_name)
        transaction.on_commit(lambda: attachment.file.storage.delete(name))


# --- Submission and review -------------------------------------------------------------------


def confirmed_cosigners(suggestion: Suggestion) -> int:
    return suggestion.cosigners.filter(status=CoSigner.Status.CONFIRMED).count()


def suggestion_submit(*, actor, suggestion: Suggestion) -> Suggestion:
    """Submit for review. A motion needs the legal minimum of co-signers (the lead counts)."""
    if not (
        is_lead_deputy(actor, suggestion)
        or (suggestion.entered_by_staff and is_office_staff(actor, suggestion.congress_id))
    ):
        raise NotAllowed(_("Only the lead deputy may submit."))
    with transaction.atomic():
        if suggestion.kind == Suggestion.Kind.MOTION:
            needed = suggestion.congress.motion_min_cosigners
            have = confirmed_cosigners(suggestion) + 1
            if have < needed:
                raise ValidationError(
                    _(
                        "A motion needs at least %(needed)d deputies (the lead deputy included); %(have)d have confirmed."
                    )
                    % {"needed": needed, "have": have}
                )
        _transition(
            suggestion,
            "submit",
            actor=actor,
            role=DEPUTY if is_lead_deputy(actor, suggestion) else STAFF,
            submitted_at=timezone.now(),
        )
    return suggestion


def _next_number(suggestion: Suggestion) -> tuple[str, int]:
    """Take the next number of the series under a row lock: gapless and never twice the same.

    The UPDATE … SET last_number = last_number + 1 locks the counter row until the
    transaction ends (on SQLite the whole database is write-locked), so concurrent
    acceptances queue; a rolled-back acceptance gives its number back.
    """
    if suggestion.session_id:
        series = suggestion.session.name
    else:
        # Stored data, not interface text: the same series whatever language the staff member reads.
        with translation.override(settings.LANGUAGE_CODE):
            series = _("%(year)d between sessions") % {"year": timezone.localdate().year}
    NumberCounter.objects.get_or_create(congress_id=suggestion.congress_id, series=series)
    NumberCounter.objects.filter(congress_id=suggestion.congress_id, series=series).update(
        last_number=F("last_number") + 1
    )
    number = NumberCounter.objects.get(congress_id=suggestion.congress_id, series=series).last_number
    return series, number


def suggestion_accept(*, actor, suggestion: Suggestion, broad: bool = False, note: str = "") -> Suggestion:
    require_staff(actor, suggestion)
    with transaction.atomic():
        current = Suggestion.objects.filter(pk=suggestion.pk).values_list("status", flat=True).first()
        if current != S.SUBMITTED:
            raise _refuse(current, "accept")
        # If a concurrent acceptance wins, _transition below raises and the number is rolled back.
        series, number = _next_number(suggestion)
        _transition(
            suggestion,
            "accept",
            actor=actor,
            note=note,
            number=number,
            number_series=series,
            accepted_at=timezone.now(),
            is_broad=broad,
        )
        _reindex(suggestion)
        if suggestion.lead_deputy.user_id:
            notify(
                suggestion.lead_deputy.user,
                key=f"suggestion:{suggestion.pk}:accepted",
                title=_("Accepted as %(number)s: %(title)s")
                % {"number": suggestion.number_label, "title": suggestion.title},
                url=f"/portal/suggestions/{suggestion.pk}/",
            )
    return suggestion


def suggestion_return(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    require_staff(actor, suggestion)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for returning the item.")})
    with transaction.atomic():
        _transition(suggestion, "return", actor=actor, note=reason, return_reason=reason)
        if suggestion.lead_deputy.user_id:
            notify(
                suggestion.lead_deputy.user,
                key=f"suggestion:{suggestion.pk}:returned:{timezone.now():%Y%m%d%H%M%S}",
                title=_("Returned: %(title)s") % {"title": suggestion.title},
                body=reason,
                url=f"/portal/suggestions/{suggestion.pk}/",
            )
    return suggestion


def suggestion_convert_to_suggestion(*, actor, suggestion: Suggestion, note: str = "") -> Suggestion:
    """A motion the presidium does not put on the agenda is handled as a suggestion."""
    require_staff(actor, suggestion)
    if suggestion.kind != Suggestion.Kind.MOTION:
        raise InvalidTransition(_("Only a motion can be turned into a suggestion."))
    with transaction.atomic():
        _transition(
            suggestion, "convert", actor=actor, note=note, kind=Suggestion.Kind.SUGGESTION, converted_from_motion=True
        )
    return suggestion


def suggestion_merge(*, actor, suggestion: Suggestion, into: Suggestion, note: str = "") -> Suggestion:
    """Merge a duplicate into another item (并案); the deputies of both are answered by its replies."""
    require_staff(actor, suggestion)
    if into.pk == suggestion.pk or into.congress_id != suggestion.congress_id:
        raise ValidationError(_("Choose another item of the same congress to merge into."))
    if into.status in {S.DRAFT, S.RETURNED, S.MERGED}:
        raise InvalidTransition(_("The target item must be submitted or further along."))
    with transaction.atomic():
        _transition(suggestion, "merge", actor=actor, note=note or str(into), merged_into=into)
        _event(into, "merged_in", actor=actor, note=str(suggestion))
    return suggestion


# --- Assignment and handling --------------------------------------------------------------------


def check_assignment_roles(suggestion: Suggestion, new_roles: list[str]) -> None:
    """Every assignment has exactly one lead unit (主办), with joint (会办) and assisting (协办)
    units beside it; or only separate units (分办), each replying for its own part."""
    R = Assignment.Role
    roles_all = list(suggestion.assignments.exclude(status=A.WITHDRAWN).values_list("role", flat=True)) + list(
        new_roles
    )
    leads = roles_all.count(R.LEAD)
    if leads > 1:
        raise ValidationError(_("An item has one lead unit at most."))
    if R.SEPARATE in roles_all and len(set(roles_all)) > 1:
        raise ValidationError(
            _("Separate units each reply for their own part: do not mix them with a lead, joint or assisting unit.")
        )
    if not leads and ({R.JOINT, R.ASSISTING} & set(roles_all)):
        raise ValidationError(
            _(
                "A joint or assisting unit works beside a lead unit: choose one lead unit, "
                "or assign only separate units that each reply for their part."
            )
        )


def suggestion_assign(
    *,
    actor,
    suggestion: Suggestion,
    units_roles: list[tuple],
    assigned_on: datetime.date | None = None,
    pre_assignment: bool = False,
) -> list[Assignment]:
    """Assign to units with roles (lead, joint, assisting, separate). There is one lead at most."""
    require_staff(actor, suggestion)
    assigned_on = assigned_on or timezone.localdate()
    if not units_roles:
        raise ValidationError(_("Choose at least one unit."))
    check_assignment_roles(suggestion, [role for _unit, role in units_roles])
    deadline = reply_deadline(assigned_on, broad=suggestion.is_broad)
    # An assisting unit's written view is due to the lead unit much sooner (often one month).
    view_due = min(deadline, assigned_on + relativedelta(months=settings.PROPOSALS_ASSIST_VIEW_MONTHS))
    window = add_workdays(assigned_on, settings.PROPOSALS_REASSIGN_WORKDAYS)
    created = []
    with transaction.atomic():
        _transition(
            suggestion,
            "assign",
            actor=actor,
            note="、".join(f"{u}（{Assignment.Role(r).label}）" for u, r in units_roles),
        )
        for unit, role in units_roles:
            if unit.congress_id != suggestion.congress_id:
                raise ValidationError(_("%(unit)s is not a unit of this congress.") % {"unit": unit})
            if suggestion.assignments.filter(unit=unit).exclude(status=A.WITHDRAWN).exists():
                raise ValidationError(_("%(unit)s already handles this item.") % {"unit": unit})
            created.append(
                Assignment.objects.create(
                    suggestion=suggestion,
                    unit=unit,
                    role=role,
                    assigned_on=assigned_on,
                    deadline=view_due if role == Assignment.Role.ASSISTING else deadline,
                    reassign_window_ends=window,
                    pre_assignment=pre_assignment,
                    assigned_by=actor,
                )
            )
        for assignment in created:
            for officer in assignment.unit.officers.filter(is_active=True):
                notify(
                    officer,
                    key=f"assignment:{assignment.pk}:received",
                    title=_("New assignment (%(role)s): %(title)s")
                    % {"role": assignment.get_role_display(), "title": suggestion.title},
                    body=(
                        _("Send your written view to the lead unit by %(date)s.") % {"date": view_due}
                        if assignment.role == Assignment.Role.ASSISTING
                        else _("Reply due on %(date)s; re-assignment may be requested until %(window)s.")
                        % {"date": deadline, "window": window}
                    ),
                    url=f"/unit/assignments/{assignment.pk}/",
                )
    return created


def assignment_receive(*, actor, assignment: Assignment) -> None:
    """The unit opens its assignment for the first time (the receipt time is kept)."""
    require_unit_officer(actor, assignment)
    Assignment.objects.filter(pk=assignment.pk, received_at__isnull=True).update(received_at=timezone.now())


def assignment_request_reassign(*, actor, assignment: Assignment, reason: str, today=None) -> Assignment:
    """Within the window (working days after assignment) a unit may say it is the wrong unit."""
    require_unit_officer(actor, assignment)
    today = today or timezone.localdate()
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why this unit is not the right one.")})
    if today > assignment.reassign_window_ends:
        raise InvalidTransition(
            _("The window for re-assignment requests closed on %(date)s.") % {"date": assignment.reassign_window_ends}
        )
    with transaction.atomic():
        try:
            workflow.ASSIGNMENT.run(
                assignment, "request_reassign", actor=actor, role=UNIT, updates={"reassign_reason": reason}
            )
        except InvalidTransition:
            raise InvalidTransition(_("A re-assignment can only be requested before replying."))
        _event(assignment.suggestion, "reassign_requested", actor=actor, note=f"{assignment.unit}: {reason}")
    return assignment


def assignment_decide_reassign(
    *, actor, assignment: Assignment, grant: bool, new_unit=None, note: str = ""
) -> Assignment | None:
    """Staff grant (the assignment is withdrawn; optionally a new unit takes it with fresh deadlines) or refuse."""
    suggestion = assignment.suggestion
    require_staff(actor, suggestion)
    with transaction.atomic():
        try:
            workflow.ASSIGNMENT.run(
                assignment, "grant_reassign" if grant else "refuse_reassign", actor=actor, role=STAFF
            )
        except InvalidTransition:
            raise InvalidTransition(_("There is no open re-assignment request."))
        if not grant:
            _event(suggestion, "reassign_refused", actor=actor, note=note)
            return None
        _transition(suggestion, "reassign", actor=actor, note=f"{assignment.unit} → {new_unit or '—'} {note}".strip())
        if new_unit is not None:
            if new_unit.congress_id != suggestion.congress_id:
                raise ValidationError({"new_unit": _("%(unit)s is not a unit of this congress.") % {"unit": new_unit}})
            if suggestion.assignments.filter(unit=new_unit).exclude(status=A.WITHDRAWN).exists():
                raise ValidationError({"new_unit": _("%(unit)s already handles this item.") % {"unit": new_unit}})
            return suggestion_assign_after_reassign(
                actor=actor, suggestion=suggestion, unit=new_unit, role=assignment.role
            )
    return None


def suggestion_assign_after_reassign(*, actor, suggestion, unit, role) -> Assignment:
    today = timezone.localdate()
    assignment = Assignment.objects.create(
        suggestion=suggestion,
        unit=unit,
        role=role,
        assigned_on=today,
        deadline=min(
            reply_deadline(today, broad=suggestion.is_broad),
            today + relativedelta(months=settings.PROPOSALS_ASSIST_VIEW_MONTHS),
        )
        if role == Assignment.Role.ASSISTING
        else reply_deadline(today, broad=suggestion.is_broad),
        reassign_window_ends=add_workdays(today, settings.PROPOSALS_REASSIGN_WORKDAYS),
        assigned_by=actor,
    )
    public_pages_changed()  # the new unit appears on the item's public page, reply pending
    for officer in unit.officers.filter(is_active=True):
        notify(
            officer,
            key=f"assignment:{assignment.pk}:received",
            title=_("New assignment (%(role)s): %(title)s")
            % {"role": assignment.get_role_display(), "title": suggestion.title},
            url=f"/unit/assignments/{assignment.pk}/",
        )
    return assignment


def contact_log_add(
    *, actor, assignment: Assignment, stage: str, method: str, contacted_on: datetime.date, note: str
) -> ContactLog:
    require_unit_officer(actor, assignment)
    note = clean_text(note)
    if not note:
        raise ValidationError({"note": _("Write down what was discussed.")})
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        log = ContactLog.objects.create(
            assignment=assignment, stage=stage, method=method, contacted_on=contacted_on, note=note, recorded_by=actor
        )
        _event(assignment.suggestion, "contact", actor=actor, note=f"{assignment.unit}: {log.get_method_display()}")
    return log


def _required_assignments(suggestion):
    # Assisting units send their view to the lead unit and joint units co-sign the lead unit's
    # reply: only the lead unit and separate units reply to the deputy.
    return suggestion.assignments.exclude(status=A.WITHDRAWN).filter(
        role__in=[Assignment.Role.LEAD, Assignment.Role.SEPARATE]
    )


def _joint_assignments(suggestion):
    return suggestion.assignments.exclude(status=A.WITHDRAWN).filter(role=Assignment.Role.JOINT)


def _unsent_reply(assignment: Assignment) -> Reply | None:
    """The lead unit's reply still with its joint units (co-signing) or returned by one of them."""
    return Reply.all_objects.filter(assignment=assignment).exclude(status=Reply.Status.SENT).order_by("-round").first()


# The signed reply letter is a PDF or a scan of the stamped paper letter, never an editable file.
LETTER_TYPES = ("application/pdf", "image/jpeg", "image/png")


def reply_errors(
    *,
    assignment: Assignment,
    category: ReplyCategory | None,
    text: str,
    signer: str,
    replied_on: datetime.date | None,
    commitments=(),
    letter=None,
    confirmed: bool = False,
) -> dict:
    """Every reason the reply cannot be accepted, by field, all at once (nothing is written).
    The letter, when given, is checked by its content through core's upload checks; the
    officer's confirmation tick (the reply is official and cannot be withdrawn) is one of them."""
    from core.uploads import check_upload

    text, signer = clean_text(text or ""), clean_text(signer or "")
    errors: dict[str, str] = {}
    if category is None:
        errors["category"] = _("Choose the reply category.")
    if not text:
        errors["text"] = _("Enter the reply text.")
    elif len(text) < settings.PROPOSALS_REPLY_MIN_CHARS:
        errors["text"] = _(
            "The reply text is too short (%(n)d characters): an official reply says what was done and why, "
            "in at least %(min)d characters."
        ) % {"n": len(text), "min": settings.PROPOSALS_REPLY_MIN_CHARS}
    if not signer:
        errors["signer"] = _("Enter who signed the reply.")
    if replied_on is None:
        errors["replied_on"] = _("Enter the reply date.")
    elif replied_on > timezone.localdate():
        errors["replied_on"] = _("The reply date cannot be in the future.")
    if category is not None and category.creates_commitment and not commitments:
        errors["commitments"] = _("This reply category promises action: list what was promised and by when.")
    for content, due in commitments:
        if not content.strip() or due is None:
            errors["commitments"] = _("Each commitment needs a text and a due date.")
    if letter is None:
        errors["letter"] = _("Attach the signed and stamped reply letter (a PDF or a scan).")
    else:
        try:
            check_upload(letter, max_bytes=settings.PROPOSALS_ATTACHMENT_MAX_BYTES, allowed=LETTER_TYPES)
        except ValidationError as exc:
            errors["letter"] = " ".join(exc.messages)
    if not confirmed:
        errors["confirm"] = _(
            "Tick the box to confirm that the reply and the letter are checked: the official reply cannot be "
            "withdrawn once sent."
        )
    if assignment.role == Assignment.Role.ASSISTING:
        errors["__all__"] = _(
            "An assisting unit sends its written view to the lead unit; it does not reply to the deputy."
        )
    elif assignment.role == Assignment.Role.JOINT:
        errors["__all__"] = _("A joint unit co-signs the lead unit's reply; it does not reply to the deputy itself.")
    elif Reply.all_objects.filter(assignment=assignment, status=Reply.Status.COSIGNING).exists():
        errors["__all__"] = _(
            "Your reply is with the joint units for their co-signature; you can revise it only if one returns it."
        )
    elif settings.PROPOSALS_REPLY_NEEDS_CONTACT and not assignment.contacts.exists():
        errors["__all__"] = _("Record your contact with the deputy (below, on the assignment page) before replying.")
    return errors


def reply_submit(
    *,
    actor,
    assignment: Assignment,
    category: ReplyCategory | None,
    text: str,
    signer: str,
    replied_on: datetime.date | None,
    commitments: list[tuple[str, datetime.date]] = (),
    letter=None,
    confirmed: bool = False,
) -> Reply:
    """A unit replies (first time, or again after an unsatisfied rating) with the reply text and
    the signed letter, after recording its contact with the deputy. A lead unit with joint units
    (会办) sends its reply to them first: it reaches the deputy when every joint unit has co-signed
    it (``reply_cosign``); a reply a joint unit returned is revised in place, so that a round stays
    one reply to the deputy. When every unit that must reply has replied, the suggestion becomes
    "replied" and the lead deputy is asked to rate; the confirmed co-signers are told."""
    require_unit_officer(actor, assignment)
    errors = reply_errors(
        assignment=assignment,
        category=category,
        text=text,
        signer=signer,
        replied_on=replied_on,
        commitments=commitments,
        letter=letter,
        confirmed=confirmed,
    )
    if errors:
        raise ValidationError(errors)
    text, signer = clean_text(text), clean_text(signer)
    suggestion = assignment.suggestion
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status not in {A.ASSIGNED, A.REHANDLING}:
            raise InvalidTransition(_("This assignment is not waiting for a reply."))
        if (
            suggestion.status not in workflow.HANDLING
            and Suggestion.objects.get(pk=suggestion.pk).status not in workflow.HANDLING
        ):
            raise InvalidTransition(_("This item is not being handled."))
        joint = (
            list(_joint_assignments(suggestion).select_related("unit")) if locked.role == Assignment.Role.LEAD else []
        )
        fields = {
            "category": category,
            "text": text,
            "signer": signer,
            "replied_on": replied_on,
            "created_by": actor,
            "created_at": timezone.now(),
            "on_time": replied_on <= locked.deadline,
        }
        returned = _unsent_reply(locked)
        if returned is not None and returned.status == Reply.Status.COSIGNING:
            raise InvalidTransition(_("Your reply is with the joint units for their co-signature."))
        if returned is not None:
            # The revision of a reply a joint unit returned: the same round, its text, commitments and letter replaced.
            reply = returned
            for name, value in fields.items():
                setattr(reply, name, value)
            reply.save(update_fields=list(fields))
            workflow.REPLY.run(reply, "resubmit", actor=actor, role=UNIT)
            reply.commitments.all().delete()
            old_letters = list(reply.attachments.all())
            for old in old_letters:
                name = old.file.name
                old.delete()
                transaction.on_commit(lambda name=name, storage=old.file.storage: storage.delete(name))
        else:
            last = (
                Reply.all_objects.filter(assignment=locked).order_by("-round").values_list("round", flat=True).first()
            )
            reply = Reply.objects.create(
                assignment=locked,
                round=(last or 0) + 1,
                status=Reply.Status.COSIGNING if joint else Reply.Status.SENT,
                **fields,
            )
        for content, due in commitments:
            Commitment.objects.create(reply=reply, content=clean_text(content), due_date=due)
        # In the same transaction: a file refused on storing leaves no reply behind.
        attachment_add(actor=actor, suggestion=suggestion, upload=letter, reply=reply, allowed=LETTER_TYPES)
        if joint:
            _start_cosigning(reply, locked, joint, actor=actor)
        else:
            _send_reply(reply, locked, actor=actor)
    return reply


def _start_cosigning(reply: Reply, lead: Assignment, joint: list[Assignment], *, actor) -> None:
    """Each joint unit is asked to co-sign the lead unit's reply (会签); its officers are told."""
    suggestion = lead.suggestion
    for assignment in joint:
        earlier = ReplyCoSignature.objects.filter(reply=reply, assignment=assignment).first()
        if earlier is None:
            ReplyCoSignature.objects.create(reply=reply, assignment=assignment)
        elif earlier.status != ReplyCoSignature.Status.PENDING:
            # The revised version of a returned reply: every joint unit signs it afresh.
            workflow.COSIGNATURE.run(
                earlier, "reopen", actor=actor, role=UNIT, updates={"opinion": "", "signed_by": None, "signed_at": None}
            )
        for officer in assignment.unit.officers.filter(is_active=True):
            notify(
                officer,
                key=f"reply:{reply.pk}:cosign:{assignment.pk}:{reply.created_at.timestamp():.0f}",
                title=_("Co-sign the reply of %(unit)s: %(title)s")
                % {"unit": lead.unit.name, "title": suggestion.title},
                body=_("The lead unit's reply reaches the deputy when every joint unit has co-signed it."),
                url=f"/unit/assignments/{assignment.pk}/",
            )
    _event(suggestion, "reply_cosigning", actor=actor, note=f"{lead.unit}: {reply.category.code}")


def _send_reply(reply: Reply, lead: Assignment, *, actor) -> None:
    """The reply reaches the deputy: the unit's assignment is replied, and once every unit that
    must reply has replied, the suggestion is "replied" and the lead deputy asked to rate."""
    suggestion = lead.suggestion
    workflow.ASSIGNMENT.run(
        lead, "reply", actor=actor, role=UNIT, updates={"first_replied_on": lead.first_replied_on or reply.replied_on}
    )
    _event(suggestion, "unit_replied", actor=actor, note=f"{lead.unit}: {reply.category.code}")
    pending = _required_assignments(suggestion).exclude(status__in=[A.REPLIED, A.DONE]).exists()
    if not pending:
        _transition(suggestion, "reply", actor=actor, role=SYSTEM)
        if suggestion.lead_deputy.user_id:
            notify(
                suggestion.lead_deputy.user,
                key=f"suggestion:{suggestion.pk}:replied:{reply.round}",
                title=_("Reply received: %(title)s") % {"title": suggestion.title},
                body=_("Please rate the reply in the portal."),
                url=f"/portal/suggestions/{suggestion.pk}/",
            )
    _tell_cosigners(suggestion, reply, lead)
    _reindex(suggestion)


def _lock_cosignature(actor, cosignature: ReplyCoSignature) -> tuple[ReplyCoSignature, Reply]:
    require_unit_officer(actor, cosignature.assignment)
    reply = Reply.all_objects.select_for_update().select_related("assignment", "category").get(pk=cosignature.reply_id)
    locked = ReplyCoSignature.objects.select_for_update().select_related("assignment__unit").get(pk=cosignature.pk)
    if reply.status != Reply.Status.COSIGNING or locked.status != ReplyCoSignature.Status.PENDING:
        raise InvalidTransition(_("This reply is not waiting for your unit's co-signature."))
    if locked.assignment.status == A.WITHDRAWN:
        raise InvalidTransition(_("Your unit's assignment was withdrawn."))
    return locked, reply


def reply_cosign(*, actor, cosignature: ReplyCoSignature) -> ReplyCoSignature:
    """A joint unit co-signs the lead unit's reply; the last co-signature sends it to the deputy."""
    with transaction.atomic():
        locked, reply = _lock_cosignature(actor, cosignature)
        workflow.COSIGNATURE.run(
            locked, "sign", actor=actor, role=UNIT, updates={"signed_by": actor, "signed_at": timezone.now()}
        )
        joint = locked.assignment
        if joint.status == A.ASSIGNED:
            workflow.ASSIGNMENT.run(joint, "cosign", actor=actor, role=UNIT)
        suggestion = reply.assignment.suggestion
        _event(suggestion, "reply_cosigned", actor=actor, note=str(joint.unit))
        waiting = (
            ReplyCoSignature.objects.filter(reply=reply, status=ReplyCoSignature.Status.PENDING)
            .exclude(assignment__status=A.WITHDRAWN)
            .exists()
        )
        if not waiting:
            workflow.REPLY.run(reply, "send", actor=actor, role=UNIT)
            lead = (
                Assignment.objects.select_for_update().select_related("unit", "suggestion").get(pk=reply.assignment_id)
            )
            _send_reply(reply, lead, actor=actor)
    return locked


def reply_return(*, actor, cosignature: ReplyCoSignature, opinion: str) -> ReplyCoSignature:
    """A joint unit returns the lead unit's reply with its opinion: the lead unit revises it and
    sends it to every joint unit again; the deputy sees nothing of it."""
    opinion = clean_text(opinion or "")
    if not opinion:
        raise ValidationError({"opinion": _("Say what the lead unit should change in its reply.")})
    with transaction.atomic():
        locked, reply = _lock_cosignature(actor, cosignature)
        workflow.COSIGNATURE.run(
            locked,
            "return",
            actor=actor,
            role=UNIT,
            updates={"opinion": opinion, "signed_by": actor, "signed_at": timezone.now()},
        )
        workflow.REPLY.run(reply, "return", actor=actor, role=UNIT)
        lead = reply.assignment
        suggestion = lead.suggestion
        _event(suggestion, "reply_returned", actor=actor, note=f"{locked.assignment.unit}: {opinion}")
        for officer in lead.unit.officers.filter(is_active=True):
            notify(
                officer,
                key=f"reply:{reply.pk}:returned:{locked.pk}:{locked.signed_at.timestamp():.0f}",
                title=_("%(unit)s returned your reply: %(title)s")
                % {"unit": locked.assignment.unit.name, "title": suggestion.title},
                body=opinion,
                url=f"/unit/assignments/{lead.pk}/reply/",
            )
    return locked


def _tell_cosigners(suggestion: Suggestion, reply: Reply, assignment: Assignment) -> None:
    """Co-signers read every unit's reply in the portal; the lead deputy's rating drives the workflow."""
    cosigners = CoSigner.objects.filter(
        suggestion=suggestion, status=CoSigner.Status.CONFIRMED, deputy__user__isnull=False
    ).select_related("deputy__user")
    for cosigner in cosigners:
        notify(
            cosigner.deputy.user,
            key=f"reply:{reply.pk}:cosigner:{cosigner.deputy_id}",
            title=_("%(unit)s replied to a suggestion you co-signed: %(title)s")
            % {"unit": assignment.unit.name, "title": suggestion.title},
            body=_("The lead deputy rates the reply; you can read it and the signed letter in the portal."),
            url=f"/portal/suggestions/{suggestion.pk}/",
        )


def reply_rate(*, actor, reply: Reply, value: str, comment: str = "") -> Rating:
    """The lead deputy rates a reply, in person. Unsatisfied sends that unit back to handle it again
    within the re-handling period; when every latest reply is rated, the suggestion is "rated"."""
    assignment = reply.assignment
    suggestion = assignment.suggestion
    if not is_lead_deputy(actor, suggestion):
        # Rating on a deputy's behalf is a known abuse: staff and units are refused, always.
        raise NotAllowed(_("Only the lead deputy may rate a reply, in person."))
    if value not in Rating.Value.values:
        raise ValidationError({"value": _("Choose satisfied, basically satisfied or unsatisfied.")})
    comment = clean_text(comment)
    if value == Rating.Value.UNSATISFIED and not comment:
        raise ValidationError({"comment": _("Say what is unsatisfactory, so the unit can handle it again.")})
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status != A.REPLIED or reply.status != Reply.Status.SENT:
            raise InvalidTransition(_("This unit's reply is not waiting for a rating."))
        latest = locked.replies.order_by("-round").first()
        if latest is None or latest.pk != reply.pk:
            raise InvalidTransition(_("Only the latest reply can be rated."))
        if Rating.objects.filter(reply=reply, deputy=suggestion.lead_deputy).exists():
            raise InvalidTransition(_("This reply has already been rated."))
        rating = Rating.objects.create(
            reply=reply, deputy=suggestion.lead_deputy, value=value, comment=comment, rated_by=actor
        )
        _event(suggestion, "rated", actor=actor, note=f"{assignment.unit}: {rating.get_value_display()}")
        status = Suggestion.objects.filter(pk=suggestion.pk).values_list("status", flat=True).first()
        if value == Rating.Value.UNSATISFIED:
            new_deadline = timezone.localdate() + relativedelta(months=settings.PROPOSALS_REHANDLE_MONTHS)
            workflow.ASSIGNMENT.run(locked, "rehandle", actor=actor, role=DEPUTY, updates={"deadline": new_deadline})
            if status != S.REHANDLING:
                _transition(suggestion, "rehandle", actor=actor, role=SYSTEM, note=comment)
            for officer in assignment.unit.officers.filter(is_active=True):
                notify(
                    officer,
                    key=f"assignment:{assignment.pk}:rehandle:{reply.round}",
                    title=_("Unsatisfied: handle again by %(date)s: %(title)s")
                    % {"date": new_deadline, "title": suggestion.title},
                    body=comment,
                    url=f"/unit/assignments/{assignment.pk}/",
                )
        else:
            workflow.ASSIGNMENT.run(locked, "done", actor=actor, role=DEPUTY)
            # Every unit that must reply has a satisfied or basically satisfied latest reply.
            if status == S.REPLIED and not _required_assignments(suggestion).exclude(status=A.DONE).exists():
                _transition(suggestion, "rate", actor=actor, role=SYSTEM)
    return rating


def suggestion_close(*, actor, suggestion: Suggestion, publish: bool = False, note: str = "") -> Suggestion:
    require_staff(actor, suggestion)
    with transaction.atomic():
        _transition(suggestion, "close", actor=actor, note=note)
        if publish:
            suggestion_set_published(actor=actor, suggestion=suggestion, published=True)
    return suggestion


def suggestion_set_published(*, actor, suggestion: Suggestion, published: bool) -> Suggestion:
    """Publish a handled item with its replies (attachments only where cleared for publication)."""
    require_staff(actor, suggestion)
    try:
        workflow.SUGGESTION.run(
            suggestion,
            "published" if published else "unpublished",
            actor=actor,
            role=STAFF,
            updates={"published": published, "published_at": timezone.now() if published else None},
        )
    except InvalidTransition:
        raise InvalidTransition(_("Only an item that has been replied to can be published."))
    public_pages_changed()
    return suggestion


# --- Commitments, key supervision ----------------------------------------------------------------


def commitment_progress_add(
    *, actor, commitment: Commitment, note: str, fulfilled: bool = False, reported_on: datetime.date | None = None
) -> CommitmentProgress:
    require_unit_officer(actor, commitment.reply.assignment)
    note = clean_text(note)
    if not note:
        raise ValidationError({"note": _("Describe the progress.")})
    reported_on = reported_on or timezone.localdate()
    with transaction.atomic():
        if (
            Commitment.objects.filter(pk=commitment.pk).values_list("status", flat=True).first()
            != Commitment.Status.OPEN
        ):
            raise InvalidTransition(_("This commitment is no longer open."))
        progress = CommitmentProgress.objects.create(
            commitment=commitment, reported_on=reported_on, note=note, reported_by=actor
        )
        if fulfilled:
            workflow.COMMITMENT.run(commitment, "fulfil", actor=actor, role=UNIT, updates={"fulfilled_on": reported_on})
        suggestion = commitment.reply.assignment.suggestion
        _event(suggestion, "commitment_progress", actor=actor, note=note[:200])
        if suggestion.lead_deputy.user_id:
            notify(
                suggestion.lead_deputy.user,
                key=f"commitment:{commitment.pk}:progress:{progress.pk}",
                title=_("Progress on a promise: %(title)s") % {"title": suggestion.title},
                body=note,
                url=f"/portal/suggestions/{suggestion.pk}/",
            )
    return progress


def key_supervision_select(
    *,
    actor,
    suggestion: Suggestion,
    sc_leader,
    government_leader: str,
    committee: str,
    selected_on: datetime.date | None = None,
) -> KeySupervision:
    require_staff(actor, suggestion)
    if not workflow.SUGGESTION.can("key_supervision", status=suggestion.status, roles=STAFF):
        raise InvalidTransition(_("Only an accepted item can be chosen for key supervision."))
    if not sc_leader.is_leader:
        raise ValidationError({"sc_leader": _("Choose a director or deputy director of the standing committee.")})
    selected_on = selected_on or timezone.localdate()
    if KeySupervision.objects.filter(suggestion=suggestion).exists():
        raise InvalidTransition(_("This item is already under key supervision."))
    with transaction.atomic():
        supervision = KeySupervision.objects.create(
            suggestion=suggestion,
            year=selected_on.year,
            sc_leader=sc_leader,
            government_leader=clean_text(government_leader),
            committee=clean_text(committee),
            selected_on=selected_on,
        )
        try:
            workflow.SUGGESTION.run(suggestion, "key_supervision", actor=actor, role=STAFF, note=str(sc_leader))
            public_pages_changed()
        except InvalidTransition:
            raise InvalidTransition(_("Only an accepted item can be chosen for key supervision."))
    return supervision


def key_supervision_progress_add(
    *, actor, supervision: KeySupervision, note: str, reported_on: datetime.date | None = None
) -> KeySupervisionProgress:
    require_staff(actor, supervision.suggestion)
    note = clean_text(note)
    if not note:
        raise ValidationError({"note": _("Describe the progress.")})
    with transaction.atomic():
        progress = KeySupervisionProgress.objects.create(
            supervision=supervision, reported_on=reported_on or timezone.localdate(), note=note, reported_by=actor
        )
        _event(supervision.suggestion, "key_supervision_progress", actor=actor, note=note[:200])
    return progress


def attachment_set_public(*, actor, attachment: Attachment, public: bool) -> Attachment:
    """Staff clear a file for the public page (or withdraw it); recorded on the item's timeline."""
    require_staff(actor, attachment.suggestion)
    with transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(public=public)
        _event(
            attachment.suggestion,
            "attachment_public" if public else "attachment_private",
            actor=actor,
            note=attachment.original_name,
        )
    attachment.public = public
    return attachment


def third_party_evaluation_add(
    *, actor, reply: Reply, evaluator: str, evaluated_on: datetime.date, conclusion: str, score: int | None = None
) -> ThirdPartyEvaluation:
    """Record a third-party evaluation (第三方评估) of a reply the deputy rated unsatisfied. Staff only."""
    suggestion = reply.assignment.suggestion
    require_staff(actor, suggestion)
    evaluator, conclusion = clean_text(evaluator), clean_text(conclusion)
    errors = {}
    if not evaluator:
        errors["evaluator"] = _("Name the evaluator.")
    if not conclusion:
        errors["conclusion"] = _("Write down the evaluation's conclusion.")
    if evaluated_on > timezone.localdate():
        errors["evaluated_on"] = _("The date cannot be in the future.")
    if score is not None and not 0 <= score <= 100:
        errors["score"] = _("The score is between 0 and 100.")
    if errors:
        raise ValidationError(errors)
    if not Rating.objects.filter(reply=reply, value=Rating.Value.UNSATISFIED).exists():
        raise InvalidTransition(_("A third-party evaluation is recorded for a reply the deputy rated unsatisfied."))
    with transaction.atomic():
        evaluation = ThirdPartyEvaluation.objects.create(
            reply=reply, evaluator=evaluator[:100], evaluated_on=evaluated_on, conclusion=conclusion, score=score
        )
        _event(suggestion, "third_party_evaluation", actor=actor, note=f"{reply.assignment.unit}: {evaluator}"[:200])
    return evaluation


def safe_file_name(name: str) -> str:
    stem, suffix = Path(name or "file").stem, Path(name or "").suffix.lower()
    stem = get_valid_filename(stem.replace("/", "_").replace("\\", "_")) or "file"
    return f"{stem[:80]}{suffix[:8]}"
