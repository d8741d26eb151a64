"""Hostile files, built in memory by the tests, and misbehaving parsers for the sandbox."""

from __future__ import annotations

import io
import time
import zipfile

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

MB = 1024 * 1024
_DOCX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    ),
}
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(
    text: str = "I wrote SQL reports.",
    *,
    padding: int = 0,
    paragraphs: int = 0,
    extra_entries: int = 0,
    extra_name: str | None = None,
) -> bytes:
    """A minimal .docx; ``padding`` bytes of spaces inside its paragraph, or ``paragraphs``
    more one-letter paragraphs, make it a zip bomb (both compress hundreds to one; the
    paragraphs become a tree of millions of nodes), ``extra_entries`` adds tiny parts."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body><w:p><w:r>'
        f'<w:t xml:space="preserve">{text}{" " * padding}</w:t></w:r></w:p>'
        + "<w:p><w:r><w:t>a</w:t></w:r></w:p>" * paragraphs
        + "</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, body in _DOCX_PARTS.items():
            archive.writestr(name, body)
        archive.writestr("word/document.xml", document)
        for number in range(extra_entries):
            archive.writestr(f"word/media/part{number}.xml", "<x/>")
        if extra_name is not None:
            archive.writestr(extra_name, "<x/>")
    return out.getvalue()


def pdf(content: bytes = b"BT /F1 12 Tf (I wrote SQL reports.) Tj ET", pages: int = 1) -> bytes:
    """A PDF whose every page draws ``content`` (a content stream, stored compressed)."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    stream = DecodedStreamObject()
    stream.set_data(content)
    contents = writer._add_object(stream.flate_encode())
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = contents
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def slow_pdf(operations: int) -> bytes:
    """A few kilobytes whose one content stream holds ``operations`` text-drawing operators:
    pypdf needs about 35 µs for each."""
    return pdf(b"BT /F1 12 Tf " + b"(a) Tj 1 0 Td " * operations + b"ET")


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * MB))


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def add(a: int, b: int) -> int:
    return a + b


def refuse(label: str, reason: str) -> None:
    from learnloop.uploads import UploadError

    raise UploadError(label, reason)


def crash() -> None:
    raise KeyError("no such part")
