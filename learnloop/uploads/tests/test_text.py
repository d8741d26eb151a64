"""Text and CSV uploads are checked for size, emptiness, encoding and shape first."""

from __future__ import annotations

import pytest

from learnloop.uploads import UploadError
from learnloop.uploads.text import check_csv, read_text


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \n\r\n "])
def test_an_empty_file_says_the_file_is_empty(data: bytes) -> None:
    with pytest.raises(UploadError, match=r"^people.csv: the file is empty$"):
        read_text("people.csv", data, max_bytes=100)


def test_a_file_over_the_limit_is_refused() -> None:
    with pytest.raises(UploadError, match=r"^people.csv: larger than 0.5 MB$"):
        read_text("people.csv", b"a" * (512 * 1024 + 1), max_bytes=512 * 1024)


def test_text_that_is_not_utf8_says_where() -> None:
    with pytest.raises(
        UploadError, match=r"^people.csv: not UTF-8 text \(byte 3 is not valid UTF-8\)"
    ):
        read_text("people.csv", b"id,\xe9t\xe9\n", max_bytes=100)


def test_a_binary_file_is_refused() -> None:
    with pytest.raises(UploadError, match=r"contains NUL characters"):
        read_text("people.csv", b"id\x00,name\n", max_bytes=100)


def test_the_bom_is_dropped() -> None:
    assert read_text("people.csv", b"\xef\xbb\xbfid,name\n", max_bytes=100) == "id,name\n"


def test_a_csv_within_the_limits_passes() -> None:
    check_csv("c.csv", 'a,b\n1,"two\nlines"\n3,4\n', max_rows=2, max_columns=2)


def test_too_many_rows_are_refused() -> None:
    with pytest.raises(UploadError, match=r"^c.csv: more than 2 rows; split the file$"):
        check_csv("c.csv", "a\n1\n2\n3\n", max_rows=2, max_columns=5)


def test_too_many_columns_are_refused_with_the_line() -> None:
    with pytest.raises(UploadError, match=r"^c.csv: line 2 has 6 columns, more than 5$"):
        check_csv("c.csv", "a,b\n1,2,3,4,5,6\n", max_rows=10, max_columns=5)


def test_a_line_of_a_million_commas_is_refused_before_it_becomes_cells() -> None:
    with pytest.raises(UploadError, match=r"^c.csv: line 2 is longer than 100000 characters$"):
        check_csv("c.csv", "a\n" + "," * 1_000_000, max_rows=10, max_columns=5)


def test_a_cell_over_the_limit_is_refused_with_its_line() -> None:
    # 80,000 characters over short lines: under csv's own field limit, over learnloop's.
    text = 'a\n"' + "x\n" * 40_000 + '"\n'
    with pytest.raises(
        UploadError, match=r"^c.csv: line 40002: a cell is longer than 65536 characters$"
    ):
        check_csv("c.csv", text, max_rows=10, max_columns=5)


def test_broken_quoting_is_a_clear_error() -> None:
    with pytest.raises(UploadError, match=r"^c.csv: line 2: not valid CSV"):
        check_csv("c.csv", 'a,b\n"x"y,2\n', max_rows=10, max_columns=5)
