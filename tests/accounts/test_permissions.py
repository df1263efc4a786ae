"""Who may open what: the admin is for staff; district staff stay inside their congress."""

import pytest

from tests import factories


@pytest.mark.django_db
def test_anonymous_gets_the_login_page(client):
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_deputy_cannot_open_the_admin(deputy_client):
    response = deputy_client.get("/admin/")
    assert response.status_code == 302
    assert deputy_client.get("/admin/deputies/deputy/").status_code == 302


@pytest.mark.django_db
def test_after_login_sends_each_role_home(deputy_client, client, staff):
    assert deputy_client.get("/after-login/")["Location"] == "/portal/"
    client.force_login(staff)
    assert client.get("/after-login/")["Location"] == "/admin/"


@pytest.mark.django_db
def test_district_staff_see_only_their_congress_deputies(client, district_staff, district, city, term):
    district_term = factories.TermFactory(congress=district, number=8, name="第八届")
    own = factories.DeputyFactory(congress=district, term=district_term, name="区代表甲")
    other = factories.DeputyFactory(congress=city, term=term, name="市代表乙")
    client.force_login(district_staff)
    listing = client.get("/admin/deputies/deputy/")
    assert listing.status_code == 200
    assert "区代表甲" in listing.content.decode()
    assert "市代表乙" not in listing.content.decode()
    assert client.get(f"/admin/deputies/deputy/{other.pk}/change/").status_code == 302  # "does not exist" redirect
    assert client.get(f"/admin/deputies/deputy/{own.pk}/change/").status_code == 200


@pytest.mark.django_db
def test_city_staff_see_district_deputies_too(staff_client, district):
    district_term = factories.TermFactory(congress=district, number=8, name="第八届")
    factories.DeputyFactory(congress=district, term=district_term, name="区代表丙")
    assert "区代表丙" in staff_client.get("/admin/deputies/deputy/").content.decode()


@pytest.mark.django_db
def test_district_staff_cannot_move_a_deputy_to_another_congress(client, district_staff, district, city):
    district_term = factories.TermFactory(congress=district, number=8, name="第八届")
    own = factories.DeputyFactory(congress=district, term=district_term, name="区代表丁")
    client.force_login(district_staff)
    page = client.get(f"/admin/deputies/deputy/{own.pk}/change/")
    congress_choices = [str(c) for c in page.context["adminform"].form.fields["congress"].queryset]
    assert congress_choices == [district.name]


@pytest.mark.django_db
def test_district_staff_user_list_is_scoped(client, district_staff, staff, district):
    client.force_login(district_staff)
    content = client.get("/admin/accounts/user/").content.decode()
    assert district_staff.full_name in content
    assert staff.full_name not in content


@pytest.mark.django_db
def test_city_staff_serve_provincial_deputies_elected_in_the_city(client, staff, district_staff, city, district):
    """GIVEN a provincial deputy elected by the city congress WHEN city staff and district staff
    list deputies THEN city staff see the deputy (work plan item 7), district staff do not."""
    from accounts.roles import can_view_personal_data
    from deputies.models import Congress

    province = factories.CongressFactory(name="示例省人民代表大会", short_name="省", level=Congress.Level.PROVINCIAL)
    p_term = factories.TermFactory(congress=province, number=14, name="第十四届")
    p_unit = factories.ElectoralUnitFactory(congress=province, name="示例市", electing_congress=city)
    provincial = factories.DeputyFactory(congress=province, term=p_term, electoral_unit=p_unit, name="省代表戊")
    client.force_login(staff)
    assert "省代表戊" in client.get("/admin/deputies/deputy/").content.decode()
    assert can_view_personal_data(staff, provincial)
    client.force_login(district_staff)
    assert "省代表戊" not in client.get("/admin/deputies/deputy/").content.decode()
    assert not can_view_personal_data(district_staff, provincial)
