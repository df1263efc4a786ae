"""Account actions: create, invite, accept an invitation, deactivate, sync roles."""

import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.exceptions import NotAllowed
from core.http import client_ip

from . import roles
from .audit import audit
from .models import SecurityEvent
from .validators import normalize_mobile

logger = logging.getLogger(__name__)

User = get_user_model()


def _require_account_admin(actor) -> None:
    if not (roles.is_staff_member(actor) and actor.has_perm("accounts.change_user")):
        raise NotAllowed(_("Only staff who manage accounts may do this."))


def user_create(
    *,
    actor,
    full_name: str,
    email: str | None = None,
    mobile: str | None = None,
    congress=None,
    unit=None,
    is_staff: bool = False,
    sync_roles: bool = True,
) -> "User":
    """Create an account with no usable password; the person sets one from the invitation."""
    _require_account_admin(actor)
    with transaction.atomic():
        user = User.objects.create_user(
            email=email or None,
            mobile=normalize_mobile(mobile) or None,
            full_name=full_name,
            congress=congress,
            unit=unit,
            is_staff=is_staff,
        )
        if is_staff:
            user.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF]))
        audit(SecurityEvent.Kind.ACCOUNT_CREATED, actor=actor, target_user=user)
        if sync_roles:  # an import syncs all its new accounts at once afterwards
            user_sync_roles(user=user)
    return user


def invitation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:invitation", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def user_invite(*, actor, user) -> str:
    """Send the set-password link by e-mail (and SMS when only a mobile is known).

    The link is Django's password-reset token: it stops working once a password
    is set or after PASSWORD_RESET_TIMEOUT.
    """
    _require_account_admin(actor)
    if not user.is_active:
        raise NotAllowed(_("The account is deactivated; no invitation can be sent."))
    link = invitation_link(user)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(invited_at=timezone.now())
        audit(SecurityEvent.Kind.INVITATION_SENT, actor=actor, target_user=user)
        context = {"user": user, "link": link, "days": settings.PASSWORD_RESET_TIMEOUT // 86400}
        subject = _("Your account on the deputy-work portal")
        body = render_to_string("accounts/email/invitation.txt", context)
        if user.email:
            transaction.on_commit(lambda: send_mail(subject, body, None, [user.email], fail_silently=False))
        elif user.mobile:
            text = _("%(name)s, please open this link to set your password for the deputy-work portal: %(link)s") % {
                "name": user.full_name,
                "link": link,
            }
            transaction.on_commit(lambda: _send_invitation_sms(user, text, link))
    return link


def _send_invitation_sms(user, text: str, link: str) -> None:
    """After the commit: a gateway sends the office's invitation template (kind "invitation",
    with the name and the link); a refusal is logged and the invitation can be sent again,
    it never turns the saved account into an error page."""
    from notifications.sms import SmsError, get_sms_backend

    try:
        get_sms_backend().send(user.mobile, text, kind="invitation", params={"name": user.full_name[:20], "link": link})
    except SmsError as exc:
        logger.warning("Invitation SMS for user %s was not sent: %s", user.pk, exc)


def user_accept_invitation(*, user, password: str) -> None:
    """The invited person sets a password; their e-mail counts as verified from then on."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        if user.email:
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
        audit(SecurityEvent.Kind.PASSWORD_SET, actor=user, target_user=user, via="invitation")


def user_set_active(*, actor, user, active: bool) -> None:
    """Deactivate or reactivate. A deactivated account's sessions stop at the next request:
    the auth backend refuses inactive users when it loads the session's user."""
    _require_account_admin(actor)
    if actor.pk == user.pk and not active:
        raise NotAllowed(_("You cannot deactivate your own account."))
    with transaction.atomic():
        now = timezone.now()
        changed = User.objects.filter(pk=user.pk, is_active=not active).update(
            is_active=active, sessions_valid_after=now
        )
        user.is_active = active
        if changed:
            user.sessions_valid_after = now
        if changed:
            kind = SecurityEvent.Kind.ACCOUNT_REACTIVATED if active else SecurityEvent.Kind.ACCOUNT_DEACTIVATED
            audit(kind, actor=actor, target_user=user)


def _wanted_roles(users) -> dict[str, set[int]]:
    """Role → ids of the users who should hold it. Apps register where a role comes from
    (``roles.register_role_source``); the unit-officer role is this app's own."""
    ids = [u.pk for u in users]
    wanted = {role: set(source(ids)) for role, source in roles.role_sources().items()}
    wanted[roles.UNIT_OFFICER] = {u.pk for u in users if u.unit_id is not None}
    return wanted


def user_sync_roles(*, user) -> None:
    """Keep the role groups fed by links (deputy, unit officer, SC member, …) in step with the user's links.

    Group changes go through ``user.groups`` so that the audit receiver records them with the request.
    """
    wanted = _wanted_roles([user])
    groups = {g.name: g for g in Group.objects.filter(name__in=[roles.GROUP_NAMES[r] for r in wanted])}
    current = set(user.groups.filter(pk__in=[g.pk for g in groups.values()]).values_list("name", flat=True))
    for role, holders in wanted.items():
        group = groups.get(roles.GROUP_NAMES[role])
        if group is None:
            continue
        if user.pk in holders and group.name not in current:
            user.groups.add(group)
        elif user.pk not in holders and group.name in current:
            user.groups.remove(group)
    user.__dict__.pop("_role_cache", None)


def user_sync_roles_many(*, users) -> None:
    """``user_sync_roles`` for many accounts in a fixed number of queries (imports).

    Which users hold a role comes from the role sources apps register
    (``roles.register_role_source``); the unit-officer role is this app's own.
    """
    users = list(users)
    ids = [u.pk for u in users]
    if not ids:
        return
    wanted = _wanted_roles(users)
    Membership = User.groups.through
    groups = {g.name: g for g in Group.objects.filter(name__in=[roles.GROUP_NAMES[r] for r in wanted])}
    current = set(
        Membership.objects.filter(user_id__in=ids, group__in=groups.values()).values_list("user_id", "group_id")
    )
    events = []
    with transaction.atomic():
        for role, members in wanted.items():
            group = groups.get(roles.GROUP_NAMES[role])
            if group is None:
                continue
            add = [uid for uid in members if (uid, group.pk) not in current]
            remove = [uid for uid in ids if uid not in members and (uid, group.pk) in current]
            # Through-model rows: no m2m_changed signal, so the audit rows are written here.
            if add:
                Membership.objects.bulk_create(
                    [Membership(user_id=uid, group=group) for uid in add], ignore_conflicts=True
                )
            if remove:
                Membership.objects.filter(user_id__in=remove, group=group).delete()
            events += [
                SecurityEvent(
                    kind=SecurityEvent.Kind.ROLE_CHANGED,
                    target_user_id=uid,
                    detail={"field": "groups", "action": action, "items": [group.name]},
                )
                for action, changed in (("add", add), ("remove", remove))
                for uid in changed
            ]
        # One write for all of them: the hash chain is extended once.
        if events:
            SecurityEvent.objects.bulk_create(events)
    for user in users:
        user.__dict__.pop("_role_cache", None)


# Accounts for many people at once (a roster import's "create account" rows): user_create costs
# six statements an account (savepoint, insert, the audit chain's lock and head, the audit insert,
# release); this makes the same accounts and audit rows in two bulk inserts.
# Rows per INSERT statement (SQLite splits further to stay under its parameter limit).
BULK_BATCH_SIZE = 1000


def user_create_many(*, actor, people, request=None) -> list:
    """One account per person (a dict with ``full_name`` and ``email`` and/or ``mobile``), as
    ``user_create`` makes it: no usable password until the invitation is accepted, no roles
    (the caller syncs them when the rows that give them exist), one audit row each. Returns
    the saved users in the order of ``people``."""
    _require_account_admin(actor)
    users = []
    for person in people:
        email = User.objects.normalize_email(person.get("email")) if person.get("email") else None
        mobile = normalize_mobile(person.get("mobile")) or None
        if not email and not mobile:
            raise ValueError("A user needs an e-mail address or a mobile number")
        user = User(email=email, mobile=mobile, full_name=person["full_name"], is_staff=False, is_superuser=False)
        user.set_unusable_password()
        users.append(user)
    if not users:
        return users
    if request is None:
        from .middleware import current_request

        request = current_request()
    ip_address = client_ip(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=BULK_BATCH_SIZE)
        SecurityEvent.objects.bulk_create(
            [
                SecurityEvent(
                    kind=SecurityEvent.Kind.ACCOUNT_CREATED,
                    actor=actor,
                    target_user=user,
                    ip_address=ip_address,
                    user_agent=user_agent,
                    detail={},
                    login_key="",
                )
                for user in users
            ],
            batch_size=BULK_BATCH_SIZE,
        )
    return users
