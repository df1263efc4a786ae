"""Accounts are created by staff and activated from an invitation; the audit log records it all."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail

from accounts import roles
from accounts.models import SecurityEvent, User
from accounts.services import user_create, user_invite, user_set_active
from core.exceptions import NotAllowed
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_invitation_lets_the_person_set_a_password_once(client, city):
    """GIVEN staff create an account and invite it WHEN the person opens the link and sets a password
    THEN they are logged in, their e-mail counts as verified, and the link no longer works."""
    staff = factories.StaffFactory(congress=city)
    user = user_create(actor=staff, full_name="王新", email="wang.xin@example.org", mobile="13800009999")
    assert not user.has_usable_password()
    user_invite(actor=staff, user=user)
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    path = link.split("8000", 1)[1]

    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path, {"new_password1": "Spring-rain-2026", "new_password2": "Spring-rain-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Spring-rain-2026")
    assert EmailAddress.objects.get(user=user).verified
    client.logout()
    assert client.get(path).status_code == 400
    kinds = list(SecurityEvent.objects.filter(target_user=user).values_list("kind", flat=True))
    assert {"account_created", "invitation_sent", "password_set", "login"} <= set(kinds)


@pytest.mark.django_db
def test_invitation_rejects_mismatched_passwords_and_keeps_the_link_valid(client, staff):
    user = user_create(actor=staff, full_name="赵敏", email="zhao.min@example.org")
    link = user_invite(actor=staff, user=user)
    path = link.split("8000", 1)[1]
    response = client.post(path, {"new_password1": "Spring-rain-2026", "new_password2": "Other-pass-2026"})
    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_tampered_invitation_link_is_refused(client, staff):
    user = user_create(actor=staff, full_name="钱进", email="qian.jin@example.org")
    link = user_invite(actor=staff, user=user)
    path = link.split("8000", 1)[1]
    assert client.get(path[:-3] + "xyz/").status_code == 400


@pytest.mark.django_db
def test_only_account_admins_create_or_invite(deputy, outsider):
    with pytest.raises(NotAllowed):
        user_create(actor=deputy, full_name="X", email="x@example.org")
    with pytest.raises(NotAllowed):
        user_invite(actor=deputy, user=outsider)
    assert not User.objects.filter(email="x@example.org").exists()


@pytest.mark.django_db
def test_staff_cannot_deactivate_themselves(staff):
    with pytest.raises(NotAllowed):
        user_set_active(actor=staff, user=staff, active=False)
    staff.refresh_from_db()
    assert staff.is_active


@pytest.mark.django_db
def test_role_change_is_audited(staff, outsider):
    outsider.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF]))
    event = SecurityEvent.objects.get(kind="role_changed", target_user=outsider)
    assert event.detail["action"] == "add"
    assert roles.GROUP_NAMES[roles.STAFF] in event.detail["items"]


@pytest.mark.django_db
def test_mfa_activation_is_audited(staff):
    # TOTP.activate in the fixture does not send the signal; the allauth view does.
    from allauth.mfa import signals
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.get(user=staff)
    signals.authenticator_added.send(sender=Authenticator, request=None, user=staff, authenticator=authenticator)
    assert SecurityEvent.objects.filter(kind="mfa_added", target_user=staff).count() == 1


@pytest.mark.django_db
def test_audit_log_is_append_only(staff):
    event = SecurityEvent.objects.create(kind="login", actor=staff)
    event.detail = {"tampered": True}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.django_db
def test_audit_log_is_read_only_in_the_admin(client, city, settings):
    settings.REQUIRE_STAFF_MFA = False
    superuser = factories.StaffFactory(congress=city, is_superuser=True)
    client.force_login(superuser)
    event = SecurityEvent.objects.create(kind="login", actor=superuser)
    assert client.get("/admin/accounts/securityevent/").status_code == 200
    assert client.get("/admin/accounts/securityevent/add/").status_code == 403
    response = client.post(f"/admin/accounts/securityevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_user_sync_roles_follows_links(deputy, unit_officer):
    assert roles.user_roles(deputy) == {roles.DEPUTY}
    assert roles.user_roles(unit_officer) == {roles.UNIT_OFFICER}


@pytest.mark.django_db
def test_user_sync_roles_many_matches_one_by_one(staff, city, term, electoral_unit, django_assert_max_num_queries):
    from accounts.services import user_sync_roles_many

    users = [factories.UserFactory() for _ in range(20)]
    for u in users[:10]:
        factories.DeputyFactory(congress=city, term=term, electoral_unit=electoral_unit, user=u)
    unit = factories.UnitFactory(congress=city)
    users[15].unit = unit
    users[15].save()
    with django_assert_max_num_queries(12):
        user_sync_roles_many(users=users)
    for u in users:
        u.__dict__.pop("_role_cache", None)
    assert all(roles.user_roles(u) == {roles.DEPUTY} for u in users[:10])
    assert roles.user_roles(users[15]) == {roles.UNIT_OFFICER}
    assert all(roles.user_roles(u) == set() for u in users[10:15])
    assert SecurityEvent.objects.filter(kind="role_changed", target_user__in=users).count() == 11


@pytest.mark.django_db
def test_an_admin_action_is_audited_with_the_request_the_service_never_saw(staff_client, staff, city):
    """GIVEN staff sending an invitation from the admin list to an account of their congress
    WHEN the invitation service writes its audit entry (it takes no request argument)
    THEN the entry carries the staff member, the client's address and browser from the request being served."""
    invitee = factories.UserFactory(full_name="受邀人", congress=city)
    response = staff_client.post(
        "/admin/accounts/user/",
        {"action": "send_invitation", "_selected_action": [invitee.pk]},
        HTTP_USER_AGENT="AuditTest/1.0",
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.INVITATION_SENT, target_user=invitee)
    assert (event.actor, event.ip_address, event.user_agent) == (staff, "192.0.2.7", "AuditTest/1.0")


@pytest.mark.django_db
def test_outside_a_request_the_audit_entry_has_no_address(staff, outsider):
    user_invite(actor=staff, user=outsider)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.INVITATION_SENT, target_user=outsider)
    assert (event.actor, event.ip_address, event.user_agent) == (staff, None, "")
