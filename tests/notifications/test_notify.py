"""notify() is once-only per (user, key), under repeated and concurrent calls; the inbox works."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from notifications import registry
from notifications.models import Notification
from notifications.services import notify
from notifications.sms import MemorySmsBackend
from notifications.tasks import deliver_notification


@pytest.mark.django_db
def test_notify_creates_once_per_key(deputy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(deputy, key="meeting:7:day-before", title="明天开会")
        again = notify(deputy, key="meeting:7:day-before", title="明天开会")
    assert first is not None and again is None
    assert Notification.objects.filter(user=deputy).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [deputy.email]


@pytest.mark.django_db
def test_same_key_for_two_users_is_two_notifications(deputy, outsider):
    notify(deputy, key="k", title="t")
    notify(outsider, key="k", title="t")
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_duplicate_inside_a_transaction_leaves_it_usable(deputy):
    from django.db import transaction

    with transaction.atomic():
        notify(deputy, key="k1", title="t")
        notify(deputy, key="k1", title="t")
        notify(deputy, key="k2", title="t")  # would fail if the duplicate had broken the transaction
    assert Notification.objects.filter(user=deputy).count() == 2


@pytest.mark.django_db(transaction=True)
def test_notify_is_once_only_under_concurrent_calls(deputy):
    """GIVEN eight threads WHEN each sends the same reminder at once THEN exactly one is stored."""
    barrier = threading.Barrier(8)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(notify(deputy, key="digest:2026-03-02", title="逾期", email=False))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Notification.objects.filter(user=deputy, key="digest:2026-03-02").count() == 1
    assert sum(r is not None for r in results) == 1


@pytest.mark.django_db
def test_inactive_user_is_not_notified(outsider):
    outsider.is_active = False
    outsider.save()
    assert notify(outsider, key="x", title="t") is None
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_delivery_sends_email_and_sms_at_most_once(deputy, settings):
    settings.SMS_BACKEND = "notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    n = Notification.objects.create(user=deputy, key="k", title="答复已到", want_email=True, want_sms=True)
    assert deliver_notification(n.pk) == {"email": True, "sms": True}
    assert deliver_notification(n.pk) == {"email": False, "sms": False}
    assert len(mail.outbox) == 1
    assert MemorySmsBackend.outbox == [(deputy.mobile, "答复已到")]


@pytest.mark.django_db
def test_failed_email_is_given_back_and_redelivered_by_the_scan(deputy, settings, time_machine):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    n = Notification.objects.create(user=deputy, key="k", title="t", want_email=True)
    assert deliver_notification(n.pk)["email"] is False
    n.refresh_from_db()
    assert n.emailed_at is None and "down" in n.delivery_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    assert registry.run_all_scans()["notifications.redeliver"] == 1
    n.refresh_from_db()
    assert n.emailed_at is not None and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failing_scan_does_not_stop_the_others(deputy):
    @registry.register_scan("test.broken")
    def broken(now):
        raise RuntimeError("boom")

    try:
        results = registry.run_all_scans()
        assert results["test.broken"] == -1
        assert "notifications.redeliver" in results
    finally:
        registry._SCANS.pop("test.broken")


@pytest.mark.django_db
def test_staff_digest_once_a_day(staff, time_machine):
    @registry.register_digest_section("test.overdue")
    def overdue(user, now):
        return ["建议 2026-001 答复逾期"]

    try:
        time_machine.move_to("2026-03-02 07:00 +0800", tick=False)
        assert registry.run_all_scans()["accounts.staff_digest"] == 0  # before 08:00
        time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
        assert registry.run_all_scans()["accounts.staff_digest"] == 1
        assert registry.run_all_scans()["accounts.staff_digest"] == 0
        time_machine.move_to("2026-03-03 09:00 +0800", tick=False)
        assert registry.run_all_scans()["accounts.staff_digest"] == 1
    finally:
        registry._DIGEST_SECTIONS.pop("test.overdue")
    assert Notification.objects.filter(user=staff, key__startswith="staff-digest:").count() == 2


@pytest.mark.django_db
def test_inbox_lists_own_messages_and_unread_count(deputy_client, deputy, outsider):
    notify(deputy, key="a", title="您有新的答复", email=False)
    notify(outsider, key="a", title="别人的消息", email=False)
    page = deputy_client.get("/inbox/")
    content = page.content.decode()
    assert "您有新的答复" in content and "别人的消息" not in content
    assert page.context["unread_notifications_count"]() == 1


@pytest.mark.django_db
def test_mark_read_and_mark_all(deputy_client, deputy):
    a = notify(deputy, key="a", title="一", url="/portal/", email=False)
    notify(deputy, key="b", title="二", email=False)
    response = deputy_client.post(f"/inbox/{a.pk}/read/", {"open": "1"})
    assert response["Location"] == "/portal/"
    a.refresh_from_db()
    assert a.read_at is not None
    deputy_client.post("/inbox/read-all/")
    assert not Notification.objects.filter(user=deputy, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_cannot_mark_someone_elses_notification(deputy_client, outsider):
    other = notify(outsider, key="a", title="t", email=False)
    assert deputy_client.post(f"/inbox/{other.pk}/read/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.django_db
def test_open_redirect_is_refused(deputy_client, deputy):
    n = notify(deputy, key="evil", title="t", url="https://evil.example.com/", email=False)
    assert deputy_client.post(f"/inbox/{n.pk}/read/", {"open": "1"})["Location"] == "/inbox/"


@pytest.mark.django_db
def test_inbox_query_count_does_not_grow(deputy_client, deputy, django_assert_max_num_queries):
    for i in range(3):
        notify(deputy, key=f"s{i}", title="t", email=False)
    with django_assert_max_num_queries(8) as small:
        deputy_client.get("/inbox/")
    for i in range(60):
        notify(deputy, key=f"l{i}", title="t", email=False)
    with django_assert_max_num_queries(len(small.captured_queries)):
        deputy_client.get("/inbox/")


@pytest.mark.django_db
def test_enqueue_failure_is_logged_not_raised(deputy, monkeypatch, django_capture_on_commit_callbacks):
    from notifications import tasks

    def boom(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver_notification, "apply_async", boom)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(deputy, key="k", title="t") is not None
    assert Notification.objects.get(user=deputy).emailed_at is None


@pytest.mark.django_db
def test_notify_many_is_once_only_per_user_and_key(django_capture_on_commit_callbacks):
    """GIVEN three active users, one of whom already has the notification, and an inactive one
    WHEN the same key is sent to all four, twice
    THEN each active user has exactly one, and a delivery is queued only for the new ones."""
    from notifications.services import notify_many
    from tests import factories

    users = [factories.UserFactory(full_name=f"用户{i}") for i in range(3)]
    inactive = factories.UserFactory(full_name="停用", is_active=False)
    notify(users[0], key="k:1", title="早到")
    with django_capture_on_commit_callbacks() as callbacks:
        created = notify_many([*users, inactive], key="k:1", title="通知")
    assert sorted(n.user_id for n in created) == sorted(u.pk for u in users[1:])
    assert len(callbacks) == 2
    assert notify_many(users, key="k:1", title="通知") == []
    assert Notification.objects.filter(key="k:1").count() == 3
    assert not Notification.objects.filter(user=inactive).exists()


def test_the_console_sms_backend_logs_neither_the_number_nor_the_link_token(caplog):
    from notifications.sms import ConsoleSmsBackend

    link = "https://rddb.example.gov.cn/accounts/invitation/MTI/cbx7-0a1b2c3d4e5f6a7b8c9d/"
    with caplog.at_level("INFO", logger="notifications.sms"):
        ConsoleSmsBackend().send("13800001234", f"王芳，请打开链接设置密码：{link}")
    logged = caplog.text
    assert "13800001234" not in logged and "cbx7-0a1b2c3d4e5f6a7b8c9d" not in logged
    assert "138****1234" in logged and "https://rddb.example.gov.cn/…" in logged
