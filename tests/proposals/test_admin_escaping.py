"""Markup that reached the database some other way (an old import, a direct edit) is still
shown as text in the admin."""

import pytest

from proposals.models import Suggestion

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.mark.django_db
def test_admin_escapes_titles_and_bodies(staff_client, staff, deputy):
    item = Suggestion.objects.create(
        congress=deputy.mandate.congress,
        lead_deputy=deputy.mandate,
        title=PAYLOAD,
        body=PAYLOAD,
        created_by=deputy,
        status=Suggestion.Status.SUBMITTED,
    )
    for url in ("/admin/proposals/suggestion/", f"/admin/proposals/suggestion/{item.pk}/change/"):
        html = staff_client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html
