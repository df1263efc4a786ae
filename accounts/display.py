"""Large text and high contrast, switched in the page header and remembered.

A logged-in person's choice is kept on the account (``User.display_mode``), so it follows them
to another browser; the public's is kept in a cookie. The switch is a plain form (POST with the
CSRF token) that works without JavaScript: two toggle buttons, each sending the mode the page
would have after the press, and ``next``, the page to return to.

GB/T 37668-2019 and the MIIT rules for elderly-friendly sites ask for both: text that can be
made larger and a high-contrast colour scheme, chosen by the reader.
"""

import datetime

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import safe_next_url

from .models import DisplayMode

COOKIE = "display_mode"
# A year: the choice outlives a session; someone who needs large text needs it next month too.
COOKIE_AGE = datetime.timedelta(days=365)

_PARTS = {
    DisplayMode.STANDARD: (False, False),
    DisplayMode.LARGE: (True, False),
    DisplayMode.CONTRAST: (False, True),
    DisplayMode.LARGE_CONTRAST: (True, True),
}
_FROM_PARTS = {parts: mode for mode, parts in _PARTS.items()}


def mode_for(request) -> str:
    """The display mode the page is drawn in: the account's, else the browser's cookie."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        value = user.display_mode
    else:
        value = request.COOKIES.get(COOKIE, "")
    return value if value in DisplayMode.values else DisplayMode.STANDARD


def mode_of(*, large: bool, contrast: bool) -> str:
    return _FROM_PARTS[(large, contrast)]


def page_state(request) -> dict:
    """What base.html needs: the classes on <html> and the value each toggle button sends."""
    mode = mode_for(request)
    large, contrast = _PARTS[DisplayMode(mode)]
    classes = []
    if large:
        classes.append("mode-large")
    if contrast:
        classes.append("mode-contrast")
    return {
        "mode": mode,
        "classes": " ".join(classes),
        "large": large,
        "contrast": contrast,
        "toggle_large": mode_of(large=not large, contrast=contrast),
        "toggle_contrast": mode_of(large=large, contrast=not contrast),
    }


def user_set_display_mode(*, actor, mode: str) -> None:
    """Remember ``mode`` on the account. ``mode`` must be one of DisplayMode's values."""
    if mode not in DisplayMode.values:
        raise ValueError(mode)
    if actor.display_mode != mode:
        actor.display_mode = mode
        actor.save(update_fields=["display_mode"])


@require_POST
def set_display_mode(request):
    """Store the chosen display mode and go back to the page the form was on."""
    home = reverse("portal:home")
    back = safe_next_url(request, request.POST.get("next"), home)
    if not back.startswith("/"):  # a page of this site, by its path: never a view name or a bare word
        back = home
    mode = request.POST.get("mode", "")
    if mode not in DisplayMode.values:
        messages.error(request, _("This display setting does not exist; nothing was changed."))
        return HttpResponseRedirect(back)
    if request.user.is_authenticated:
        user_set_display_mode(actor=request.user, mode=mode)
    messages.success(request, _("Display setting: %(mode)s.") % {"mode": DisplayMode(mode).label})
    response = HttpResponseRedirect(back)
    # Kept for the browser too, so the login page after logging out stays readable.
    response.set_cookie(
        COOKIE,
        mode,
        max_age=int(COOKIE_AGE.total_seconds()),
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response
