"""The view kit every app's views use: service errors onto forms, one way to run a
form action, a safe next URL, one download response, pagination and a deadline's days.
The templates that go with it are in ``templates/includes/`` (pagination, form_errors,
action_form, deadline, status_pill).

A refused action (a ValidationError or InvalidTransition from a service) re-renders the
page with the message next to the field, answering 200 like any form with errors; an
action the user may not take (NotAllowed, PermissionDenied) answers 403. Every view
uses the same rule through ``refusal_status``.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

import filetype
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

REFUSED = 200
FORBIDDEN = 403

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv"


def refusal_status(exc: Exception) -> int:
    """403 for an action the user may not take (NotAllowed, PermissionDenied); 200 for any other refusal."""
    return FORBIDDEN if isinstance(exc, PermissionDenied) else REFUSED


def refusal_messages(exc: Exception) -> list[str]:
    """The words of a refusal, as a list of messages to show."""
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc) or _("You may not do this.")]


def add_service_errors(
    form, exc: Exception, *, field_map: dict | None = None, leftovers_on_form: bool = False
) -> list[str]:
    """Put a service's error on the form, on the field it names; return errors no field takes.

    ``field_map`` renames the service's field names to the form's (a name mapped to None
    goes to the top of the form). With ``leftovers_on_form`` the errors no field takes go to
    the top of the form as well, and nothing is returned.
    """
    field_map = field_map or {}
    leftover: list[str] = []
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = field_map.get(name, name)
            if target in form.fields:
                form.add_error(target, errors)
            elif target is None or target == "__all__":
                form.add_error(None, errors)
            else:
                leftover.extend(errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc) or _("You may not do this."))
    if leftovers_on_form and leftover:
        form.add_error(None, leftover)
        return []
    return leftover


@dataclass
class ActionResult:
    ok: bool
    value: Any = None
    status: int = REFUSED
    errors: list[str] = field(default_factory=list)


def run_action(form, run, *, field_map: dict | None = None, leftovers_on_form: bool = False) -> ActionResult:
    """Validate ``form`` and call ``run(cleaned_data)``, a service call.

    On success ``ok`` is true and ``value`` holds what the service returned. On bad input
    or a refusal the errors are on the form (as typed, nothing saved), ``errors`` holds
    those no field takes (see ``add_service_errors``), and ``status`` is what the page
    should answer (``refusal_status``).
    """
    if not form.is_valid():
        return ActionResult(ok=False)
    try:
        value = run(form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        leftover = add_service_errors(form, exc, field_map=field_map, leftovers_on_form=leftovers_on_form)
        return ActionResult(ok=False, status=refusal_status(exc), errors=leftover)
    return ActionResult(ok=True, value=value, status=200)


def safe_next_url(request, value: str | None, fallback: str) -> str:
    """``value`` if it points back into this site, else ``fallback`` (no open redirects)."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return fallback


def safe_filename(text: str, *, limit: int = 80) -> str:
    """A download name without characters Windows or a header would choke on, at most ``limit`` long.

    A long name is shortened before its extension, so ``….pdf`` still opens as a PDF.
    """
    name = "".join(ch for ch in text if ch not in '\\/:*?"<>|\r\n\t')
    if len(name) > limit:
        stem, dot, suffix = name.rpartition(".")
        if dot and stem and 0 < len(suffix) <= 8:
            name = f"{stem[: limit - len(suffix) - 1]}.{suffix}"
        else:
            name = name[:limit]
    return name or "file"


def _sniff_type(head: bytes) -> str:
    kind = filetype.guess(head)
    if kind is None:
        return "application/octet-stream"
    if kind.mime == "application/zip" and head[:2] == b"PK":
        return "application/octet-stream"
    return kind.mime


def download_response(content, *, filename: str, content_type: str | None = None, private: bool = True):
    """A file the browser saves, never shows: ``Content-Disposition: attachment`` and ``nosniff``.

    ``content`` is bytes (a document built in memory, answered as is) or an open binary file
    (streamed). Without ``content_type`` the type is judged from the content itself, never
    from the name a user gave the file. ``private=False`` lets a shared cache keep it, revalidated.
    """
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(bytes(content), content_type=content_type or _sniff_type(content[:262]))
        response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    else:
        if content_type is None:
            position = content.tell()
            content_type = _sniff_type(content.read(262))
            content.seek(position)
        response = FileResponse(
            content, as_attachment=True, filename=safe_filename(filename), content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if private else "no-cache"
    return response


def paginate(request, queryset, *, param: str = "page", size: int = 20):
    """A page of ``queryset`` (evaluated), with ``prev_url`` and ``next_url`` that keep the other parameters.

    ``templates/includes/pagination.html`` renders it.
    """
    page = Paginator(queryset, size).get_page(request.GET.get(param))
    page.object_list = list(page.object_list)

    def link(number):
        query = request.GET.copy()
        query[param] = number
        return "?" + query.urlencode()

    page.prev_url = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = link(page.next_page_number()) if page.has_next() else ""
    page.first_url = link(1) if page.number > 1 else ""
    page.last_url = link(page.paginator.num_pages) if page.number < page.paginator.num_pages else ""
    return page


def deadline_info(deadline, today=None, *, awaiting: bool = True) -> dict | None:
    """What ``templates/includes/deadline.html`` shows of a deadline, in calendar days; None without one.

    ``left`` is negative once the day has passed (``overdue_by`` then counts the days late);
    ``soon`` is the last fortnight. A deadline that is no longer ``awaiting`` anything (the
    reply came) shows as its date only.
    """
    if not deadline:
        return None
    if isinstance(deadline, datetime.datetime):
        deadline = timezone.localtime(deadline).date() if timezone.is_aware(deadline) else deadline.date()
    today = today or timezone.localdate()
    left = (deadline - today).days
    return {
        "date": deadline,
        "awaiting": awaiting,
        "left": left,
        "overdue_by": -left if left < 0 else 0,
        "soon": 0 <= left <= 15,
    }
