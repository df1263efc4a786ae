from functools import cached_property

from django.utils.functional import SimpleLazyObject

from core import registry


class NavLink:
    """A registered ``NavItem`` as the header draws it: resolved URL, current-page mark, badge count."""

    def __init__(self, item: registry.NavItem, path: str):
        self.item = item
        self.label = item.label
        self.href = item.href
        prefix = item.active_prefix
        self.current = path == self.href or bool(prefix and path.startswith(prefix))

    @cached_property
    def badge(self):
        badge = self.item.badge
        return badge() if callable(badge) else badge

    def __repr__(self):
        return f"<NavLink {self.href} {self.item.label!s}>"


def nav_links(request) -> list[NavLink]:
    """Every app's header links for this request, in order.

    Each registered function decides from the user's roles, which ``accounts.roles`` caches
    on the user: one group query per request, whatever the number of apps.
    """
    found = []
    for entry in registry.navigation.entries():
        found.extend(entry.func(request))
    found.sort(key=lambda item: item.order)  # stable: the registry's order breaks ties
    return [NavLink(item, request.path) for item in found]


def navigation(request):
    """The header's links as ``nav_items``, built on first use: pages that draw no header pay nothing."""
    return {"nav_items": SimpleLazyObject(lambda: nav_links(request))}
