"""Text and CSV uploads: size, emptiness, encoding and shape, checked before any parser runs."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Protocol

from learnloop.uploads import UploadError

MB = 1024 * 1024
MAX_LINE = 100_000  # characters in one physical line; bounds the cells one row can hold
MAX_COLUMNS = 200
# csv's own field limit is process-wide, and the ESCO loader lifts it: checked here instead.
MAX_CELL = 65_536


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def read_limited(upload: Readable, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of an uploaded file: enough to tell it is too large
    without reading a huge body into memory."""
    return upload.read(max_bytes + 1)


def check_size(label: str, size: int, max_bytes: int) -> None:
    if size == 0:
        raise UploadError(label, "the file is empty")
    if size > max_bytes:
        raise UploadError(label, f"larger than {max_bytes / MB:g} MB")


def read_text(label: str, data: bytes, *, max_bytes: int) -> str:
    """``data`` as text: not empty, at most ``max_bytes``, UTF-8 (a BOM is dropped), no NUL."""
    check_size(label, len(data), max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(
            label, f"not UTF-8 text (byte {exc.start} is not valid UTF-8); save it as CSV (UTF-8)"
        ) from None
    if "\x00" in text:
        raise UploadError(label, "contains NUL characters, so it is not a text file")
    if not text.strip():
        raise UploadError(label, "the file is empty")
    return text


def sniff_delimiter(text: str, candidates: str) -> str:
    """The delimiter of ``text`` among ``candidates`` (guessed from its start), else the first."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=candidates).delimiter
    except csv.Error:
        return candidates[0]


def _lines(label: str, text: str, max_line: int) -> Iterator[str]:
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > max_line:
            raise UploadError(label, f"line {number} is longer than {max_line} characters")
        yield line


def check_csv(
    label: str,
    text: str,
    *,
    max_rows: int,
    max_columns: int = MAX_COLUMNS,
    delimiter: str = ",",
    max_line: int = MAX_LINE,
    max_cell: int = MAX_CELL,
) -> None:
    """UploadError unless ``text`` is CSV of a header and at most ``max_rows`` rows of at most
    ``max_columns`` cells, with no line longer than ``max_line`` or cell than ``max_cell``."""
    reader = csv.reader(_lines(label, text, max_line), delimiter=delimiter, strict=True)
    try:
        for count, row in enumerate(reader):
            if len(row) > max_columns:
                raise UploadError(
                    label, f"line {reader.line_num} has {len(row)} columns, more than {max_columns}"
                )
            if any(len(cell) > max_cell for cell in row):
                raise UploadError(
                    label,
                    f"line {reader.line_num}: a cell is longer than {max_cell} characters",
                )
            if count > max_rows:
                raise UploadError(label, f"more than {max_rows} rows; split the file")
    except csv.Error as exc:
        raise UploadError(label, f"line {reader.line_num}: not valid CSV ({exc})") from None
