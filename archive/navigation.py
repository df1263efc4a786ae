"""The performance archive's header links: a deputy's own archive, the office's list."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import NavItem, navigation


@navigation.register("archive", order=40)
def archive_links(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    items = []
    if roles.has_role(user, roles.DEPUTY):
        mine = reverse("archive:my_archive")
        items.append(NavItem(_("My performance archive"), mine, order=60, active_prefix=mine))
    if roles.is_staff_member(user):
        office = reverse("archive:archive_list")
        items.append(NavItem(_("Deputies' performance"), office, order=90, active_prefix=office, in_admin=True))
    return items
