"""The view kit every app's views use: service errors onto forms, one way to run a
form action, a safe next URL, one download response, and pagination.

A refused action (a ValidationError or InvalidTransition from a service) re-renders the
page with the message next to the field, answering 200 like any form with errors; an
action the user may not take (NotAllowed, PermissionDenied) answers 403. Every view
uses the same rule through ``refusal_status``.
"""

import io
from dataclasses import dataclass, field
from typing import Any

import filetype
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

REFUSED = 200
FORBIDDEN = 403

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv"


def refusal_status(exc: Exception) -> int:
    return FORBIDDEN if isinstance(exc, PermissionDenied) else REFUSED


def refusal_messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc) or _("You may not do this.")]


def add_service_errors(form, exc: Exception, *, field_map: dict | None = None) -> list[str]:
    """Put a service's error on the form, on the field it names; return errors no field takes."""
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
    return leftover


@dataclass
class ActionResult:
    ok: bool
    value: Any = None
    status: int = REFUSED
    errors: list[str] = field(default_factory=list)


def run_action(form, run, *, field_map: dict | None = None) -> ActionResult:
    """Validate ``form`` and call ``run(cleaned_data)``, a service call.

    On success ``ok`` is true and ``value`` holds what the service returned. On bad input
    or a refusal the errors are on the form (as typed, nothing saved), ``errors`` holds
    those no field takes, and ``status`` is what the page should answer.
    """
    if not form.is_valid():
        return ActionResult(ok=False)
    try:
        value = run(form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        leftover = add_service_errors(form, exc, field_map=field_map)
        return ActionResult(ok=False, status=refusal_status(exc), errors=leftover)
    return ActionResult(ok=True, value=value, status=200)


def safe_next_url(request, value: str | None, fallback: str) -> str:
    """``value`` if it points back into this site, else ``fallback`` (no open redirects)."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return fallback


def safe_filename(text: str) -> str:
    """A download name without characters Windows or a header would choke on."""
    return "".join(ch for ch in text if ch not in '\\/:*?"<>|\r\n\t')[:80] or "file"


def _sniff_type(head: bytes) -> str:
    kind = filetype.guess(head)
    if kind is None:
        return "application/octet-stream"
    if kind.mime == "application/zip" and head[:2] == b"PK":
        return "application/octet-stream"
    return kind.mime


def download_response(content, *, filename: str, content_type: str | None = None, private: bool = True):
    """A file the browser saves, never shows: ``Content-Disposition: attachment`` and ``nosniff``.

    ``content`` is bytes or an open binary file. Without ``content_type`` the type is judged
    from the content itself, never from the name a user gave the file.
    """
    handle = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
    if content_type is None:
        position = handle.tell()
        content_type = _sniff_type(handle.read(262))
        handle.seek(position)
    response = FileResponse(handle, as_attachment=True, filename=safe_filename(filename), content_type=content_type)
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
