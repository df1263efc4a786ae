"""The vote rule (代表定), a pure function so that hand-worked tables can test it.

A candidate is elected when its votes for are more than half of ALL deputies of the congress
(Local Organic Law art. 25: not of those present), taking the most votes first up to the
seats. Fewer majorities than seats: the remaining seats stay vacant (the law allows no
other way). A tie at the last seat among candidates with a majority is decided by the cycle's
tie rule, kept as data (``Cycle.TieRule``).
"""

from dataclasses import dataclass

from .models import Cycle, Project

OUT = Project.Outcome


@dataclass(frozen=True)
class Ballot:
    key: object
    votes_for: int
    votes_against: int = 0
    votes_abstain: int = 0


def majority_needed(deputies_total: int) -> int:
    """The smallest number of votes for that is more than half of all deputies."""
    return deputies_total // 2 + 1


def decide(ballots: list[Ballot], *, seats: int, deputies_total: int, tie_rule: str) -> dict:
    """``{key: outcome}`` for every ballot (an outcome of ``Project.Outcome``)."""
    need = majority_needed(deputies_total)
    result = {b.key: OUT.SHORT for b in ballots if b.votes_for < need}
    eligible = sorted((b for b in ballots if b.votes_for >= need), key=lambda b: -b.votes_for)
    if len(eligible) <= seats:
        result.update({b.key: OUT.MAJORITY for b in eligible})
        return result
    cutoff = eligible[seats - 1].votes_for
    above = [b for b in eligible if b.votes_for > cutoff]
    tied = [b for b in eligible if b.votes_for == cutoff]
    result.update({b.key: OUT.MAJORITY for b in above})
    result.update({b.key: OUT.OUTSIDE for b in eligible if b.votes_for < cutoff})
    free = seats - len(above)
    if len(tied) <= free:
        result.update({b.key: OUT.MAJORITY for b in tied})
        return result
    if tie_rule == Cycle.TieRule.FEWER_AGAINST:
        # Whole groups of equal votes against, fewest first, while they fit in the free seats.
        for against in sorted({b.votes_against for b in tied}):
            group = [b for b in tied if b.votes_against == against]
            if len(group) <= free:
                result.update({b.key: OUT.TIE_WON for b in group})
                free -= len(group)
            else:
                free = 0
                result.update({b.key: OUT.TIE_LOST for b in group})
    else:
        result.update({b.key: OUT.TIE_LOST for b in tied})
    return result


ELECTED = {OUT.MAJORITY, OUT.TIE_WON}
