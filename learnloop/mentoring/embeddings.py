"""Goal texts as vectors, with the skills engine's sentence encoder (computed once per profile
and stored). Without the fetched model the vectors stay empty and goal similarity scores 0."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

logger = logging.getLogger(__name__)


class TextEncoder(Protocol):
    fingerprint: str

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...


# Tests put a stand-in here (learnloop/skills/tests/fakes.py's BagOfWordsEncoder).
override: Any = None


def encoder() -> TextEncoder | None:
    if override is not None:
        return override
    from learnloop.skills import inference

    try:
        return inference.models().encoder
    except (FileNotFoundError, OSError) as exc:
        logger.info("goal vectors skipped: %s", exc)
        return None


def embed(texts: Sequence[str]) -> tuple[list[bytes | None], str]:
    """Each non-empty text's vector as float16 bytes (None for empty), and the model's id."""
    model = encoder()
    if model is None:
        return [None] * len(texts), ""
    wanted = [i for i, t in enumerate(texts) if t.strip()]
    out: list[bytes | None] = [None] * len(texts)
    if wanted:
        vectors = model.encode([texts[i] for i in wanted]).astype(np.float16)
        for i, vector in zip(wanted, vectors, strict=True):
            out[i] = vector.tobytes()
    return out, str(model.fingerprint)[:40]


def vector(raw: bytes | memoryview | None) -> np.ndarray | None:
    if raw is None:
        return None
    return np.frombuffer(bytes(raw), dtype=np.float16).astype(np.float32)
