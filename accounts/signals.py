"""Receivers that feed the security audit log.

Logging is the one side effect kept in signals: it must catch every path
(admin, allauth views, services) that logs in, changes a role or an MFA device.
"""

import time

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from . import lockout
from .audit import audit
from .models import SecurityEvent

User = get_user_model()


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    # The absolute session lifetime counts from here (accounts.middleware).
    now = time.time()
    request.session["_auth_started"] = now
    request.session["_last_seen"] = now
    audit(SecurityEvent.Kind.LOGIN, request=request, actor=user, target_user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit(SecurityEvent.Kind.LOGOUT, request=request, actor=user, target_user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Never the password, nor the login in full: the login masked, and its keyed hash, which
    # the lockout counts (accounts.lockout).
    login = credentials.get("email") or credentials.get("mobile") or credentials.get("username") or ""
    lockout.record_failure(request, str(login)[:254])


@receiver(mfa_signals.authentication_failed)
def _mfa_failed(sender, request, user, authenticator, reauthentication=False, **kwargs):
    # Never the code that was typed. Counts toward the account's lockout like a wrong password.
    lockout.record_failure(
        request,
        user=user,
        kind=SecurityEvent.Kind.MFA_FAILED,
        type=authenticator.type,
        reauthentication=reauthentication or None,
    )


@receiver(account_signals.password_changed)
def _password_changed(sender, request, user, **kwargs):
    audit(SecurityEvent.Kind.PASSWORD_CHANGED, request=request, actor=user, target_user=user, via="password_change")


@receiver(account_signals.password_set)
def _password_set(sender, request, user, **kwargs):
    audit(SecurityEvent.Kind.PASSWORD_CHANGED, request=request, actor=user, target_user=user, via="password_set")


@receiver(account_signals.password_reset)
def _password_reset(sender, request, user, **kwargs):
    audit(SecurityEvent.Kind.PASSWORD_CHANGED, request=request, target_user=user, via="password_reset")


@receiver(mfa_signals.authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs):
    audit(SecurityEvent.Kind.MFA_ADDED, request=request, target_user=user, type=authenticator.type)


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    audit(SecurityEvent.Kind.MFA_REMOVED, request=request, target_user=user, type=authenticator.type)


@receiver(mfa_signals.authenticator_reset)
def _mfa_reset(sender, request, user, authenticator, **kwargs):
    audit(SecurityEvent.Kind.MFA_RESET, request=request, target_user=user, type=authenticator.type)


def _role_change(instance, action, model, pk_set, field):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    from .middleware import current_request

    request = current_request()
    names = sorted(str(obj) for obj in model.objects.filter(pk__in=pk_set or [])) if pk_set else []
    users = [instance] if isinstance(instance, User) else list(User.objects.filter(pk__in=pk_set or []))
    for user in users:
        audit(
            SecurityEvent.Kind.ROLE_CHANGED,
            request=request,
            target_user=user,
            field=field,
            action=action.removeprefix("post_"),
            items=names if isinstance(instance, User) else [str(instance)],
        )
        user.__dict__.pop("_role_cache", None)


@receiver(m2m_changed, sender=User.groups.through)
def _groups_changed(sender, instance, action, model, pk_set, **kwargs):
    _role_change(instance, action, model, pk_set, "groups")


@receiver(m2m_changed, sender=User.user_permissions.through)
def _permissions_changed(sender, instance, action, model, pk_set, **kwargs):
    _role_change(instance, action, model, pk_set, "user_permissions")
