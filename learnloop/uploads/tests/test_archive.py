"""Zip containers are inspected from their central directory, never extracted."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from learnloop.uploads import UploadError
from learnloop.uploads.archive import MB, ZipLimits, check_zip
from learnloop.uploads.tests import hostile


def test_an_ordinary_docx_passes() -> None:
    names = [entry.filename for entry in check_zip("cv.docx", hostile.docx())]
    assert "word/document.xml" in names


def test_it_refuses_a_zip_bomb_before_decompressing_it() -> None:
    bomb = hostile.docx(padding=200 * MB)  # about 200 KB on disk
    assert len(bomb) < 400_000
    with pytest.raises(
        UploadError,
        match=r"^cv.docx: the archive entry 'word/document.xml' expands to more than 50 MB$",
    ):
        check_zip("cv.docx", bomb)


def test_it_refuses_a_suspicious_compression_ratio() -> None:
    with pytest.raises(UploadError, match=r"compressed more than 100 to 1 \(a zip bomb\?\)$"):
        check_zip("cv.docx", hostile.docx(padding=20 * MB))


def test_it_refuses_an_archive_that_expands_too_far_in_total() -> None:
    limits = ZipLimits(max_total=MB, max_entry=MB, max_ratio=10**6)
    with pytest.raises(UploadError, match=r"^cv.docx: the archive expands to more than 1 MB$"):
        check_zip("cv.docx", hostile.docx(padding=MB - 1000, extra_entries=300), limits)


def test_it_refuses_thousands_of_entries() -> None:
    with pytest.raises(
        UploadError, match=r"^cv.docx: the archive has 5003 entries, more than 1000$"
    ):
        check_zip("cv.docx", hostile.docx(extra_entries=5000))


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/passwd", "word/../../x.xml", "..\\..\\x.xml", "C:/x.xml"]
)
def test_it_refuses_entry_names_that_leave_the_archive(name: str) -> None:
    with pytest.raises(UploadError, match=r"has an unsafe path$"):
        check_zip("cv.docx", hostile.docx(extra_name=name))


def test_it_refuses_a_symbolic_link() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        link = zipfile.ZipInfo("word/document.xml")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(UploadError, match=r"'word/document.xml' is a symbolic link$"):
        check_zip("cv.docx", out.getvalue())


def test_it_refuses_what_is_not_a_zip() -> None:
    with pytest.raises(UploadError, match=r"^cv.docx: not a readable zip archive"):
        check_zip("cv.docx", b"not a zip file")
