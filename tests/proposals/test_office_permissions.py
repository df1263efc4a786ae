"""Who may use the office's suggestion pages: staff of the item's congress only."""

import pytest
from django.urls import reverse

from proposals.models import Suggestion

from .. import factories
from ..builders import assigned_to, make_deputy_user, submitted
from ..conftest import with_totp

pytestmark = pytest.mark.django_db

LIST_PAGES = ["list", "review", "new", "export_ledger", "export_units", "export_commitments"]


@pytest.fixture
def item(deputy, staff, unit_officer):
    suggestion, (assignment,) = assigned_to(deputy, staff, [(unit_officer.unit, "lead")], title="市级建议")
    return suggestion, assignment


def item_urls(suggestion, assignment):
    return [
        reverse("proposals_office:detail", args=[suggestion.pk]),
        reverse("proposals_office:reply_summary", args=[suggestion.pk]),
        reverse("proposals_office:assignment_letter", args=[assignment.pk]),
    ]


@pytest.mark.parametrize("who", ["deputy", "unit_officer", "outsider"])
def test_non_staff_get_403_on_every_office_page(client, request, who, item):
    client.force_login(request.getfixturevalue(who))
    for name in LIST_PAGES:
        assert client.get(reverse(f"proposals_office:{name}")).status_code == 403, name
    for url in item_urls(*item):
        assert client.get(url).status_code == 403, url
    suggestion, _a = item
    assert client.post(reverse("proposals_office:close", args=[suggestion.pk]), {}).status_code == 403


def test_anonymous_is_sent_to_login(client, item):
    for name in LIST_PAGES:
        response = client.get(reverse(f"proposals_office:{name}"))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_user_marked_is_staff_without_the_staff_role_gets_403(client, item):
    user = with_totp(factories.UserFactory(is_staff=True))
    client.force_login(user)
    assert client.get(reverse("proposals_office:list")).status_code == 403


def test_district_staff_see_only_their_congress(client, district, district_staff, item, term):
    """GIVEN a city item and a district item WHEN district staff open the office pages
    THEN they see the district item only; the city item answers 404 everywhere."""
    district_term = factories.TermFactory(congress=district, number=5, name="第五届")
    district_deputy = make_deputy_user(
        district, district_term, "区代表", factories.ElectoralUnitFactory(congress=district, name="某街道")
    )
    district_item = submitted(district_deputy, title="区级建议")
    client.force_login(district_staff)
    page = client.get(reverse("proposals_office:list")).content.decode()
    assert "区级建议" in page and "市级建议" not in page
    review_page = client.get(reverse("proposals_office:review")).content.decode()
    assert "区级建议" in review_page
    for url in item_urls(*item):
        assert client.get(url).status_code == 404, url
    suggestion, assignment = item
    assert client.post(reverse("proposals_office:close", args=[suggestion.pk]), {}).status_code == 404
    assert client.post(reverse("proposals_office:decide_reassign", args=[assignment.pk]), {}).status_code == 404
    assert client.get(reverse("proposals_office:detail", args=[district_item.pk])).status_code == 200
    # Their exports hold their congress's rows only.
    assert client.get(reverse("proposals_office:export_ledger")).status_code == 200


def test_city_staff_see_the_district_items_below_them(staff_client, district, item):
    district_term = factories.TermFactory(congress=district, number=5, name="第五届")
    district_deputy = make_deputy_user(
        district, district_term, "区代表", factories.ElectoralUnitFactory(congress=district, name="某街道")
    )
    district_item = submitted(district_deputy, title="区级建议")
    assert staff_client.get(reverse("proposals_office:detail", args=[district_item.pk])).status_code == 200


def test_a_deputys_own_draft_is_not_shown_to_staff(staff_client, deputy):
    from proposals import services

    draft = services.suggestion_create(actor=deputy, lead_deputy=deputy.mandate, title="代表的草稿", body="正文")
    assert draft.status == Suggestion.Status.DRAFT
    assert staff_client.get(reverse("proposals_office:detail", args=[draft.pk])).status_code == 404
    assert "代表的草稿" not in staff_client.get(reverse("proposals_office:list")).content.decode()
