"""The liaison header links: the public directory, a deputy's duties and opinions (whose page also
leads to the SC-meeting topics and the drafts for comment), an SC member's assigned deputies, the
office's opinion handling (whose tabs lead to coverage, contacts, SC meetings and consultations)."""

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
    if roles.has_role(user, roles.SC_MEMBER):
        contacts = reverse("liaison_portal:contacts")
        items.append(NavItem(_("My assigned deputies"), contacts, order=56, active_prefix=contacts))
    if roles.is_staff_member(user):
        office = reverse("liaison_office:opinions")
        items.append(NavItem(_("Public opinions"), office, order=85, active_prefix="/office/opinions/", in_admin=True))
    return items
