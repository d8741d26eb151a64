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


def potentials(
    mentee: np.ndarray,
    mentor: np.ndarray,
    units: np.ndarray,
    capacity: np.ndarray,
    n_mentees: int,
    chosen: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Node potentials (mentee rows, mentor rows) proving an optimal :func:`solve` result.

    Shortest distances from a virtual root (0-cost arc to every node) in the residual network
    of the flow ``chosen`` (Bellman-Ford, vectorised, stops when nothing changes). Because the
    flow is optimal its residual network has no negative cycle, so the distances exist and
    every residual arc ``x -> y`` of cost ``c`` has ``c + d[x] - d[y] >= 0``. A pair left out
    of the network, ``mentee i -> mentor j`` with score ``u``, can be added without changing
    the optimum when ``-u + d[i] - d[j] >= 0``: the potentials stay feasible, so the larger
    network has no negative cycle either, and the same flow is optimal there.
    """
    mentee = np.asarray(mentee, dtype=np.int64)
    mentor = np.asarray(mentor, dtype=np.int64)
    units = np.asarray(units, dtype=np.int64)
    capacity = np.asarray(capacity, dtype=np.int64)
    n_mentors = capacity.shape[0]
    source, first_mentor = 0, 1 + n_mentees
    sink = first_mentor + n_mentors
    useful = units > 0
    used = np.zeros(len(units), dtype=bool)
    used[chosen] = True
    matched = np.zeros(n_mentees, dtype=bool)
    matched[mentee[chosen]] = True
    load = np.bincount(mentor[chosen], minlength=n_mentors)
    free = ~used & useful
    rows_m = np.arange(n_mentees) + 1
    rows_j = np.arange(n_mentors) + first_mentor
    n_matched = int(matched.sum())
    tails = [
        mentee[free] + 1,  # unused pair: mentee -> mentor, cost -u
        mentor[used] + first_mentor,  # used pair: mentor -> mentee, cost +u
        np.full(int((~matched).sum()), source),
        rows_m[matched],  # mentee -> source (undo a match)
        rows_j[load < capacity],
        np.full(int((load > 0).sum()), sink),
        [source] if n_matched > 0 else [],  # bypass has room
        [sink] if n_matched < n_mentees else [],  # bypass carries flow
    ]
    heads = [
        mentor[free] + first_mentor,
        mentee[used] + 1,
        rows_m[~matched],
        np.full(n_matched, source),
        np.full(int((load < capacity).sum()), sink),
        rows_j[load > 0],
        [sink] if n_matched > 0 else [],
        [source] if n_matched < n_mentees else [],
    ]
    costs = [-units[free], units[used]]
    tail = np.concatenate([np.asarray(t, dtype=np.int64) for t in tails])
    head = np.concatenate([np.asarray(h, dtype=np.int64) for h in heads])
    cost = np.concatenate([*costs, np.zeros(len(tail) - len(costs[0]) - len(costs[1]))]).astype(
        np.int64
    )
    distance = np.zeros(sink + 1, dtype=np.int64)
    for _ in range(sink + 2):
        reach = distance[tail] + cost
        better = reach < distance[head]
        if not better.any():
            break
        np.minimum.at(distance, head[better], reach[better])
    else:  # pragma: no cover - an optimal flow has no negative cycle
        raise SolverError("negative cycle in the residual network: the flow is not optimal")
    return distance[1 : n_mentees + 1], distance[first_mentor:sink]
