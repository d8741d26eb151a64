"""The exact assignment: greatest total compatibility, each mentee at most one mentor, each
mentor at most their capacity, mentees left unmatched when no allowed pair helps.

It is a maximum-weight b-matching on a bipartite graph, solved as a min-cost flow:

    source -(cap 1, cost 0)-> mentee -(cap 1, cost -score)-> mentor -(cap c_j, cost 0)-> sink
    source -(cap n, cost 0)-> sink                     (the "unmatched" bypass)

with a supply of n at the source. The constraint matrix of a flow network is totally
unimodular, so the min-cost flow has an integral optimum; integral flows are exactly the
feasible assignments, and the cost is minus the total score. The bypass lets a mentee stay
unmatched at cost 0, so no pair of negative value is ever forced. Scores are integers
(micro-points, ``scoring.SCALE``) so the optimum is exact, not within a float tolerance.
OR-Tools' SimpleMinCostFlow (cost scaling, exact on integers) does the solve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]


@dataclass
class Assignment:
    """The chosen pairs as positions into the solver's input arrays, and their total."""

    chosen: np.ndarray  # indices of the chosen pairs
    total_units: int
    matched_mentees: int


class SolverError(RuntimeError):
    pass


def solve(
    mentee: np.ndarray,
    mentor: np.ndarray,
    units: np.ndarray,
    capacity: np.ndarray,
    n_mentees: int,
) -> Assignment:
    """Maximise ``sum(units[chosen])``; ``mentee``/``mentor`` are row indices of each pair."""
    mentee = np.asarray(mentee, dtype=np.int64)
    mentor = np.asarray(mentor, dtype=np.int64)
    units = np.asarray(units, dtype=np.int64)
    capacity = np.asarray(capacity, dtype=np.int64)
    if not (mentee.shape == mentor.shape == units.shape):
        raise ValueError("pair arrays differ in length")
    if (capacity < 0).any():
        raise ValueError("capacities must be >= 0")
    n_mentors = capacity.shape[0]
    useful = np.nonzero(units > 0)[0]  # a pair worth nothing never beats staying unmatched
    if not len(useful) or n_mentees == 0:
        return Assignment(np.zeros(0, dtype=np.int64), 0, 0)
    source = 0
    first_mentor = 1 + n_mentees
    sink = first_mentor + n_mentors
    ones = np.ones(n_mentees, dtype=np.int64)
    tails = np.concatenate(
        [
            mentee[useful] + 1,
            np.full(n_mentees, source),
            np.arange(first_mentor, sink),
            [source],
        ]
    )
    heads = np.concatenate(
        [
            mentor[useful] + first_mentor,
            np.arange(1, n_mentees + 1),
            np.full(n_mentors, sink),
            [sink],
        ]
    )
    capacities = np.concatenate([np.ones(len(useful), dtype=np.int64), ones, capacity, [n_mentees]])
    costs = np.concatenate([-units[useful], np.zeros(n_mentees + n_mentors + 1, dtype=np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities, costs
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source] = n_mentees
    supplies[sink] = -n_mentees
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow did not reach the optimum (status {status})")
    used = flow.flows(np.arange(len(useful), dtype=np.int32)) > 0
    chosen = useful[used]
    return Assignment(chosen, int(units[chosen].sum()), len(chosen))


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores, best first (ties by position, so stable)."""
    if k <= 0 or not len(scores):
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(-scores, kind="stable")
    return order[:k]
