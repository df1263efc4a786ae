"""An admin form with an autocomplete foreign key comes back with an error, not a 500,
when the submitted value is not an id."""

import pytest

from activities.models import Activity


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["abc", "1.5", "-", "９"])
def test_a_non_number_in_an_autocomplete_field_is_a_form_error(staff_client, city, bad):
    response = staff_client.post(
        "/admin/activities/activity/add/",
        {
            "congress": city.pk,
            "kind": "inspection",
            "title": "视察",
            "start_date": "2026-05-01",
            "end_date": "2026-05-01",
            "organiser": "市人大常委会",
            "recorder": bad,
            "organiser_unit": bad,
            "group": bad,
            "participations-TOTAL_FORMS": "0",
            "participations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["recorder"]
    assert not Activity.objects.exists()
