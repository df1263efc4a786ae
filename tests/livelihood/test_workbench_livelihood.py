"""The livelihood blocks of the workbench: a responsible department's progress reports due and
the deputies' observations it has to answer, marked by their deadline; nothing for another unit."""

import datetime

import pytest

from livelihood.models import Cycle, Observation

from . import builders as lb

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(staff, city, department):
    cycle = lb.voted(staff, city, unit=department)
    # The vote was held six weeks ago and no report has come since: a week past the monthly report.
    Cycle.objects.filter(pk=cycle.pk).update(vote_held_on=lb.today() - datetime.timedelta(days=42))
    return lb.elected(cycle)[0]


def _blocks(client, user):
    client.force_login(user)
    response = client.get("/portal/")
    assert response.status_code == 200
    return {block.key: block for block in response.context["blocks"]}


def test_the_department_sees_its_reports_due_and_observations_to_answer(client, project, officer, deputy):
    Observation.objects.create(
        project=project,
        deputy=deputy.mandate,
        text="施工围挡占用人行道。",
        due_on=lb.today() - datetime.timedelta(days=1),
    )
    blocks = _blocks(client, officer)
    reports = blocks["livelihood.reports"]
    # Both elected projects' items; late by more than a week, so red.
    assert reports.total == 2
    assert {i.mark for i in reports.items} == {"red"}
    assert reports.items[0].due == lb.today() - datetime.timedelta(days=42 - 31)
    observations = blocks["livelihood.observations"]
    assert observations.total == 1 and observations.items[0].mark == "red"
    for url in [i.url for b in (reports, observations) for i in b.items] + [reports.more_url]:
        assert client.get(url).status_code == 200, url


def test_a_report_sent_lately_takes_the_item_off_the_workbench(client, project, officer):
    item = project.items.get()
    lb.report(officer, item)
    blocks = _blocks(client, officer)
    assert item.pk not in [int(i.url.rstrip("/").split("/")[-1]) for i in blocks["livelihood.reports"].items]
    assert blocks["livelihood.reports"].total == 1


def test_another_unit_and_a_deputy_see_none_of_it(client, project, other_officer, deputy):
    assert not {"livelihood.reports", "livelihood.observations"} & set(_blocks(client, other_officer))
    assert not {"livelihood.reports", "livelihood.observations"} & set(_blocks(client, deputy))
