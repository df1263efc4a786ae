"""The security log's hash chain: every entry linked to the one before, changes and gaps found."""

import threading
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import RequestFactory
from django.utils import timezone

from accounts.audit import CONTENT_CHANGED, PREVIOUS_MISSING, audit, verify_chain
from accounts.models import SecurityEvent

from .. import factories

Kind = SecurityEvent.Kind


def _recomputed(event: SecurityEvent) -> str:
    event = SecurityEvent.objects.get(pk=event.pk)  # as read back from the database
    return SecurityEvent.compute_hash(
        event.prev_hash, **{name: getattr(event, name) for name in SecurityEvent.HASHED_FIELDS}
    )


def _verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit_chain")
    assert failure.value.returncode == 1
    return str(failure.value)


@pytest.mark.django_db
def test_each_entry_links_to_the_one_before(staff, deputy):
    before = SecurityEvent.objects.order_by("-id").values_list("row_hash", flat=True).first() or ""
    request = RequestFactory().get("/", HTTP_USER_AGENT="Firefox", REMOTE_ADDR="10.0.0.5")
    request.user = staff
    first = audit(Kind.LOGIN, request=request)
    second = audit(Kind.ROLE_CHANGED, actor=staff, target_user=deputy, changes={"b": [1, 2], "a": (3, "四")})
    third = audit(Kind.EXPORT_PERSONAL, actor=staff, rows=3)
    assert first.prev_hash == before
    assert second.prev_hash == first.row_hash
    assert third.prev_hash == second.row_hash
    assert len({first.row_hash, second.row_hash, third.row_hash}) == 3
    for event in (first, second, third):
        assert len(event.row_hash) == 64
        assert _recomputed(event) == event.row_hash


@pytest.mark.django_db
def test_the_hash_covers_each_field(staff):
    event = audit(Kind.LOGIN, actor=staff, login_key="k" * 64, via="password")
    fields = {name: getattr(event, name) for name in SecurityEvent.HASHED_FIELDS}
    base = SecurityEvent.compute_hash(event.prev_hash, **fields)
    assert base == event.row_hash
    changes = {
        "created_at": event.created_at + timedelta(microseconds=1),
        "kind": Kind.LOGOUT,
        "actor_id": staff.pk + 1,
        "target_user_id": staff.pk,
        "ip_address": "10.0.0.9",
        "user_agent": "curl",
        "detail": {"via": "mfa"},
        "login_key": "",
    }
    for name, value in changes.items():
        assert SecurityEvent.compute_hash(event.prev_hash, **{**fields, name: value}) != base, name
    assert SecurityEvent.compute_hash("0" * 64, **fields) != base


@pytest.mark.django_db
def test_login_key_is_stored_in_its_field_not_in_the_details(deputy):
    event = audit(Kind.LOGIN_FAILED, login_key="ab" * 32, login="138****0001")
    event.refresh_from_db()
    assert event.login_key == "ab" * 32
    assert event.detail == {"login": "138****0001"}
    assert SecurityEvent.objects.filter(login_key="ab" * 32).count() == 1


@pytest.mark.django_db
def test_bulk_created_and_normalised_entries_are_chained(staff, deputy):
    audit(Kind.LOGIN, actor=staff)
    created = SecurityEvent.objects.bulk_create(
        [SecurityEvent(kind=Kind.ROLE_CHANGED, target_user_id=deputy.pk, detail={"items": [n]}) for n in range(3)]
    )
    # Stored compressed by the database layer: the hash is of what is stored.
    SecurityEvent.objects.create(kind=Kind.LOGIN, ip_address="2001:0db8:0000:0000:0000:0000:0000:0001")
    rows = list(SecurityEvent.objects.order_by("id").values_list("prev_hash", "row_hash"))
    for (_prev, previous_hash), (prev_hash, _row) in zip(rows, rows[1:], strict=False):
        assert prev_hash == previous_hash
    assert all(_recomputed(event) == event.row_hash for event in created)
    report = verify_chain()
    assert report.ok, report.summary()
    assert report.checked == SecurityEvent.objects.count()


@pytest.mark.django_db
def test_verify_says_ok_with_the_count(staff, capsys):
    for _ in range(7):
        audit(Kind.LOGIN, actor=staff)
    call_command("verify_audit_chain", batch_size=3)  # several batches
    out = capsys.readouterr().out
    assert out.startswith("OK")
    assert f"{SecurityEvent.objects.count()} audit entries verified" in out


@pytest.mark.django_db
def test_a_changed_entry_is_named_or_refused_by_the_database(staff):
    events = [audit(Kind.LOGIN, actor=staff, n=n) for n in range(5)]
    target = events[2]
    if connection.vendor == "postgresql":
        # The trigger refuses any UPDATE, whoever sends it.
        with pytest.raises(DatabaseError, match="Cannot update"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE accounts_securityevent SET detail = %s WHERE id = %s", ['{"n": 99}', target.pk])
        assert SecurityEvent.objects.get(pk=target.pk).detail == {"n": 2}
        assert verify_chain().ok
        return
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_securityevent SET detail = %s WHERE id = %s", ['{"n": 99}', target.pk])
    message = _verify_fails()
    assert f"id={target.pk} " in message
    assert f"kind={Kind.LOGIN}" in message
    assert target.created_at.isoformat() in message
    assert CONTENT_CHANGED in message
    report = verify_chain()
    assert (report.break_id, report.reason, report.checked) == (target.pk, CONTENT_CHANGED, report.checked)
    assert report.checked == SecurityEvent.objects.filter(id__lt=target.pk).count()


@pytest.mark.django_db
def test_a_deleted_middle_entry_is_named(staff):
    # Older than 180 days, so that PostgreSQL's trigger lets raw SQL delete it too.
    old = timezone.now() - timedelta(days=300)
    events = [
        SecurityEvent.objects.create(kind=Kind.LOGIN, actor=staff, created_at=old + timedelta(minutes=n))
        for n in range(5)
    ]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_securityevent WHERE id = %s", [events[2].pk])
    message = _verify_fails()
    after = events[3]
    assert f"id={after.pk} " in message
    assert after.created_at.isoformat() in message
    assert PREVIOUS_MISSING in message


@pytest.mark.django_db
def test_a_deleted_first_entry_is_a_break_without_a_purge():
    assert not SecurityEvent.objects.exists()
    old = timezone.now() - timedelta(days=300)
    events = [SecurityEvent.objects.create(kind=Kind.LOGIN, created_at=old) for _ in range(3)]
    assert events[0].prev_hash == ""  # the chain's first entry
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_securityevent WHERE id = %s", [events[0].pk])
    report = verify_chain()
    assert not report.ok
    assert (report.break_id, report.reason) == (events[1].pk, PREVIOUS_MISSING)


@pytest.mark.django_db
def test_entries_are_never_changed_or_deleted_through_the_orm(staff):
    event = audit(Kind.LOGIN, actor=staff)
    with pytest.raises(PermissionError):
        SecurityEvent.objects.filter(pk=event.pk).update(detail={"x": 1})
    with pytest.raises(PermissionError):
        SecurityEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.bulk_update([event], ["detail"])
    with pytest.raises(PermissionError):
        SecurityEvent.objects.bulk_create([event])  # already saved
    assert SecurityEvent.objects.filter(pk=event.pk, detail={}).exists()
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    writers, per_writer = 4, 10
    start = threading.Barrier(writers)
    errors = []

    def write(n):
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    audit(Kind.LOGIN, request=None, writer=n, i=i)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert SecurityEvent.objects.count() == writers * per_writer
    prev_hashes = list(SecurityEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == len(prev_hashes)  # no two entries share a predecessor
    report = verify_chain()
    assert report.ok, report.summary()
    assert report.checked == writers * per_writer


# --- The admin ------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, city, settings):
    settings.REQUIRE_STAFF_MFA = False
    user = factories.StaffFactory(congress=city, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.django_db
def test_the_admin_never_changes_an_entry_even_for_a_superuser(superuser_client):
    event = audit(Kind.LOGIN, actor=superuser_client.user)
    url = f"/admin/accounts/securityevent/{event.pk}/change/"
    page = superuser_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # a view-only page
    assert superuser_client.post(url, {"kind": "logout", "detail": "{}"}).status_code == 403
    assert superuser_client.get("/admin/accounts/securityevent/add/").status_code == 403
    assert (
        superuser_client.post(f"/admin/accounts/securityevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    response = superuser_client.post(
        "/admin/accounts/securityevent/", {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    assert SecurityEvent.objects.filter(pk=event.pk, kind="login").exists()
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_the_admin_says_whether_the_chain_verifies(superuser_client):
    old = timezone.now() - timedelta(days=300)
    events = [SecurityEvent.objects.create(kind=Kind.LOGIN, created_at=old) for _ in range(3)]
    response = superuser_client.get("/admin/accounts/securityevent/verify/")
    assert response.status_code == 302
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == "success"
    assert str(SecurityEvent.objects.count()) in message.message

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_securityevent WHERE id = %s", [events[1].pk])
    response = superuser_client.post(
        "/admin/accounts/securityevent/", {"action": "verify_chain", "_selected_action": [events[0].pk]}
    )
    message = list(get_messages(response.wsgi_request))[-1]
    assert message.level_tag == "error"
    assert str(events[2].pk) in message.message


@pytest.mark.django_db
def test_only_viewers_of_the_log_may_verify_it(client, deputy):
    client.force_login(deputy)
    response = client.get("/admin/accounts/securityevent/verify/")
    assert response.status_code in (302, 403)
    assert not get_messages(response.wsgi_request)
