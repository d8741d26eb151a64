"""The HRIS parser and planner on their own: no database."""

from __future__ import annotations

import datetime

from learnloop.people.importing.parse import parse_csv
from learnloop.people.importing.plan import StoredPerson, plan_import

HEADER = "Employee ID,First Name,Last Name,Work Email,Manager ID,Department,Job Title,Hire Date,Termination Date,Employment Type,Time Zone,Languages\n"


def problems_of(text: str) -> list[str]:
    return [str(p) for p in parse_csv(text).problems]


def test_it_maps_typical_hris_headers_to_fields():
    parsed = parse_csv(
        HEADER
        + "7,Ada,Lovelace,ADA@x.example,,Eng / Platform,Engineer,2020-01-02,,Full-time,Europe/London,en; fr\n"
    )
    assert parsed.problems == []
    row = parsed.rows[0]
    assert (row.employee_id, row.full_name, row.email) == ("7", "Ada Lovelace", "ada@x.example")
    assert row.department == ("Eng", "Platform")
    assert row.hire_date == datetime.date(2020, 1, 2)
    assert row.employment_type == "full_time"
    assert row.languages == ("en", "fr")
    assert parsed.columns["manager_id"] == "Manager ID"


def test_it_names_line_column_and_reason_for_a_bad_date():
    assert problems_of(
        HEADER + "1,A,B,a@x.example,,,,2020-01-02,,,,\n2,C,D,c@x.example,,,,31/02/2020,,,,\n"
    ) == ["line 3, column 'Hire Date': '31/02/2020' is not a date (expected YYYY-MM-DD)"]


def test_it_rejects_a_leave_date_before_the_hire_date():
    assert problems_of(HEADER + "1,A,B,a@x.example,,,,2020-01-02,2019-12-31,,,\n") == [
        "line 2, column 'Termination Date': 2019-12-31 is before the hire date 2020-01-02"
    ]


def test_it_rejects_unknown_employment_types_time_zones_and_languages():
    found = problems_of(HEADER + "1,A,B,a@x.example,,,,,,Freelance-ish,Mars/Olympus,english\n")
    assert found == [
        "line 2, column 'Employment Type': 'Freelance-ish' is not an employment type (use full-time, part-time, contractor, intern or temporary)",
        "line 2, column 'Languages': 'english' is not a language code (expected ISO 639 codes such as en, de)",
        "line 2, column 'Time Zone': 'Mars/Olympus' is not an IANA time zone (such as Europe/Berlin)",
    ]


def test_it_reports_duplicate_ids_and_emails_with_the_first_line():
    found = problems_of(
        HEADER + "1,A,B,a@x.example,,,,,,,,\n1,C,D,c@x.example,,,,,,,,\n3,E,F,A@x.example,,,,,,,,\n"
    )
    assert found == [
        "line 3, column 'Employee ID': employee id '1' is also on line 2",
        "line 4, column 'Work Email': 'a@x.example' is also on line 2",
    ]


def test_it_requires_an_id_a_name_and_an_email_column():
    assert problems_of("Name,Title\nAda,Engineer\n") == [
        "line 1: no employee id column (expected a header such as 'Employee ID')",
        "line 1: no e-mail column (expected a header such as 'Email')",
    ]


def test_it_rejects_a_row_with_more_cells_than_the_header():
    assert problems_of("Employee ID,Name,Email\n1,Ada,a@x.example,surplus\n") == [
        "line 2: has 4 cells but the header has 3"
    ]


def test_it_rejects_an_empty_file_and_a_header_without_rows():
    assert problems_of("") == ["the file is empty"]
    assert problems_of("Employee ID,Name,Email\n") == ["the file has a header but no rows"]


def test_it_accepts_semicolons_a_bom_and_an_explicit_mapping():
    parsed = parse_csv(
        "\ufeffPersonnel No;Name;Email\nP1;Ada;a@x.example\n", {"employee_id": "Personnel No"}
    )
    assert parsed.problems == []
    assert parsed.rows[0].employee_id == "P1"


def test_it_counts_lines_of_quoted_multiline_cells():
    parsed = parse_csv(
        'Employee ID,Name,Email,Hire Date\n1,"Ada\nLovelace",a@x.example,2020-01-01\n2,Bob,b@x.example,never\n'
    )
    assert [str(p) for p in parsed.problems] == [
        "line 4, column 'Hire Date': 'never' is not a date (expected YYYY-MM-DD)"
    ]


def _plan(text: str, stored: dict[str, StoredPerson] | None = None):
    parsed = parse_csv(text)
    assert parsed.problems == []
    stored = stored or {}
    emails = {p.email: p.employee_id for p in stored.values()}
    return plan_import(parsed.rows, stored, emails, set(), set(), set(), columns=parsed.columns)


def test_it_resolves_managers_listed_after_their_reports():
    plan = _plan("Employee ID,Name,Email,Manager ID\n2,Bo,b@x.example,1\n1,Al,a@x.example,\n")
    assert plan.problems == []
    assert [row.employee_id for row in plan.creates] == ["2", "1"]


def test_it_rejects_a_manager_that_exists_nowhere():
    plan = _plan("Employee ID,Name,Email,Manager ID\n2,Bo,b@x.example,99\n")
    assert [str(p) for p in plan.problems] == [
        "line 2, column 'Manager ID': manager id '99' is neither in this file nor in learnloop"
    ]


def test_it_rejects_a_cycle_in_the_reporting_lines():
    plan = _plan(
        "Employee ID,Name,Email,Manager ID\n1,Al,a@x.example,3\n2,Bo,b@x.example,1\n3,Cy,c@x.example,2\n"
    )
    assert [str(p) for p in plan.problems] == [
        "line 2, column 'Manager ID': the reporting lines form a cycle: 1 → 3 → 2 → 1"
    ]


def _stored(employee_id: str, email: str, manager_id: str | None = None) -> StoredPerson:
    return StoredPerson(
        employee_id,
        "Someone",
        email,
        manager_id,
        (),
        None,
        None,
        None,
        None,
        None,
        None,
        "full_time",
        (),
        "UTC",
    )


def test_it_finds_a_cycle_closed_through_stored_reporting_lines():
    stored = {"1": _stored("1", "a@x.example"), "2": _stored("2", "b@x.example", "1")}
    plan = _plan("Employee ID,Name,Email,Manager ID\n1,Someone,a@x.example,2\n", stored)
    assert [str(p) for p in plan.problems] == [
        "line 2, column 'Manager ID': the reporting lines form a cycle: 1 → 2 → 1"
    ]


def test_it_plans_only_the_fields_that_changed_and_leaves_absent_columns_alone():
    stored = {"1": _stored("1", "a@x.example")}
    plan = _plan("Employee ID,Name,Email,Time Zone\n1,Someone Else,a@x.example,UTC\n", stored)
    assert plan.creates == [] and plan.unchanged == []
    assert plan.updates[0].changes == {"full_name": ("Someone", "Someone Else")}


def test_it_refuses_an_email_that_belongs_to_another_employee():
    stored = {"1": _stored("1", "a@x.example")}
    plan = _plan("Employee ID,Name,Email\n2,Bo,a@x.example\n", stored)
    assert [str(p) for p in plan.problems] == [
        "line 2, column 'Email': 'a@x.example' already belongs to employee '1'"
    ]


def test_it_allows_two_people_to_swap_emails_in_one_file():
    stored = {"1": _stored("1", "a@x.example"), "2": _stored("2", "b@x.example")}
    plan = _plan("Employee ID,Name,Email\n1,Someone,b@x.example\n2,Someone,a@x.example\n", stored)
    assert plan.problems == []
    assert len(plan.updates) == 2
