"""The psychometrics engine against the Big Five sample (psych's bfi) and reference libraries.

Missing answers are handled pairwise (each covariance over the people who answered both
items), as pingouin's default and psych do.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from learnloop.surveys.engine import psychometrics

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "datasets" / "psychometrics"
PUBLISHED = {
    "agree": 0.70,
    "conscientious": 0.72,
    "extraversion": 0.76,
    "neuroticism": 0.81,
    "openness": 0.60,
}


@pytest.fixture(scope="module")
def bfi() -> dict[str, np.ndarray]:
    if not (DATA / "bfi.csv").exists():
        pytest.skip(f"the bfi data set is not at {DATA} (../shared is only on developer machines)")
    import pandas as pd  # type: ignore[import-untyped]

    frame = pd.read_csv(DATA / "bfi.csv")
    keys = pd.read_csv(DATA / "bfi.keys.csv")
    scales = {}
    for factor in keys.columns[1:]:
        items = [str(code).lstrip("-") for code in keys[factor]]
        reversed_ = [i for i, code in enumerate(keys[factor]) if str(code).startswith("-")]
        scales[factor] = psychometrics.reverse(frame[items].to_numpy(float), reversed_, 1, 6)
    return scales


def test_alpha_per_factor_matches_the_published_values(bfi):
    for factor, published in PUBLISHED.items():
        alpha = psychometrics.cronbach_alpha(bfi[factor])
        # The published figures are truncated to two decimals (conscientiousness is 0.7267).
        assert published <= alpha < published + 0.01, (factor, alpha)


def test_alpha_equals_pingouin_to_a_millionth(bfi):
    pingouin = pytest.importorskip("pingouin")
    import pandas as pd

    for factor, scores in bfi.items():
        reference, _ = pingouin.cronbach_alpha(pd.DataFrame(scores))
        assert psychometrics.cronbach_alpha(scores) == pytest.approx(reference, abs=1e-6), factor


def test_omega_equals_factor_analyzers_one_factor_minres_solution(bfi):
    factor_analyzer = pytest.importorskip("factor_analyzer")
    for factor, scores in bfi.items():
        corr = psychometrics.pairwise_correlation(scores)
        model = factor_analyzer.FactorAnalyzer(
            n_factors=1, rotation=None, method="minres", is_corr_matrix=True
        )
        # fit() trips over scikit-learn >= 1.8 (a renamed check_array argument); this is the
        # solver fit() calls for a correlation matrix, unchanged.
        loadings = model._fit_factor_analysis(corr.copy())[:, 0]
        loadings = loadings if loadings.sum() >= 0 else -loadings
        reference = loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - loadings**2).sum())
        assert psychometrics.mcdonald_omega(scores) == pytest.approx(reference, abs=1e-3), factor


def test_omega_is_at_least_alpha_on_a_congeneric_scale(bfi):
    for scores in bfi.values():
        assert psychometrics.mcdonald_omega(scores) >= psychometrics.cronbach_alpha(scores) - 1e-9


def test_alpha_of_identical_items_is_one_and_of_unrelated_items_near_zero():
    rng = np.random.default_rng(1)
    base = rng.integers(1, 6, size=200).astype(float)
    assert psychometrics.cronbach_alpha(np.column_stack([base, base, base])) == pytest.approx(1)
    noise = rng.integers(1, 6, size=(2000, 4)).astype(float)
    assert abs(psychometrics.cronbach_alpha(noise)) < 0.1


def test_a_missing_answer_leaves_the_other_pairs_intact():
    rng = np.random.default_rng(2)
    latent = rng.normal(size=300)
    scores = np.column_stack([latent + rng.normal(scale=0.7, size=300) for _ in range(4)])
    holed = scores.copy()
    holed[::10, 1] = np.nan
    assert psychometrics.cronbach_alpha(holed) == pytest.approx(
        psychometrics.cronbach_alpha(scores), abs=0.03
    )


def test_reliability_is_withheld_for_too_few_respondents_and_read_in_plain_words():
    small = psychometrics.reliability(np.ones((10, 3)))
    assert small.alpha is None and small.omega is None
    assert "Not enough answers" in small.reading
    good = psychometrics.Reliability(0.85, 0.87, 100, 5)
    assert "dependable" in good.reading
    poor = psychometrics.Reliability(0.4, 0.45, 100, 5)
    assert "do not rely" in poor.reading
