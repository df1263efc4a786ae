"""The suggestions' header links: the public list, and each role's own list."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import NavItem, navigation


def _section(label, url_name, order, *, in_admin=False) -> NavItem:
    url = reverse(url_name)
    return NavItem(label, url, order=order, active_prefix=url, in_admin=in_admin)


@navigation.register("proposals", order=20)
def proposals_links(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    items = [_section(_("Suggestions made public"), "proposals:list", 20)]
    if roles.has_role(user, roles.DEPUTY):
        items.append(_section(_("My suggestions"), "proposals_portal:list", 40))
    if roles.has_role(user, roles.SC_MEMBER):
        # The leaders in charge of key supervision are SC members; the page explains itself to the others.
        items.append(_section(_("Key supervision"), "proposals_portal:supervision", 45))
    if roles.has_role(user, roles.UNIT_OFFICER):
        items.append(_section(_("Assignments to handle"), "proposals_unit:home", 70))
    if roles.is_staff_member(user):
        items.append(_section(_("Suggestion handling"), "proposals_office:list", 80, in_admin=True))
    return items
