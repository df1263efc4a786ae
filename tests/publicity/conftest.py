import pytest
from django.contrib.auth.models import Group, Permission

from accounts import roles


@pytest.fixture(autouse=True)
def _staff_hold_publicity(db):
    """The office staff group holds the publicity app's permissions (``accounts.groups.STAFF_APPS``
    lists the apps staff work in); granted here too so these tests state the rule they rely on."""
    group = Group.objects.get(name=roles.GROUP_NAMES[roles.STAFF])
    group.permissions.add(*Permission.objects.filter(content_type__app_label="publicity"))
