"""Guards for files people upload and files learnloop hands out.

Every upload goes through here before a parser sees it: ``archive`` inspects a zip without
extracting it, ``sandbox`` runs a parser in a child process with memory, CPU and wall-clock
limits, ``text`` reads a text/CSV upload with size, encoding and shape limits. ``export``
neutralizes spreadsheet formulas in every CSV/XLSX learnloop produces. Pure Python, no Django.
"""

from __future__ import annotations


class UploadError(ValueError):
    """An upload that cannot be accepted: ``label`` names the file, ``reason`` says why."""

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(f"{label}: {reason}")
        self.label, self.reason = label, reason
