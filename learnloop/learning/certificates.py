"""Certificates of completion as PDF (fpdf2, core fonts: no font files to ship)."""

from __future__ import annotations

from fpdf import FPDF

from learnloop.learning.models import Certificate


def _latin1(text: str) -> str:
    # The PDF core fonts cover Latin-1; other characters become "?" rather than failing.
    return text.encode("latin-1", "replace").decode("latin-1")


def pdf(certificate: Certificate) -> bytes:
    enrollment = certificate.enrollment
    item, employee = enrollment.item, enrollment.employee
    document = FPDF(orientation="landscape", format="A4")
    document.set_title(_latin1(f"Certificate: {item.title}"))
    document.set_creator("learnloop")
    document.add_page()
    document.set_line_width(1.2)
    document.rect(10, 10, 277, 190)
    document.set_font("Helvetica", "B", 30)
    document.ln(25)
    document.cell(0, 16, "Certificate of completion", align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_font("Helvetica", "", 16)
    document.ln(8)
    document.cell(0, 10, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_font("Helvetica", "B", 24)
    document.cell(0, 14, _latin1(employee.name), align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_font("Helvetica", "", 16)
    document.cell(0, 10, "completed", align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_font("Helvetica", "B", 20)
    document.multi_cell(0, 12, _latin1(item.title), align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_font("Helvetica", "", 12)
    document.ln(6)
    when = (enrollment.completed_at or certificate.issued_at).date().isoformat()
    lines = [
        f"{item.get_kind_display()} - {item.duration_minutes} minutes"
        + (f" - {item.provider}" if item.provider else ""),
        f"{employee.organization.name}, {when}",
        f"Certificate {certificate.code}",
    ]
    for line in lines:
        document.cell(0, 8, _latin1(line), align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())
