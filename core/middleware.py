"""Requests the database could not store are refused before any view reads them."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class RejectNulBytesMiddleware:
    """A NUL character in a query or form value answers 400 with a message.

    Nobody types one; PostgreSQL refuses it in any text (a server error where a view reads
    the raw values, such as the attendance sheet's walk-ins), so it is stopped here, once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(_post(request))):
            return HttpResponseBadRequest(
                _("The request contains a character that cannot be stored (NUL). Nothing was saved."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _post(request):
    try:
        return request.POST
    except Exception:  # noqa: BLE001 - a malformed body is the view's (and CSRF's) to refuse
        return {}


def _has_nul(data) -> bool:
    lists = data.lists() if hasattr(data, "lists") else ((k, [v]) for k, v in data.items())
    return any("\x00" in key or any("\x00" in str(v) for v in values) for key, values in lists)
