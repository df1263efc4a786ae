"""The office's and the deputy's list pages read the same number of queries with few rows
and many (ideas on the screening page, projects on the cycle page and the portal)."""

import pytest
from django.urls import reverse

from livelihood import services

from . import builders as lb

pytestmark = pytest.mark.django_db

IDEAS_PAGE = 13
CYCLE_PAGE = 16
PORTAL_HOME = 10


def _ideas(staff, city, deputy, n):
    c = lb.cycle(staff, city)
    for k in range(n):
        if k % 2:
            lb.public_idea(c, title=f"建议{k}", ip=f"198.51.100.{k}")
        else:
            services.candidate_submit(actor=deputy, cycle=c, title=f"候选{k}", what_where="某处", why="需要")
    return c


@pytest.mark.parametrize("n", [3, 30])
def test_the_screening_page(staff_client, staff, city, deputy, n, django_assert_num_queries):
    c = _ideas(staff, city, deputy, n)
    url = reverse("livelihood_office:ideas", args=[c.pk])
    staff_client.get(url)
    with django_assert_num_queries(IDEAS_PAGE):
        assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_the_cycle_page_and_the_portal(
    staff_client, client, staff, city, department, deputy, n, django_assert_num_queries
):
    c = lb.voted(
        staff, city, unit=department, seats=n - 1, candidates=n, votes={k: (80, 5, 5) for k in range(1, n + 1)}
    )
    url = reverse("livelihood_office:cycle", args=[c.pk])
    staff_client.get(url)
    with django_assert_num_queries(CYCLE_PAGE):
        assert staff_client.get(url).status_code == 200
    client.force_login(deputy)
    portal = reverse("livelihood_portal:home")
    client.get(portal)
    with django_assert_num_queries(PORTAL_HOME):
        assert client.get(portal).status_code == 200
