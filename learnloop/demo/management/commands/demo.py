from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from learnloop.demo import build
from learnloop.xapi.demo import describe as describe_lrs


class Command(BaseCommand):
    help = "Build the demo organization (safe to re-run) and print a sign-in link for each persona."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--employees", type=int, default=300)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the demo organization first and build it again",
        )
        parser.add_argument(
            "--base-url", default=settings.BASE_URL, help="where the links should point"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["employees"] < 30:
            raise CommandError("--employees: a demo company needs at least 30 people")
        if options["reset"]:
            build.remove()
        if build.existing() is None:
            started = time.perf_counter()
            personas = build.build(options["employees"], options["seed"])
            self.stdout.write(
                f"built the demo organization: {options['employees']} people in {time.perf_counter() - started:.1f}s"
            )
        else:
            personas = build.personas()
            self.stdout.write("the demo organization exists already (use --reset to rebuild it)")
        self.stdout.write("")
        self.stdout.write(describe_lrs(options["base_url"]))
        self.stdout.write("")
        self.stdout.write(f"Sign in as (password for each: {build.PASSWORD}):")
        base = options["base_url"]
        for persona in personas:
            link = persona.link().replace(settings.BASE_URL, base.rstrip("/"), 1)
            self.stdout.write(
                f"  {persona.title:<10} {persona.user.full_name:<28} {persona.user.email}"
            )
            self.stdout.write(f"             {link}")
