"""The two matching modes on top of scoring, constraints and the solver."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from learnloop.mentoring.engine import constraints, solver
from learnloop.mentoring.engine.scoring import (
    SCALE,
    Scored,
    Side,
    Weights,
    all_pairs,
    score_block,
    score_pairs,
)

# Whole-pool candidates: each mentee's best mentors and each mentor's best mentees by the
# dense score. Only a starting set: optimize() proves the optimum over every pair (below).
PER_MENTEE = 16
PER_MENTOR_FACTOR = 2  # times the mentor's capacity
BLOCK = 1024  # mentee rows scored at a time
# Dense scores differ from score_pairs' by float32 rounding (~1e-6 points); the proof asks
# this much slack of every left-out pair, and rescores exactly any pair that lacks it.
MARGIN_UNITS = 100


@dataclass
class Draft:
    """Every allowed pair scored, and the optimal assignment among them."""

    scored: Scored
    assignment: solver.Assignment
    rounds: int = 1  # solves needed until the optimum over every pair was proven

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

    ``pairs`` restricts the candidates (default: every mentee with every mentor, see
    :func:`_optimize_all`); pairs scoring at or below ``minimum_score`` are never proposed.
    """
    if pairs is None and len(mentees) and len(mentors):
        return _optimize_all(mentees, mentors, weights, forbidden, minimum_score)
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


def _optimize_all(
    mentees: Side,
    mentors: Side,
    weights: Weights,
    forbidden: np.ndarray | None,
    minimum_score: float,
) -> Draft:
    """The optimum over every mentee x mentor pair without handing the solver a million arcs.

    1. Score all pairs densely (``score_block``, broadcast: cheap) with the hard constraints.
    2. Candidates: each mentee's PER_MENTEE best mentors and each mentor's best mentees.
    3. Score the candidates exactly (``score_pairs``) and solve them exactly.
    4. Proof: the residual network's potentials (``solver.potentials``) must give every
       left-out pair a reduced cost of at least MARGIN_UNITS; then adding all of them leaves
       the flow optimal (no negative cycle can appear). Pairs lacking the slack join the
       candidates and we solve again; this ends because each round adds pairs.
    So the result is the optimum of the unpruned problem, not an approximation.
    """
    n, m = len(mentees), len(mentors)
    dense = np.empty((n, m), dtype=np.float32)
    for start in range(0, n, BLOCK):
        rows = np.arange(start, min(start + BLOCK, n))
        block = score_block(mentees, mentors, rows, weights)
        ok = constraints.allowed_block(mentees, mentors, rows, forbidden=forbidden)
        dense[rows] = np.where(ok, block, -np.inf)
    # Pairs that could beat the threshold (and be worth a unit) once scored exactly.
    live = dense > max(minimum_score, 0.0) - 2 * MARGIN_UNITS / SCALE
    ranked = np.where(live, dense, -np.inf)
    chosen = np.zeros((n, m), dtype=bool)
    k = min(PER_MENTEE, m)
    top = np.argpartition(-ranked, k - 1, axis=1)[:, :k]
    chosen[np.arange(n)[:, None], top] = True
    per_mentor = min(n, PER_MENTOR_FACTOR * int(max(mentors.capacity.max(), 1)))
    top = np.argpartition(-ranked, per_mentor - 1, axis=0)[:per_mentor]
    chosen[top, np.arange(m)[None, :]] = True
    chosen &= live
    estimate = np.rint(dense.astype(np.float64) * SCALE)
    rounds = 0
    while True:
        rounds += 1
        ei, ej = np.nonzero(chosen)
        scored = score_pairs(mentees, mentors, ei, ej, weights)
        keep = np.nonzero(scored.score > minimum_score)[0]
        if len(keep) != len(scored.score):
            scored = scored.subset(keep)
        units = scored.units
        assignment = solver.solve(scored.mentee, scored.mentor, units, mentors.capacity, n)
        du, dv = solver.potentials(
            scored.mentee, scored.mentor, units, mentors.capacity, n, assignment.chosen
        )
        slack = du[:, None].astype(np.float64) - dv[None, :] - estimate
        missing = live & ~chosen & (slack < MARGIN_UNITS)
        if not missing.any():
            return Draft(scored, assignment, rounds)
        chosen |= missing


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
