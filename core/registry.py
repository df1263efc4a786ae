"""Registries that let each app plug into the shared pages without the lower layers
importing it: navigation entries, staff-dashboard panels and archive sections.

An app adds entries from its own modules, found at start-up the way reminder scans
are (``navigation.py``, ``dashboard.py``, ``archive_sections.py``): the page that
shows them only reads the registry, so adding an app edits no shared template.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    name: str
    order: int
    func: Callable = field(compare=False)


class Registry:
    """Named callables in a fixed order; registering a name twice replaces the entry."""

    def __init__(self, what: str):
        self.what = what
        self._entries: dict[str, Entry] = {}

    def register(self, name: str, *, order: int = 100):
        def decorator(func):
            self._entries[name] = Entry(name=name, order=order, func=func)
            return func

        return decorator

    def unregister(self, name: str) -> None:
        """Remove an entry (a test's, say); a name never registered is ignored."""
        self._entries.pop(name, None)

    def entries(self) -> list[Entry]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.name))

    def __contains__(self, name: str) -> bool:
        return name in self._entries


@dataclass(frozen=True)
class NavItem:
    """One link of the header navigation.

    ``label`` is a lazy translatable string; ``url`` a URL name (``"app:view"``) or a URL.
    ``order`` places the link among every app's links. The link is marked as the current
    page (``aria-current="page"``) on its own URL and, when ``active_prefix`` is set, on every
    path that starts with it. ``badge`` is a count shown after the label (read out as "n
    unread"), or a callable returning it so that the query runs only when the header is drawn.
    """

    label: str
    url: str
    order: int = 100
    active_prefix: str | None = None
    badge: int | Callable[[], int] | None = None
    # Also shown in the admin's header, beside "log out": the staff's own working pages.
    in_admin: bool = False

    @property
    def href(self) -> str:
        from django.shortcuts import resolve_url

        return resolve_url(self.url)


@dataclass(frozen=True)
class Figure:
    """One count on the staff dashboard: a stable ``key``, a lazy ``label``, the count and where it leads."""

    key: str
    label: str
    count: int
    url: str = ""


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for someone on their workbench: what it is, the link that acts on it,
    and, when it has one, its deadline and how close it is (``"yellow"``, ``"red"`` or ``""``)."""

    title: str
    url: str
    action: str = ""
    due: object = None
    mark: str = ""
    detail: str = ""


@dataclass(frozen=True)
class WorkbenchBlock:
    """An app's block of a workbench: a heading, the items (at most a page of them) and the total."""

    key: str
    heading: str
    items: Sequence[WorkItem] = ()
    total: int = 0
    more_url: str = ""
    order: int = 100


# How many items a workbench block lists before its "more" link.
WORKBENCH_SHOWN = 5


def first_page(queryset, limit: int = WORKBENCH_SHOWN) -> tuple[list, int]:
    """A workbench block's first ``limit`` rows and how many there are in all, in one query
    (the total is a window count on each row), so a block costs the same with 5 items as with 500."""
    from django.db.models import Count, Window

    rows = list(queryset.annotate(wb_total=Window(Count("pk")))[:limit])
    return rows, rows[0].wb_total if rows else 0


def page_block(queryset, *, key: str, heading: str, item: Callable, more_url: str = "", order: int = 100):
    """A workbench block of ``queryset``'s first rows, each made a WorkItem by ``item(row)``, with
    the total (one query, ``first_page``)."""
    rows, total = first_page(queryset)
    return WorkbenchBlock(
        key=key, heading=heading, items=[item(row) for row in rows], total=total, more_url=more_url, order=order
    )


@dataclass(frozen=True)
class Panel:
    """An app's block of the staff dashboard.

    ``figures`` are shown as linked counts, ``lines`` (plain text, already translated) as
    sentences below them; ``values`` holds the numbers behind the lines by key, so readers
    other than the page (tests, exports) need not parse the text.
    """

    figures: Sequence[Figure] = ()
    lines: Sequence[str] = ()
    values: Mapping[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Every number of the panel by key: the figures' counts and the values."""
        return {**{figure.key: figure.count for figure in self.figures}, **self.values}


# ``func(request) -> list[NavItem]``: the header links a user may follow.
navigation = Registry("navigation entry")
# ``func(actor, today) -> Panel | None``: a block of figures on the staff dashboard.
dashboard_panels = Registry("dashboard panel")
# ``func(deputy, year) -> ArchiveSection | None`` (core/sections.py): a part of a deputy's performance archive.
archive_sections = Registry("archive section")
# ``func(user, today) -> WorkbenchBlock | None``: what waits for the user on their workbench (``/portal/``).
workbench = Registry("workbench block")


def discover() -> None:
    """Import each installed app's registration modules (called once, from core's AppConfig)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("navigation", "dashboard", "archive_sections", "workbench")
