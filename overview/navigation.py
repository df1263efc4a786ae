"""The director's dashboard's header link: staff of a congress.

The standing committee's leaders may open the dashboard too, but telling a leader from another
SC member takes a query, which the header would add to every page they open: the link is staff's."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import NavItem, navigation

from .selectors import can_follow_links


@navigation.register("overview", order=15)
def overview_links(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    if not can_follow_links(user):
        return []
    url = reverse("overview:dashboard")
    return [NavItem(_("Director's dashboard"), url, order=78, active_prefix=url, in_admin=True)]
