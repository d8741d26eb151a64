from __future__ import annotations

import os
from argparse import ArgumentParser
from getpass import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from learnloop.accounts import actions
from learnloop.people.management.commands.import_people import organization_from


class Command(BaseCommand):
    help = "Create an administrator (or promote and reset an existing account). Non-interactive with --password or LEARNLOOP_ADMIN_PASSWORD."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="Administrator")
        parser.add_argument("--password", help="default: $LEARNLOOP_ADMIN_PASSWORD, else asked for")
        parser.add_argument(
            "--organization",
            metavar="NAME",
            help="on a new installation, also create the organization with this name",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            validate_email(options["email"])
        except ValidationError:
            raise CommandError(f"--email: {options['email']!r} is not an e-mail address") from None
        password = options["password"] or os.environ.get("LEARNLOOP_ADMIN_PASSWORD")
        if not password:
            if not os.isatty(0):
                raise CommandError("--password: required when not run interactively")
            password = getpass("Password: ")
        if len(password) < 8:
            raise CommandError("--password: use at least 8 characters")
        user, created = actions.create_admin(options["email"], options["name"], password)
        self.stdout.write(f"{'created' if created else 'updated'} administrator {user.email}")
        if options["organization"]:
            organization = organization_from(None, create_name=options["organization"])
            self.stdout.write(f"organization: {organization.name}")
