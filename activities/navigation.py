"""The activity ledger's header links: a deputy's activities and letters, a unit's letters to
answer, an organiser's recording list, the office's letters."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core.registry import NavItem, navigation


@navigation.register("activities", order=30)
def activities_links(request) -> list[NavItem]:
    user = getattr(request, "user", None)
    items = []
    if roles.has_role(user, roles.DEPUTY):
        mine = reverse("activities:my_activities")
        items.append(NavItem(_("My activities"), mine, order=50, active_prefix=mine))
        letters = reverse("activities:letters_portal")
        items.append(NavItem(_("My letters"), letters, order=55, active_prefix=letters))
    if roles.has_role(user, roles.UNIT_OFFICER) and getattr(user, "unit_id", None):
        letters = reverse("activities:letters_unit")
        items.append(NavItem(_("Letters to answer"), letters, order=72, active_prefix=letters))
    if roles.is_staff_member(user):
        letters = reverse("activities:letters_office")
        items.append(NavItem(_("Deputies' letters"), letters, order=105, active_prefix=letters, in_admin=True))
    # Organisers: staff, or an officer named as an activity's recorder.
    if roles.is_staff_member(user) or roles.has_role(user, roles.UNIT_OFFICER):
        recording = reverse("activities:my_recording")
        items.append(NavItem(_("Activities to record"), recording, order=100, active_prefix=recording, in_admin=True))
    return items
