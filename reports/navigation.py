"""The reports' header link: staff of a congress (the reports' own rule)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import NavItem, navigation


@navigation.register("reports", order=16)
def reports_links(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    if user is None or not roles.is_staff_member(user):
        return []
    url = reverse("reports:index")
    return [NavItem(_("Reports"), url, order=79, active_prefix=url, in_admin=True)]
