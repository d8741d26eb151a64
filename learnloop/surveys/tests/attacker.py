"""An attacker who has seen results of several groups and tries to solve for small groups.

Every released figure (count, mean, favourable share, distribution) is a linear function of the
answers of the group's members, so whatever the attacker learns is in the row space of the
matrix whose rows are the released groups' membership vectors. The attacker's algebra is
independent of the product's: plain least squares and column equivalence classes.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np


def in_span(rows: np.ndarray, target: np.ndarray) -> bool:
    """Is ``target`` a linear combination of ``rows`` (so its sum can be solved for)?"""
    if rows.size == 0:
        return False
    solution, *_ = np.linalg.lstsq(rows.T.astype(float), target.astype(float), rcond=None)
    return bool(np.allclose(rows.T.astype(float) @ solution, target, atol=1e-7))


def recovered_sum(rows: np.ndarray, sums: np.ndarray, target: np.ndarray) -> float:
    solution, *_ = np.linalg.lstsq(rows.T.astype(float), target.astype(float), rcond=None)
    return float(solution @ sums)


def finest_classes(rows: np.ndarray) -> list[int]:
    """Sizes of the classes of respondents with identical membership columns: no vector of the
    row space can separate two members of one class, so these bound what can be isolated."""
    if rows.size == 0:
        return []
    _, counts = np.unique(rows.T.astype(np.int8), axis=0, return_counts=True)
    return sorted(counts.tolist())


def small_targets(rows: np.ndarray, cells: list[np.ndarray], k: int) -> list[np.ndarray]:
    """Candidate groups of 1..k-1 respondents: every respondent alone, every small cell of the
    attribute cross-tabulation, and every non-empty small intersection or difference of two
    released groups."""
    size = rows.shape[1] if rows.size else 0
    targets = [np.eye(size, dtype=bool)[i] for i in range(size)]
    targets += [c for c in cells if 0 < c.sum() < k]
    for a, b in combinations(list(rows.astype(bool)), 2):
        for candidate in (a & b, a & ~b, b & ~a):
            if 0 < candidate.sum() < k:
                targets.append(candidate)
    return targets


def breaches(rows: np.ndarray, cells: list[np.ndarray], k: int) -> list[np.ndarray]:
    return [t for t in small_targets(rows, cells, k) if in_span(rows, t)]
