"""A deterministic stand-in for the sentence model: bag-of-words vectors, so ranking logic can
be tested without the fetched ONNX model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from learnloop.skills.engine.lexical import words


class BagOfWordsEncoder:
    dimensions = 1024
    fingerprint = "bag-of-words"

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in words(text):
                digest = hashlib.sha256(word.text.encode()).digest()
                out[row, int.from_bytes(digest[:4]) % self.dimensions] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)
