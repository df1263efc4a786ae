"""Personal data is shown in full only to those who need it."""

import pytest

from accounts.roles import can_view_personal_data
from core.masking import mask_address, mask_id_number, mask_mobile
from tests import factories


def test_mask_mobile():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_mobile("") == ""


def test_mask_id_number_and_address():
    assert mask_id_number("990000199001011234") == "99**************34"
    assert mask_address("南京市玄武区示例路1号") == "南京市玄武区****"


@pytest.mark.django_db
def test_who_may_see_personal_data(staff, district_staff, deputy, outsider, unit_officer, city, term):
    other = factories.DeputyFactory(congress=city, term=term)
    assert can_view_personal_data(staff, other)
    assert can_view_personal_data(deputy, deputy.mandate)  # their own
    assert not can_view_personal_data(deputy, other)
    assert not can_view_personal_data(unit_officer, other)
    assert not can_view_personal_data(outsider, other)
    assert not can_view_personal_data(district_staff, other)  # not in their congress


@pytest.mark.django_db
def test_admin_list_masks_mobile(staff_client, city, term):
    d = factories.DeputyFactory(congress=city, term=term, mobile="13800001234")
    content = staff_client.get("/admin/deputies/deputy/").content.decode()
    assert "138****1234" in content
    assert "13800001234" not in content
    assert staff_client.get(f"/admin/deputies/deputy/{d.pk}/change/").content.decode().count("13800001234") == 1


@pytest.mark.django_db
def test_admin_form_hides_personal_fields_without_the_permission(client, city, term, settings):
    """GIVEN a staff member whose permission to view personal data was withdrawn WHEN they open and save a deputy
    THEN the private fields are not shown and keep their values."""
    from django.contrib.auth.models import Permission

    settings.REQUIRE_STAFF_MFA = False
    clerk = factories.UserFactory(is_staff=True, congress=city)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_deputy", "change_deputy"]))
    d = factories.DeputyFactory(congress=city, term=term, mobile="13800004321", address="南京市玄武区示例路1号")
    client.force_login(clerk)
    page = client.get(f"/admin/deputies/deputy/{d.pk}/change/")
    assert page.status_code == 200
    assert "13800004321" not in page.content.decode()
    assert "mobile" not in page.context["adminform"].form.fields
