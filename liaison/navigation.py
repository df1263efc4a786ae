"""The liaison stations' header links: the public directory, a deputy's duties and
opinions, the office's opinion handling."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import NavItem, navigation


@navigation.register("liaison", order=25)
def liaison_links(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    stations = reverse("liaison:stations")
    items = [NavItem(_("Liaison stations"), stations, order=25, active_prefix=stations)]
    if roles.has_role(user, roles.DEPUTY):
        mine = reverse("liaison_portal:duties")
        items.append(NavItem(_("My station duties"), mine, order=55, active_prefix=mine))
    if roles.is_staff_member(user):
        office = reverse("liaison_office:opinions")
        items.append(NavItem(_("Public opinions"), office, order=85, active_prefix="/office/opinions/", in_admin=True))
    return items
