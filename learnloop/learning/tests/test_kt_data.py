"""Reading the three-lines-per-student format: good files parse, bad ones name line and reason."""

from __future__ import annotations

import pytest

from learnloop.learning.engine.kt_data import (
    KTFormatError,
    Sequence,
    parse_sequences,
    read_sequences,
)


def errors_of(text: str) -> str:
    with pytest.raises(KTFormatError) as caught:
        parse_sequences(text.splitlines(), source="f.csv")
    return str(caught.value)


def test_it_reads_students_with_trailing_commas_and_blank_lines():
    text = "3\n7,7,9,\n1,0,1,\n\n1\n4\n0\n"
    assert parse_sequences(text.splitlines()) == [
        Sequence((7, 7, 9), (1, 0, 1)),
        Sequence((4,), (0,)),
    ]


def test_a_student_with_no_responses_keeps_the_next_students_lines_aligned():
    text = "0\n\n\n2\n5,6\n1,0\n"
    assert parse_sequences(text.splitlines()) == [Sequence((), ()), Sequence((5, 6), (1, 0))]


def test_it_names_the_line_of_a_non_numeric_outcome():
    assert errors_of("2\n1,2\n1,x\n") == "f.csv, line 3: outcome number 2 is 'x', not an integer"


def test_it_rejects_an_outcome_other_than_zero_or_one():
    assert errors_of("2\n1,2\n1,2\n") == "f.csv, line 3: outcome number 2 is 2, expected 0 or 1"


def test_it_reports_a_count_that_disagrees_with_the_skill_ids():
    assert errors_of("1\n1\n1\n3\n5,5\n1,1,0\n") == (
        "f.csv, line 5: 2 skill ids but the count on line 4 says 3"
    )


def test_it_reports_a_truncated_last_student():
    assert errors_of("1\n1\n1\n2\n5,5\n") == (
        "f.csv, line 4: student record starting here has 2 line(s), expected 3 "
        "(count, skill ids, outcomes)"
    )


def test_it_rejects_a_count_line_that_is_not_a_number():
    assert errors_of("two\n1,2\n1,0\n") == "f.csv, line 1: expected a response count, found 'two'"


def test_a_missing_file_is_a_format_error_naming_the_file(tmp_path):
    with pytest.raises(KTFormatError, match=r"nope\.csv: file not found"):
        read_sequences(tmp_path / "nope.csv")
