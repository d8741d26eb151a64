"""Goal texts as vectors, with the skills engine's sentence encoder (computed once per profile
and stored). Without the fetched model the vectors stay empty and goal similarity scores 0."""

from __future__ import annotations

import functools
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


@functools.cache
def _sentence_model() -> TextEncoder | None:
    """The skills engine's MiniLM encoder alone: goal texts need no taxonomy or static table."""
    from learnloop.config import data_dir
    from learnloop.skills.engine.assets import MODEL_FILE, TOKENIZER_FILE, Layout
    from learnloop.skills.engine.encoder import Encoder

    layout = Layout(data_dir())
    if layout.missing():
        logger.info("goal vectors skipped: %s is missing", layout.missing()[0])
        return None
    try:
        return Encoder(layout.model / MODEL_FILE, layout.model / TOKENIZER_FILE)
    except Exception:  # a damaged model file must not break profiles
        logger.exception("goal vectors skipped: the sentence model did not load")
        return None


def encoder() -> TextEncoder | None:
    if override is not None:
        return override
    return _sentence_model()


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
