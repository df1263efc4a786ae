"""Fixtures of the suggestion tests: a second handling unit and its officer, a congress session."""

import pytest

from .. import factories
from ..builders import officer_of


@pytest.fixture
def unit(unit_officer):
    return unit_officer.unit


@pytest.fixture
def other_unit(city):
    return factories.UnitFactory(congress=city, name="示例市住房和城乡建设局")


@pytest.fixture
def other_officer(other_unit):
    return officer_of(other_unit, "他局承办人")


@pytest.fixture
def session(term):
    return factories.SessionFactory(term=term, number=2, name="市十七届人大二次会议")
