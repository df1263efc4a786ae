"""Retention of the security log: kept at least AUDIT_RETENTION_DAYS (never under 180), purged
daily through one path that records where the remaining chain starts."""

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts import audit as audit_module
from accounts.audit import (
    PREVIOUS_MISSING,
    RETENTION_FLOOR_DAYS,
    check_audit_retention,
    purge_audit_log,
    retention_days,
    verify_chain,
)
from accounts.models import SecurityEvent
from notifications import registry

Kind = SecurityEvent.Kind


def _entry(days_ago: float, now=None, **detail) -> SecurityEvent:
    now = now or timezone.now()
    return SecurityEvent.objects.create(kind=Kind.LOGIN, created_at=now - timedelta(days=days_ago), detail=detail)


# --- The setting -------------------------------------------------------------------------------


def test_retention_defaults_to_a_year(settings):
    if hasattr(settings, "AUDIT_RETENTION_DAYS"):
        del settings.AUDIT_RETENTION_DAYS
    assert retention_days() == 365
    assert check_audit_retention() == []


def test_retention_under_180_days_is_a_system_check_error(settings):
    settings.AUDIT_RETENTION_DAYS = 179
    (error,) = check_audit_retention()
    assert error.id == "accounts.E100"
    assert error.is_serious()
    settings.AUDIT_RETENTION_DAYS = 180
    assert check_audit_retention() == []
    settings.AUDIT_RETENTION_DAYS = "a year"
    assert check_audit_retention()[0].id == "accounts.E101"


def test_the_check_is_registered_with_django(settings):
    from django.core import checks

    settings.AUDIT_RETENTION_DAYS = 30
    ids = {message.id for message in checks.run_checks(tags=[checks.Tags.security])}
    assert "accounts.E100" in ids


def test_a_low_setting_is_clamped_if_checks_were_skipped(settings, caplog):
    settings.AUDIT_RETENTION_DAYS = 30
    with caplog.at_level(logging.WARNING, logger="accounts.audit"):
        assert retention_days() == RETENTION_FLOOR_DAYS
    assert "below the floor" in caplog.text


# --- The purge ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_purge_deletes_only_entries_older_than_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    oldest, old, kept_old, recent = _entry(500, now), _entry(400, now), _entry(300, now), _entry(1, now)

    assert purge_audit_log(now) == 2

    remaining = set(SecurityEvent.objects.values_list("id", flat=True))
    assert {oldest.pk, old.pk} & remaining == set()
    assert {kept_old.pk, recent.pk} <= remaining
    purge = SecurityEvent.objects.get(kind=Kind.AUDIT_PURGED)
    assert purge.detail["count"] == 2
    assert purge.detail["first_id"] == oldest.pk
    assert purge.detail["last_id"] == old.pk
    assert purge.detail["anchor"] == old.row_hash
    assert purge.detail["retention_days"] == 365
    assert purge.prev_hash == recent.row_hash  # appended to the chain like any entry
    # The purge is not a break: the chain starts at the recorded anchor.
    report = verify_chain()
    assert report.ok, report.summary()
    assert report.anchor_event_id == purge.pk
    assert report.checked == 3


@pytest.mark.django_db
def test_purge_respects_the_floor_and_runs_once_a_day(settings):
    settings.AUDIT_RETENTION_DAYS = 30  # refused by the check; clamped to 180 all the same
    now = timezone.now()
    _entry(200, now)
    middle = _entry(150, now)
    assert purge_audit_log(now) == 1
    assert SecurityEvent.objects.filter(pk=middle.pk).exists()
    # Later the same day: the same cut-off, nothing more, no second purge entry.
    assert purge_audit_log(now + timedelta(minutes=5)) == 0
    assert SecurityEvent.objects.filter(kind=Kind.AUDIT_PURGED).count() == 1


@pytest.mark.django_db
def test_purge_with_nothing_due_writes_nothing(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    _entry(10)
    assert purge_audit_log() == 0
    assert not SecurityEvent.objects.filter(kind=Kind.AUDIT_PURGED).exists()


@pytest.mark.django_db
def test_an_old_entry_after_a_young_one_waits(settings):
    """Only the oldest run of entries goes: a hole in the middle would break the chain."""
    settings.AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    first = _entry(400, now)
    young = _entry(5, now)
    late_old = _entry(400, now)  # written with an old time after a young entry
    assert purge_audit_log(now) == 1
    assert not SecurityEvent.objects.filter(pk=first.pk).exists()
    assert SecurityEvent.objects.filter(pk__in=[young.pk, late_old.pk]).count() == 2
    assert verify_chain().ok


@pytest.mark.django_db
def test_successive_purges_keep_the_chain_verifiable(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    entries = [_entry(days_ago, now) for days_ago in range(1000, 0, -50)]
    remaining = []
    # Three daily runs, months apart (in the past: PostgreSQL's trigger goes by the real clock).
    for days_ago in (250, 100, 0):
        purge_audit_log(now - timedelta(days=days_ago))
        report = verify_chain()
        assert report.ok, report.summary()
        remaining.append(SecurityEvent.objects.filter(pk__in=[e.pk for e in entries]).count())
    assert SecurityEvent.objects.filter(kind=Kind.AUDIT_PURGED).count() == 3
    assert remaining[0] > remaining[1] > remaining[2] > 0
    assert not SecurityEvent.objects.filter(created_at__lt=now - timedelta(days=366)).exists()


@pytest.mark.django_db
def test_after_a_purge_a_removed_first_entry_is_still_a_break(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    _entry(500, now)
    survivor = _entry(300, now)  # older than 180 days: raw SQL may delete it on PostgreSQL too
    after = _entry(299, now)
    purge_audit_log(now)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_securityevent WHERE id = %s", [survivor.pk])
    report = verify_chain()
    assert not report.ok
    assert (report.break_id, report.reason) == (after.pk, PREVIOUS_MISSING)


@pytest.mark.django_db
def test_purge_command(settings, capsys):
    settings.AUDIT_RETENTION_DAYS = 365
    _entry(400)
    _entry(400)
    _entry(3)
    call_command("purge_audit_log")
    assert "2 audit entries older than 365 days deleted" in capsys.readouterr().out
    assert SecurityEvent.objects.filter(kind=Kind.AUDIT_PURGED).count() == 1
    assert SecurityEvent.objects.count() == 2


@pytest.mark.django_db
def test_the_daily_scan_purges_through_the_same_path(settings, monkeypatch, time_machine):
    settings.AUDIT_RETENTION_DAYS = 365
    assert "accounts.purge_audit_log" in registry.registered_scans()
    time_machine.move_to("2026-03-02 03:00 +0800", tick=False)
    _entry(400)
    _entry(366)
    calls = []
    real = audit_module.purge_audit_log
    monkeypatch.setattr(audit_module, "purge_audit_log", lambda now: calls.append(now) or real(now))
    assert registry.run_all_scans()["accounts.purge_audit_log"] == 0  # it sends no notification
    assert len(calls) == 1
    purge = SecurityEvent.objects.get(kind=Kind.AUDIT_PURGED)
    assert purge.detail["count"] == 2
    # The scans run every few minutes: the rest of the day purges nothing more.
    time_machine.move_to("2026-03-02 23:55 +0800", tick=False)
    registry.run_all_scans()
    assert SecurityEvent.objects.filter(kind=Kind.AUDIT_PURGED).count() == 1
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_database_refuses_early_deletes_and_any_update_on_postgresql():
    young = _entry(10)
    old = _entry(200)
    if connection.vendor == "postgresql":
        for sql in (
            "DELETE FROM accounts_securityevent WHERE id = %s",
            "UPDATE accounts_securityevent SET user_agent = 'x' WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="pgtrigger"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [young.pk])
        with pytest.raises(DatabaseError, match="Cannot update"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE accounts_securityevent SET user_agent = 'x' WHERE id = %s", [old.pk])
        with connection.cursor() as cursor:  # older than 180 days: the purge may delete it
            cursor.execute("DELETE FROM accounts_securityevent WHERE id = %s", [old.pk])
        assert list(SecurityEvent.objects.values_list("id", flat=True)) == [young.pk]
    else:
        # SQLite: the refusal is the ORM's (no migration may add triggers there).
        with pytest.raises(PermissionError):
            SecurityEvent.objects.filter(pk=young.pk).delete()
        with pytest.raises(PermissionError):
            SecurityEvent.objects.filter(pk=old.pk).update(user_agent="x")
        assert SecurityEvent.objects.filter(user_agent="").count() == 2


@pytest.mark.django_db
def test_purge_of_old_rows_passes_the_database_trigger(settings):
    """On PostgreSQL the trigger allows the purge: every purged row is older than 180 days."""
    settings.AUDIT_RETENTION_DAYS = RETENTION_FLOOR_DAYS
    now = timezone.now()
    gone = _entry(RETENTION_FLOOR_DAYS + 2, now)
    kept = _entry(RETENTION_FLOOR_DAYS - 1, now)
    assert purge_audit_log(now) == 1
    assert not SecurityEvent.objects.filter(pk=gone.pk).exists()
    assert SecurityEvent.objects.filter(pk=kept.pk).exists()
