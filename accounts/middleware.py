"""Session lifetime, the staff MFA requirement, and the current request for auditing."""

import contextvars
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import SecurityEvent

_current_request: contextvars.ContextVar = contextvars.ContextVar("current_request", default=None)


def current_request():
    """The request being served in this context, for audit entries written by signals."""
    return _current_request.get()


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


class SessionLifetimeMiddleware:
    """End a session after an idle period (shorter for staff) or an absolute lifetime.

    Session keys: ``_auth_started`` (epoch seconds at login, with fractions) and ``_last_seen``.
    The last-seen stamp is refreshed at most once a minute to spare the session store.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get("_auth_started")
            last_seen = session.get("_last_seen", now)
            revoked = user.sessions_valid_after
            if started is not None and revoked is not None and started < revoked.timestamp():
                # The account was deactivated or reactivated since this session began.
                from .audit import audit

                audit(
                    SecurityEvent.Kind.SESSION_EXPIRED, request=request, actor=user, target_user=user, reason="revoked"
                )
                logout(request)
                return redirect(f"{reverse('account_login')}?next={request.path}")
            idle_limit = settings.STAFF_SESSION_IDLE_TIMEOUT if user.is_staff else settings.SESSION_IDLE_TIMEOUT
            if started is None:
                session["_auth_started"] = now
                session["_last_seen"] = now
            elif now - last_seen > idle_limit or now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                from .audit import audit

                reason = "idle" if now - last_seen > idle_limit else "absolute"
                audit(SecurityEvent.Kind.SESSION_EXPIRED, request=request, actor=user, target_user=user, reason=reason)
                logout(request)
                messages.info(request, _("Your session expired after a period of inactivity. Please log in again."))
                return redirect(f"{reverse('account_login')}?next={request.path}")
            elif now - last_seen >= 60:
                session["_last_seen"] = now
        return self.get_response(request)


def user_has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class PrivatePagesNoStoreMiddleware:
    """Pages served to a logged-in user are never stored by the browser or a proxy
    (personal data, a deputy's drafts): ``Cache-Control: private, no-store`` unless the view
    set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class StaffMFAMiddleware:
    """With REQUIRE_STAFF_MFA on, a staff account without TOTP can only set it up."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_STAFF_MFA
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not user_has_totp(user)
        ):
            messages.warning(
                request, _("Staff accounts must turn on two-factor authentication (TOTP) before continuing.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
