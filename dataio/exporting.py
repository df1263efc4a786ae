"""Controls on bulk exports of personal data: who may, how many rows, and the second person.

- Personal columns are the resource's masked fields (mobile, ID number, address) and the
  e-mail address. Only holders of ``dataio.export_personal_data`` (superusers implicitly)
  who may also see personal data get them; for everyone else they are left out of the
  file, so an export they run holds no personal data at all.
- Every export that holds personal columns writes ``EXPORT_PERSONAL`` (rows, model,
  columns, format; never the values).
- More than ``EXPORT_PERSONAL_MAX_ROWS`` rows with personal columns are refused
  (``EXPORT_REFUSED``) unless another person approved an ``ExportApproval`` for the same
  list; an approval is used once and expires after ``EXPORT_APPROVAL_HOURS``.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit
from accounts.models import SecurityEvent

from .models import ExportApproval

EXPORT_PERMISSION = "dataio.export_personal_data"
APPROVE_PERMISSION = "dataio.approve_personal_export"
# Contact data that is personal even where the resource does not mask it.
ALWAYS_PERSONAL = ("email",)


class ExportRefused(ValueError):
    """A personal-data export over the size limit without a valid approval; the message says why."""


def max_rows() -> int:
    return getattr(settings, "EXPORT_PERSONAL_MAX_ROWS", 500)


def approval_hours() -> int:
    return getattr(settings, "EXPORT_APPROVAL_HOURS", 24)


def may_export_personal(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(EXPORT_PERMISSION)
    )


def may_approve(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(APPROVE_PERMISSION)
    )


def query_description(request) -> str:
    """The list an export covers, as stable text: the changelist's query string (sorted)
    and, for an export of selected rows, a digest of their ids."""
    params = sorted((k, v) for k, values in request.GET.lists() for v in values)
    text = "&".join(f"{k}={v}" for k, v in params)
    selected = request.POST.getlist("export_items") if request.method == "POST" else []
    if selected:
        digest = hashlib.sha256(",".join(sorted(selected, key=str)).encode()).hexdigest()[:16]
        text = f"{text}&selected={len(selected)}:{digest}".lstrip("&")
    return text[:2000]


def over_limit(rows: int) -> bool:
    return rows > max_rows()


def refusal_message(rows: int) -> str:
    return _(
        "This export holds personal data of %(rows)d rows; at most %(max)d rows can be exported without"
        " approval. Nothing was exported. Narrow the list with the filters, leave out the personal columns,"
        " or request an approval below: another member of staff must approve it."
    ) % {"rows": rows, "max": max_rows()}


def refuse(request, user, *, model: str, rows: int, columns: list[str], fmt: str | None, query: str) -> None:
    audit(
        SecurityEvent.Kind.EXPORT_REFUSED,
        request=request,
        actor=user,
        model=model,
        rows=rows,
        columns=columns,
        format=fmt,
        query=query[:500] or None,
        limit=max_rows(),
    )


def valid_approvals(user, model: str, query: str, rows: int):
    return ExportApproval.objects.filter(
        requester=user,
        model=model,
        query=query,
        row_count__gte=rows,
        approved_at__isnull=False,
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("approved_at")


def claim_approval(user, model: str, query: str, rows: int) -> ExportApproval | None:
    """Use one valid approval for this export (once: a second export needs a new one)."""
    for approval in valid_approvals(user, model, query, rows):
        # A conditional update, so two simultaneous exports cannot both use it.
        if ExportApproval.objects.filter(pk=approval.pk, used_at__isnull=True).update(used_at=timezone.now()):
            approval.refresh_from_db()
            return approval
    return None


def file_request(user, *, model: str, query: str, rows: int, reason: str) -> ExportApproval:
    return ExportApproval.objects.create(requester=user, model=model, query=query, row_count=rows, reason=reason)


def approve(approval: ExportApproval, approver, request=None) -> str | None:
    """Approve ``approval``; None on success, otherwise why not (the approver's scope is the caller's)."""
    if not may_approve(approver):
        return _("You may not approve exports of personal data.")
    if approval.requester_id == approver.pk:
        return _("You cannot approve your own export request; another member of staff must approve it.")
    if approval.used_at:
        return _("This request was already used.")
    if approval.approved_at:
        return _("This request is already approved.")
    now = timezone.now()
    with transaction.atomic():
        updated = ExportApproval.objects.filter(pk=approval.pk, approved_at__isnull=True).update(
            approved_by=approver, approved_at=now, expires_at=now + datetime.timedelta(hours=approval_hours())
        )
        if not updated:
            return _("This request is already approved.")
        approval.refresh_from_db()
        audit(
            SecurityEvent.Kind.EXPORT_APPROVED,
            request=request,
            actor=approver,
            target_user=approval.requester,
            request_id=approval.pk,
            model=approval.model,
            rows=approval.row_count,
            query=approval.query[:500] or None,
        )
    return None
