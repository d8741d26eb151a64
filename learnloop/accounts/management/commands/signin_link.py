from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from learnloop.accounts.actions import signin_link
from learnloop.accounts.models import User, normalize_email


class Command(BaseCommand):
    help = "Print a link that signs a user in without a password (valid for --hours)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--hours", type=float, default=24.0)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=normalize_email(options["email"]), is_active=True).first()
        if user is None:
            raise CommandError(f"no active account uses {options['email']}")
        self.stdout.write(signin_link(user, max_age=int(options["hours"] * 3600)))
