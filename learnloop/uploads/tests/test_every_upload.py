"""Every upload, page and API: an empty file is called empty, and a file past the limits
(encoding, size, shape) gets a specific message, never a 500 or a half-written import."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from learnloop.conftest import Org
from learnloop.learning.models import Item
from learnloop.people.models import Employee
from learnloop.skills.models import InferenceJob, RoleProfile


@dataclass(frozen=True)
class Upload:
    role: str
    url: str
    name: str  # the file name the form sends
    api: bool


UPLOADS = [
    Upload("employee", "/skills/infer/", "cv.txt", api=False),
    Upload("employee", "/api/v1/skills/suggestions/upload", "cv.txt", api=True),
    Upload("hr", "/skills/roles/", "roles.csv", api=False),
    Upload("hr", "/api/v1/skills/roles/import", "roles.csv", api=True),
    Upload("hr", "/people/import/", "people.csv", api=False),
    Upload("hr", "/api/v1/people/import", "people.csv", api=True),
    Upload("ld", "/learning/manage/import/", "catalog.csv", api=False),
    Upload("ld", "/api/v1/learning/catalog/import", "catalog.csv", api=True),
]
CSV_UPLOADS = [u for u in UPLOADS if u.name.endswith(".csv")]


def _post(org: Org, upload: Upload, data: bytes) -> str:
    """The message the person sees: the API's error body, or the page shown afterwards."""
    client = Client()
    client.force_login(org.user(upload.role))
    response = client.post(
        upload.url, {"file": SimpleUploadedFile(upload.name, data)}, follow=not upload.api
    )
    if upload.api:
        assert response.status_code == 400, response.content[:300]
    else:
        assert response.status_code == 200
    return response.content.decode()


def _nothing_written() -> bool:
    return not (
        InferenceJob.objects.exists() or RoleProfile.objects.exists() or Item.objects.exists()
    )


EMPTY = [(u, b"") for u in UPLOADS] + [(u, b"\xef\xbb\xbf\r\n") for u in CSV_UPLOADS]


@pytest.mark.parametrize(("upload", "data"), EMPTY, ids=lambda v: getattr(v, "url", repr(v)))
def test_an_empty_file_is_called_empty(org: Org, upload: Upload, data: bytes) -> None:
    employees = Employee.objects.count()
    shown = _post(org, upload, data)
    # The catalog page says "catalog.csv: nothing was imported." above its list of reasons.
    assert f"{upload.name}: " in shown and "the file is empty" in shown
    assert _nothing_written() and Employee.objects.count() == employees


BAD = {
    "not UTF-8": (b"title,kind\n\xe9t\xe9,course\n", "not UTF-8 text (byte 11 is not valid UTF-8)"),
    "binary": (b"title,kind\n\x00\x01\x02,course\n", "contains NUL characters"),
    "a million columns": (b"title,kind\n" + b"," * 1_000_000 + b"\n", "line 2 is longer than"),
    # 80,000 characters in one quoted cell, over many short lines
    "a huge cell": (
        b'title,kind\n"' + b"x\n" * 40_000 + b'",course\n',
        "line 40002: a cell is longer than 65536 characters",
    ),
    "broken quoting": (b'title,kind\n"x"y,course\n', "line 2: not valid CSV"),
}


@pytest.mark.parametrize("upload", CSV_UPLOADS, ids=lambda u: u.url)
@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_hostile_csv_gets_a_specific_message(org: Org, upload: Upload, case: str) -> None:
    data, message = BAD[case]
    shown = _post(org, upload, data)
    assert f"{upload.name}: " in shown and message in shown.replace("&quot;", '"')
    assert _nothing_written()


def test_too_many_columns_are_refused_with_the_line(org: Org) -> None:
    data = b"title,kind\n" + b"a," * 300 + b"b\n"
    for upload in CSV_UPLOADS:
        shown = _post(org, upload, data)
        assert f"{upload.name}: " in shown, upload.url
        assert "line 2 has 301 columns, more than 200" in shown, upload.url


@pytest.mark.parametrize("upload", CSV_UPLOADS, ids=lambda u: u.url)
def test_a_file_over_the_size_limit_is_refused(org: Org, upload: Upload) -> None:
    data = b"title,kind\n" + b"x,course\n" * (21 * 1024 * 1024 // 9)
    shown = _post(org, upload, data)
    assert f"{upload.name}: larger than" in shown
