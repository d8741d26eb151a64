from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from learnloop.people import actions
from learnloop.people.models import Organization


def organization_from(slug: str | None, *, create_name: str | None = None) -> Organization:
    """The organization named by ``slug``, or the only one; creates it when asked and absent."""
    if slug:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None and create_name is None:
            raise CommandError(
                f"--org: no organization '{slug}' (known: {', '.join(Organization.objects.values_list('slug', flat=True)) or 'none'})"
            )
        return organization or actions.create_organization(
            create_name or slug, slug, actor_label="cli"
        )
    organizations = list(Organization.objects.all()[:2])
    if len(organizations) == 1:
        return organizations[0]
    if not organizations:
        if create_name is None:
            raise CommandError(
                "there is no organization yet; pass --org SLUG --org-name NAME to create one"
            )
        return actions.create_organization(create_name, "default", actor_label="cli")
    raise CommandError("there are several organizations; choose one with --org SLUG")


class Command(BaseCommand):
    help = "Import or update employees from an HRIS CSV export (all rows or none)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file, UTF-8")
        parser.add_argument("--org", help="organization slug (default: the only one)")
        parser.add_argument(
            "--org-name", help="create the organization with this name if it does not exist"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change and write nothing"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="read FIELD from the column HEADER, e.g. --map 'employee_id=Personnel No'",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text; export the CSV as UTF-8") from None
        overrides = {}
        for item in options["map"]:
            field, separator, header = item.partition("=")
            if not separator:
                raise CommandError(f"--map {item!r}: expected FIELD=HEADER")
            overrides[field.strip()] = header.strip()
        organization = organization_from(options["org"], create_name=options["org_name"])
        outcome = actions.import_people(
            organization, text, actor_label="cli", overrides=overrides, dry_run=options["dry_run"]
        )
        summary = outcome.summary()
        for warning in summary["warnings"]:
            self.stderr.write(f"warning: {warning}")
        if not outcome.ok:
            for problem in outcome.problems:
                self.stderr.write(f"{path}: {problem}")
            raise CommandError(f"nothing imported: {len(outcome.problems)} problem(s) in {path}")
        verb = "would add" if options["dry_run"] else "added"
        self.stdout.write(
            f"{verb} {summary['created']}, {'would update' if options['dry_run'] else 'updated'} {summary['updated']}, "
            f"unchanged {summary['unchanged']}"
        )
        if options["dry_run"]:
            for change in outcome.plan.updates:
                for field, (old, new) in change.changes.items():
                    self.stdout.write(
                        f"  line {change.row.line} {change.row.employee_id} {field}: {old!r} -> {new!r}"
                    )
            for row in outcome.plan.creates:
                self.stdout.write(
                    f"  line {row.line} new {row.employee_id} {row.full_name} <{row.email}>"
                )
