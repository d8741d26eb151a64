"""Reading an HRIS CSV export into validated rows. Pure Python: no Django here.

Column headers are matched loosely ("Employee ID", "employee_id", "Worker ID" all mean the
employee id), and an explicit mapping can override the guess. Every problem is reported with
the file's line number, the column as written in the file, and the reason.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cache

from learnloop.text import unsafe_csv_cell
from learnloop.uploads.text import check_csv, read_text, sniff_delimiter

FIELDS = (
    "employee_id",
    "full_name",
    "first_name",
    "last_name",
    "email",
    "manager_id",
    "department",
    "job_title",
    "job_family",
    "job_level",
    "hire_date",
    "leave_date",
    "location",
    "employment_type",
    "languages",
    "timezone",
)

# Header spellings seen in common HRIS exports, compared after lower-casing and dropping
# everything that is not a letter or digit.
ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": (
        "employeeid",
        "empid",
        "employeenumber",
        "employeeno",
        "workerid",
        "personid",
        "staffid",
        "id",
    ),
    "full_name": ("fullname", "name", "employeename", "displayname", "preferredname"),
    "first_name": ("firstname", "givenname", "legalfirstname", "forename"),
    "last_name": ("lastname", "surname", "familyname", "legallastname"),
    "email": (
        "email",
        "workemail",
        "emailaddress",
        "businessemail",
        "primaryworkemail",
        "workemailaddress",
    ),
    "manager_id": (
        "managerid",
        "manageremployeeid",
        "supervisorid",
        "reportsto",
        "reportstoid",
        "linemanagerid",
        "managerworkerid",
        "supervisoremployeeid",
    ),
    "department": (
        "department",
        "departmentpath",
        "dept",
        "orgunit",
        "organizationalunit",
        "team",
        "departmentname",
    ),
    "job_title": ("jobtitle", "title", "position", "positiontitle", "businesstitle", "role"),
    "job_family": ("jobfamily", "family", "jobfunction"),
    "job_level": ("joblevel", "level", "grade", "paygrade"),
    "hire_date": (
        "hiredate",
        "startdate",
        "dateofhire",
        "originalhiredate",
        "joindate",
        "joiningdate",
    ),
    "leave_date": (
        "leavedate",
        "terminationdate",
        "enddate",
        "exitdate",
        "lastdayofwork",
        "separationdate",
    ),
    "location": ("location", "office", "worklocation", "site", "officelocation"),
    "employment_type": ("employmenttype", "workertype", "contracttype", "employeetype", "timetype"),
    "languages": ("languages", "language", "spokenlanguages"),
    "timezone": ("timezone", "tz", "timezoneid"),
}

EMPLOYMENT_TYPES: dict[str, str] = {
    "fulltime": "full_time",
    "ft": "full_time",
    "permanent": "full_time",
    "regular": "full_time",
    "employee": "full_time",
    "parttime": "part_time",
    "pt": "part_time",
    "contractor": "contractor",
    "contract": "contractor",
    "contingent": "contractor",
    "consultant": "contractor",
    "intern": "intern",
    "internship": "intern",
    "trainee": "intern",
    "apprentice": "intern",
    "temporary": "temporary",
    "temp": "temporary",
    "fixedterm": "temporary",
    "seasonal": "temporary",
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_DEPARTMENT_SEPARATORS = re.compile(r"\s*(?:/|>|\\)\s*")
MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024
DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class Problem:
    """A reason the file cannot be imported, located as precisely as possible."""

    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class PersonRow:
    """One validated row. ``None`` means the column is absent: keep what is stored."""

    line: int
    employee_id: str
    full_name: str
    email: str
    manager_id: str | None = None
    department: tuple[str, ...] | None = None
    job_title: str | None = None
    job_family: str | None = None
    job_level: int | None = None
    hire_date: datetime.date | None = None
    leave_date: datetime.date | None = None
    location: str | None = None
    employment_type: str | None = None
    languages: tuple[str, ...] | None = None
    timezone: str | None = None
    present: frozenset[str] = field(default_factory=frozenset)


@dataclass
class ParsedFile:
    rows: list[PersonRow]
    problems: list[Problem]
    warnings: list[str]
    columns: dict[str, str]  # field -> header as written in the file


def _squash(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def map_columns(
    headers: list[str], overrides: dict[str, str] | None = None
) -> tuple[dict[str, str], list[Problem], list[str]]:
    """Decide which header feeds which field. Returns (field -> header, problems, warnings)."""
    problems: list[Problem] = []
    warnings: list[str] = []
    mapping: dict[str, str] = {}
    by_squashed: dict[str, str] = {}
    for header in headers:
        key = _squash(header)
        if not key:
            continue
        if key in by_squashed:
            problems.append(
                Problem(f"appears twice (also as '{by_squashed[key]}')", line=1, column=header)
            )
        by_squashed[key] = header
    for field_name, header in (overrides or {}).items():
        if field_name not in FIELDS:
            problems.append(
                Problem(
                    f"unknown field '{field_name}' in the column mapping; fields are {', '.join(FIELDS)}"
                )
            )
        elif header not in headers:
            problems.append(
                Problem(
                    f"the mapping names column '{header}', which the file does not have", line=1
                )
            )
        else:
            mapping[field_name] = header
    taken = set(mapping.values())
    for field_name in FIELDS:
        if field_name in mapping:
            continue
        for alias in ALIASES[field_name]:
            found = by_squashed.get(alias)
            if found is not None and found not in taken:
                mapping[field_name] = found
                taken.add(found)
                break
    for header in headers:
        if header not in taken and _squash(header):
            warnings.append(f"column '{header}' is not used")
    if "employee_id" not in mapping:
        problems.append(
            Problem("no employee id column (expected a header such as 'Employee ID')", line=1)
        )
    if "email" not in mapping:
        problems.append(Problem("no e-mail column (expected a header such as 'Email')", line=1))
    if "full_name" not in mapping and not ("first_name" in mapping and "last_name" in mapping):
        problems.append(
            Problem("no name column (expected 'Name', or 'First Name' and 'Last Name')", line=1)
        )
    return mapping, problems, warnings


def parse_date(value: str) -> datetime.date:
    text = value.strip()
    try:
        return datetime.date.fromisoformat(text[:10] if "T" in text else text)
    except ValueError:
        raise ValueError(f"'{value}' is not a date (expected YYYY-MM-DD)") from None


def _row_problems_and_values(
    raw: dict[str, str], mapping: dict[str, str], line: int
) -> tuple[PersonRow | None, list[Problem]]:
    problems: list[Problem] = []

    def cell(field_name: str) -> str | None:
        header = mapping.get(field_name)
        if header is None:
            return None
        return (raw.get(header) or "").strip()

    def fail(field_name: str, message: str) -> None:
        problems.append(Problem(message, line=line, column=mapping.get(field_name, field_name)))

    employee_id = cell("employee_id") or ""
    if not employee_id:
        fail("employee_id", "is empty; every row needs an employee id")

    full_name = cell("full_name")
    if not full_name:
        first, last = cell("first_name") or "", cell("last_name") or ""
        full_name = f"{first} {last}".strip()
    if not full_name:
        fail(
            "full_name" if "full_name" in mapping else "first_name",
            "is empty; every row needs a name",
        )

    email = (cell("email") or "").lower()
    if not email:
        fail("email", "is empty; every row needs a work e-mail address")
    elif not _EMAIL.match(email):
        fail("email", f"'{email}' is not an e-mail address")

    manager_id = cell("manager_id")
    if manager_id and manager_id == employee_id:
        fail("manager_id", "an employee cannot be their own manager")

    department: tuple[str, ...] | None = None
    raw_department = cell("department")
    if raw_department is not None:
        parts = tuple(_DEPARTMENT_SEPARATORS.split(raw_department)) if raw_department else ()
        if any(not part for part in parts):
            fail("department", f"'{raw_department}' has an empty level in its path")
        department = parts

    job_level: int | None = None
    raw_level = cell("job_level")
    if raw_level:
        digits = re.sub(r"^[A-Za-z]+\s*", "", raw_level)  # "L4", "IC 4", "4"
        if digits.isdigit() and 0 < int(digits) < 100:
            job_level = int(digits)
        else:
            fail("job_level", f"'{raw_level}' is not a level (expected a number such as 3 or L3)")

    dates: dict[str, datetime.date | None] = {}
    for field_name in ("hire_date", "leave_date"):
        raw_date = cell(field_name)
        dates[field_name] = None
        if raw_date:
            try:
                dates[field_name] = parse_date(raw_date)
            except ValueError as exc:
                fail(field_name, str(exc))
    hire, leave = dates["hire_date"], dates["leave_date"]
    if hire and leave and leave < hire:
        fail("leave_date", f"{leave.isoformat()} is before the hire date {hire.isoformat()}")

    employment_type: str | None = None
    raw_type = cell("employment_type")
    if raw_type:
        employment_type = EMPLOYMENT_TYPES.get(_squash(raw_type))
        if employment_type is None:
            fail(
                "employment_type",
                f"'{raw_type}' is not an employment type (use full-time, part-time, contractor, intern or temporary)",
            )

    languages: tuple[str, ...] | None = None
    raw_languages = cell("languages")
    if raw_languages is not None:
        codes = tuple(
            code.strip().lower() for code in re.split(r"[,;|]", raw_languages) if code.strip()
        )
        bad = [code for code in codes if not _LANGUAGE.match(code)]
        if bad:
            fail(
                "languages",
                f"'{bad[0]}' is not a language code (expected ISO 639 codes such as en, de)",
            )
        languages = codes

    tz = cell("timezone")
    if tz and tz not in _timezones():
        fail("timezone", f"'{tz}' is not an IANA time zone (such as Europe/Berlin)")

    if problems:
        return None, problems
    present = frozenset(name for name in FIELDS if name in mapping)
    return (
        PersonRow(
            line=line,
            employee_id=employee_id,
            full_name=full_name or "",
            email=email,
            manager_id=manager_id if manager_id is not None else None,
            department=department,
            job_title=cell("job_title"),
            job_family=cell("job_family"),
            job_level=job_level,
            hire_date=hire,
            leave_date=leave,
            location=cell("location"),
            employment_type=employment_type,
            languages=languages,
            timezone=tz or None,
            present=present,
        ),
        [],
    )


def read_upload(label: str, data: bytes) -> str:
    """An uploaded export as text; UploadError when it is empty, too large, not UTF-8 or
    not CSV of a sane shape (rows, columns, cell and line lengths)."""
    text = read_text(label, data, max_bytes=MAX_BYTES)
    check_csv(label, text, max_rows=MAX_ROWS, delimiter=sniff_delimiter(text, DELIMITERS))
    return text


def parse_csv(text: str, overrides: dict[str, str] | None = None) -> ParsedFile:
    """Parse a whole export. Rows with problems are left out of ``rows``; see ``problems``."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return ParsedFile([], [Problem("the file is empty")], [], {})
    delimiter = sniff_delimiter(text, DELIMITERS)
    unsafe = unsafe_csv_cell(text, delimiter)  # text that no database can store, located
    if unsafe:
        line, column, message = unsafe
        return ParsedFile([], [Problem(message, line=line, column=column or None)], [], {})
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        headers = [header.strip() for header in (reader.fieldnames or [])]
    except csv.Error as exc:
        return ParsedFile([], [Problem(f"cannot read the header: {exc}", line=1)], [], {})
    reader.fieldnames = headers
    mapping, problems, warnings = map_columns(headers, overrides)
    if problems:
        return ParsedFile([], problems, warnings, mapping)

    rows: list[PersonRow] = []
    seen_ids: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    line = 1
    try:
        for raw in reader:
            line = reader.line_num
            extra = raw.get(None)
            if extra is not None:
                problems.append(
                    Problem(
                        f"has {len(headers) + len(extra)} cells but the header has {len(headers)}",
                        line=line,
                    )
                )
                continue
            if not any((value or "").strip() for value in raw.values()):
                continue
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append(
                    Problem(f"the file has more than {MAX_ROWS} rows; split it", line=line)
                )
                break
            row, row_problems = _row_problems_and_values(raw, mapping, line)
            problems.extend(row_problems)
            if row is None:
                continue
            if row.employee_id in seen_ids:
                problems.append(
                    Problem(
                        f"employee id '{row.employee_id}' is also on line {seen_ids[row.employee_id]}",
                        line=line,
                        column=mapping["employee_id"],
                    )
                )
                continue
            if row.email in seen_emails:
                problems.append(
                    Problem(
                        f"'{row.email}' is also on line {seen_emails[row.email]}",
                        line=line,
                        column=mapping["email"],
                    )
                )
                continue
            seen_ids[row.employee_id] = line
            seen_emails[row.email] = line
            rows.append(row)
    except csv.Error as exc:
        problems.append(Problem(f"is not valid CSV: {exc}", line=reader.line_num or line))
    if not rows and not problems:
        problems.append(Problem("the file has a header but no rows"))
    return ParsedFile(rows, problems, warnings, mapping)
