"""A parser of untrusted input runs in a limited child process; whatever it does, the caller
gets its value or one UploadError saying why not, within the limits."""

from __future__ import annotations

import time

import pytest

from learnloop.uploads import UploadError
from learnloop.uploads.sandbox import MB, Limits, run_limited
from learnloop.uploads.tests import hostile

TIGHT = Limits(memory=256 * MB, cpu_seconds=1, wall_seconds=10)


def test_it_returns_what_the_function_returns() -> None:
    assert run_limited(hostile.add, 2, 3, label="sum") == 5


def test_it_refuses_a_parser_that_wants_too_much_memory() -> None:
    with pytest.raises(UploadError, match=r"^cv.pdf: reading it needs more than 256 MB of memory$"):
        run_limited(hostile.allocate, 1024, label="cv.pdf", limits=TIGHT)


def test_it_stops_a_parser_that_keeps_the_processor_busy() -> None:
    start = time.monotonic()
    with pytest.raises(UploadError, match=r"^cv.pdf: reading it took more than 1 seconds"):
        run_limited(hostile.spin, 60, label="cv.pdf", limits=TIGHT)
    assert time.monotonic() - start < 5


def test_it_stops_a_parser_that_hangs_at_the_wall_clock_limit() -> None:
    start = time.monotonic()
    with pytest.raises(UploadError, match=r"^cv.pdf: reading it took longer than 0.5 seconds$"):
        run_limited(hostile.sleep, 60, label="cv.pdf", limits=Limits(wall_seconds=0.5))
    assert time.monotonic() - start < 3


def test_a_refusal_inside_the_parser_keeps_its_message() -> None:
    with pytest.raises(UploadError, match=r"^cv.docx: no text found$"):
        run_limited(hostile.refuse, "cv.docx", "no text found", label="cv.docx")


def test_any_other_failure_names_the_file_and_the_error() -> None:
    with pytest.raises(
        UploadError, match=r"^cv.docx: could not be read \(KeyError: 'no such part'\)$"
    ):
        run_limited(hostile.crash, label="cv.docx")
