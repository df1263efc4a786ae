"""Error pages in the site's layout, in the user's language, with a way back (DEBUG off)."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def _page(request, status: int, title: str, text: str):
    return render(request, "_error_page.html", {"error_title": title, "error_text": text}, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, _("Bad request"), _("The address or the form sent could not be understood."))


def permission_denied(request, exception=None):
    return _page(request, 403, _("Not allowed"), _("Your account may not open this page."))


def page_not_found(request, exception=None):
    return _page(
        request, 404, _("Page not found"), _("There is no such page, or it is not open to you. Check the address.")
    )


def csrf_failure(request, reason=""):
    # The reason is for the log, not the person: a form left open too long, cookies blocked.
    return _page(
        request,
        403,
        _("The form has expired"),
        _(
            "For your safety the form could not be accepted: it was open too long, or cookies are blocked. "
            "Go back, reload the page and send it again."
        ),
    )
