"""The training header links: a deputy's trainings, materials and data
requests; a unit officer's data requests; the office's training pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import NavItem, navigation


@navigation.register("training", order=40)
def training_links(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    items = []
    if roles.has_role(user, roles.DEPUTY):
        # No unread badge here: it would cost every portal page of every app a query; the
        # materials page lists the unread first.
        home = reverse("training_portal:courses")
        items.append(NavItem(_("Training and materials"), home, order=57, active_prefix=home))
    if getattr(user, "unit_id", None) is not None and roles.has_role(user, roles.UNIT_OFFICER):
        unit = reverse("training_unit:requests")
        items.append(NavItem(_("Deputies' data requests"), unit, order=76, active_prefix=unit))
    if roles.is_staff_member(user):
        office = reverse("training_office:courses")
        items.append(NavItem(_("Training and information"), office, order=87, active_prefix=office, in_admin=True))
    return items
