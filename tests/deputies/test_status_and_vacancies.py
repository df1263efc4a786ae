"""Status changes, vacancies, by-elections and credentials reviews; counts equal a recount."""

import datetime

import pytest

from core.exceptions import InvalidTransition, NotAllowed
from deputies import services
from deputies.models import CredentialsReview, Deputy, StatusChange, Vacancy
from deputies.selectors import electoral_unit_counts, serving_count
from tests import factories

TODAY = datetime.date(2026, 3, 1)


def recount(unit, term):
    deputies = list(Deputy.objects.filter(electoral_unit=unit, term=term))
    return {
        "serving": sum(d.status == Deputy.Status.SERVING for d in deputies),
        "suspended": sum(d.status == Deputy.Status.SUSPENDED for d in deputies),
        "pending": sum(d.status == Deputy.Status.PENDING for d in deputies),
        "vacancies": sum(
            v.status == Vacancy.Status.OPEN for v in Vacancy.objects.filter(electoral_unit=unit, term=term)
        ),
    }


def counts_of(unit, term):
    row = electoral_unit_counts(congress_id=unit.congress_id, term_id=term.pk).get(pk=unit.pk)
    return {
        "serving": row.serving_count,
        "suspended": row.suspended_count,
        "pending": row.pending_count,
        "vacancies": row.vacancy_count,
    }


@pytest.fixture
def roster(city, term, electoral_unit):
    return [factories.DeputyFactory(congress=city, term=term, electoral_unit=electoral_unit) for _ in range(6)]


@pytest.mark.django_db
def test_terminate_opens_a_vacancy_and_leaves_the_serving_count_at_once(staff, roster, term, electoral_unit):
    before = serving_count(congress_id=electoral_unit.congress_id, term_id=term.pk)
    vacancy = services.deputy_terminate(
        actor=staff, deputy=roster[0], reason=StatusChange.Reason.RESIGNED, effective_date=TODAY
    )
    assert vacancy.status == Vacancy.Status.OPEN
    assert serving_count(congress_id=electoral_unit.congress_id, term_id=term.pk) == before - 1
    assert (
        counts_of(electoral_unit, term)
        == recount(electoral_unit, term)
        == {
            "serving": 5,
            "suspended": 0,
            "pending": 0,
            "vacancies": 1,
        }
    )
    change = StatusChange.objects.get(deputy=roster[0])
    assert (change.from_status, change.to_status, change.actor) == ("serving", "terminated", staff)


@pytest.mark.django_db
def test_terminate_needs_a_legal_ground(staff, roster):
    with pytest.raises(InvalidTransition):
        services.deputy_terminate(
            actor=staff, deputy=roster[0], reason=StatusChange.Reason.CUSTODY, effective_date=TODAY
        )
    roster[0].refresh_from_db()
    assert roster[0].status == Deputy.Status.SERVING
    assert not Vacancy.objects.exists()


@pytest.mark.django_db
def test_terminated_deputy_cannot_be_terminated_again_or_suspended(staff, roster):
    services.deputy_terminate(actor=staff, deputy=roster[0], reason=StatusChange.Reason.DIED, effective_date=TODAY)
    with pytest.raises(InvalidTransition):
        services.deputy_terminate(actor=staff, deputy=roster[0], reason=StatusChange.Reason.MOVED, effective_date=TODAY)
    with pytest.raises(InvalidTransition):
        services.deputy_suspend(actor=staff, deputy=roster[0], reason=StatusChange.Reason.CUSTODY, effective_date=TODAY)
    assert Vacancy.objects.count() == 1
    assert StatusChange.objects.count() == 1


@pytest.mark.django_db
def test_stale_object_cannot_resurrect_a_terminated_deputy(staff, roster):
    """GIVEN two staff hold the same deputy in memory WHEN one terminates and the other suspends
    THEN the second is refused: the database row decides, not the stale object."""
    stale = Deputy.objects.get(pk=roster[0].pk)
    services.deputy_terminate(actor=staff, deputy=roster[0], reason=StatusChange.Reason.RESIGNED, effective_date=TODAY)
    with pytest.raises(InvalidTransition):
        services.deputy_suspend(actor=staff, deputy=stale, reason=StatusChange.Reason.CUSTODY, effective_date=TODAY)
    assert Deputy.objects.get(pk=roster[0].pk).status == Deputy.Status.TERMINATED


@pytest.mark.django_db
def test_suspend_and_resume(staff, roster, term, electoral_unit):
    services.deputy_suspend(actor=staff, deputy=roster[1], reason=StatusChange.Reason.CUSTODY, effective_date=TODAY)
    assert counts_of(electoral_unit, term) == recount(electoral_unit, term)
    assert counts_of(electoral_unit, term)["suspended"] == 1
    assert not Vacancy.objects.exists()  # a suspended deputy keeps the seat
    services.deputy_resume(actor=staff, deputy=roster[1], effective_date=TODAY)
    assert Deputy.objects.get(pk=roster[1].pk).status == Deputy.Status.SERVING
    with pytest.raises(InvalidTransition):
        services.deputy_resume(actor=staff, deputy=roster[1], effective_date=TODAY)


@pytest.mark.django_db
def test_future_termination_date_is_refused(staff, roster):
    with pytest.raises(InvalidTransition):
        services.deputy_terminate(
            actor=staff,
            deputy=roster[0],
            reason=StatusChange.Reason.RESIGNED,
            effective_date=datetime.date.today() + datetime.timedelta(days=3),
        )


@pytest.mark.django_db
def test_only_staff_in_scope_change_status(deputy, district_staff, roster):
    with pytest.raises(NotAllowed):
        services.deputy_suspend(
            actor=deputy, deputy=roster[0], reason=StatusChange.Reason.CUSTODY, effective_date=TODAY
        )
    with pytest.raises(NotAllowed):
        services.deputy_terminate(
            actor=district_staff, deputy=roster[0], reason=StatusChange.Reason.DIED, effective_date=TODAY
        )
    assert not StatusChange.objects.exists()


@pytest.mark.django_db
def test_by_election_enters_after_the_review_is_approved(staff, roster, term, electoral_unit):
    """GIVEN a vacancy WHEN a by-election is recorded THEN the new deputy waits (pending) and the
    vacancy stays open; WHEN the SC approves the review THEN the deputy serves and the vacancy is filled."""
    vacancy = services.deputy_terminate(
        actor=staff, deputy=roster[0], reason=StatusChange.Reason.MOVED, effective_date=TODAY
    )
    review = CredentialsReview.objects.create(term=term, title="关于补选代表资格的审查报告", meeting_date=TODAY)
    result = services.by_election_record(
        actor=staff,
        vacancy=vacancy,
        held_on=TODAY,
        held_by="玄武区人大常委会",
        review=review,
        elected={"name": "新代表", "gender": "M", "employer": "示例公司"},
    )
    assert result.deputy.status == Deputy.Status.PENDING
    assert (
        counts_of(electoral_unit, term)
        == recount(electoral_unit, term)
        == {
            "serving": 5,
            "suspended": 0,
            "pending": 1,
            "vacancies": 1,
        }
    )
    with pytest.raises(InvalidTransition):
        services.by_election_record(
            actor=staff, vacancy=vacancy, held_on=TODAY, held_by="x", elected={"name": "重复", "gender": "F"}
        )

    confirmed = services.credentials_review_approve(actor=staff, review=review, approved_on=TODAY)
    assert confirmed == 1
    assert (
        counts_of(electoral_unit, term)
        == recount(electoral_unit, term)
        == {
            "serving": 6,
            "suspended": 0,
            "pending": 0,
            "vacancies": 0,
        }
    )
    vacancy.refresh_from_db()
    assert vacancy.filled_by == result.deputy and vacancy.reported_in == review
    with pytest.raises(InvalidTransition):
        services.credentials_review_approve(actor=staff, review=review, approved_on=TODAY)


@pytest.mark.django_db
def test_terminating_a_linked_deputy_removes_the_deputy_role(staff, deputy, django_capture_on_commit_callbacks):
    from accounts import roles

    with django_capture_on_commit_callbacks(execute=True):
        services.deputy_terminate(
            actor=staff, deputy=deputy.mandate, reason=StatusChange.Reason.RESIGNED, effective_date=TODAY
        )
    deputy.__dict__.pop("_role_cache", None)
    assert roles.DEPUTY not in roles.user_roles(deputy)


@pytest.mark.django_db
def test_status_change_admin_runs_the_service(staff_client, roster):
    response = staff_client.post(
        "/admin/deputies/statuschange/add/",
        {
            "deputy": roster[2].pk,
            "kind": "terminate",
            "reason": "resigned",
            "effective_date": "2026-03-01",
            "note": "本人书面辞职",
        },
    )
    assert response.status_code == 302
    assert Deputy.objects.get(pk=roster[2].pk).status == Deputy.Status.TERMINATED
    assert Vacancy.objects.filter(vacated_by=roster[2]).exists()


@pytest.mark.django_db
def test_status_change_admin_refuses_an_illegal_change_with_a_message(staff_client, roster):
    response = staff_client.post(
        "/admin/deputies/statuschange/add/",
        {"deputy": roster[2].pk, "kind": "resume", "reason": "", "effective_date": "2026-03-01", "note": ""},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not StatusChange.objects.exists()


@pytest.mark.django_db
def test_by_election_form_in_the_admin(staff_client, staff, roster, term):
    vacancy = services.deputy_terminate(
        actor=staff, deputy=roster[0], reason=StatusChange.Reason.MOVED, effective_date=TODAY
    )
    url = f"/admin/deputies/vacancy/{vacancy.pk}/by-election/"
    assert staff_client.get(url).status_code == 200
    bad = staff_client.post(url, {"held_on": "2026-13-01", "held_by": "", "name": "", "gender": "M", "mobile": "12345"})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) >= {"held_on", "held_by", "name", "mobile"}
    assert not Deputy.objects.filter(status=Deputy.Status.PENDING).exists()
    ok = staff_client.post(
        url,
        {
            "held_on": "2026-03-01",
            "held_by": "玄武区人大常委会",
            "name": "补选代表",
            "gender": "F",
            "ethnicity": "汉族",
            "mobile": "138 0000 7777",
        },
    )
    assert ok.status_code == 302
    elected = Deputy.objects.get(name="补选代表")
    assert elected.status == Deputy.Status.PENDING and elected.mobile == "13800007777"
    assert staff_client.get(url).status_code == 200  # still reachable, but recording again is refused
    again = staff_client.post(
        url, {"held_on": "2026-03-01", "held_by": "x", "name": "再次", "gender": "F", "ethnicity": "汉族"}
    )
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert not Deputy.objects.filter(name="再次").exists()


@pytest.mark.django_db
def test_credentials_report_lists_terminations_and_by_elected_deputies(
    staff_client, staff, roster, term, electoral_unit
):
    vacancy = services.deputy_terminate(
        actor=staff, deputy=roster[0], reason=StatusChange.Reason.MOVED, effective_date=TODAY
    )
    services.deputy_suspend(actor=staff, deputy=roster[1], reason=StatusChange.Reason.CUSTODY, effective_date=TODAY)
    review = CredentialsReview.objects.create(term=term, title="资格审查报告（2026年第1号）", meeting_date=TODAY)
    services.by_election_record(
        actor=staff,
        vacancy=vacancy,
        held_on=TODAY,
        held_by="玄武区人大常委会",
        review=review,
        elected={"name": "补选甲", "gender": "M"},
    )
    page = staff_client.get(f"/admin/deputies/credentialsreview/{review.pk}/report/")
    assert page.status_code == 200
    assert [c.deputy for c in page.context["terminations"]] == [roster[0]]
    assert [c.deputy for c in page.context["suspensions"]] == [roster[1]]
    assert [r.deputy.name for r in page.context["results"]] == ["补选甲"]
    assert page.context["totals"]["vacancies"] == 1 and page.context["totals"]["pending"] == 1
    assert page.context["totals"]["serving"] == Deputy.objects.filter(term=term, status="serving").count()


@pytest.mark.django_db
def test_termination_ends_the_sc_seat_and_confirmation_joins_the_unit_group(staff, roster, term, electoral_unit, city):
    from deputies.models import DeputyGroup, StandingCommitteeMember

    seat = StandingCommitteeMember.objects.create(term=term, deputy=roster[0], start_date=datetime.date(2022, 1, 10))
    group = DeputyGroup.objects.create(congress=city, term=term, name="玄武区代表小组", electoral_unit=electoral_unit)
    vacancy = services.deputy_terminate(
        actor=staff, deputy=roster[0], reason=StatusChange.Reason.RESIGNED, effective_date=TODAY
    )
    seat.refresh_from_db()
    assert seat.end_date == TODAY
    review = CredentialsReview.objects.create(term=term, title="审查报告", meeting_date=TODAY)
    result = services.by_election_record(
        actor=staff,
        vacancy=vacancy,
        held_on=TODAY,
        held_by="区人大常委会",
        review=review,
        elected={"name": "新人", "gender": "F"},
    )
    assert not group.members.filter(pk=result.deputy.pk).exists()
    services.credentials_review_approve(actor=staff, review=review, approved_on=TODAY)
    assert group.members.filter(pk=result.deputy.pk).exists()
