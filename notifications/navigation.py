"""The inbox's header link, with the unread count as its badge."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import NavItem, navigation

from .context_processors import inbox


@navigation.register("notifications", order=50)
def inbox_link(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return []
    url = reverse("notifications:inbox")
    # The count is a callable: it is queried only if the header is drawn, once.
    unread = inbox(request)["unread_notifications_count"]
    return [NavItem(_("Messages"), url, order=110, active_prefix=url, badge=unread)]
