"""CSV imports name the line and column of a cell no database can store."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from learnloop.conftest import Org
from learnloop.learning import catalog_csv
from learnloop.people.importing.parse import parse_csv
from learnloop.people.models import ImportBatch

pytestmark = pytest.mark.django_db

PEOPLE = "Employee ID,Name,Email\nA1,Ann,ann@x.example\nA2,B\x00b,bob@x.example\n"


def test_an_hris_cell_with_a_nul_is_a_problem_at_its_line_and_column() -> None:
    assert [str(problem) for problem in parse_csv(PEOPLE).problems] == [
        "line 3, column 'Name': contains a NUL character (U+0000), which is not allowed in text"
    ]


def test_an_uploaded_hris_file_with_a_nul_is_refused_not_a_500(org: Org, client_for: Any) -> None:
    upload = SimpleUploadedFile("p.csv", PEOPLE.encode())
    response = client_for("hr").post("/people/import/", {"file": upload})
    assert response.status_code == 200 and b"NUL" in response.content
    assert not ImportBatch.objects.exists()


def test_a_catalog_cell_with_a_surrogate_is_an_error_at_its_line_and_column(org: Org) -> None:
    content = "title,kind,duration_minutes\nIntro,course,30\nDeep \ud800,course,60\n"
    with pytest.raises(catalog_csv.CatalogImportError) as raised:
        catalog_csv.import_catalog(org.organization, content, actor=org.ld.user)
    assert [(e.line, e.column) for e in raised.value.errors] == [(3, "title")]
