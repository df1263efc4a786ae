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


class DatabaseUnavailableMiddleware:
    """A request that loses the database (connection refused or cut) answers 503, not 500.

    The page says in Chinese that the service is briefly unavailable and to try again, with a
    Retry-After header. It is rendered from templates/503.html with no request context, so
    nothing on it needs the database (no user menu, no unread count). Nothing half-done is
    kept: a transaction the lost connection interrupted is rolled back by the database.

    A view's exception comes through ``process_exception``; one raised in a middleware further
    in (the session saved on the way out, the user loaded for the menu) has already been turned
    into a 500 by Django, which the ``got_request_exception`` signal marks on the request so that
    the 500 is replaced here. Place it near the top of MIDDLEWARE, outside the session middleware.
    """

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        from django.core.signals import got_request_exception

        self.get_response = get_response
        got_request_exception.connect(_mark_database_error, dispatch_uid="core.database_unavailable")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_database_unavailable", False):
            return database_unavailable_response()
        return response

    def process_exception(self, request, exception):
        if _is_database_unavailable(exception):
            _log_database_error(request, exception)
            return database_unavailable_response()
        return None


def _is_database_unavailable(exception) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exception, (OperationalError, InterfaceError))


def _log_database_error(request, exception) -> None:
    import logging

    logging.getLogger(__name__).warning(
        "Database unavailable for %s %s: %s", request.method, request.path, str(exception).strip()[:200]
    )


def _mark_database_error(sender, request=None, **kwargs):
    import sys

    exception = sys.exc_info()[1]
    if request is not None and exception is not None and _is_database_unavailable(exception):
        request._database_unavailable = True


def database_unavailable_response():
    from django.conf import settings
    from django.http import HttpResponse
    from django.template.loader import render_to_string
    from django.utils import translation

    language = translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        body = render_to_string("503.html", {"retry_after": DatabaseUnavailableMiddleware.RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(DatabaseUnavailableMiddleware.RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
