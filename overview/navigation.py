"""The director's dashboard's header link: staff of a congress (the dashboard's own rule)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import NavItem, navigation

from .selectors import can_view_dashboard


@navigation.register("overview", order=15)
def overview_links(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    if not can_view_dashboard(user):
        return []
    url = reverse("overview:dashboard")
    return [NavItem(_("Director's dashboard"), url, order=78, active_prefix=url, in_admin=True)]
