"""DOCX files in the official layout of administrative documents (Decree 30/2020/ND-CP):
the issuing body and number on the left, the national heading on the right, place and date,
the title and subject, the body, then recipients on the left and the signature on the right."""

from __future__ import annotations

import io
from datetime import date

from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def place_and_date(place: str, on: date) -> str:
    return f"{place}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}"


def _new() -> Docx:
    doc = new_docx()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    return doc


def _cell_lines(cell, lines: list[tuple[str, bool, bool]]) -> None:
    """Lines of (text, bold, italic), centred, in one table cell."""
    cell.paragraphs[0].text = ""
    for i, (text, bold, italic) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.italic = bold, italic


def _paragraph(doc: Docx, text: str, *, bold=False, italic=False, align=None, size=None):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return p


def official_docx(
    *,
    issuer_parent: str,
    issuer: str,
    number: str,
    place: str,
    dated: date,
    title: str,
    subject: str,
    addressee: str,
    body: str,
    recipients: str,
    signer_title: str,
    signer_name: str,
) -> bytes:
    """One administrative document as DOCX bytes."""
    doc = _new()
    head = doc.add_table(rows=1, cols=2)
    left = [(issuer_parent.upper(), False, False)] if issuer_parent else []
    left += [(issuer.upper(), True, False), (f"Số: {number or '      '}", False, False)]
    _cell_lines(head.cell(0, 0), left)
    _cell_lines(
        head.cell(0, 1),
        [(NATION, True, False), (MOTTO, True, False), (place_and_date(place, dated), False, True)],
    )
    _paragraph(doc, "")
    _paragraph(doc, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    _paragraph(doc, subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if addressee:
        _paragraph(doc, f"Kính gửi: {addressee}", align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in body.splitlines():
        p = _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        p.paragraph_format.first_line_indent = Cm(1)
    foot = doc.add_table(rows=1, cols=2)
    lines = [("Nơi nhận:", True, True)] + [
        (r, False, False) for r in recipients.splitlines() if r.strip()
    ]
    cell = foot.cell(0, 0)
    cell.paragraphs[0].text = ""
    for i, (text, bold, italic) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(11 if i else 12)
    _cell_lines(
        foot.cell(0, 1),
        [(t, True, False) for t in signer_title.splitlines() if t.strip()]
        + [("", False, False), ("", False, False), (signer_name, True, False)],
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def agenda_docx(*, title: str, subtitle: str, sections: list[tuple[str, list[str]]]) -> bytes:
    """A meeting agenda: a heading, then for each unit its lines."""
    doc = _new()
    _paragraph(doc, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    _paragraph(doc, subtitle, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for i, (heading, lines) in enumerate(sections, start=1):
        _paragraph(doc, f"{i}. {heading}", bold=True)
        for line in lines:
            _paragraph(doc, f"- {line}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """All the text of a DOCX, paragraphs and table cells, one per line (for checks)."""
    doc = new_docx(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)
