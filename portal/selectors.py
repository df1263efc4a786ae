"""Reads for the public home, the portal home and the staff dashboard."""

import dataclasses
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Q
from django.utils import timezone

from core.registry import dashboard_panels, workbench
from deputies.models import Congress, Deputy


def public_home_context() -> dict:
    """The public home page: the city's deputies in figures, then the sections of portal.home."""
    from .home import public_home_sections

    city = Congress.objects.filter(level=Congress.Level.CITY).order_by("id").first()
    stats = {}
    if city is not None:
        stats = Deputy.objects.filter(congress=city, term__is_current=True).aggregate(
            serving=Count("id", filter=Q(status=Deputy.Status.SERVING)),
            grassroots=Count("id", filter=Q(status=Deputy.Status.SERVING, is_grassroots=True)),
            female=Count("id", filter=Q(status=Deputy.Status.SERVING, gender=Deputy.Gender.FEMALE)),
        )
    return {"city": city, "stats": stats, **public_home_sections()}


# The block that is shown even when empty: a deputy's year in figures (``archive/workbench.py``).
YEAR_BLOCK = "archive.year"


def workbench_blocks(user, today) -> list:
    """What waits for the user, block by block: each app's registered entry (``<app>/workbench.py``)
    answers for the roles it concerns; blocks with nothing waiting are left out (the year in
    figures excepted), each block costs a fixed number of queries whatever its length."""
    blocks = []
    for entry in workbench.entries():
        block = entry.func(user, today)
        if block is None or (not block.items and block.key != YEAR_BLOCK):
            continue
        blocks.append(block)
    return sorted(blocks, key=lambda b: (b.order, b.key))


def portal_home_context(*, user, today=None) -> dict:
    """The workbench (``/portal/``): the blocks of waiting work first, then the user's mandates and unit."""
    today = today or timezone.localdate()
    mandates = list(
        Deputy.objects.filter(user=user)
        .select_related("congress", "term", "electoral_unit")
        .prefetch_related("groups")
        .order_by("congress_id")
    )
    blocks = workbench_blocks(user, today)
    return {
        "mandates": mandates,
        "unit": user.unit if user.unit_id else None,
        "blocks": [b for b in blocks if b.key != YEAR_BLOCK],
        "year_block": next((b for b in blocks if b.key == YEAR_BLOCK), None),
        "today": today,
    }


class Dashboard(Mapping):
    """The staff dashboard: ``panels`` in order for the page, and, as a mapping, every number by key."""

    def __init__(self, panels):
        self.panels = list(panels)
        self._counts = {}
        for panel in self.panels:
            for key, count in panel.counts().items():
                if key in self._counts:
                    raise ImproperlyConfigured(f"Two dashboard panels give the figure {key!r}.")
                self._counts[key] = count

    def __getitem__(self, key):
        return self._counts[key]

    def __iter__(self):
        return iter(self._counts)

    def __len__(self):
        return len(self._counts)

    def __repr__(self):
        return f"<Dashboard {self._counts!r}>"

    def resolved(self) -> "Dashboard":
        """The same figures with their labels as plain text (kept in the cache for the active
        language: lazy translations are slow to unpickle)."""
        return Dashboard(
            dataclasses.replace(
                panel,
                figures=[dataclasses.replace(f, label=str(f.label)) for f in panel.figures],
                lines=[str(line) for line in panel.lines],
            )
            for panel in self.panels
        )


def staff_dashboard(*, actor) -> Dashboard:
    """What needs the office's attention now, in its congresses: each app's registered panel
    (``<app>/dashboard.py``), every figure counted from the rows."""
    today = timezone.localdate()
    panels = (entry.func(actor, today) for entry in dashboard_panels.entries())
    return Dashboard(panel for panel in panels if panel is not None)
