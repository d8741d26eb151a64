"""Ranking skills for sentences: semantic (whole sentence and three-word windows against each
skill's preferred label) plus exact mentions of preferred or alternative labels.

score = cos(sentence, label) + max over windows cos(window, label) + 0.4 x mentioned

The sentence term carries context, the window term finds a skill named in a few words of a
long sentence (and gives the evidence span), the mention term rewards the taxonomy's own
synonyms. Modes: ``quality`` embeds sentence and windows with the transformer; ``balanced``
the sentence only, windows with the static vectors (one transformer pass per sentence);
``fast`` everything with the static vectors (no transformer at query time). Descriptions and whole-taxonomy alternative-label vectors were tried and lowered
validation scores, so they are not part of the score (see benchmarks/skill_extraction.py).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

from learnloop.skills.engine.encoder import Encoder
from learnloop.skills.engine.lexical import PhraseIndex
from learnloop.skills.engine.static import StaticEmbedder

WINDOW_WORDS = 3
MENTION_WEIGHT = 0.4
QUALITY, BALANCED, FAST = "quality", "balanced", "fast"
MODES = (QUALITY, BALANCED, FAST)
# Logistic calibration of the raw score into P(the skill is meant), fitted on the validation
# sets by scripts/skills/calibrate.py. EXTRACT_AT is the probability from which a skill is
# taken as found (about 70% precise, 20% recall on the other validation set); SUGGEST_AT is
# lower because suggestions go to a person who accepts or rejects each one, so recall matters
# more there (at 0.1: about 25% precise, 60% recall among each sentence's top 20).
CALIBRATION = {QUALITY: (6.44, -9.84), BALANCED: (6.76, -10.38), FAST: (7.34, -11.73)}
EXTRACT_AT = 0.5
SUGGEST_AT = 0.15
SENTENCE_CHUNK = 64
# Per mode, how many labels (the best by sentence similarity and mention) get the window
# term; chosen on the validation sets: no loss in quality or balanced mode, about one RP@5
# point in fast mode (benchmarks/skill_extraction.py --shortlist compares).
SHORTLIST: dict[str, int | None] = {QUALITY: 1000, BALANCED: 1000, FAST: 500}
# The products here are small (a sentence's windows against a shortlist): a second BLAS thread
# costs more in hand-offs than it gains, and much more on a busy machine.
BLAS_THREADS = 1
_controller: ThreadpoolController | None = None


def _blas_limit() -> Any:
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=BLAS_THREADS, user_api="blas")


@dataclass(frozen=True)
class Candidate:
    key: str
    label: str
    alt_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    index: int
    key: str
    label: str
    score: float  # calibrated probability
    raw: float
    span: tuple[int, int] | None  # characters of the sentence that carry the evidence
    mentioned: bool

    def evidence(self, sentence: str) -> str:
        return sentence[self.span[0] : self.span[1]] if self.span else sentence


@dataclass
class Models:
    encoder: Encoder
    static: StaticEmbedder | None = None


class VectorCache:
    """Label vectors on disk, keyed by the model fingerprint and the text itself, so each
    label is embedded once per model however many candidate sets use it."""

    def __init__(self, directory: Path | None, fingerprint: str) -> None:
        self.path = directory / f"labels-{fingerprint}.npz" if directory else None
        self.vectors: dict[str, np.ndarray] = {}
        if self.path and self.path.exists():
            stored = np.load(self.path, allow_pickle=False)
            self.vectors = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))

    def get(self, texts: Sequence[str], encoder: Encoder) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if missing:
            for text, vector in zip(missing, encoder.encode(missing), strict=True):
                self.vectors[text] = vector
            self._save()
        if not texts:
            return np.zeros((0, encoder.dimensions), dtype=np.float32)
        return np.vstack([self.vectors[t] for t in texts]).astype(np.float32)

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        texts = list(self.vectors)
        temporary = self.path.with_suffix(".tmp.npz")
        np.savez(temporary, texts=np.array(texts), vectors=np.vstack(list(self.vectors.values())))
        temporary.replace(self.path)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _split(sentence: str) -> tuple[list[str], list[tuple[int, int]]]:
    tokens, spans, position = [], [], 0
    for part in sentence.split():
        start = sentence.index(part, position)
        tokens.append(part)
        spans.append((start, start + len(part)))
        position = start + len(part)
    return tokens, spans


@dataclass
class _Windows:
    texts: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


def _windows(sentence: str) -> _Windows:
    tokens, spans = _split(sentence)
    out = _Windows()
    if not tokens:
        return out
    width = min(WINDOW_WORDS, len(tokens))
    for i in range(len(tokens) - width + 1):
        out.texts.append(" ".join(tokens[i : i + width]))
        out.spans.append((spans[i][0], spans[i + width - 1][1]))
    return out


class SkillIndex:
    """The candidate skills with everything needed to rank them; build once, query often."""

    def __init__(
        self,
        candidates: Sequence[Candidate],
        models: Models,
        cache_dir: Path | None = None,
    ) -> None:
        if not candidates:
            raise ValueError("a skill index needs at least one candidate skill")
        self.candidates = list(candidates)
        self.models = models
        labels = [c.label for c in self.candidates]
        self.cache = VectorCache(cache_dir, models.encoder.fingerprint)
        self.label_vectors = self.cache.get(labels, models.encoder)
        self.static_vectors = models.static.encode(labels) if models.static else None
        self.phrases = PhraseIndex([(c.label, *c.alt_labels) for c in self.candidates])
        self.fingerprint = hashlib.sha256("\n".join(labels).encode()).hexdigest()[:12]

    def __len__(self) -> int:
        return len(self.candidates)

    def rank(self, sentences: Sequence[str], top_k: int, mode: str = QUALITY) -> list[list[Match]]:
        """The ``top_k`` best candidates for every sentence, best first."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if mode != QUALITY and self.static_vectors is None:
            raise ValueError(
                f"the {mode} mode needs the static vectors (run `learnloop taxonomy fetch`)"
            )
        k = max(1, min(top_k, len(self.candidates)))
        results: list[list[Match]] = []
        with _blas_limit():
            for start in range(0, len(sentences), SENTENCE_CHUNK):
                chunk = sentences[start : start + SENTENCE_CHUNK]
                results.extend(self._rank_chunk(chunk, k, mode))
        return results

    def extract(
        self, sentences: Sequence[str], mode: str = QUALITY, threshold: float = EXTRACT_AT
    ) -> list[list[Match]]:
        """Only the skills whose calibrated probability reaches ``threshold``."""
        ranked = self.rank(sentences, 10, mode)
        return [[m for m in matches if m.score >= threshold] for matches in ranked]

    def _rank_chunk(self, sentences: Sequence[str], k: int, mode: str) -> list[list[Match]]:
        windows = [_windows(s) for s in sentences]
        if mode == QUALITY:
            whole_labels = window_labels = self.label_vectors
            flat = [w for win in windows for w in win.texts]
            # Each distinct text once: windows repeat ("experience in the", a short sentence
            # that is its own window), and the transformer is most of the time here.
            slot: dict[str, int] = {}
            for text in (*sentences, *flat):
                slot.setdefault(text, len(slot))
            encoded = self.models.encoder.encode(list(slot), batch_size=32)
            vectors = encoded[[slot[t] for t in (*sentences, *flat)]]
            sentence_vectors, window_vectors = vectors[: len(sentences)], vectors[len(sentences) :]
            window_groups = []
            offset = 0
            for win in windows:
                window_groups.append(window_vectors[offset : offset + len(win.texts)])
                offset += len(win.texts)
        else:
            assert self.models.static is not None and self.static_vectors is not None
            window_labels = self.static_vectors
            window_groups = [self.models.static.windows(s.split(), WINDOW_WORDS) for s in sentences]
            if mode == BALANCED:
                whole_labels = self.label_vectors
                sentence_vectors = self.models.encoder.encode(sentences, batch_size=32)
            else:
                whole_labels = self.static_vectors
                sentence_vectors = self.models.static.encode(sentences)
        # Sentence and mention terms for the whole chunk at once; the window term (a product
        # per window and label) is most of the work, so it is computed for a shortlist
        # only: each sentence's best labels by sentence and mention terms.
        base = sentence_vectors @ whole_labels.T
        mentioned = [self.phrases.matches(sentence) for sentence in sentences]
        for row, mentions in enumerate(mentioned):
            if mentions:
                base[row, list(mentions)] += MENTION_WEIGHT
        size = len(self.candidates)
        shortlist = max(SHORTLIST.get(mode) or size, k)
        shortlists = (
            np.argpartition(-base, shortlist - 1, axis=1)[:, :shortlist]
            if size > shortlist
            else None
        )
        slope, intercept = CALIBRATION[mode]
        out: list[list[Match]] = []
        for row in range(len(sentences)):
            mentions = mentioned[row]
            if shortlists is None:
                keep = np.arange(size)
            else:
                keep = shortlists[row]
                if mentions:  # a mentioned label always gets the window term
                    listed = set(keep.tolist())
                    extra = [m for m in mentions if m not in listed]
                    if extra:
                        keep = np.concatenate([keep, np.array(extra, dtype=keep.dtype)])
            group = window_groups[row]
            if len(group):
                per_window = group @ window_labels[keep].T
                score = base[row, keep] + per_window.max(axis=0)
            else:
                per_window = np.zeros((1, len(keep)), np.float32)
                score = base[row, keep]
            kk = min(k, len(keep))
            top = np.argpartition(-score, kk - 1)[:kk]
            top = top[np.argsort(-score[top], kind="stable")]
            best_window = per_window[:, top].argmax(axis=0)
            matches = []
            for position, local_index in enumerate(top.tolist()):
                index = int(keep[local_index])
                raw = float(score[local_index])
                span = mentions.get(index)
                if span is None and windows[row].spans:
                    span = windows[row].spans[int(best_window[position])]
                matches.append(
                    Match(
                        index=index,
                        key=self.candidates[index].key,
                        label=self.candidates[index].label,
                        score=round(_sigmoid(slope * raw + intercept), 4),
                        raw=raw,
                        span=span,
                        mentioned=index in mentions,
                    )
                )
            out.append(matches)
        return out
