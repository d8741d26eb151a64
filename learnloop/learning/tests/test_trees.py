"""The numpy copy of LightGBM's trees predicts what LightGBM predicts."""

from __future__ import annotations

import lightgbm
import numpy as np
import pytest

from learnloop.learning.engine.trees import TreeEnsemble


def fitted(rows: np.ndarray, outcomes: np.ndarray, **params: object) -> lightgbm.Booster:
    settings = {"objective": "binary", "num_leaves": 15, "verbosity": -1, "seed": 0, **params}
    return lightgbm.train(settings, lightgbm.Dataset(rows, outcomes), num_boost_round=20)


def test_the_copied_trees_give_lightgbms_raw_scores_on_a_subset_of_columns():
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(3000, 6))
    outcomes = (rows[:, 1] + rows[:, 4] * rows[:, 5] + rng.normal(size=3000) > 0).astype(int)
    columns = [1, 4, 5]
    booster = fitted(rows[:, columns], outcomes)

    trees = TreeEnsemble.from_lightgbm(booster, columns)

    expected = booster.predict(rows[:, columns], raw_score=True)
    assert trees.raw_score(rows) == pytest.approx(expected, abs=1e-9)
    assert trees.raw_score_one(rows[7]) == pytest.approx(expected[7], abs=1e-9)
    assert TreeEnsemble.from_dict(trees.to_dict()).raw_score(rows) == pytest.approx(expected)


def test_a_tree_without_a_split_is_a_single_leaf():
    rows = np.zeros((50, 2))
    outcomes = np.array([0, 1] * 25)
    booster = fitted(rows, outcomes)

    trees = TreeEnsemble.from_lightgbm(booster)

    assert trees.depth == 0
    assert trees.raw_score(rows[:3]) == pytest.approx(booster.predict(rows[:3], raw_score=True))
