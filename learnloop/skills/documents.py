"""Text out of an uploaded CV or write-up (.txt, .pdf, .docx)."""

from __future__ import annotations

import io

MAX_BYTES = 10 * 1024 * 1024
MAX_CHARS = 60_000


class DocumentError(ValueError):
    pass


SUFFIXES = ("txt", "md", "text", "pdf", "docx")


def _suffix(name: str) -> str:
    return name.lower().rsplit(".", 1)[-1] if "." in name else ""


def check_upload(name: str, size: int) -> None:
    """The checks that need no parsing, done while the person waits; reading the document
    happens in the worker."""
    if size > MAX_BYTES:
        raise DocumentError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    if _suffix(name) not in SUFFIXES:
        raise DocumentError(f"{name}: upload a .txt, .pdf or .docx file")
    if size == 0:
        raise DocumentError(f"{name}: the file is empty")


def extract_text(name: str, data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise DocumentError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    suffix = _suffix(name)
    if suffix in ("txt", "md", "text"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    elif suffix == "pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(io.BytesIO(data))
            text = "\n".join(page.extract_text() or "" for page in reader.pages[:50])
        except (PdfReadError, ValueError, KeyError) as exc:
            raise DocumentError(f"{name}: not a readable PDF ({exc})") from None
    elif suffix == "docx":
        import zipfile

        from docx import Document

        try:
            document = Document(io.BytesIO(data))
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise DocumentError(f"{name}: not a readable .docx file ({exc})") from None
        text = "\n".join(p.text for p in document.paragraphs)
    else:
        raise DocumentError(f"{name}: upload a .txt, .pdf or .docx file")
    text = text.strip()
    if not text:
        raise DocumentError(f"{name}: no text found (a scanned PDF has none to read)")
    return text[:MAX_CHARS]
