"""Static word-piece vectors distilled from the sentence model, for the fast mode.

Each vocabulary entry is run through the transformer on its own once; a text is then the
idf-weighted mean of its pieces' vectors (centred, since raw outputs share one dominant
direction, and reduced to their principal components). Idf comes from the taxonomy's own labels and descriptions, so the pieces that
distinguish skills weigh most. No training data is involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from learnloop.skills.engine.encoder import Encoder

CLS, SEP = 101, 102


def distill(
    encoder: Encoder, corpus: Sequence[str], dimensions: int = 256, batch_size: int = 512
) -> np.ndarray:
    """Returns a (vocabulary, dimensions + 1) array: centred vectors, then the idf column."""
    size = encoder.tokenizer.get_vocab_size()
    ids = np.zeros((size, 3), dtype=np.int64)
    ids[:, 0], ids[:, 1], ids[:, 2] = CLS, np.arange(size), SEP
    vectors = np.zeros((size, encoder.dimensions), dtype=np.float32)
    for start in range(0, size, batch_size):
        batch = ids[start : start + batch_size]
        hidden = encoder.session.run(
            ["last_hidden_state"],
            {
                "input_ids": batch,
                "attention_mask": np.ones_like(batch),
                "token_type_ids": np.zeros_like(batch),
            },
        )[0]
        vectors[start : start + batch_size] = hidden.mean(axis=1)
    vectors -= vectors.mean(axis=0)
    # Principal components: two thirds of the width rank as well and run faster.
    _, _, components = np.linalg.svd(vectors, full_matrices=False)
    vectors = vectors @ components[:dimensions].T
    frequency = np.zeros(size, dtype=np.float64)
    for encoding in encoder.tokenizer.encode_batch(list(corpus), add_special_tokens=False):
        frequency[list(set(encoding.ids))] += 1
    idf = np.log((len(corpus) + 1) / (frequency + 1)) + 1
    return np.hstack([vectors, idf[:, None].astype(np.float32)])


class StaticEmbedder:
    def __init__(self, table: np.ndarray, tokenizer_path: Path) -> None:
        self.vectors = np.ascontiguousarray(table[:, :-1], dtype=np.float32)
        self.idf = np.ascontiguousarray(table[:, -1], dtype=np.float32)
        self.weighted = self.vectors * self.idf[:, None]
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.dimensions = self.vectors.shape[1]
        self._words: dict[str, tuple[np.ndarray, float]] = {}

    def word(self, word: str) -> tuple[np.ndarray, float]:
        """A word's idf-weighted vector sum and weight, memoized (words repeat a lot)."""
        cached = self._words.get(word)
        if cached is None:
            ids = self.tokenizer.encode(word, add_special_tokens=False).ids
            cached = (self.weighted[ids].sum(axis=0), float(self.idf[ids].sum()))
            if len(self._words) < 200_000:
                self._words[word] = cached
        return cached

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            total, weight = np.zeros(self.dimensions, dtype=np.float32), 0.0
            for word in text.split():
                vector, w = self.word(word)
                total += vector
                weight += w
            if weight:
                out[row] = total / weight
        return _normalize(out)

    def windows(self, words: Sequence[str], width: int) -> np.ndarray:
        """Vectors of every run of ``width`` consecutive words, via running sums."""
        if not words:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        parts = [self.word(w) for w in words]
        sums = np.vstack([np.zeros(self.dimensions, dtype=np.float32), *[p[0] for p in parts]])
        weights = np.concatenate([[0.0], [p[1] for p in parts]])
        sums, weights = sums.cumsum(axis=0), weights.cumsum()
        span = min(width, len(words))
        starts = np.arange(0, len(words) - span + 1)
        total = sums[starts + span] - sums[starts]
        weight = weights[starts + span] - weights[starts]
        return _normalize(total / np.maximum(weight, 1e-9)[:, None])


def _normalize(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).astype(np.float32)
