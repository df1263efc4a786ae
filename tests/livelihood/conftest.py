"""Fixtures of the livelihood tests: the department (a unit) and its officer."""

import pytest

from .. import builders, factories


@pytest.fixture
def department(city):
    return factories.UnitFactory(congress=city, name="示例市民政局")


@pytest.fixture
def officer(department):
    return builders.officer_of(department, "民政局联系人")


@pytest.fixture
def other_officer(city):
    return builders.make_officer(city, "示例市教育局")


@pytest.fixture
def other_deputy(city, term, electoral_unit):
    return builders.make_deputy_user(city, term, "王代表", electoral_unit)
