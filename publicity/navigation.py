"""The publicity header link: the public stories of deputies' work."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import NavItem, navigation


@navigation.register("publicity", order=28)
def publicity_links(request) -> list[NavItem]:
    stories = reverse("publicity:stories")
    return [NavItem(_("Deputies at work"), stories, order=28, active_prefix=stories)]
