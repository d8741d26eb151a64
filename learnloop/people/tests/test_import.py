"""Importing HRIS exports into the database: upserts, reporting lines, all-or-nothing."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from learnloop.accounts.models import User
from learnloop.audit.models import AuditEvent
from learnloop.people import actions
from learnloop.people.models import (
    Department,
    Employee,
    ImportBatch,
    JobRole,
    Location,
    Organization,
)

pytestmark = pytest.mark.django_db

EXPORT = """Employee ID,Name,Email,Manager ID,Department,Job Title,Job Level,Hire Date,Termination Date,Location,Time Zone
3,Cy Report,cy@x.example,2,Engineering / Web,Engineer,L2,2021-05-01,,Berlin,Europe/Berlin
1,Al Boss,al@x.example,,Executive,CEO,9,2015-01-01,,Berlin,Europe/Berlin
2,Bo Lead,bo@x.example,1,Engineering,Engineering Manager,6,2018-03-01,,Lisbon,Europe/Lisbon
4,Di Gone,di@x.example,2,Engineering / Web,Engineer,2,2019-01-01,2021-01-01,Berlin,Europe/Berlin
"""


@pytest.fixture
def acme() -> Organization:
    return actions.create_organization("Acme", "acme", actor_label="test")


def run(organization: Organization, text: str, **kwargs: object) -> actions.ImportOutcome:
    return actions.import_people(organization, text, actor_label="test", **kwargs)  # type: ignore[arg-type]


def test_it_creates_people_departments_roles_and_locations_in_any_row_order(acme):
    outcome = run(acme, EXPORT)
    assert outcome.applied, outcome.problems
    cy = Employee.objects.get(employee_id="3")
    assert cy.manager.employee_id == "2"
    assert cy.manager.manager.employee_id == "1"
    assert cy.department.full_name == "Engineering / Web"
    assert cy.job_role.level == 2
    assert cy.location.timezone == "Europe/Berlin"
    assert cy.is_in_chain_below(Employee.objects.get(employee_id="1"))
    assert Department.objects.filter(organization=acme).count() == 3
    assert set(Location.objects.values_list("name", flat=True)) == {"Berlin", "Lisbon"}


def test_it_closes_the_accounts_of_leavers_and_gives_nobody_a_password(acme):
    run(acme, EXPORT)
    assert not User.objects.get(email="di@x.example").is_active
    assert User.objects.get(email="cy@x.example").is_active
    assert not any(user.has_usable_password() for user in User.objects.all())


def test_it_changes_nothing_when_the_same_file_is_imported_again(acme):
    run(acme, EXPORT)
    before = AuditEvent.objects.filter(action="people.employee_updated").count()
    outcome = run(acme, EXPORT)
    assert outcome.summary()["unchanged"] == 4
    assert outcome.summary()["created"] == outcome.summary()["updated"] == 0
    assert AuditEvent.objects.filter(action="people.employee_updated").count() == before
    assert Employee.objects.count() == 4


def test_it_updates_only_what_changed_and_moves_a_whole_subtree(acme):
    run(acme, EXPORT)
    moved = EXPORT.replace("2,Bo Lead,bo@x.example,1,", "2,Bo Lead,bo@x.example,,")
    outcome = run(acme, moved)
    assert outcome.summary()["updated"] == 1
    bo = Employee.objects.get(employee_id="2")
    assert bo.manager is None
    cy = Employee.objects.get(employee_id="3")
    assert cy.manager_path == f"/{bo.pk}/"
    event = AuditEvent.objects.filter(action="people.employee_updated").latest("id")
    assert event.data["fields"] == ["manager_id"]


def test_it_writes_nothing_when_any_row_is_bad(acme):
    bad = (
        EXPORT + "5,Ed Bad,ed@x.example,1,Engineering,Engineer,2,2022-13-01,,Berlin,Europe/Berlin\n"
    )
    outcome = run(acme, bad)
    assert not outcome.applied
    assert outcome.problems == [
        "line 6, column 'Hire Date': '2022-13-01' is not a date (expected YYYY-MM-DD)"
    ]
    assert Employee.objects.count() == 0
    assert User.objects.count() == 0
    assert Department.objects.count() == 0


def test_it_rejects_a_cycle_with_stored_people_and_keeps_the_stored_lines(acme):
    run(acme, EXPORT)
    outcome = run(acme, "Employee ID,Name,Email,Manager ID\n1,Al Boss,al@x.example,3\n")
    assert outcome.problems == [
        "line 2, column 'Manager ID': the reporting lines form a cycle: 1 → 3 → 2 → 1"
    ]
    assert Employee.objects.get(employee_id="1").manager is None


def test_it_previews_in_a_dry_run_without_writing(acme):
    outcome = run(acme, EXPORT, dry_run=True)
    assert outcome.ok and not outcome.applied
    assert outcome.summary()["created"] == 4
    assert Employee.objects.count() == 0


def test_it_links_an_existing_account_without_an_employee_record(acme):
    admin = User.objects.create_user("al@x.example", "pw-123456789", full_name="Admin")
    run(acme, EXPORT)
    assert Employee.objects.get(employee_id="1").user == admin


def test_it_rehires_a_leaver_when_the_leave_date_is_cleared(acme):
    run(acme, EXPORT)
    run(acme, EXPORT.replace("2019-01-01,2021-01-01", "2019-01-01,"))
    assert User.objects.get(email="di@x.example").is_active
    assert Employee.objects.get(employee_id="4").leave_date is None


def test_the_daily_job_closes_accounts_whose_leave_date_has_come(acme):
    run(acme, EXPORT.replace("2019-01-01,2021-01-01", "2019-01-01,2030-06-30"))
    assert User.objects.get(email="di@x.example").is_active
    assert actions.deactivate_leavers(on=datetime.date(2030, 6, 30)) == 1
    assert not User.objects.get(email="di@x.example").is_active


def test_the_command_imports_and_reports_problems_by_line(acme, tmp_path: Path, capsys):
    good = tmp_path / "people.csv"
    good.write_text(EXPORT, encoding="utf-8")
    call_command("import_people", str(good), "--dry-run")
    assert "would add 4" in capsys.readouterr().out
    assert Employee.objects.count() == 0
    call_command("import_people", str(good))
    assert Employee.objects.count() == 4

    bad = tmp_path / "bad.csv"
    bad.write_text("Employee ID,Name,Email\n9,,z@x.example\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing imported: 1 problem"):
        call_command("import_people", str(bad))
    assert (
        f"{bad}: line 2, column 'Name': is empty; every row needs a name" in capsys.readouterr().err
    )


def test_the_command_reads_a_custom_column_through_map(acme, tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_text("Personnel No,Name,Email\nP1,Ada,ada@x.example\n", encoding="utf-8")
    call_command("import_people", str(path), "--map", "employee_id=Personnel No")
    assert Employee.objects.get().employee_id == "P1"


def test_the_command_explains_a_missing_file_and_creates_the_first_organization(tmp_path: Path, db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_people", str(tmp_path / "missing.csv"))
    path = tmp_path / "people.csv"
    path.write_text("Employee ID,Name,Email\n1,Ada,ada@x.example\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no organization yet"):
        call_command("import_people", str(path))
    call_command("import_people", str(path), "--org", "acme", "--org-name", "Acme")
    assert Organization.objects.get().name == "Acme"


def test_the_upload_page_previews_then_applies(org, client_for):
    client = client_for("hr")
    upload = SimpleUploadedFile(
        "hris.csv",
        b"Employee ID,Name,Email,Manager ID\nN1,New Person,new@x.example,%s\n"
        % org.manager.employee_id.encode(),
    )
    response = client.post("/people/import/", {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/people/import/{batch.pk}/"
    page = client.get(f"/people/import/{batch.pk}/")
    assert b"New Person" in page.content and b"Apply the import" in page.content
    assert not Employee.objects.filter(employee_id="N1").exists()
    client.post(f"/people/import/{batch.pk}/apply/")
    assert Employee.objects.get(employee_id="N1").manager == org.manager
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    again = client.post(f"/people/import/{batch.pk}/apply/", follow=True)
    assert b"this import is applied and cannot be applied" in again.content


def test_the_upload_page_lists_every_problem_and_imports_nothing(org, client_for):
    upload = SimpleUploadedFile(
        "hris.csv",
        b"Employee ID,Name,Email,Hire Date\nN1,Ok,ok@x.example,2020-01-01\nN2,Bad,bad-address,2020-01-01\n",
    )
    response = client_for("hr").post("/people/import/", {"file": upload}, follow=True)
    assert (
        b"line 3, column &#x27;Email&#x27;: &#x27;bad-address&#x27; is not an e-mail address"
        in response.content
    )
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED
    assert not Employee.objects.filter(employee_id__in=["N1", "N2"]).exists()


def test_the_upload_page_explains_a_file_that_is_not_utf8(org, client_for):
    upload = SimpleUploadedFile(
        "hris.csv", "Employee ID,Name,Email\n1,Zoë,z@x.example\n".encode("utf-16")
    )
    response = client_for("hr").post("/people/import/", {"file": upload})
    assert response.status_code == 200
    assert b"hris.csv: not UTF-8 text (byte 0 is not valid UTF-8)" in response.content


def test_the_api_imports_all_or_nothing_with_the_problems_listed(org, client_for):
    client = client_for("hr")
    bad = SimpleUploadedFile("p.csv", b"Employee ID,Name,Email\nA1,Ann,ann@x.example\nA2,Bob,\n")
    response = client.post("/api/v1/people/import", {"file": bad})
    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {
            "field": "file",
            "message": "line 3, column 'Email': is empty; every row needs a work e-mail address",
        }
    ]
    good = SimpleUploadedFile("p.csv", b"Employee ID,Name,Email\nA1,Ann,ann@x.example\n")
    response = client.post("/api/v1/people/import?dry_run=true", {"file": good})
    assert (
        response.status_code == 200
        and response.json()["created"] == 1
        and not response.json()["applied"]
    )
    assert not JobRole.objects.filter(title="").exists()
