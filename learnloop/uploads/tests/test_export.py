"""One escaper for every CSV/XLSX cell learnloop writes (formula injection)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from learnloop.uploads.export import csv_writer, escape_cell, unescape_cell, xlsx_bytes

HOSTILE = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("value", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(value: str) -> None:
    assert escape_cell(value) == "'" + value
    assert unescape_cell(escape_cell(value)) == value


@pytest.mark.parametrize("value", ["Ada", "", "-2.5", "+3", "1e5", 7, -3.5, None, "a=b", "'quoted"])
def test_numbers_and_plain_text_stay_as_they_are(value: object) -> None:
    assert escape_cell(value) == value


def test_the_csv_writer_escapes_every_cell() -> None:
    out = io.StringIO()
    csv_writer(out).writerows([["name", "score"], ["=1+1", -2]])
    assert out.getvalue() == "name,score\r\n'=1+1,-2\r\n"


def test_the_xlsx_holds_text_not_formulas() -> None:
    book = load_workbook(io.BytesIO(xlsx_bytes("t", [["name"], ["=1+1"], [3]])))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert [c.value for c in cells] == ["name", "'=1+1", 3]
    assert all(c.data_type != "f" for c in cells)


def test_no_module_writes_csv_or_xlsx_except_through_the_escaper() -> None:
    """The guard: a new export that writes CSV or XLSX itself fails here."""
    root = Path(__file__).resolve().parents[2]
    direct = re.compile(r"csv\.(writer|DictWriter)\(|(from|import) (openpyxl|xlsxwriter)")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path != root / "uploads" / "export.py"
        and direct.search(path.read_text())
    ]
    assert offenders == []
