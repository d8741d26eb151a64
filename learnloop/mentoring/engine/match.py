"""The two matching modes on top of scoring, constraints and the solver."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from learnloop.mentoring.engine import constraints, solver
from learnloop.mentoring.engine.scoring import Scored, Side, Weights, all_pairs, score_pairs


@dataclass
class Draft:
    """Every allowed pair scored, and the optimal assignment among them."""

    scored: Scored
    assignment: solver.Assignment

    @property
    def pairs(self) -> Scored:
        return self.scored.subset(self.assignment.chosen)


def optimize(
    mentees: Side,
    mentors: Side,
    weights: Weights,
    *,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
    forbidden: np.ndarray | None = None,
    minimum_score: float = 0.0,
) -> Draft:
    """ "Optimize the whole pool": the assignment of greatest total score.

    ``pairs`` restricts the candidates (default: every mentee with every mentor); pairs scoring
    at or below ``minimum_score`` are never proposed.
    """
    ei, ej = pairs if pairs is not None else all_pairs(len(mentees), len(mentors))
    ok = constraints.allowed(mentees, mentors, ei, ej, forbidden=forbidden)
    ei, ej = np.asarray(ei)[ok], np.asarray(ej)[ok]
    scored = score_pairs(mentees, mentors, ei, ej, weights)
    keep = np.nonzero(scored.score > minimum_score)[0]
    if len(keep) != len(scored.score):
        scored = scored.subset(keep)
    assignment = solver.solve(
        scored.mentee, scored.mentor, scored.units, mentors.capacity, len(mentees)
    )
    return Draft(scored, assignment)


def suggest(
    mentees: Side,
    row: int,
    mentors: Side,
    weights: Weights,
    *,
    k: int = 5,
    forbidden: np.ndarray | None = None,
) -> Scored:
    """Self-match: the mentee's k best allowed mentors with room left, best first."""
    ej = np.arange(len(mentors), dtype=np.int64)
    ei = np.full(len(mentors), row, dtype=np.int64)
    ok = constraints.allowed(mentees, mentors, ei, ej, forbidden=forbidden)
    scored = score_pairs(mentees, mentors, ei[ok], ej[ok], weights)
    return scored.subset(solver.top_k(scored.score, k))
