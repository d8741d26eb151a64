"""Text out of an uploaded CV or write-up (.txt, .pdf, .docx).

A .docx is a zip: its directory is checked before anything is decompressed (entries, sizes,
ratio, unsafe names). The .pdf and .docx readers then run in a child process with memory, CPU
and wall-clock limits (``learnloop.uploads``), reading at most ``MAX_PAGES`` pages and
stopping once they have ``MAX_CHARS`` characters, so one hostile file cannot take the worker.
"""

from __future__ import annotations

import io

from learnloop.uploads import UploadError
from learnloop.uploads.archive import check_zip
from learnloop.uploads.sandbox import MB, Limits, run_limited
from learnloop.uploads.text import check_size

MAX_BYTES = 10 * MB
MAX_CHARS = 60_000
MAX_PAGES = 50
PARSE_LIMITS = Limits(memory=512 * MB, cpu_seconds=20, wall_seconds=30)


class DocumentError(UploadError):
    pass


TEXT_SUFFIXES = ("txt", "md", "text")
SUFFIXES = (*TEXT_SUFFIXES, "pdf", "docx")


def _suffix(name: str) -> str:
    return name.lower().rsplit(".", 1)[-1] if "." in name else ""


def check_upload(name: str, size: int) -> None:
    """The checks that need no parsing, done while the person waits; reading the document
    happens in the worker."""
    if _suffix(name) not in SUFFIXES:
        raise DocumentError(name, "upload a .txt, .pdf or .docx file")
    check_size(name, size, MAX_BYTES)


def extract_text(name: str, data: bytes) -> str:
    """The document's text (at most ``MAX_CHARS``), or UploadError saying why not."""
    check_upload(name, len(data))
    suffix = _suffix(name)
    if suffix in TEXT_SUFFIXES:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    else:
        if suffix == "docx":
            check_zip(name, data, kind=".docx file")
        text = run_limited(_read, name, data, MAX_PAGES, MAX_CHARS, label=name, limits=PARSE_LIMITS)
    text = text.strip()
    if not text:
        raise DocumentError(name, "no text found (a scanned PDF has none to read)")
    return text[:MAX_CHARS]


def _read(name: str, data: bytes, max_pages: int, max_chars: int) -> str:
    """Runs in the limited child: the text of a .pdf or .docx, up to the limits."""
    parts: list[str] = []
    size = 0
    if _suffix(name) == "pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(io.BytesIO(data))
            for page in reader.pages[:max_pages]:
                parts.append(page.extract_text() or "")
                size += len(parts[-1]) + 1
                if size >= max_chars:
                    break
        except (PdfReadError, ValueError, KeyError) as exc:
            raise DocumentError(name, f"not a readable PDF ({exc})") from None
    else:
        import zipfile

        from docx import Document

        try:
            document = Document(io.BytesIO(data))
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise DocumentError(name, f"not a readable .docx file ({exc})") from None
        for paragraph in document.paragraphs:
            parts.append(paragraph.text)
            size += len(parts[-1]) + 1
            if size >= max_chars:
                break
    return "\n".join(parts)
