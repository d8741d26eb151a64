"""The ``learnloop`` command: Django's management commands under friendly, hyphenated names.

``learnloop import-people FILE`` runs the ``import_people`` management command, and so on;
``learnloop help`` lists them all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnloop.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "learnloop"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
