"""The vote rule from hand-worked tables: more than half of ALL deputies, the seat limit,
the tie at the last seat (both rules), fewer majorities than seats, abstentions."""

import pytest

from livelihood.models import Cycle, Project
from livelihood.vote import Ballot, decide, majority_needed

O = Project.Outcome  # noqa: E741
FEWER = Cycle.TieRule.FEWER_AGAINST
VACANT = Cycle.TieRule.VACANT


def run(rows, *, seats, total=100, rule=FEWER):
    return decide([Ballot(k, *v) for k, v in rows.items()], seats=seats, deputies_total=total, tie_rule=rule)


@pytest.mark.parametrize(("total", "need"), [(100, 51), (101, 51), (523, 262), (1, 1), (2, 2)])
def test_majority_is_more_than_half_of_all_deputies(total, need):
    assert majority_needed(total) == need


def test_exactly_half_of_all_deputies_is_not_a_majority():
    # 100 deputies: 50 for is half, not more than half, even if only 60 were present.
    assert run({"A": (50, 5, 5), "B": (51, 5, 4)}, seats=2) == {"A": O.SHORT, "B": O.MAJORITY}


def test_majority_of_those_present_is_not_enough():
    # 60 present of 100: 40 for is two thirds of those present, but short of 51.
    assert run({"A": (40, 15, 5)}, seats=1) == {"A": O.SHORT}


def test_seat_limit_takes_the_most_votes_first():
    rows = {"A": (90, 5, 5), "B": (60, 30, 10), "C": (80, 10, 10), "D": (70, 20, 10)}
    assert run(rows, seats=2) == {"A": O.MAJORITY, "C": O.MAJORITY, "D": O.OUTSIDE, "B": O.OUTSIDE}


def test_fewer_majorities_than_seats_leaves_seats_vacant():
    rows = {"A": (70, 20, 10), "B": (49, 40, 11), "C": (30, 60, 10)}
    result = run(rows, seats=3)
    assert result == {"A": O.MAJORITY, "B": O.SHORT, "C": O.SHORT}
    assert sum(1 for v in result.values() if v == O.MAJORITY) == 1


def test_abstentions_do_not_count_for():
    # 45 for and 50 abstentions: abstaining is not voting for.
    assert run({"A": (45, 5, 50)}, seats=1) == {"A": O.SHORT}


def test_tie_at_the_last_seat_fewer_against_wins():
    rows = {"A": (90, 5, 5), "B": (70, 10, 20), "C": (70, 20, 10)}
    assert run(rows, seats=2) == {"A": O.MAJORITY, "B": O.TIE_WON, "C": O.TIE_LOST}


def test_tie_at_the_last_seat_still_tied_leaves_it_vacant():
    rows = {"A": (90, 5, 5), "B": (70, 10, 20), "C": (70, 10, 20)}
    assert run(rows, seats=2) == {"A": O.MAJORITY, "B": O.TIE_LOST, "C": O.TIE_LOST}


def test_tie_rule_vacant_elects_none_of_the_tied():
    rows = {"A": (90, 5, 5), "B": (70, 10, 20), "C": (70, 20, 10)}
    assert run(rows, seats=2, rule=VACANT) == {"A": O.MAJORITY, "B": O.TIE_LOST, "C": O.TIE_LOST}


def test_tie_that_fits_the_seats_elects_all_tied():
    rows = {"A": (90, 5, 5), "B": (70, 10, 20), "C": (70, 20, 10), "D": (60, 30, 10)}
    assert run(rows, seats=3) == {"A": O.MAJORITY, "B": O.MAJORITY, "C": O.MAJORITY, "D": O.OUTSIDE}


def test_three_way_tie_for_two_seats_by_votes_against():
    rows = {"A": (70, 5, 25), "B": (70, 10, 20), "C": (70, 10, 20), "D": (95, 3, 2)}
    # D takes one of the two seats; A, B and C tie for the other: A has the fewest votes against.
    assert run(rows, seats=2) == {"D": O.MAJORITY, "A": O.TIE_WON, "B": O.TIE_LOST, "C": O.TIE_LOST}


def test_tie_below_the_majority_is_simply_short():
    rows = {"A": (80, 10, 10), "B": (40, 10, 50), "C": (40, 20, 40)}
    assert run(rows, seats=2) == {"A": O.MAJORITY, "B": O.SHORT, "C": O.SHORT}


def test_twelve_candidates_for_ten_seats_of_523_deputies():
    """Nanjing 2021: 12 candidate categories for 10 places; 523 deputies, majority 262."""
    rows = {n: (500 - n * 10, 10, 5) for n in range(1, 13)}  # 490 … 380 for: all have a majority
    result = run(rows, seats=10, total=523)
    assert [k for k, v in result.items() if v == O.MAJORITY] == list(range(1, 11))
    assert result[11] == result[12] == O.OUTSIDE
