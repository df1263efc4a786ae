"""The builders of ``tests/builders.py`` themselves."""

from proposals.models import Assignment, Suggestion
from tests.builders import replied


def test_builders_produce_the_states_they_name(deputy, staff, unit_officer):
    """The builders themselves: each item is in the state its name says."""
    suggestion, assignment, _reply = replied(deputy, staff, unit_officer, code="A")
    assert suggestion.status == Suggestion.Status.REPLIED
    assert assignment.status == Assignment.Status.REPLIED
    assert suggestion.number == 1
