"""The instrument format (JSON), its validation, and its typed form.

An organization can load its own licensed instrument in this format. Validation collects every
problem with the path of the field at fault (``questions[3].dimension``) so a file is fixed in
one pass, and nothing is loaded unless the whole document is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

FORMAT = "learnloop.instrument/1"
KINDS = ("likert5", "likert7", "nps", "single", "multiple", "text")
SCALED = {"likert5": 5, "likert7": 7}
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
MAX_QUESTIONS = 120


class InstrumentError(ValueError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    translations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    text: str
    section: str | None = None
    dimension: str | None = None
    reverse: bool = False
    required: bool = False
    outcome: bool = False
    options: tuple[Option, ...] = ()
    translations: dict[str, str] = field(default_factory=dict)

    @property
    def points(self) -> int | None:
        """Scale points of a Likert item (None for other kinds)."""
        return SCALED.get(self.kind)

    @property
    def scored(self) -> bool:
        return self.kind in SCALED or self.kind == "nps"

    def text_in(self, language: str) -> str:
        return self.translations.get(language, self.text)

    def is_favourable(self, value: float) -> bool:
        """Top two boxes of five, top three of seven, 9-10 on 0-10 (after reverse keying)."""
        if self.kind == "likert5":
            return value >= 4
        if self.kind == "likert7":
            return value >= 5
        return value >= 9

    def keyed(self, value: float) -> float:
        points = self.points
        return (points + 1 - value) if (self.reverse and points) else value


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    translations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    description: str = ""
    guidance: str = ""


@dataclass(frozen=True)
class Band:
    min_favourable: float
    label: str
    advice: str


@dataclass(frozen=True)
class Instrument:
    key: str
    name: str
    description: str
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    dimensions: tuple[Dimension, ...]
    questions: tuple[Question, ...]
    bands: tuple[Band, ...]
    guidance: str = ""
    licence: str = ""

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)

    def in_dimension(self, key: str) -> list[Question]:
        return [q for q in self.questions if q.dimension == key]

    def band_for(self, favourable: float) -> Band | None:
        for band in sorted(self.bands, key=lambda b: -b.min_favourable):
            if favourable >= band.min_favourable:
                return band
        return None


DEFAULT_BANDS = (
    {"min_favourable": 75, "label": "Strength", "advice": "Keep doing what works; share how."},
    {
        "min_favourable": 60,
        "label": "Mixed",
        "advice": "Talk it through as a team: which items pull the theme down?",
    },
    {
        "min_favourable": 0,
        "label": "Needs attention",
        "advice": "Make it a team priority: agree one concrete change and check it next pulse.",
    },
)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def text(self, obj: dict[str, Any], name: str, path: str, *, required: bool = True) -> str:
        value = obj.get(name)
        if value is None:
            if required:
                self.fail(f"{path}{name}", "is required")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{path}{name}", "must be a non-empty string")
            return ""
        if len(value) > 2000:
            self.fail(f"{path}{name}", "is longer than 2000 characters")
        return value.strip()

    def flag(self, obj: dict[str, Any], name: str, path: str) -> bool:
        value = obj.get(name, False)
        if not isinstance(value, bool):
            self.fail(f"{path}{name}", "must be true or false")
            return False
        return value

    def key(self, obj: dict[str, Any], path: str, seen: set[str]) -> str:
        value = obj.get("key")
        if not isinstance(value, str) or not KEY.match(value):
            self.fail(f"{path}key", "must be lower-case letters, digits, '-' or '_' (at most 63)")
            return ""
        if value in seen:
            self.fail(f"{path}key", f"{value!r} is used twice")
        seen.add(value)
        return value

    def translations(self, obj: dict[str, Any], path: str, languages: set[str]) -> dict[str, str]:
        value = obj.get("translations", {})
        if not isinstance(value, dict):
            self.fail(f"{path}translations", "must be an object of language: text")
            return {}
        out = {}
        for language, text in value.items():
            if language not in languages:
                self.fail(
                    f"{path}translations.{language}", "is not one of the instrument's languages"
                )
            elif not isinstance(text, str) or not text.strip():
                self.fail(f"{path}translations.{language}", "must be a non-empty string")
            else:
                out[language] = text.strip()
        return out

    def items(self, doc: dict[str, Any], name: str) -> list[Any]:
        value = doc.get(name, [])
        if not isinstance(value, list):
            self.fail(name, "must be a list")
            return []
        return value


def parse(doc: Any) -> Instrument:
    """Validate an instrument document; raises :class:`InstrumentError` listing every problem."""
    check = _Checker()
    if not isinstance(doc, dict):
        raise InstrumentError([("", "the document must be a JSON object")])
    if doc.get("format") != FORMAT:
        check.fail("format", f"must be {FORMAT!r}")
    key = check.key(doc, "", set())
    name = check.text(doc, "name", "")
    description = check.text(doc, "description", "", required=False)
    guidance = check.text(doc, "guidance", "", required=False)
    licence = check.text(doc, "licence", "", required=False)

    raw_languages = doc.get("languages", ["en"])
    if (
        not isinstance(raw_languages, list)
        or not raw_languages
        or not all(isinstance(x, str) and LANGUAGE.match(x) for x in raw_languages)
    ):
        check.fail("languages", "must be a non-empty list of language codes such as 'en' or 'de'")
        raw_languages = ["en"]
    languages = tuple(dict.fromkeys(raw_languages))
    others = set(languages[1:])

    sections: list[Section] = []
    section_keys: set[str] = set()
    for i, raw in enumerate(check.items(doc, "sections")):
        path = f"sections[{i}]."
        if not isinstance(raw, dict):
            check.fail(f"sections[{i}]", "must be an object")
            continue
        sections.append(
            Section(
                check.key(raw, path, section_keys),
                check.text(raw, "title", path),
                check.translations(raw, path, others),
            )
        )

    dimensions: list[Dimension] = []
    dimension_keys: set[str] = set()
    for i, raw in enumerate(check.items(doc, "dimensions")):
        path = f"dimensions[{i}]."
        if not isinstance(raw, dict):
            check.fail(f"dimensions[{i}]", "must be an object")
            continue
        dimensions.append(
            Dimension(
                check.key(raw, path, dimension_keys),
                check.text(raw, "name", path),
                check.text(raw, "description", path, required=False),
                check.text(raw, "guidance", path, required=False),
            )
        )

    questions: list[Question] = []
    question_keys: set[str] = set()
    raw_questions = check.items(doc, "questions")
    if not raw_questions:
        check.fail("questions", "must list at least one question")
    if len(raw_questions) > MAX_QUESTIONS:
        check.fail("questions", f"has more than {MAX_QUESTIONS} questions")
    for i, raw in enumerate(raw_questions):
        path = f"questions[{i}]."
        if not isinstance(raw, dict):
            check.fail(f"questions[{i}]", "must be an object")
            continue
        qkey = check.key(raw, path, question_keys)
        kind = raw.get("type")
        known_kind = kind in KINDS
        if not known_kind:
            check.fail(f"{path}type", f"must be one of {', '.join(KINDS)}")
            kind = "text"
        section = raw.get("section")
        if section is not None and section not in section_keys:
            check.fail(f"{path}section", f"{section!r} is not a declared section")
        dimension = raw.get("dimension")
        if dimension is not None:
            if dimension not in dimension_keys:
                check.fail(f"{path}dimension", f"{dimension!r} is not a declared dimension")
            elif known_kind and kind not in SCALED:
                check.fail(f"{path}dimension", "only Likert questions can belong to a dimension")
        reverse = check.flag(raw, "reverse", path)
        if reverse and known_kind and kind not in SCALED:
            check.fail(f"{path}reverse", "only Likert questions can be reverse-keyed")
        outcome = check.flag(raw, "outcome", path)
        if outcome and known_kind and kind not in (*SCALED, "nps"):
            check.fail(f"{path}outcome", "the outcome must be a Likert or 0-10 question")
        options: list[Option] = []
        if kind in ("single", "multiple"):
            raw_options = raw.get("options")
            if not isinstance(raw_options, list) or len(raw_options) < 2:
                check.fail(f"{path}options", "a choice question needs at least two options")
                raw_options = []
            option_keys: set[str] = set()
            for j, option in enumerate(raw_options):
                opath = f"{path}options[{j}]."
                if not isinstance(option, dict):
                    check.fail(f"{path}options[{j}]", "must be an object")
                    continue
                options.append(
                    Option(
                        check.key(option, opath, option_keys),
                        check.text(option, "label", opath),
                        check.translations(option, opath, others),
                    )
                )
        elif "options" in raw:
            check.fail(f"{path}options", "only choice questions have options")
        questions.append(
            Question(
                key=qkey,
                kind=str(kind),
                text=check.text(raw, "text", path),
                section=section if isinstance(section, str) else None,
                dimension=dimension if isinstance(dimension, str) else None,
                reverse=reverse,
                required=check.flag(raw, "required", path),
                outcome=outcome,
                options=tuple(options),
                translations=check.translations(raw, path, others),
            )
        )
    if sum(q.outcome for q in questions) > 1:
        check.fail("questions", "at most one question can be the outcome")
    for i, dimension_ in enumerate(dimensions):
        members = [q for q in questions if q.dimension == dimension_.key]
        if not members:
            check.fail(f"dimensions[{i}]", f"no question belongs to {dimension_.key!r}")
        elif not check.problems and len({q.kind for q in members}) > 1:
            check.fail(f"dimensions[{i}]", "all its questions must use the same scale")

    bands: list[Band] = []
    raw_interpretation = doc.get("interpretation", {"bands": list(DEFAULT_BANDS)})
    raw_bands = raw_interpretation.get("bands") if isinstance(raw_interpretation, dict) else None
    if not isinstance(raw_bands, list) or not raw_bands:
        check.fail("interpretation.bands", "must be a non-empty list")
        raw_bands = []
    for i, raw in enumerate(raw_bands):
        path = f"interpretation.bands[{i}]."
        if not isinstance(raw, dict):
            check.fail(f"interpretation.bands[{i}]", "must be an object")
            continue
        threshold = raw.get("min_favourable")
        if (
            not isinstance(threshold, int | float)
            or isinstance(threshold, bool)
            or not (0 <= threshold <= 100)
        ):
            check.fail(f"{path}min_favourable", "must be a number from 0 to 100")
            threshold = 0
        bands.append(
            Band(float(threshold), check.text(raw, "label", path), check.text(raw, "advice", path))
        )

    if check.problems:
        raise InstrumentError(check.problems)
    return Instrument(
        key=key,
        name=name,
        description=description,
        languages=languages,
        sections=tuple(sections),
        dimensions=tuple(dimensions),
        questions=tuple(questions),
        bands=tuple(bands),
        guidance=guidance,
        licence=licence,
    )
