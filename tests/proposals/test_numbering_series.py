"""The number series is stored data: the interface language never starts a second series."""

import pytest
from django.utils import translation

from proposals import services

from ..builders import submitted


@pytest.mark.django_db
def test_between_sessions_numbers_continue_whatever_the_staff_language(deputy, staff):
    first, second = submitted(deputy), submitted(deputy, title="关于增设社区养老服务站的建议")
    with translation.override("en"):
        services.suggestion_accept(actor=staff, suggestion=first)
    with translation.override("zh-hans"):
        services.suggestion_accept(actor=staff, suggestion=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.number_series == second.number_series
    assert "闭会期间" in first.number_series
    assert (first.number, second.number) == (1, 2)
