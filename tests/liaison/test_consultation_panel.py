"""The staff dashboard's consultations panel: drafts open for comment and those closing within
three days, counted in the staff member's congresses only, in one query."""

import datetime

import pytest
from django.utils import timezone

from liaison import services_consultations as services
from liaison.dashboard import consultations_panel

pytestmark = pytest.mark.django_db
DRAFT = "第一条 为了规范养老服务，制定本条例。\n\n第二条 本条例适用于本市行政区域。"


def _consultation(staff, committee, days: int, *, publish=True, title=None):
    draft = services.consultation_create(
        actor=staff,
        committee=committee,
        title=title or f"条例草案（{days}天后截止）",
        draft=DRAFT,
        by_article=True,
        closes_on=timezone.localdate() + datetime.timedelta(days=days),
    )
    return services.consultation_publish(actor=staff, consultation=draft) if publish else draft


def test_the_panel_counts_open_and_closing_drafts(staff, committee, district_staff, django_assert_num_queries):
    _consultation(staff, committee, 10)
    _consultation(staff, committee, 2)
    _consultation(staff, committee, 3)
    _consultation(staff, committee, 20, publish=False)  # a draft not yet published is not open
    today = timezone.localdate()
    with django_assert_num_queries(1):
        counts = consultations_panel(staff, today).counts()
    assert counts == {"consultations_open": 3, "consultations_closing": 2}
    # Four days on: the two closing ones are closed, the other two remain (one published).
    later = today + datetime.timedelta(days=4)
    assert consultations_panel(staff, later).counts() == {"consultations_open": 1, "consultations_closing": 0}
    # Staff of another congress count none of the city's.
    assert consultations_panel(district_staff, today).counts() == {"consultations_open": 0, "consultations_closing": 0}


def test_the_staff_dashboard_shows_it(client, staff, committee):
    _consultation(staff, committee, 2)
    client.force_login(staff)
    html = client.get("/admin/").content.decode()
    assert "份草案正在征求代表意见" in html and "份将在三天内截止" in html
