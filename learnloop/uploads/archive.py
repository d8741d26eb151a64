"""Zip inspection without extraction, for uploads that are zip containers (.docx, packages).

Only the central directory is read. Python's zipfile never returns more bytes for an entry
than its declared size, so checking the declared sizes bounds what a parser built on zipfile
(python-docx, openpyxl) can decompress; ``sandbox.run_limited`` covers the rest.
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass

from learnloop.uploads import UploadError

MB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 1000
    max_total: int = 100 * MB  # uncompressed, all entries together
    max_entry: int = 50 * MB  # uncompressed, one entry
    max_ratio: int = 100  # uncompressed / compressed, for any entry larger than 1 MB


def _unsafe_name(name: str) -> bool:
    # Backslashes count as separators: zip tools on Windows write them.
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


def check_zip(
    label: str, data: bytes, limits: ZipLimits = ZipLimits(), *, kind: str = "zip archive"
) -> list[zipfile.ZipInfo]:
    """The archive's entries, or UploadError naming ``label`` and the first limit it breaks:
    too many entries, too large once decompressed (in total or one entry), a suspicious
    compression ratio, or an entry name that is absolute, climbs out with ``..`` or is a
    symbolic link. ``kind`` names what the file should be (".docx file") when it is no zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise UploadError(label, f"not a readable {kind} ({exc})") from None
    if len(entries) > limits.max_entries:
        raise UploadError(
            label, f"the archive has {len(entries)} entries, more than {limits.max_entries}"
        )
    total = 0
    for entry in entries:
        if _unsafe_name(entry.filename):
            raise UploadError(label, f"the archive entry {entry.filename!r} has an unsafe path")
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise UploadError(label, f"the archive entry {entry.filename!r} is a symbolic link")
        if entry.file_size > limits.max_entry:
            raise UploadError(
                label,
                f"the archive entry {entry.filename!r} expands to more than "
                f"{limits.max_entry // MB} MB",
            )
        if entry.file_size > MB and entry.file_size > limits.max_ratio * max(
            entry.compress_size, 1
        ):
            raise UploadError(
                label,
                f"the archive entry {entry.filename!r} is compressed more than "
                f"{limits.max_ratio} to 1 (a zip bomb?)",
            )
        total += entry.file_size
        if total > limits.max_total:
            raise UploadError(
                label, f"the archive expands to more than {limits.max_total // MB} MB"
            )
    return entries
