"""Reliability of a scale: Cronbach's alpha and McDonald's omega.

Missing answers are handled pairwise, as pingouin's ``cronbach_alpha`` (its default
``nan_policy="pairwise"``) and psych's ``alpha``/``omega`` do: each covariance or correlation
uses every respondent who answered both items. Omega total comes from a one-factor model fitted
by minimum residuals (``minres``, factor_analyzer's default) on that pairwise correlation matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize  # type: ignore[import-untyped]

Matrix = NDArray[np.float64]


def reverse(scores: Matrix, reversed_columns: list[int], low: float, high: float) -> Matrix:
    """Reverse-key the given columns on a scale from ``low`` to ``high``."""
    out = np.array(scores, dtype=float, copy=True)
    for column in reversed_columns:
        out[:, column] = low + high - out[:, column]
    return out


def pairwise_covariance(scores: Matrix) -> Matrix:
    """Covariances over respondents who answered both items (pandas' ``DataFrame.cov``)."""
    data = np.asarray(scores, dtype=float)
    k = data.shape[1]
    present = ~np.isnan(data)
    cov = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            both = present[:, i] & present[:, j]
            n = int(both.sum())
            if n < 2:
                value = np.nan
            else:
                x, y = data[both, i], data[both, j]
                value = float(((x - x.mean()) * (y - y.mean())).sum() / (n - 1))
            cov[i, j] = cov[j, i] = value
    return cov


def pairwise_correlation(scores: Matrix) -> Matrix:
    """Pearson correlations over respondents who answered both items (pandas' ``corr``)."""
    data = np.asarray(scores, dtype=float)
    k = data.shape[1]
    present = ~np.isnan(data)
    corr = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            both = present[:, i] & present[:, j]
            if both.sum() < 2:
                value = np.nan
            else:
                x, y = data[both, i], data[both, j]
                x, y = x - x.mean(), y - y.mean()
                denominator = float(np.sqrt((x * x).sum() * (y * y).sum()))
                value = float((x * y).sum() / denominator) if denominator else np.nan
            corr[i, j] = corr[j, i] = value
    return corr


def cronbach_alpha(scores: Matrix) -> float:
    """Cronbach's alpha of respondents x items (NaN for a missing answer)."""
    data = np.asarray(scores, dtype=float)
    k = data.shape[1]
    if k < 2:
        raise ValueError("alpha needs at least two items")
    cov = pairwise_covariance(data)
    if np.isnan(cov).any():
        return float("nan")
    total = float(cov.sum())
    if total <= 0:
        return float("nan")
    return k / (k - 1) * (1 - float(np.trace(cov)) / total)


def _minres_objective(psi: Matrix, corr: Matrix) -> float:
    # factor_analyzer's ULS objective: the squared residuals of the whole matrix, diagonal
    # included, with eigenvalues floored at 100 machine epsilons as R's fac() does.
    reduced = corr.copy()
    np.fill_diagonal(reduced, 1 - psi)
    values, vectors = np.linalg.eigh(reduced)
    top = max(float(values[-1]), float(np.finfo(float).eps * 100))
    loadings = vectors[:, -1] * np.sqrt(top)
    return float(((reduced - np.outer(loadings, loadings)) ** 2).sum())


def one_factor_loadings(corr: Matrix) -> Matrix:
    """Loadings of a one-factor minres solution, fitted as factor_analyzer fits it: L-BFGS-B
    over the uniquenesses within [0.005, 1], starting at 1 - squared multiple correlations."""
    start = 1 - (1 - 1 / np.diag(np.linalg.inv(corr)))
    fit = minimize(
        _minres_objective,
        start,
        args=(corr,),
        method="L-BFGS-B",
        bounds=[(0.005, 1)] * corr.shape[0],
        options={"maxiter": 1000},
    )
    reduced = corr.copy()
    np.fill_diagonal(reduced, 1 - fit.x)
    values, vectors = np.linalg.eigh(reduced)
    loadings = vectors[:, -1] * np.sqrt(max(float(values[-1]), 0.0))
    # The sign of an eigenvector is arbitrary; point the factor the way most items load.
    return np.asarray(loadings if loadings.sum() >= 0 else -loadings, dtype=float)


def mcdonald_omega(scores: Matrix) -> float:
    """McDonald's omega total from a one-factor model: (sum l)^2 / ((sum l)^2 + sum(1 - l^2))."""
    data = np.asarray(scores, dtype=float)
    if data.shape[1] < 3:
        raise ValueError("omega needs at least three items")
    corr = pairwise_correlation(data)
    if np.isnan(corr).any():
        return float("nan")
    loadings = one_factor_loadings(corr)
    common = float(loadings.sum()) ** 2
    unique = float((1 - loadings**2).sum())
    return common / (common + unique)


@dataclass(frozen=True)
class Reliability:
    alpha: float | None
    omega: float | None
    respondents: int
    items: int

    @property
    def reading(self) -> str:
        """A plain-language reading for people who are not psychometricians."""
        value = self.omega if self.omega is not None else self.alpha
        if value is None or np.isnan(value):
            return "Not enough answers to judge how consistently these questions measure one thing."
        if value >= 0.8:
            return (
                "The questions hang together well: the score is a dependable summary of this theme."
            )
        if value >= 0.7:
            return "The questions hang together acceptably: use the score, and read the items too."
        if value >= 0.6:
            return "The questions hang together only loosely: read the individual items rather than the score."
        return "The questions do not measure one thing here: do not rely on the theme score."


MIN_RESPONDENTS_FOR_RELIABILITY = 30


def reliability(scores: Matrix) -> Reliability:
    """Alpha and omega for a dimension, or None where the data cannot support them."""
    data = np.asarray(scores, dtype=float)
    respondents, items = data.shape
    if respondents < MIN_RESPONDENTS_FOR_RELIABILITY or items < 2:
        return Reliability(None, None, respondents, items)
    alpha = cronbach_alpha(data)
    omega = mcdonald_omega(data) if items >= 3 else None
    clean = lambda v: None if v is None or np.isnan(v) else round(float(v), 3)  # noqa: E731
    return Reliability(clean(alpha), clean(omega), respondents, items)
