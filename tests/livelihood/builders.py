"""Builders of the livelihood tests: a cycle at each stage, built through the services."""

import datetime
from decimal import Decimal

from django.utils import timezone

from livelihood import services, services_delivery
from livelihood.models import Cycle, Project

from .. import factories


def today():
    return timezone.localdate()


def cycle(staff, city, *, year=2027, seats=2, open_=True, tie_rule=Cycle.TieRule.FEWER_AGAINST, **kwargs):
    """A cycle whose window runs from a week ago to a week ahead; opened unless ``open_`` is off."""
    c = services.cycle_create(
        actor=staff,
        congress=city,
        year=year,
        title=f"{year}年度民生实事项目",
        opens_on=today() - datetime.timedelta(days=7),
        closes_on=today() + datetime.timedelta(days=7),
        seats=seats,
        tie_rule=tie_rule,
        **kwargs,
    )
    if open_:
        services.cycle_open_collection(actor=staff, cycle=c)
    return c


def public_idea(c, *, title="增设充电桩", ip="198.51.100.1", **kwargs):
    values = {"what_where": "在小区周边集中建设充电车棚。", "why": "消除火灾隐患。", **kwargs}
    return services.idea_submit_public(cycle=c, title=title, ip=ip, **values)


def screening(staff, city, *, seats=2, candidates=3, unit=None, **kwargs):
    """A cycle in screening with ``candidates`` projects on the list, each with one item and one target."""
    c = cycle(staff, city, seats=seats, **kwargs)
    services.cycle_close_collection(actor=staff, cycle=c)
    unit = unit or factories.UnitFactory(congress=city, name="示例市民政局")
    for n in range(1, candidates + 1):
        project = services.project_add(
            actor=staff, cycle=c, number=n, title=f"第{n}类项目", department=unit, budget=Decimal("100")
        )
        item = services.item_add(actor=staff, project=project, title=f"第{n}类项目子项")
        services.target_add(
            actor=staff,
            item=item,
            name="建成点位",
            unit="个",
            target_value=10,
            due_date=today() + datetime.timedelta(days=60),
        )
    return c


def voted(staff, city, *, total=100, votes=None, **kwargs):
    """A voted cycle: by default project 1 and 2 elected (of 3, 2 seats)."""
    c = screening(staff, city, **kwargs)
    votes = votes or {1: (80, 10, 5), 2: (70, 20, 5), 3: (40, 40, 10)}
    services.vote_record(actor=staff, cycle=c, deputies_total=total, results=votes, held_on=today())
    c.refresh_from_db()
    return c


def elected(c):
    return list(c.projects.filter(status=Project.Status.ELECTED).order_by("number"))


def evaluating(staff, city, **kwargs):
    c = voted(staff, city, **kwargs)
    services.cycle_open_evaluation(actor=staff, cycle=c, closes_on=today() + datetime.timedelta(days=10))
    c.refresh_from_db()
    return c


def report(officer, item, *, period="2027-Q1", value="5", reason=""):
    target = item.targets.first()
    return services_delivery.report_submit(
        actor=officer, item=item, period=period, narrative="有序推进。", values={target.pk: (value, reason)}
    )
