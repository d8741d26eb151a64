"""Where the fetched files live and how the engine's pieces are built from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from learnloop.skills.engine.encoder import Encoder
from learnloop.skills.engine.ranker import Candidate, Models
from learnloop.skills.engine.static import StaticEmbedder, distill
from learnloop.skills.engine.taxonomy import SkillRecord, normalize_label

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"


@dataclass(frozen=True)
class Layout:
    """``root`` is the data directory: ``esco/`` holds taxonomy files, ``models/minilm/`` the
    sentence model, ``skills-index/`` the vectors computed from them."""

    root: Path

    @property
    def esco(self) -> Path:
        return self.root / "esco"

    @property
    def model(self) -> Path:
        return self.root / "models" / "minilm"

    @property
    def index(self) -> Path:
        return self.root / "skills-index"

    def static_table(self, fingerprint: str) -> Path:
        return self.index / f"static-{fingerprint}.npy"

    def missing(self) -> list[Path]:
        wanted = [self.model / MODEL_FILE, self.model / TOKENIZER_FILE]
        return [path for path in wanted if not path.exists()]


def load_models(layout: Layout, corpus: Sequence[str] | None = None, threads: int = 2) -> Models:
    """The sentence model, plus the static vectors when built (or ``corpus`` to build them)."""
    missing = layout.missing()
    if missing:
        raise FileNotFoundError(
            f"{missing[0]}: not found; run `learnloop taxonomy fetch` to obtain the model"
        )
    encoder = Encoder(layout.model / MODEL_FILE, layout.model / TOKENIZER_FILE, threads=threads)
    table_path = layout.static_table(encoder.fingerprint)
    static = None
    if not table_path.exists() and corpus is not None:
        layout.index.mkdir(parents=True, exist_ok=True)
        table = distill(encoder, corpus)
        np.save(table_path.with_suffix(".tmp.npy"), table.astype(np.float16))
        table_path.with_suffix(".tmp.npy").replace(table_path)
    if table_path.exists():
        table = np.load(table_path).astype(np.float32)
        static = StaticEmbedder(table, layout.model / TOKENIZER_FILE)
    return Models(encoder=encoder, static=static)


def taxonomy_corpus(records: Sequence[SkillRecord]) -> list[str]:
    """The texts the static vectors' idf weights are counted over."""
    return [t for r in records for t in (r.label, *r.alt_labels, r.description) if t]


def candidates_for(labels: Sequence[str], records: Sequence[SkillRecord]) -> list[Candidate]:
    """Each label as a candidate with the alternative labels of the taxonomy skill it names;
    a label the taxonomy lacks is still ranked, on its own words."""
    by_label = {normalize_label(r.label): r for r in records}
    out = []
    for label in labels:
        record = by_label.get(normalize_label(label))
        if record is None:
            out.append(Candidate(key=label, label=label))
        else:
            out.append(Candidate(key=record.uri, label=label, alt_labels=tuple(record.alt_labels)))
    return out


def all_candidates(records: Sequence[SkillRecord]) -> list[Candidate]:
    return [Candidate(key=r.uri, label=r.label, alt_labels=tuple(r.alt_labels)) for r in records]
