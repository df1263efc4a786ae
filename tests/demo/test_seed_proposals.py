"""seed_proposals: a session's worth of items in every state, made through the services;
idempotent, deterministic, fast, and every public page shows something."""

import datetime
import io
import time
from collections import defaultdict

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from demo.management.commands.seed_proposals import Roster, build_plan
from notifications.models import Notification
from proposals.models import (
    Assignment,
    Commitment,
    CoSigner,
    KeySupervision,
    Rating,
    Reply,
    Suggestion,
    SuggestionEvent,
)
from proposals.selectors.public import PUBLIC_STATUSES

from ..builders import listed_ids

S = Suggestion.Status
SEEDED_AT = datetime.datetime(2026, 11, 25, 2, tzinfo=datetime.UTC)  # 10:00 in Nanjing


def snapshot() -> dict:
    return {
        "suggestions": sorted(
            Suggestion.objects.values_list("lead_deputy_id", "title", "status", "number_series", "number")
        ),
        "events": SuggestionEvent.objects.count(),
        "assignments": Assignment.objects.count(),
        "replies": Reply.objects.count(),
        "ratings": Rating.objects.count(),
        "notifications": Notification.objects.count(),
        "users": User.objects.count(),
    }


@pytest.mark.django_db
def test_seed_needs_the_roster_first():
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_proposals", stdout=io.StringIO())


@pytest.mark.django_db
def test_seed_proposals_after_seed_demo(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(SEEDED_AT, tick=True):
        call_command("seed_demo", stdout=io.StringIO())
        started = time.monotonic()
        out = io.StringIO()
        call_command("seed_proposals", stdout=out)
        elapsed = time.monotonic() - started
        first = snapshot()
        again = io.StringIO()
        call_command("seed_proposals", stdout=again)
        assert snapshot() == first  # idempotent: nothing created, nothing changed
        assert "nothing created" in again.getvalue()
        today = timezone.localdate()

        # Well under a minute (it takes about 15 s on SQLite on a 2-core machine).
        assert elapsed < 60, out.getvalue()

        # A session's worth, in every state.
        items = Suggestion.objects.all()
        assert 280 <= items.count() <= 330
        assert set(items.values_list("status", flat=True)) == set(S.values)
        assert items.filter(kind=Suggestion.Kind.SUGGESTION, converted_from_motion=True).exists()
        assert items.filter(entered_by_staff=True).count() >= 20
        assert items.filter(merged_into__isnull=False).count() == items.filter(status=S.MERGED).count() > 0

        # Numbers: per series, 1..n without a gap, only on accepted items.
        series = defaultdict(list)
        for name, number in items.filter(number__isnull=False).values_list("number_series", "number"):
            series[name].append(number)
        assert series and all(sorted(n) == list(range(1, len(n) + 1)) for n in series.values())
        assert not items.filter(status__in=[S.DRAFT, S.SUBMITTED, S.RETURNED, S.MERGED], number__isnull=False).exists()

        # The services left their events and deadlines.
        for item in items.annotate(n=Count("events")):
            assert item.n >= 1
        accepted = items.filter(number__isnull=False)
        assert SuggestionEvent.objects.filter(action="accept").count() == accepted.count()
        # (Re-handling after an unsatisfied rating moves the deadline, and so does a granted
        # extension: those are left out. An assisting unit's view is due after one month.)
        for a in (
            Assignment.objects.exclude(replies__ratings__value=Rating.Value.UNSATISFIED)
            .exclude(extensions__status="granted")
            .select_related("suggestion")
        ):
            months = 1 if a.role == Assignment.Role.ASSISTING else 6 if a.suggestion.is_broad else 3
            assert a.deadline == a.assigned_on + relativedelta(months=months)
        for r in Reply.objects.filter(round=1).select_related("assignment"):
            assert r.replied_on <= today
        assert Reply.objects.filter(on_time=False).exists() and Reply.objects.filter(round=2).exists()
        assert Assignment.objects.filter(status=Assignment.Status.WITHDRAWN).exists()
        assert Assignment.objects.filter(status=Assignment.Status.REASSIGN_REQUESTED).exists()
        assert Assignment.objects.filter(status=Assignment.Status.ASSIGNED, deadline__lt=today).exists()  # overdue
        assert Rating.objects.filter(value=Rating.Value.UNSATISFIED).exists()
        assert Commitment.objects.filter(status=Commitment.Status.FULFILLED).exists()
        assert Commitment.objects.filter(status=Commitment.Status.OPEN).exists()
        assert KeySupervision.objects.exists()
        assert CoSigner.objects.filter(status=CoSigner.Status.CONFIRMED).exists()
        assert not Notification.objects.filter(
            want_email=True, emailed_at__isnull=True, key__startswith="suggestion:"
        ).exists()

        # Published: handled items only, with their replies.
        published = items.filter(published=True)
        assert published.count() >= 100
        assert set(published.values_list("status", flat=True)) <= set(PUBLIC_STATUSES)
        assert not published.filter(assignments__replies__isnull=True, assignments__role="lead").exists()

        # The demo deputy leads items in several states; the demo unit has work waiting.
        demo = User.objects.get(email="deputy@example.org")
        demo_states = set(items.filter(lead_deputy__user=demo).values_list("status", flat=True))
        assert {S.DRAFT, S.SUBMITTED, S.RETURNED, S.ASSIGNED, S.REPLIED, S.REHANDLING, S.CLOSED} <= demo_states
        assert CoSigner.objects.filter(
            deputy__user=demo, status=CoSigner.Status.INVITED, suggestion__status=S.DRAFT
        ).exists()
        unit = User.objects.get(email="unit@example.org").unit
        waiting = Assignment.objects.filter(
            unit=unit, status__in=[Assignment.Status.ASSIGNED, Assignment.Status.REHANDLING]
        )
        assert waiting.filter(deadline__gte=today).count() >= 5
        assert (
            waiting.filter(reassign_window_ends__gte=today).exists()
            or Assignment.objects.filter(unit=unit, status=Assignment.Status.REASSIGN_REQUESTED).exists()
        )

        # Every public page shows something.
        response = client.get(reverse("proposals:list"))
        assert len(listed_ids(response)) == 20
        assert listed_ids(client.get(reverse("proposals:list"), {"q": "停车"}))
        detail = client.get(reverse("proposals:detail", args=[published.first().pk]))
        assert detail.status_code == 200
        cache.clear()
        stats = client.get(reverse("proposals:unit_stats"))
        assert stats.status_code == 200 and len(stats.context["rows"]) >= 20
        assert client.get(reverse("proposals:feed")).content.count(b"<entry>") == 30


@pytest.mark.django_db
def test_the_plan_is_deterministic():
    with time_machine.travel(SEEDED_AT, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        now = timezone.now()
        first = [
            (p.title, p.lead.pk, p.target, [(w, n) for w, n, _k in p.steps]) for p in build_plan(Roster(), now=now)
        ]
        second = [
            (p.title, p.lead.pk, p.target, [(w, n) for w, n, _k in p.steps]) for p in build_plan(Roster(), now=now)
        ]
    assert first == second
    assert len({(lead, title) for title, lead, _t, _s in first}) == len(first)
    assert all(w <= now for _t, _l, _g, steps in first for w, _n in steps)
