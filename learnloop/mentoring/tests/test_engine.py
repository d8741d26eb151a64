"""The pure matching engine: scores, explanations, hard constraints and exact optimality."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from learnloop.mentoring.engine import constraints, match, solver
from learnloop.mentoring.engine.match import optimize, suggest
from learnloop.mentoring.engine.scoring import (
    COMPONENTS,
    SCALE,
    Weights,
    all_pairs,
    empty_side,
    hours_mask,
    mask_hours,
    score_block,
    score_pairs,
)


def random_sides(rng: np.random.Generator, n: int, m: int, dims: int = 8):
    mentees = empty_side(n, skills=3, dims=dims, questions=4, depth=2)
    mentors = empty_side(m, skills=4, dims=dims, questions=4, depth=2)
    mentors.person = mentors.person + 1000
    for side in (mentees, mentors):
        k = side.skill_ids.shape[1]
        side.skill_ids[:] = rng.integers(-1, 6, size=(len(side), k))
        side.skill_levels[:] = rng.integers(1, 6, size=(len(side), k))
        vectors = rng.normal(size=(len(side), dims)).astype(np.float32)
        side.goal_vectors[:] = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        for row in range(len(side)):
            side.availability[row] = hours_mask(rng.choice(168, size=10, replace=False))
        side.utc_offset[:] = rng.integers(-8, 10, size=len(side))
        side.languages[:] = rng.integers(1, 8, size=len(side)).astype(np.uint64)
        side.department[:] = rng.integers(0, 3, size=len(side))
        side.seniority[:] = rng.integers(1, 7, size=len(side))
        side.style[:] = rng.integers(1, 6, size=side.style.shape)
    mentors.capacity = rng.integers(0, 3, size=m).astype(np.int32)
    return mentees, mentors


def unpruned(mentees, mentors, weights, **options):
    """The whole-pool optimum with every pair handed to the solver (no candidate pruning)."""
    return optimize(
        mentees, mentors, weights, pairs=all_pairs(len(mentees), len(mentors)), **options
    )


def brute_force(n: int, m: int, value: dict[tuple[int, int], int], capacity) -> int:
    """Try every assignment of each mentee to a mentor or to nobody."""
    best = 0
    for choice in itertools.product(range(-1, m), repeat=n):
        load = np.bincount([c for c in choice if c >= 0], minlength=m)
        if (load > capacity).any():
            continue
        if any(c >= 0 and (i, c) not in value for i, c in enumerate(choice)):
            continue
        best = max(best, sum(value[(i, c)] for i, c in enumerate(choice) if c >= 0))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_the_solver_finds_the_brute_force_optimum_on_small_random_instances(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 7)), int(rng.integers(1, 4))
    mentees, mentors = random_sides(rng, n, m)
    weights = Weights(**{name: float(rng.uniform(0, 3)) for name in COMPONENTS}, preferred_gap=1.0)
    draft = optimize(mentees, mentors, weights)
    every = unpruned(mentees, mentors, weights).scored  # every allowed pair, not the candidates
    value = {
        (int(i), int(j)): int(u)
        for i, j, u in zip(every.mentee, every.mentor, every.units, strict=True)
    }
    assert draft.assignment.total_units == brute_force(n, m, value, mentors.capacity)
    chosen = draft.pairs
    assert not constraints.violations(mentees, mentors, chosen.mentee, chosen.mentor)


@pytest.mark.parametrize("seed", range(5))
def test_the_solver_agrees_with_an_assignment_on_the_slot_expanded_matrix(seed):
    rng = np.random.default_rng(100 + seed)
    n, m = 40, 12
    mentees, mentors = random_sides(rng, n, m)
    draft = optimize(mentees, mentors, Weights())
    every = unpruned(mentees, mentors, Weights()).scored
    slots = np.repeat(np.arange(m), mentors.capacity)
    gain = np.zeros((n, len(slots) + n))  # one "unmatched" column per mentee, worth 0
    for i, j, u in zip(every.mentee, every.mentor, every.units, strict=True):
        gain[i, np.nonzero(slots == j)[0]] = u
    rows, cols = linear_sum_assignment(gain, maximize=True)
    assert draft.assignment.total_units == int(gain[rows, cols].sum())


def test_each_explanation_sums_to_the_pair_score():
    rng = np.random.default_rng(7)
    mentees, mentors = random_sides(rng, 5, 4)
    ei, ej = np.repeat(np.arange(5), 4), np.tile(np.arange(4), 5)
    scored = score_pairs(mentees, mentors, ei, ej, Weights())
    for row in range(len(ei)):
        parts = scored.explain(row)
        assert [p[0] for p in parts] == list(COMPONENTS)
        assert all(0.0 <= p[2] <= 1.0 for p in parts)
        assert sum(p[3] for p in parts) == pytest.approx(scored.score[row], abs=1e-12)
    assert scored.score.max() > 0


def test_a_mentor_at_or_above_the_target_level_gets_full_skill_credit():
    mentees, mentors = empty_side(1, skills=2), empty_side(3, skills=2)
    mentors.person += 10
    mentees.skill_ids[0] = [5, 9]
    mentees.skill_levels[0] = [3, 3]
    mentors.skill_ids[:] = [[5, 9], [5, 9], [5, -1]]
    mentors.skill_levels[:] = [[4, 3], [2, 1], [5, 0]]
    only_skills = Weights(**dict.fromkeys(COMPONENTS, 0.0) | {"skills": 1.0})
    scored = score_pairs(mentees, mentors, np.zeros(3, int), np.arange(3), only_skills)
    assert scored.components[:, 0].tolist() == pytest.approx([1.0, 0.25, 0.5])


def test_time_zones_twelve_hours_apart_do_not_overlap_and_availability_counts_shared_hours():
    mentees, mentors = empty_side(1), empty_side(2)
    mentors.person += 10
    mentors.utc_offset[:] = [2, 12]
    mentees.availability[0] = hours_mask([9, 10, 11])
    mentors.availability[0] = hours_mask([10, 11, 12, 13])
    mentors.availability[1] = hours_mask([100])
    scored = score_pairs(mentees, mentors, np.zeros(2, int), np.arange(2), Weights())
    tz = COMPONENTS.index("timezone")
    av = COMPONENTS.index("availability")
    assert scored.components[:, tz].tolist() == pytest.approx([0.75, 0.0])
    assert scored.components[:, av].tolist() == pytest.approx([0.5, 0.0])
    assert mask_hours(hours_mask([0, 64, 167])) == [0, 64, 167]


def test_no_one_is_matched_with_their_manager_chain_or_their_reports():
    mentees, mentors = empty_side(2), empty_side(2)
    mentees.person[:] = [1, 2]
    mentors.person[:] = [3, 4]
    mentees.ancestors[0, 0] = 3  # mentee 1's manager is mentor 3
    mentors.ancestors[1, 0] = 2  # mentor 4 reports to mentee 2
    mentors.capacity[:] = [5, 5]
    mentors.languages[:] = 1
    mentees.languages[:] = 1
    ei, ej = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    assert constraints.allowed(mentees, mentors, ei, ej).tolist() == [False, True, True, False]
    draft = optimize(mentees, mentors, Weights())
    pairs = {
        (int(mentees.person[i]), int(mentors.person[j]))
        for i, j in zip(draft.pairs.mentee, draft.pairs.mentor, strict=True)
    }
    assert pairs == {(1, 4), (2, 3)}


def test_forbidden_previous_pairs_and_capacity_are_respected():
    mentees, mentors = empty_side(3), empty_side(1)
    mentors.person[:] = [9]
    mentors.capacity[:] = [2]
    forbidden = constraints.pair_keys(np.array([0]), np.array([9]))
    draft = optimize(mentees, mentors, Weights(), forbidden=forbidden)
    assert draft.assignment.matched_mentees == 2
    assert 0 not in draft.pairs.mentee.tolist()
    problems = constraints.violations(
        mentees, mentors, np.array([0, 1, 2]), np.array([0, 0, 0]), forbidden=forbidden
    )
    assert any("excluded" in p for p in problems)
    assert any("capacity 2" in p for p in problems)


def test_mentees_stay_unmatched_rather_than_take_a_worthless_pair():
    mentees, mentors = empty_side(2), empty_side(1)
    mentors.person += 10
    only_language = Weights(**dict.fromkeys(COMPONENTS, 0.0) | {"language": 1.0})
    mentees.languages[:] = [1, 2]
    mentors.languages[:] = [1]
    mentors.capacity[:] = [2]
    draft = optimize(mentees, mentors, only_language)
    assert draft.pairs.mentee.tolist() == [0]
    assert draft.assignment.total_units == SCALE


def test_self_match_lists_the_best_allowed_mentors_first():
    rng = np.random.default_rng(3)
    mentees, mentors = random_sides(rng, 3, 10)
    mentees.ancestors[1, 0] = mentors.person[4]
    best = suggest(mentees, 1, mentors, Weights(), k=4)
    assert len(best.score) == 4
    assert list(best.score) == sorted(best.score, reverse=True)
    assert 4 not in best.mentor.tolist()
    everyone = suggest(mentees, 1, mentors, Weights(), k=100)
    assert best.score[0] == everyone.score.max()


def test_bad_weights_are_refused_with_the_field_name():
    with pytest.raises(ValueError, match="'goals'"):
        Weights(goals=-1)
    with pytest.raises(ValueError, match="unknown weight"):
        Weights.from_mapping({"charisma": 1})


def test_the_solver_rejects_negative_capacity():
    with pytest.raises(ValueError, match="capacities"):
        solver.solve(np.array([0]), np.array([0]), np.array([5]), np.array([-1]), 1)


def test_goal_similarity_is_the_same_for_sparse_candidates_and_all_pairs():
    rng = np.random.default_rng(11)
    mentees, mentors = random_sides(rng, 200, 100, dims=16)
    # 4,500 of 20,000 possible pairs: gathered in blocks of 2,048 rather than one product.
    ei, ej = rng.integers(0, 200, size=4500), rng.integers(0, 100, size=4500)
    sparse = score_pairs(mentees, mentors, ei, ej, Weights()).components[:, 1]
    direct = np.clip((mentees.goal_vectors[ei] * mentors.goal_vectors[ej]).sum(axis=1), 0, 1)
    assert sparse == pytest.approx(direct, abs=1e-5)
    assert (sparse > 0).any()


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("per_mentee", [1, 3, 16])
def test_candidate_pruning_finds_the_unpruned_optimum(seed, per_mentee, monkeypatch):
    """The whole pool is solved on each mentee's best mentors, then proven optimal over every
    pair (reduced costs); tiny candidate lists force extra rounds. Same total as the solver
    given every pair, with management chains, previous pairs and a minimum score in play."""
    monkeypatch.setattr(match, "PER_MENTEE", per_mentee)
    monkeypatch.setattr(match, "PER_MENTOR_FACTOR", 1 if per_mentee < 16 else 2)
    rng = np.random.default_rng(500 + seed)
    n, m = int(rng.integers(20, 120)), int(rng.integers(5, 40))
    mentees, mentors = random_sides(rng, n, m)
    mentors.capacity = rng.integers(0, 5, size=m).astype(np.int32)
    mentees.ancestors[:, 0] = np.where(rng.random(n) < 0.3, rng.choice(mentors.person, n), -1)
    mentors.ancestors[:, 0] = np.where(rng.random(m) < 0.3, rng.choice(mentees.person, m), -1)
    forbidden = constraints.pair_keys(
        rng.choice(mentees.person, 20), rng.choice(mentors.person, 20)
    )
    weights = Weights(**{name: float(rng.uniform(0, 3)) for name in COMPONENTS})
    minimum = float(rng.choice([0.0, 2.0, 4.0]))
    pruned = optimize(mentees, mentors, weights, forbidden=forbidden, minimum_score=minimum)
    full = unpruned(mentees, mentors, weights, forbidden=forbidden, minimum_score=minimum)
    assert pruned.assignment.total_units == full.assignment.total_units
    assert pruned.assignment.matched_mentees > 0
    chosen = pruned.pairs
    assert not constraints.violations(
        mentees, mentors, chosen.mentee, chosen.mentor, forbidden=forbidden
    )
    assert (chosen.score > minimum).all()
    if per_mentee == 1:
        assert pruned.rounds > 1 or len(pruned.scored.score) < len(full.scored.score)


def test_the_dense_scores_match_the_pair_scores():
    rng = np.random.default_rng(11)
    mentees, mentors = random_sides(rng, 30, 9)
    mentors.seniority[2] = np.nan
    mentees.style[3] = np.nan
    weights = Weights(**{name: float(rng.uniform(0, 3)) for name in COMPONENTS})
    ei, ej = all_pairs(30, 9)
    exact = score_pairs(mentees, mentors, ei, ej, weights).score.reshape(30, 9)
    dense = score_block(mentees, mentors, np.arange(30), weights)
    assert np.abs(dense - exact).max() < 1e-5
