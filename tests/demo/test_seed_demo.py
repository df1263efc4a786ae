"""seed_demo: idempotent, deterministic, consistent counts, working demo logins, invented contact data."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Q

from accounts import roles
from accounts.models import SecurityEvent, Unit, User
from accounts.validators import validate_id_number
from demo import demo_data
from demo.management.commands.seed_demo import build_plan
from deputies.models import (
    ByElectionResult,
    Congress,
    CredentialsReview,
    Deputy,
    DeputyGroup,
    ElectoralUnit,
    StandingCommitteeMember,
    StatusChange,
    Term,
    Vacancy,
)
from deputies.selectors import electoral_unit_counts

LOGIN = "/accounts/login/"
INVENTED_MOBILE = re.compile(r"^13[89]0000\d{4}$")


# After every dated demo event, so the counts below do not depend on the machine's clock.
SEEDED_AT = datetime.datetime(2026, 12, 1, 2, tzinfo=datetime.UTC)


def seed(at=SEEDED_AT) -> str:
    out = io.StringIO()
    with time_machine.travel(at, tick=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Row counts and the roster's content: a second run must leave both as they were."""
    models = [
        Congress,
        Term,
        ElectoralUnit,
        Deputy,
        DeputyGroup,
        DeputyGroup.members.through,
        StandingCommitteeMember,
        StatusChange,
        Vacancy,
        ByElectionResult,
        CredentialsReview,
        Unit,
        User,
        SecurityEvent,
    ]
    counts = {model.__name__: model.objects.count() for model in models}
    roster = list(
        Deputy.objects.order_by("pk").values_list("name", "mobile", "id_number", "status", "user_id", "term_id")
    )
    return {"counts": counts, "roster": roster}


def city_term():
    return Term.objects.get(congress__name=demo_data.CITY["name"], is_current=True)


@pytest.mark.django_db
def test_second_run_creates_and_changes_nothing():
    seed()
    first = snapshot()
    output = seed()
    assert snapshot() == first
    assert "nothing (already seeded)" in output


def test_plan_is_the_same_every_time():
    one, two = build_plan(), build_plan()
    assert [(u, p.name, p.mobile, p.id_number) for u, p in one.municipal] == [
        (u, p.name, p.mobile, p.id_number) for u, p in two.municipal
    ]
    assert len({p.name for _, p in one.municipal}) == len(one.municipal)  # no namesakes in the roster


@pytest.mark.django_db
def test_roster_counts_match_a_recount():
    seed()
    term = city_term()
    serving = Deputy.objects.filter(term=term, status=Deputy.Status.SERVING)
    assert 580 <= serving.count() <= 600
    units = list(electoral_unit_counts(congress_id=term.congress_id, term_id=term.pk))
    assert len(units) == len(demo_data.DISTRICTS) + 1
    assert sum(unit.seats for unit in units) == 600
    for unit in units:
        recount = Deputy.objects.filter(term=term, electoral_unit=unit).aggregate(
            serving=Count("pk", filter=Q(status=Deputy.Status.SERVING)),
            suspended=Count("pk", filter=Q(status=Deputy.Status.SUSPENDED)),
        )
        vacancies = Vacancy.objects.filter(term=term, electoral_unit=unit, status=Vacancy.Status.OPEN).count()
        assert unit.serving_count == recount["serving"] > 0, unit.name
        assert unit.suspended_count == recount["suspended"]
        assert unit.vacancy_count == vacancies
        # Every seat is held (serving or suspended) or open: the by-elected one
        # awaiting review still leaves their vacancy open.
        assert unit.serving_count + unit.suspended_count + unit.vacancy_count == unit.seats, unit.name

    # Item 16 as the services left it: five terminations, two seats filled after
    # an approved review, one by-elected deputy waiting for the next review.
    assert StatusChange.objects.filter(kind=StatusChange.Kind.TERMINATE).count() == 5
    assert Vacancy.objects.filter(term=term, status=Vacancy.Status.FILLED, reported_in__status="approved").count() == 2
    pending = Deputy.objects.get(term=term, status=Deputy.Status.PENDING)
    assert pending.by_election_result.by_election.review.status == CredentialsReview.Status.DRAFT
    assert not DeputyGroup.members.through.objects.filter(deputy__status=Deputy.Status.TERMINATED).exists()


@pytest.mark.django_db
def test_groups_and_standing_committee():
    seed()
    term = city_term()
    for name, *_ in demo_data.DISTRICTS:
        group = DeputyGroup.objects.get(term=term, name=f"{name}代表小组")
        assert group.leader in group.members.all()
        assert group.members.filter(electoral_unit__name=name).count() == group.members.count() > 0
    assert DeputyGroup.objects.filter(term=term, kind=DeputyGroup.Kind.PROFESSIONAL).count() == len(demo_data.FIELDS)
    positions = dict(StandingCommitteeMember.objects.filter(term=term).values_list("position").annotate(n=Count("pk")))
    assert positions == {"director": 1, "deputy_director": 6, "secretary_general": 1, "member": 35}


@pytest.mark.django_db
def test_demo_accounts_log_in_with_their_roles(client):
    seed()
    response = client.post(LOGIN, {"login": "deputy@example.org", "password": demo_data.DEMO_PASSWORD})
    assert response.status_code == 302
    client.logout()
    response = client.post(LOGIN, {"login": "138 0000 0001", "password": demo_data.DEMO_PASSWORD})
    assert response.status_code == 302

    deputy = User.objects.get(email="deputy@example.org")
    mandates = Deputy.objects.filter(user=deputy)
    assert sorted(mandates.values_list("congress__level", flat=True)) == ["city", "provincial"]
    assert mandates.get(congress__level="city").is_grassroots
    assert deputy.emailaddress_set.get().verified

    def user_roles(email):
        return roles.user_roles(User.objects.get(email=email))

    assert user_roles("staff@example.org") == {roles.STAFF}
    assert User.objects.get(email="staff@example.org").has_perm("deputies.view_personal_data")
    assert User.objects.get(email="xuanwu.staff@example.org").congress.short_name == "玄武区"
    assert roles.SC_MEMBER in user_roles("sc@example.org")
    assert StandingCommitteeMember.objects.get(deputy__user__email="sc@example.org").position == "deputy_director"
    assert User.objects.get(email="unit@example.org").unit.name == "市交通运输局"
    assert user_roles("unit2@example.org") == {roles.UNIT_OFFICER}
    assert User.objects.get(email="admin@example.org").is_superuser
    # About fifty more deputies can log in by mobile number with the same password.
    assert User.objects.filter(email__isnull=True, mandates__isnull=False).distinct().count() >= 45


@pytest.mark.django_db
def test_contact_data_is_invented():
    seed()
    for mobile in Deputy.objects.exclude(mobile="").values_list("mobile", flat=True):
        assert INVENTED_MOBILE.match(mobile), mobile
    for mobile in User.objects.exclude(mobile=None).values_list("mobile", flat=True):
        assert INVENTED_MOBILE.match(mobile), mobile
    for id_number in Deputy.objects.exclude(id_number="").values_list("id_number", flat=True):
        assert id_number.startswith("990000")
        validate_id_number(id_number)
    addresses = Deputy.objects.values_list("address", flat=True)
    assert addresses and all(address.endswith("（地址略）") for address in addresses)
    for phone in Unit.objects.values_list("public_phone", flat=True):
        assert re.fullmatch(r"025-8\d{7}", phone)


@pytest.mark.django_db
def test_events_after_today_wait_for_a_later_run():
    """With the clock set back, later events are skipped; a run after their dates adds them."""
    output = seed(at=datetime.datetime(2025, 1, 1, 4, tzinfo=datetime.UTC))
    assert "skipped" in output
    assert StatusChange.objects.filter(kind=StatusChange.Kind.TERMINATE).count() == 4
    assert not Deputy.objects.filter(status__in=[Deputy.Status.PENDING, Deputy.Status.SUSPENDED]).exists()
    seed()
    assert StatusChange.objects.filter(kind=StatusChange.Kind.TERMINATE).count() == 5
    assert Deputy.objects.filter(status=Deputy.Status.PENDING).count() == 1
    assert Deputy.objects.filter(status=Deputy.Status.SUSPENDED).count() == 1
