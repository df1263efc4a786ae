"""Separated administration: city-wide settings belong to the system administrator, the
security log to the auditor, superusers' accounts to superusers; office staff (city or
district) reach none of them, and every password set in the admin is logged."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import SecurityEvent, User
from tests import factories
from tests.conftest import with_totp

SETTINGS_PAGES = [
    "/admin/core/holidayoverride/",
    "/admin/core/holidayoverride/add/",
    "/admin/proposals/replycategory/",
    "/admin/django_celery_beat/periodictask/",
    "/admin/notifications/notification/",
]
AUDIT_PAGES = ["/admin/accounts/securityevent/"]


def holding(user, *codes):
    for code in codes:
        user.groups.add(Group.objects.get(name=roles.GROUP_NAMES[code]))
    return user


@pytest.fixture
def city_admin(city):
    return holding(with_totp(factories.StaffFactory(congress=city, full_name="系统管理员甲")), roles.CITY_ADMIN)


@pytest.fixture
def auditor(city):
    return holding(with_totp(factories.StaffFactory(congress=city, full_name="审计员甲")), roles.SECURITY_AUDITOR)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, settings_status, audit_status",
    [("district_staff", 403, 403), ("staff", 403, 403), ("city_admin", 200, 403), ("auditor", 403, 200)],
)
def test_who_reaches_city_wide_settings_and_the_security_log(client, request, who, settings_status, audit_status):
    client.force_login(request.getfixturevalue(who))
    assert {url: client.get(url).status_code for url in SETTINGS_PAGES} == dict.fromkeys(
        SETTINGS_PAGES, settings_status
    )
    assert {url: client.get(url).status_code for url in AUDIT_PAGES} == dict.fromkeys(AUDIT_PAGES, audit_status)


@pytest.mark.django_db
def test_office_staff_cannot_delete_a_notification_so_no_reminder_is_sent_twice(client, district_staff, deputy):
    from notifications.services import notify

    note = notify(deputy, key="suggestion:1:replied:1", title="答复")
    client.force_login(district_staff)
    response = client.post(f"/admin/notifications/notification/{note.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert note.__class__.objects.filter(pk=note.pk).exists()


@pytest.mark.django_db
def test_staff_cannot_open_a_superusers_account_or_set_a_staff_password(client, staff, city):
    boss = factories.StaffFactory(congress=city, is_superuser=True, full_name="超级管理员")
    colleague = factories.StaffFactory(congress=city, full_name="同事")
    before = (boss.password, colleague.password)
    client.force_login(staff)
    # The superuser's account can be seen, read-only, but not changed.
    response = client.post(f"/admin/accounts/user/{boss.pk}/change/", {"full_name": "改名", "email": boss.email})
    assert response.status_code == 403
    assert User.objects.get(pk=boss.pk).full_name == "超级管理员"
    for target in (boss, colleague):
        url = f"/admin/accounts/user/{target.pk}/password/"
        assert client.get(url).status_code == 403
        response = client.post(url, {"password1": "Another-2026-pass", "password2": "Another-2026-pass"})
        assert response.status_code == 403
    boss.refresh_from_db()
    colleague.refresh_from_db()
    assert (boss.password, colleague.password) == before
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_SET).exists()


@pytest.mark.django_db
def test_staff_cannot_give_themselves_the_administrator_role(client, staff):
    client.force_login(staff)
    page = client.get(f"/admin/accounts/user/{staff.pk}/change/")
    assert page.status_code == 200
    admin_group = Group.objects.get(name=roles.GROUP_NAMES[roles.CITY_ADMIN])
    data = {
        "full_name": staff.full_name,
        "email": staff.email,
        "mobile": staff.mobile or "",
        "congress": staff.congress_id,
        "unit": "",
        "groups": [admin_group.pk],
    }
    client.post(f"/admin/accounts/user/{staff.pk}/change/", data)
    assert not staff.groups.filter(pk=admin_group.pk).exists()


@pytest.mark.django_db
def test_a_superuser_sets_a_staff_password_and_it_is_logged(client, city, staff):
    boss = with_totp(factories.StaffFactory(congress=city, is_superuser=True, full_name="超级管理员"))
    client.force_login(boss)
    response = client.post(
        f"/admin/accounts/user/{staff.pk}/password/",
        {"password1": "Another-2026-pass", "password2": "Another-2026-pass"},
        REMOTE_ADDR="192.0.2.9",
    )
    assert response.status_code == 302
    assert User.objects.get(pk=staff.pk).check_password("Another-2026-pass")
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PASSWORD_SET, target_user=staff)
    assert (event.actor, event.ip_address, event.detail["via"]) == (boss, "192.0.2.9", "admin")


@pytest.mark.django_db
def test_the_groups_get_exactly_their_permissions_again_after_migrate(staff):
    """A permission granted to the staff group by hand is taken away when the groups are ensured."""
    from django.contrib.auth.models import Permission

    from accounts.groups import ensure_groups

    group = Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF])
    group.permissions.add(Permission.objects.get(codename="view_securityevent"))
    ensure_groups()
    assert not group.permissions.filter(codename="view_securityevent").exists()
    assert group.permissions.filter(codename="change_suggestion").exists()
