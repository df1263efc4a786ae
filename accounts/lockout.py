"""Login lockout per account and per address, counted in the security log.

Failed logins (wrong password, unknown account, wrong second-factor code) are security-log
entries; the lockout counts them in the database, so it holds when the cache (where allauth's
rate limits live) is down. An account is locked when ``LOGIN_LOCKOUT_ACCOUNT_FAILURES`` failures
for it fall within ``LOGIN_LOCKOUT_WINDOW`` seconds, an address when ``LOGIN_LOCKOUT_IP_FAILURES``
do; the lock lifts when enough of them have left the window (the cool-off is the window).

An account is known by keyed hashes (``login_key``) of the logins typed, never by the login
itself: a person may log in with e-mail or mobile number, and both count for the account. A
successful login of the account starts its count afresh; it leaves the address count, and
everybody else's, as they were.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from core.crypto import keyed_hash
from core.http import client_ip
from core.masking import mask_mobile

from .audit import audit
from .backends import normalize_login, user_for_login
from .models import SecurityEvent
from .validators import MOBILE_RE

ACCOUNT = "account"
ADDRESS = "address"
FAILURES = (SecurityEvent.Kind.LOGIN_FAILED, SecurityEvent.Kind.MFA_FAILED)


@dataclass(frozen=True)
class LockState:
    reason: str  # ACCOUNT or ADDRESS
    until: datetime

    @property
    def minutes(self) -> int:
        """Whole minutes left, at least one."""
        seconds = (self.until - timezone.now()).total_seconds()
        return max(1, math.ceil(seconds / 60))


def _window() -> timedelta:
    return timedelta(seconds=settings.LOGIN_LOCKOUT_WINDOW)


def login_key(login: str | None) -> str:
    return keyed_hash(normalize_login(login), "login")


def mask_email(value: str) -> str:
    """w***@example.com: the first character of the name and the domain."""
    name, _, domain = value.partition("@")
    return f"{name[:1]}***@{domain}"


def mask_login(login: str | None) -> str:
    """The login as the security log shows it. Anything that is neither an e-mail nor a
    mobile number (a password typed into the wrong box) is not shown at all."""
    value = normalize_login(login)
    if not value:
        return ""
    if "@" in value:
        return mask_email(value)
    if MOBILE_RE.match(value):
        return mask_mobile(value)
    return "***"


def _user_keys(user) -> set[str]:
    return {key for key in (login_key(user.email), login_key(user.mobile)) if key}


def _account_keys(login: str | None, user=None) -> tuple[set[str], object]:
    """Every key the account behind ``login`` (or ``user``) is counted under."""
    keys = {login_key(login)} - {""}
    if user is None and login:
        user = user_for_login(login)
    if user is not None:
        keys |= _user_keys(user)
    return keys, user


def _lock_until(events, limit: int) -> datetime | None:
    """When the ``limit``-th most recent failure leaves the window, or None if fewer."""
    times = list(events.order_by("-created_at").values_list("created_at", flat=True)[:limit])
    if limit <= 0 or len(times) < limit:
        return None
    return times[-1] + _window()


def is_locked(request, login: str | None = None, *, user=None) -> LockState | None:
    """The lock on this login's account or on the request's address, if any."""
    since = timezone.now() - _window()
    recent = SecurityEvent.objects.filter(kind__in=FAILURES, created_at__gt=since)
    keys, user = _account_keys(login, user)
    if keys:
        account = recent.filter(login_key__in=keys)
        if user is not None:
            last_login = (
                SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN, target_user=user, created_at__gt=since)
                .order_by("-created_at")
                .values_list("created_at", flat=True)
                .first()
            )
            if last_login is not None:
                account = account.filter(created_at__gt=last_login)
        until = _lock_until(account, settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES)
        if until is not None:
            return LockState(ACCOUNT, until)
    address = client_ip(request)
    if address:
        until = _lock_until(recent.filter(ip_address=address), settings.LOGIN_LOCKOUT_IP_FAILURES)
        if until is not None:
            return LockState(ADDRESS, until)
    return None


def record_failure(
    request, login: str | None = None, *, user=None, kind: str = SecurityEvent.Kind.LOGIN_FAILED, **detail
) -> SecurityEvent:
    """Log a failed login (or second-factor code) under the account's key: the login masked,
    never in full."""
    if login is None and user is not None:
        login = user.email or user.mobile
    return audit(
        kind,
        login_key=login_key(login),
        request=request,
        actor=None,
        target_user=user,
        login=mask_login(login) or None,
        **detail,
    )


def record_locked(request, login: str | None, state: LockState, *, user=None, **detail) -> SecurityEvent:
    """Log an attempt refused because of a lock (no password or code was checked)."""
    if login is None and user is not None:
        login = user.email or user.mobile
    return audit(
        SecurityEvent.Kind.LOGIN_LOCKED,
        login_key=login_key(login),
        request=request,
        actor=None,
        target_user=user,
        login=mask_login(login) or None,
        reason=state.reason,
        **detail,
    )


def lockout_response(request, state: LockState):
    """HTTP 429 in the site's layout, saying how long to wait."""
    return render(request, "429.html", {"lock": state, "minutes": state.minutes}, status=429)
