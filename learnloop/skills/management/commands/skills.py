"""``learnloop skills rank``: the stable evaluation contract (see README, "Skills").

Reads one sentence per line on stdin and writes one JSON object per line, in input order:
``{"sentence": "...", "skills": [{"label": "...", "score": 0.83}, ...]}`` with exactly K labels
from the candidates file. Needs only the fetched files, never the database.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from learnloop.skills.engine.ranker import MODES, QUALITY

BATCH = 256


class Command(BaseCommand):
    help = (
        "Skills: `rank` candidate skills for sentences on stdin (no database needed); "
        "`refresh-profiles` re-ages stored profiles."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        rank = commands.add_parser("rank", help="rank candidate labels for each stdin line")
        rank.add_argument("--candidates", required=True, type=Path, help="one ESCO label a line")
        rank.add_argument("--top", required=True, type=int, help="how many labels per sentence")
        rank.add_argument("--mode", choices=MODES, default=QUALITY)
        refresh = commands.add_parser(
            "refresh-profiles", help="re-age stored profile entries (run daily, e.g. from cron)"
        )
        refresh.add_argument("--organization", help="slug (default: every organization)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "rank":
            self.rank(options["candidates"], options["top"], options["mode"])
        elif options["subcommand"] == "refresh-profiles":
            self.refresh(options["organization"])

    def refresh(self, slug: str | None) -> None:
        from learnloop.people.models import Organization
        from learnloop.skills.actions import refresh_profiles

        organizations = Organization.objects.all()
        if slug:
            organizations = organizations.filter(slug=slug)
            if not organizations.exists():
                raise CommandError(f"--organization: no organization with the slug {slug!r}")
        for organization in organizations:
            count = refresh_profiles(organization)
            self.stdout.write(f"{organization.slug}: {count} profile entries re-aged")

    def rank(self, path: Path, top: int, mode: str) -> None:
        from learnloop.skills import inference

        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"--candidates {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"--candidates {path}: not UTF-8 text") from None
        labels = list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
        if not labels:
            raise CommandError(f"--candidates {path}: no labels in the file")
        if top < 1 or top > len(labels):
            raise CommandError(
                f"--top must be between 1 and {len(labels)} (the candidates), not {top}"
            )
        try:
            index = inference.index_for_labels(labels)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        stdin = sys.stdin.buffer.read().decode("utf-8", errors="replace")
        sentences = stdin.splitlines()
        out = self.stdout
        for start in range(0, len(sentences), BATCH):
            batch = sentences[start : start + BATCH]
            for sentence, matches in zip(batch, index.rank(batch, top, mode), strict=True):
                skills = [{"label": m.label, "score": m.score} for m in matches]
                out.write(json.dumps({"sentence": sentence, "skills": skills}, ensure_ascii=False))
            out.flush()
