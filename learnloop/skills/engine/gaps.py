"""Gap analysis on arrays: people x skills levels against role requirements."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

READY_AT = 0.8  # share of the weighted requirements met to count as able to step in


@dataclass(frozen=True)
class Requirements:
    skills: np.ndarray  # skill ids, shape (k,)
    targets: np.ndarray  # target levels, shape (k,)
    weights: np.ndarray  # positive weights, shape (k,)


def levels_matrix(
    people: np.ndarray, skills: np.ndarray, rows: np.ndarray, cols: np.ndarray, values: np.ndarray
) -> np.ndarray:
    """Dense people x skills levels (0 where nothing is known) from (person, skill, level)
    triples given as ids; ids outside ``people``/``skills`` are ignored."""
    matrix = np.zeros((len(people), len(skills)), dtype=np.float32)
    if len(rows) == 0 or len(people) == 0 or len(skills) == 0:
        return matrix
    people_order, skills_order = np.argsort(people), np.argsort(skills)
    sorted_people, sorted_skills = people[people_order], skills[skills_order]
    i = np.clip(np.searchsorted(sorted_people, rows), 0, len(people) - 1)
    j = np.clip(np.searchsorted(sorted_skills, cols), 0, len(skills) - 1)
    known = (sorted_people[i] == rows) & (sorted_skills[j] == cols)
    matrix[people_order[i[known]], skills_order[j[known]]] = values[known]
    return matrix


def readiness(levels: np.ndarray, requirements: Requirements) -> np.ndarray:
    """Per person, the weighted share of requirements met (partially met counts pro rata)."""
    if len(requirements.skills) == 0:
        return np.ones(levels.shape[0], dtype=np.float32)
    met = np.minimum(levels / np.maximum(requirements.targets, 1e-9), 1.0)
    return (met @ requirements.weights) / requirements.weights.sum()


def gaps(levels: np.ndarray, requirements: Requirements) -> np.ndarray:
    """How many levels short each person is of each requirement (0 when met)."""
    return np.maximum(requirements.targets[None, :] - levels, 0.0)


def coverage(levels: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per skill, the share of people at or above the target."""
    if levels.shape[0] == 0:
        return np.zeros(levels.shape[1], dtype=np.float32)
    return (levels >= targets[None, :]).mean(axis=0)


def depth(levels: np.ndarray) -> np.ndarray:
    """Per skill, the mean level of the people who hold it at all (0 if nobody does)."""
    held = levels > 0
    counts = held.sum(axis=0)
    return np.where(counts > 0, levels.sum(axis=0) / np.maximum(counts, 1), 0.0)


def bench(levels: np.ndarray, requirements: Requirements, ready_at: float = READY_AT) -> int:
    """How many people could step into the role now."""
    return int((readiness(levels, requirements) >= ready_at).sum())
