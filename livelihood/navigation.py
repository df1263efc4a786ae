"""The livelihood header links: the public projects page, a deputy's candidates and ratings,
a department's progress reports, and the office's cycles."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import NavItem, navigation


@navigation.register("livelihood", order=27)
def livelihood_links(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    public = reverse("livelihood:index")
    items = [NavItem(_("Livelihood projects"), public, order=27, active_prefix=public)]
    if roles.has_role(user, roles.DEPUTY):
        mine = reverse("livelihood_portal:home")
        items.append(NavItem(_("My livelihood projects"), mine, order=57, active_prefix=mine))
    if roles.has_role(user, roles.UNIT_OFFICER):
        unit = reverse("livelihood_unit:home")
        items.append(NavItem(_("Livelihood progress"), unit, order=74, active_prefix=unit))
    if roles.is_staff_member(user):
        office = reverse("livelihood_office:cycles")
        items.append(NavItem(_("Livelihood cycles"), office, order=87, active_prefix=office, in_admin=True))
    return items
