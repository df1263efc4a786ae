"""The account review (default passwords, never-used accounts) and the expired-session cleanup."""

import datetime
import io

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from notifications import registry
from tests import factories


def review(**options):
    out = io.StringIO()
    try:
        call_command("review_accounts", stdout=out, **options)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


@pytest.mark.django_db
def test_a_default_password_and_a_never_used_account_are_listed(city):
    boss = factories.StaffFactory(congress=city, is_superuser=True, full_name="默认管理员")
    boss.set_password("Demo-2026-pass")
    boss.save()
    idle = factories.UserFactory(full_name="从未登录")
    idle.date_joined = timezone.now() - datetime.timedelta(days=200)
    idle.save()
    used = factories.UserFactory(full_name="常用账号", last_login=timezone.now())
    used.date_joined = timezone.now() - datetime.timedelta(days=200)
    used.save()
    code, out = review()
    assert code == 1
    assert f"default password: #{boss.pk} 默认管理员 (superuser)" in out
    assert f"never used: #{idle.pk} 从未登录" in out
    assert "常用账号" not in out


@pytest.mark.django_db
def test_no_finding_exits_zero(city):
    user = factories.UserFactory(full_name="新账号")
    user.set_password("a-strong-and-private-2026")
    user.save()
    assert review() == (0, "0 finding(s)\n")


@pytest.mark.django_db
def test_the_scans_clear_expired_sessions_and_keep_live_ones():
    old, live = SessionStore(), SessionStore()
    old.create()
    live.create()
    Session.objects.filter(session_key=old.session_key).update(expire_date=timezone.now() - datetime.timedelta(days=1))
    assert registry.run_all_scans()["accounts.clear_expired_sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
