"""The livelihood rows of the admin matrix (tests/security/test_admin_matrix.py).

The cycle's steps, screening, the vote, reports, observations and ratings are handled on the
office pages through the services: read-only in the admin. Projects, items and targets may
have their descriptive fields corrected (status, votes and reported values stay read-only);
nothing is added or deleted there.
"""

import datetime
from decimal import Decimal

READ = {"staff": "lv", "superuser": "lv"}
CORRECT = {"staff": "lvc", "superuser": "lvc"}

MATRIX = {
    "livelihood.Cycle": READ,
    "livelihood.Idea": READ,
    "livelihood.Project": CORRECT,
    "livelihood.Item": CORRECT,
    "livelihood.Target": CORRECT,
    "livelihood.Report": READ,
    "livelihood.SupervisionGroup": READ,
    "livelihood.Observation": READ,
    "livelihood.Rating": READ,
}


def rows(congress, deputy, tag) -> dict:
    from accounts.models import Unit
    from livelihood.models import (
        Cycle,
        Idea,
        Item,
        Observation,
        Project,
        Rating,
        Report,
        SupervisionGroup,
        Target,
    )

    day = datetime.date(2025, 3, 1)
    unit = Unit.objects.create(congress=congress, name=f"{tag}民政局")
    officer = unit.officers.model.objects.create(
        full_name=f"{tag}民政联系人", unit=unit, email=f"lv-{congress.pk}@example.org"
    )
    cycle = Cycle.objects.create(
        congress=congress,
        year=2025,
        title=f"{tag}2025年民生实事",
        opens_on=day,
        closes_on=day,
        status="evaluating",
        deputies_total=100,
        vote_held_on=day,
    )
    idea = Idea.objects.create(
        cycle=cycle, source="public", title=f"{tag}增设充电桩", what_where="小区", status="received"
    )
    project = Project.objects.create(
        cycle=cycle,
        number=1,
        title=f"{tag}养老服务类",
        department=unit,
        status="elected",
        votes_for=80,
        outcome="majority",
    )
    item = Item.objects.create(project=project, title=f"{tag}老年助餐点", department=unit)
    target = Target.objects.create(item=item, name="建成助餐点", unit="个", target_value=Decimal(10), due_date=day)
    group = SupervisionGroup.objects.create(cycle=cycle, name=f"{tag}监督第一小组")
    group.deputies.add(deputy)
    group.projects.add(project)
    return {
        "livelihood.Cycle": cycle,
        "livelihood.Idea": idea,
        "livelihood.Project": project,
        "livelihood.Item": item,
        "livelihood.Target": target,
        "livelihood.Report": Report.objects.create(item=item, period="2025-Q1", narrative="推进中", author=officer),
        "livelihood.SupervisionGroup": group,
        "livelihood.Observation": Observation.objects.create(
            project=project, deputy=deputy, text="建议加快进度", due_on=day, status="open"
        ),
        "livelihood.Rating": Rating.objects.create(project=project, deputy=deputy, value="satisfied"),
    }
