"""Reading response sequences in the three-lines-per-student format.

Each student takes three lines: the number of responses; the skill ids, comma separated;
the outcomes (1 correct, 0 wrong), comma separated. A trailing comma is allowed, as in the
ASSISTments files published with Piech et al. (2015).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Sequence:
    """One student's responses in order: ``skills[i]`` was answered with ``correct[i]``."""

    skills: tuple[int, ...]
    correct: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.skills) != len(self.correct):
            raise ValueError("skills and correct must have the same length")


class KTFormatError(ValueError):
    """A malformed sequences file; ``str()`` names the file, the line and why."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        self.source, self.line, self.reason = source, line, reason
        where = source if line is None else f"{source}, line {line}"
        super().__init__(f"{where}: {reason}")


def _fields(text: str) -> list[str]:
    parts = [p.strip() for p in text.strip().split(",")]
    if parts and parts[-1] == "":
        parts.pop()
    return parts


def _integers(source: str, line: int, text: str, what: str) -> list[int]:
    values = []
    for position, field in enumerate(_fields(text), start=1):
        try:
            values.append(int(field))
        except ValueError:
            raise KTFormatError(
                source, line, f"{what} number {position} is {field!r}, not an integer"
            ) from None
    return values


def parse_sequences(lines: Iterable[str], source: str = "<input>") -> list[Sequence]:
    """Parse the three-line format; raise :class:`KTFormatError` at the first bad line.

    Blank lines between students are skipped; inside a student record the two lines after the
    count are taken as they are (both empty for a student with no responses).
    """
    numbered = list(enumerate(lines, start=1))
    sequences: list[Sequence] = []
    position = 0
    while position < len(numbered):
        count_line, count_text = numbered[position]
        if not count_text.strip():
            position += 1
            continue
        group = numbered[position : position + 3]
        position += 3
        if len(group) < 3:
            raise KTFormatError(
                source,
                count_line,
                f"student record starting here has {len(group)} line(s), expected 3 "
                "(count, skill ids, outcomes)",
            )
        (_, _), (skills_line, skills_text), (correct_line, correct_text) = group
        count_fields = _fields(count_text)
        if len(count_fields) != 1 or not count_fields[0].isdigit():
            raise KTFormatError(
                source, count_line, f"expected a response count, found {count_text.strip()!r}"
            )
        count = int(count_fields[0])
        skills = _integers(source, skills_line, skills_text, "skill id")
        correct = _integers(source, correct_line, correct_text, "outcome")
        if len(skills) != count:
            raise KTFormatError(
                source,
                skills_line,
                f"{len(skills)} skill ids but the count on line {count_line} says {count}",
            )
        if len(correct) != count:
            raise KTFormatError(
                source,
                correct_line,
                f"{len(correct)} outcomes but the count on line {count_line} says {count}",
            )
        for number, value in enumerate(correct, start=1):
            if value not in (0, 1):
                raise KTFormatError(
                    source, correct_line, f"outcome number {number} is {value}, expected 0 or 1"
                )
        for number, value in enumerate(skills, start=1):
            if value < 0:
                raise KTFormatError(
                    source, skills_line, f"skill id number {number} is negative ({value})"
                )
        sequences.append(Sequence(tuple(skills), tuple(correct)))
    return sequences


def read_sequences(path: str | Path) -> list[Sequence]:
    """Read a sequences file; a missing or undecodable file is also a :class:`KTFormatError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KTFormatError(str(path), None, "file not found") from None
    except UnicodeDecodeError as error:
        raise KTFormatError(str(path), None, f"not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise KTFormatError(str(path), None, error.strerror or str(error)) from None
    return parse_sequences(text.splitlines(), source=str(path))
