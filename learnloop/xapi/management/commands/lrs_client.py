"""``learnloop lrs-client create|list|revoke``: manage LRS client credentials from a shell."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from learnloop.xapi import actions
from learnloop.xapi.engine.errors import ValidationError
from learnloop.xapi.models import LrsClient


class Command(BaseCommand):
    help = "Create, list or revoke xAPI (LRS) client credentials."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="create a client (prints its key and secret)")
        create.add_argument("--name", required=True)
        create.add_argument("--key", help="the Basic auth user name (generated if omitted)")
        create.add_argument("--secret", help="the Basic auth password (generated if omitted)")
        create.add_argument(
            "--access", choices=LrsClient.Access.values, default=LrsClient.Access.READ_WRITE
        )
        create.add_argument(
            "--statements", choices=LrsClient.Statements.values, default=LrsClient.Statements.ALL
        )
        sub.add_parser("list", help="list clients")
        revoke = sub.add_parser("revoke", help="revoke a client by key")
        revoke.add_argument("--key", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "create":
            try:
                client, secret = actions.create_client(
                    name=options["name"],
                    key=options["key"],
                    secret=options["secret"],
                    access=options["access"],
                    statements=options["statements"],
                    actor_label="cli",
                )
            except ValidationError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"created LRS client {client.name!r}")
            self.stdout.write(f"key:    {client.key}")
            self.stdout.write(f"secret: {secret}")
        elif subcommand == "list":
            for client in LrsClient.objects.all():
                status = "active" if client.is_active else "revoked"
                self.stdout.write(
                    f"{client.key}\t{client.name}\t{client.access}\t{client.statements}\t{status}"
                )
        else:
            found = LrsClient.objects.filter(key=options["key"]).first()
            if found is None:
                raise CommandError(f"no client with key {options['key']!r}")
            actions.revoke_client(found, actor_label="cli")
            self.stdout.write(f"revoked {found.key}")
