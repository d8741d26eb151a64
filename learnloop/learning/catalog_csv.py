"""Catalog CSV import and export (format in docs/learning.md).

The import is all-or-nothing: every row is checked first and any error (file, line, column,
why) stops the whole file; rows whose title matches an existing item update it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from learnloop.accounts.models import User
from learnloop.audit import events
from learnloop.learning import actions
from learnloop.learning.models import Format, Item, Kind
from learnloop.people.models import JobRole, Organization
from learnloop.skills import queries as skill_queries
from learnloop.skills.models import Skill
from learnloop.text import unsafe_csv_cell
from learnloop.uploads import UploadError
from learnloop.uploads.export import csv_writer, unescape_cell
from learnloop.uploads.text import MB, check_csv, read_text

COLUMNS = (
    "title", "kind", "description", "url", "duration_minutes", "format", "language", "cost",
    "provider", "audience", "audience_roles", "skills", "prerequisite_skills",
    "prerequisite_items",
)  # fmt: skip
REQUIRED = ("title", "kind", "duration_minutes")
MAX_ROWS = 5000
MAX_BYTES = 5 * MB


@dataclass(frozen=True)
class CsvError:
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [
            f"line {self.line}" if self.line else "",
            f"column {self.column}" if self.column else "",
        ]
        place = ", ".join(w for w in where if w)
        return f"{place}: {self.message}" if place else self.message


class CatalogImportError(ValueError):
    def __init__(self, filename: str, errors: list[CsvError]) -> None:
        self.filename, self.errors = filename, errors
        super().__init__(f"{filename}: " + "; ".join(str(e) for e in errors[:5]))


@dataclass(frozen=True)
class Imported:
    created: int
    updated: int


def _pairs(text: str) -> list[tuple[str, str]]:
    """``label:level; label:level`` -> [(label, level)] (a label may itself contain ':')."""
    out = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        label, _, level = part.rpartition(":")
        out.append((label.strip(), level.strip()) if label else (part, ""))
    return out


def _skills(
    value: str, lookup: dict[str, Skill], column: str, line: int, top: int, errors: list[CsvError]
) -> list[tuple[Skill, int]]:
    found = []
    for label, level in _pairs(value):
        skill = lookup.get(label.lower())
        if skill is None:
            errors.append(CsvError(line, column, f"unknown skill {label!r}"))
            continue
        if not level.isdigit() or not 1 <= int(level) <= top:
            errors.append(
                CsvError(line, column, f"{label!r} needs a level from 1 to {top} (label:level)")
            )
            continue
        found.append((skill, int(level)))
    return found


def import_catalog(
    organization: Organization,
    content: str | bytes,
    *,
    actor: User | None,
    filename: str = "catalog.csv",
) -> Imported:
    try:
        if isinstance(content, bytes):
            content = read_text(filename, content, max_bytes=MAX_BYTES)
        check_csv(filename, content, max_rows=MAX_ROWS)
    except UploadError as exc:
        raise CatalogImportError(filename, [CsvError(None, None, exc.reason)]) from None
    unsafe = unsafe_csv_cell(content)  # text that no database can store, located
    if unsafe:
        raise CatalogImportError(filename, [CsvError(*unsafe)])
    reader = csv.DictReader(io.StringIO(content))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    if missing or unknown:
        header_errors = [CsvError(1, c, "required column is missing") for c in missing]
        header_errors += [
            CsvError(1, c, f"unknown column (known: {', '.join(COLUMNS)})") for c in unknown
        ]
        raise CatalogImportError(filename, header_errors)
    reader.fieldnames = header
    rows = list(reader)
    if not rows:
        raise CatalogImportError(filename, [CsvError(None, None, "no rows after the header")])
    if len(rows) > MAX_ROWS:
        raise CatalogImportError(filename, [CsvError(None, None, f"more than {MAX_ROWS} rows")])
    lookup = {k.lower(): v for k, v in skill_queries.skill_lookup(organization).items()}
    top = skill_queries.scale_top(organization)
    roles = {r.title.lower(): r for r in JobRole.objects.filter(organization=organization)}
    existing = {i.title.lower(): i for i in Item.objects.filter(organization=organization)}
    titles_in_file: dict[str, int] = {}
    errors: list[CsvError] = []
    parsed: list[tuple[int, actions.ItemData, list[str]]] = []
    for line, row in enumerate(rows, start=2):
        # An exported file imports back unchanged: its escaped cells lose the apostrophe.
        row = {k: unescape_cell((v or "").strip()) for k, v in row.items() if k}
        title = row.get("title", "")
        if not title:
            errors.append(CsvError(line, "title", "required"))
            continue
        if title.lower() in titles_in_file:
            errors.append(
                CsvError(line, "title", f"same title as line {titles_in_file[title.lower()]}")
            )
            continue
        titles_in_file[title.lower()] = line
        data = actions.ItemData(title=title)
        kind = row.get("kind", "")
        if kind not in Kind.values:
            errors.append(CsvError(line, "kind", f"must be one of {', '.join(Kind.values)}"))
        data.kind = kind
        fmt = row.get("format") or Format.SELF_PACED
        if fmt not in Format.values:
            errors.append(CsvError(line, "format", f"must be one of {', '.join(Format.values)}"))
        data.format = fmt
        minutes = row.get("duration_minutes", "")
        if not minutes.isdigit() or not 1 <= int(minutes) <= 100_000:
            errors.append(
                CsvError(
                    line, "duration_minutes", "must be a whole number of minutes (1 to 100000)"
                )
            )
        else:
            data.duration_minutes = int(minutes)
        cost = row.get("cost") or "0"
        try:
            data.cost = Decimal(cost)
            if data.cost < 0 or not data.cost.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(CsvError(line, "cost", "must be a number, 0 or more"))
        data.language = (row.get("language") or "en").lower()
        if not (2 <= len(data.language) <= 8 and data.language.replace("-", "").isalpha()):
            errors.append(CsvError(line, "language", "must be an ISO 639-1 code such as en"))
        data.url = row.get("url", "")
        if data.url and not data.url.startswith(("https://", "http://")):
            errors.append(CsvError(line, "url", "must start with https:// or http://"))
        data.description = row.get("description", "")
        data.provider = row.get("provider", "")[:200]
        data.audience = row.get("audience", "")[:300]
        for role_title in filter(
            None, (r.strip() for r in row.get("audience_roles", "").split(";"))
        ):
            role = roles.get(role_title.lower())
            if role is None:
                errors.append(CsvError(line, "audience_roles", f"unknown job role {role_title!r}"))
            else:
                data.audience_roles.append(role)
        data.skills = _skills(row.get("skills", ""), lookup, "skills", line, top, errors)
        data.prerequisite_skills = _skills(
            row.get("prerequisite_skills", ""), lookup, "prerequisite_skills", line, top, errors
        )
        needs = [t.strip() for t in row.get("prerequisite_items", "").split(";") if t.strip()]
        parsed.append((line, data, needs))
    for line, data, needs in parsed:
        for need in needs:
            if need.lower() not in existing and need.lower() not in titles_in_file:
                errors.append(CsvError(line, "prerequisite_items", f"no item titled {need!r}"))
            elif need.lower() == data.title.lower():
                errors.append(CsvError(line, "prerequisite_items", "an item cannot require itself"))
    if errors:
        raise CatalogImportError(filename, errors)
    return _apply(organization, parsed, existing, actor, filename)


@transaction.atomic
def _apply(
    organization: Organization,
    parsed: list[tuple[int, actions.ItemData, list[str]]],
    existing: dict[str, Item],
    actor: User | None,
    filename: str,
) -> Imported:
    created = updated = 0
    items: dict[str, Item] = dict(existing)
    # Two passes: every item exists before prerequisites between rows of the file are linked.
    for line, data, _ in parsed:
        try:
            actions.validate(data, organization)
        except actions.LearningError as exc:
            raise CatalogImportError(filename, [CsvError(line, exc.field, str(exc))]) from None
        item = items.get(data.title.lower())
        if item is None:
            item = Item(organization=organization)
            created += 1
        else:
            updated += 1
        actions._apply(item, data)
        items[data.title.lower()] = item
    for _, data, needs in parsed:
        items[data.title.lower()].prerequisite_items.set([items[n.lower()] for n in needs])
    events.record(
        "learning.catalog_imported",
        actor=actor,
        target=organization,
        data={"file": filename, "created": created, "updated": updated},
    )
    return Imported(created, updated)


def export_catalog(organization: Organization) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(COLUMNS)
    items = (
        Item.objects.filter(organization=organization)
        .prefetch_related(
            "skills__skill", "prerequisite_skills__skill", "prerequisite_items", "audience_roles"
        )
        .order_by("title")
    )
    for item in items:
        writer.writerow(
            [
                item.title, item.kind, item.description, item.url, item.duration_minutes,
                item.format, item.language, f"{item.cost:.2f}", item.provider, item.audience,
                "; ".join(r.title for r in item.audience_roles.all()),
                "; ".join(f"{s.skill.label}:{s.level}" for s in item.skills.all() if s.confirmed),
                "; ".join(f"{s.skill.label}:{s.level}" for s in item.prerequisite_skills.all()),
                "; ".join(p.title for p in item.prerequisite_items.all()),
            ]
        )  # fmt: skip
    return out.getvalue()
