"""The demo (seed_livelihood) goes through the services, gives each stage of the cycle, and
runs twice without change."""

import pytest
from django.core.management import call_command

from activities.models import Activity
from demo.management.commands.seed_livelihood import CATEGORIES
from livelihood.models import Cycle, Idea, Inspection, Observation, Project, Rating, Report

from .. import builders, factories
from ..conftest import with_totp

pytestmark = pytest.mark.django_db


def test_the_demo_builds_three_years_and_a_second_run_adds_nothing(city, term, electoral_unit):
    with_totp(factories.StaffFactory(congress=city, email="staff@example.org", full_name="工作人员"))
    for name in {unit for _t, unit, _b, _i in CATEGORIES}:
        factories.UnitFactory(congress=city, name=name)
    for n in range(12):
        builders.make_deputy_user(city, term, f"代表{n}", electoral_unit)
    builders.serving_deputies(20, city=city, term=term, unit=electoral_unit)
    call_command("seed_livelihood", stdout=open("/dev/null", "w"))
    years = dict(Cycle.objects.values_list("status", "year"))
    assert set(years) == {Cycle.Status.CLOSED, Cycle.Status.VOTED, Cycle.Status.COLLECTING}
    current = Cycle.objects.get(status=Cycle.Status.VOTED)
    assert current.projects.filter(status=Project.Status.ELECTED).count() == 10
    assert current.projects.filter(status=Project.Status.NOT_ELECTED).count() == 2
    assert sum(p.items.count() for p in current.projects.filter(status=Project.Status.ELECTED)) == 40
    assert current.groups.count() == 2 and Inspection.objects.filter(group__cycle=current).count() == 4
    assert Activity.objects.filter(kind=Activity.Kind.LIVELIHOOD).count() == 4
    assert Report.objects.filter(item__project__cycle=current).exists()
    assert Observation.objects.filter(status=Observation.Status.ANSWERED).exists()
    assert Observation.objects.filter(status=Observation.Status.OPEN).exists()
    past = Cycle.objects.get(status=Cycle.Status.CLOSED)
    assert past.projects.filter(status=Project.Status.COMPLETED).count() == 10
    assert Rating.objects.filter(project__cycle=past).count() == 10 * 12
    collecting = Cycle.objects.get(status=Cycle.Status.COLLECTING)
    assert set(collecting.ideas.values_list("source", flat=True)) == {"public", "deputy", "offline"}
    assert collecting.ideas.filter(status=Idea.Status.HELD).exists()
    counts = [m.objects.count() for m in (Cycle, Idea, Project, Report, Rating, Inspection, Observation)]
    call_command("seed_livelihood", stdout=open("/dev/null", "w"))
    assert [m.objects.count() for m in (Cycle, Idea, Project, Report, Rating, Inspection, Observation)] == counts
