"""Text that comes in must be storable: no NUL character and no lone surrogate.

PostgreSQL refuses U+0000 in text (and ``\\u0000`` in jsonb), and no database can store a lone
surrogate (U+D800 to U+DFFF, which only a JSON ``\\ud800`` escape can produce) because it has
no UTF-8 encoding: either one used to end in a 500. Every input boundary asks
:func:`text_problem`, so a new field cannot forget it: the API parser (JSON bodies, query
strings and forms, after authorization; ``learnloop.api.parser``), the middleware
``learnloop.inputs.RejectUnsafeText`` (paths, query strings and forms of every page) and the
CSV importers, which name the line and column. Pure Python: the importers' parsers use it.
"""

from __future__ import annotations

import csv
import io
import re

_UNSAFE = re.compile("[\x00\ud800-\udfff]")

Path = tuple[str | int, ...]


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored, or None when it can."""
    match = _UNSAFE.search(value)
    if match is None:
        return None
    if match.group() == "\x00":
        return "contains a NUL character (U+0000), which is not allowed in text"
    return f"contains a lone surrogate (U+{ord(match.group()):04X}), which is not valid text"


def printable(value: str) -> str:
    """``value`` with its unsafe characters escaped, to name a field in an error safely."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", value)


def find_unsafe(data: object, path: Path = ()) -> tuple[Path, str] | None:
    """The first unsafe string (key or value) in decoded JSON, and where it is."""
    if isinstance(data, str):
        problem = text_problem(data)
        return (path, problem) if problem else None
    if isinstance(data, dict):
        for key, value in data.items():
            key_problem = text_problem(str(key))
            if key_problem:
                return (*path, printable(str(key))), key_problem
            found = find_unsafe(value, (*path, key))
            if found:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = find_unsafe(value, (*path, index))
            if found:
                return found
    return None


def unsafe_csv_cell(text: str, delimiter: str = ",") -> tuple[int, str, str] | None:
    """The first CSV cell with unsafe text: (line, column header, problem). A header cell is
    named by its position."""
    if text_problem(text) is None:  # the common case costs one scan
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    try:
        for row in reader:
            for position, cell in enumerate(row):
                problem = text_problem(cell)
                if problem:
                    known = position < len(header) and not text_problem(header[position])
                    column = header[position].strip() if known else f"#{position + 1}"
                    return reader.line_num, column, problem
            header = header or row
    except csv.Error:
        pass
    # Outside any cell (a quote or a delimiter): name the physical line.
    match = _UNSAFE.search(text)
    assert match is not None
    return text.count("\n", 0, match.start()) + 1, "", text_problem(match.group()) or ""
