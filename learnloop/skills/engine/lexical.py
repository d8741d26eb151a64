"""Word-for-word matching of skill labels in text: the exact-mention signal."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"[a-z0-9+#]+(?:[.\-'][a-z0-9+#]+)*")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
MAX_PHRASE_WORDS = 6


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    return [Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(text.lower())]


def label_variants(label: str) -> set[tuple[str, ...]]:
    """The label as words, with and without its parenthesised qualifier:
    "Java (computer programming)" is also mentioned as plain "java"."""
    variants = {tuple(w.text for w in words(label))}
    stripped = _PARENTHESES.sub("", label)
    if stripped.strip():
        variants.add(tuple(w.text for w in words(stripped)))
    return {v for v in variants if 0 < len(v) <= MAX_PHRASE_WORDS}


class PhraseIndex:
    """Maps every label and alternative label (as word tuples) to the skills that carry it."""

    def __init__(self, labels_per_skill: Sequence[Iterable[str]]) -> None:
        self.size = len(labels_per_skill)
        self.phrases: dict[tuple[str, ...], list[int]] = {}
        for index, labels in enumerate(labels_per_skill):
            for label in labels:
                for phrase in label_variants(label):
                    owners = self.phrases.setdefault(phrase, [])
                    if not owners or owners[-1] != index:
                        owners.append(index)

    def matches(self, text: str) -> dict[int, tuple[int, int]]:
        """Skill index → character span of its longest mention in ``text``."""
        found: dict[int, tuple[int, int]] = {}
        tokens = words(text)
        texts = [t.text for t in tokens]
        for n in range(min(MAX_PHRASE_WORDS, len(tokens)), 0, -1):
            for i in range(len(tokens) - n + 1):
                for index in self.phrases.get(tuple(texts[i : i + n]), ()):
                    found.setdefault(index, (tokens[i].start, tokens[i + n - 1].end))
        return found

    def vector(self, found: dict[int, tuple[int, int]]) -> np.ndarray:
        hits = np.zeros(self.size, dtype=np.float32)
        if found:
            hits[list(found)] = 1.0
        return hits
