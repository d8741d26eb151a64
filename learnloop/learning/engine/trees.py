"""A fitted tree ensemble held as flat numpy arrays, so predicting needs numpy only.

LightGBM does the fitting (``from_lightgbm``); the arrays serialize to plain lists, so a stored
model loads and predicts without LightGBM and one prediction walks every tree at once (one
numpy step per tree level).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class TreeEnsemble:
    """Binary-classification trees: raw score = ``baseline + sum of leaf values``.

    Nodes of all trees share the arrays; a leaf points to itself on both sides so a walk of
    ``depth`` steps from every root ends on the leaves whatever their depth.
    """

    feature: NDArray[np.intp]
    threshold: NDArray[np.float64]
    left: NDArray[np.intp]
    right: NDArray[np.intp]
    value: NDArray[np.float64]
    roots: NDArray[np.intp]
    depth: int
    baseline: float

    @classmethod
    def from_lightgbm(cls, booster: Any, columns: Sequence[int] | None = None) -> TreeEnsemble:
        """Copy the trees of a fitted binary LightGBM ``Booster``.

        ``columns[j]`` is the column of the full feature row that the model saw as feature
        ``j`` (when it was fitted on a subset of the columns). Trained on data without NaN and
        without categorical features, so every split is ``x <= threshold``; LightGBM folds the
        starting log-odds into the first tree, so the baseline is 0.
        """
        dump = booster.dump_model()
        column = np.arange(dump["max_feature_idx"] + 1) if columns is None else np.asarray(columns)
        features: list[int] = []
        thresholds: list[float] = []
        lefts: list[int] = []
        rights: list[int] = []
        values: list[float] = []
        roots: list[int] = []
        depth = 0

        def add(node: dict[str, Any], level: int) -> int:
            nonlocal depth
            index = len(features)
            features.append(0)
            thresholds.append(np.inf)
            lefts.append(index)
            rights.append(index)
            values.append(0.0)
            if "leaf_value" in node:
                values[index] = float(node["leaf_value"])
                depth = max(depth, level)
                return index
            if node["decision_type"] != "<=" or node["missing_type"] not in ("None", "NaN"):
                raise ValueError(
                    f"unsupported LightGBM split: {node['decision_type']}, "
                    f"missing values {node['missing_type']}"
                )
            features[index] = int(column[node["split_feature"]])
            thresholds[index] = float(node["threshold"])
            lefts[index] = add(node["left_child"], level + 1)
            rights[index] = add(node["right_child"], level + 1)
            return index

        for tree in dump["tree_info"]:
            roots.append(add(tree["tree_structure"], 0))
        return cls(
            feature=np.array(features, dtype=np.intp),
            threshold=np.array(thresholds, dtype=np.float64),
            left=np.array(lefts, dtype=np.intp),
            right=np.array(rights, dtype=np.intp),
            value=np.array(values, dtype=np.float64),
            roots=np.array(roots, dtype=np.intp),
            depth=depth,
            baseline=0.0,
        )

    def raw_score(self, rows: NDArray[np.float64], chunk: int = 8192) -> NDArray[np.float64]:
        """Log-odds for each row of a 2-D feature matrix."""
        out = np.empty(len(rows), dtype=np.float64)
        for start in range(0, len(rows), chunk):
            block = rows[start : start + chunk]
            node = np.broadcast_to(self.roots, (len(block), len(self.roots))).copy()
            row_index = np.arange(len(block))[:, None]
            for _ in range(self.depth):
                goes_left = block[row_index, self.feature[node]] <= self.threshold[node]
                node = np.where(goes_left, self.left[node], self.right[node])
            out[start : start + chunk] = self.baseline + self.value[node].sum(axis=1)
        return out

    def raw_score_one(self, row: NDArray[np.float64]) -> float:
        node = self.roots
        for _ in range(self.depth):
            node = np.where(
                row[self.feature[node]] <= self.threshold[node], self.left[node], self.right[node]
            )
        return self.baseline + float(self.value[node].sum())

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature.tolist(),
            "threshold": [t if np.isfinite(t) else None for t in self.threshold.tolist()],
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": self.value.tolist(),
            "roots": self.roots.tolist(),
            "depth": self.depth,
            "baseline": self.baseline,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeEnsemble:
        return cls(
            feature=np.array(data["feature"], dtype=np.intp),
            threshold=np.array(
                [np.inf if t is None else t for t in data["threshold"]], dtype=np.float64
            ),
            left=np.array(data["left"], dtype=np.intp),
            right=np.array(data["right"], dtype=np.intp),
            value=np.array(data["value"], dtype=np.float64),
            roots=np.array(data["roots"], dtype=np.intp),
            depth=int(data["depth"]),
            baseline=float(data["baseline"]),
        )
