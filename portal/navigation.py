"""The portal's header links: the public home, the signed-in user's portal home and the admin."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import NavItem, navigation


@navigation.register("portal", order=10)
def portal_links(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    items = [NavItem(_("Home"), "portal:home", order=10)]
    if getattr(user, "is_authenticated", False):
        items.append(NavItem(_("My portal"), "portal:portal_home", order=30, in_admin=True))
        if user.is_staff:
            admin = reverse("admin:index")
            items.append(NavItem(_("Admin"), admin, order=120, active_prefix=admin))
    return items
