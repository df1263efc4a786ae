"""Acceptance numbers under concurrency: 8 threads race to accept the same 20 items.

Every item must be accepted exactly once, and the numbers must be 1..20: unique (the
database constraint) and gapless (the counter row is locked by its UPDATE until the
acceptance commits; a losing acceptance rolls its increment back).

Runs on both databases. PostgreSQL (CI) queues the writers on the counter row's lock.
SQLite serialises writers on the whole file and may answer "database is locked" instead
of waiting (a deferred transaction that read first cannot always be promoted); a real
client would retry, and so does each thread here. How often it had to is reported in
the test's user properties (and printed with ``-s``).
"""

import random
import threading
import time

import pytest
from django.db import OperationalError, connection

from accounts.models import User
from core.exceptions import InvalidTransition
from core.search import segment_for_index
from proposals import services
from proposals.models import NumberCounter, Suggestion, SuggestionEvent

from .. import factories

N_ITEMS = 20
N_THREADS = 8
MAX_ATTEMPTS = 200


def _submitted_items(staff, city, term, session) -> list[int]:
    """Paper items of a deputy without an account: no notification is queued, so the race
    is only about the numbers."""
    lead = factories.DeputyFactory(congress=city, term=term, name="纸质提交代表")
    pks = []
    for n in range(N_ITEMS):
        item = services.suggestion_create(
            actor=staff,
            lead_deputy=lead,
            title=f"关于第{n}件民生实事的建议",
            body="正文",
            session=session,
            on_behalf=True,
        )
        services.suggestion_submit(actor=staff, suggestion=item)
        pks.append(item.pk)
    return pks


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptance_gives_unique_gapless_numbers(staff, city, term, record_property):
    session = factories.SessionFactory(term=term, number=4, name="市十七届人大四次会议")
    pks = _submitted_items(staff, city, term, session)
    assert not NumberCounter.objects.exists()  # the threads also race to create the counter
    segment_for_index("预热分词词典")  # load jieba's dictionary once, before the race

    barrier = threading.Barrier(N_THREADS)
    lock = threading.Lock()
    accepted: list[int] = []
    errors: list[BaseException] = []
    stats = {"locked_retries": 0, "lost_races": 0}

    def worker(seed: int) -> None:
        order = list(pks)
        random.Random(seed).shuffle(order)
        try:
            actor = User.objects.get(pk=staff.pk)  # each thread its own user object and caches
            barrier.wait(timeout=30)
            for pk in order:
                for _attempt in range(MAX_ATTEMPTS):
                    try:
                        item = Suggestion.objects.select_related("congress", "session", "lead_deputy").get(pk=pk)
                        if item.status != Suggestion.Status.SUBMITTED:
                            break
                        services.suggestion_accept(actor=actor, suggestion=item)
                        with lock:
                            accepted.append(pk)
                        break
                    except InvalidTransition:
                        with lock:
                            stats["lost_races"] += 1  # another thread accepted it first: nothing changed
                        break
                    except OperationalError as exc:
                        if connection.vendor != "sqlite" or "locked" not in str(exc):
                            raise
                        with lock:
                            stats["locked_retries"] += 1
                        time.sleep(random.uniform(0.002, 0.02))
                else:
                    raise AssertionError(f"item {pk}: still locked after {MAX_ATTEMPTS} attempts")
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(N_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    record_property("locked_retries", stats["locked_retries"])
    record_property("lost_races", stats["lost_races"])
    print(f"\n{connection.vendor}: {stats}")
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert sorted(accepted) == sorted(pks)  # each item accepted once
    rows = list(Suggestion.objects.filter(pk__in=pks).values_list("status", "number_series", "number"))
    assert {status for status, _series, _number in rows} == {Suggestion.Status.ACCEPTED}
    assert {series for _status, series, _number in rows} == {session.name}
    assert sorted(number for *_rest, number in rows) == list(range(1, N_ITEMS + 1))
    assert NumberCounter.objects.get(series=session.name).last_number == N_ITEMS
    assert SuggestionEvent.objects.filter(suggestion_id__in=pks, action="accept").count() == N_ITEMS
    if connection.vendor == "postgresql":
        assert stats["locked_retries"] == 0  # PostgreSQL waits on the row lock instead
