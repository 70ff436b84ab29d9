"""The conclusion (kết luận) as a DOCX in the official layout, ready to sign: the issuing body
and number beside the national heading, place and date, title and subject (V/v), the body, then
the recipients (Nơi nhận) beside the signature block."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from oversight.inspections.models import ChecklistItem, Inspection

NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _para(
    cell_or_doc,
    text: str = "",
    *,
    bold=False,
    italic=False,
    underline=False,
    align=None,
    size: int = 13,
):
    p = cell_or_doc.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    return p


def _first(cell, text: str, **kw):
    """Write into a table cell's existing first paragraph."""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = kw.get("bold", False)
    run.font.size = Pt(kw.get("size", 13))
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def place_and_date(inspection: Inspection) -> str:
    d = inspection.conclusion_date
    place = inspection.agency.unit.name
    if d is None:
        return f"{place}, ngày ... tháng ... năm ..."
    return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def build_conclusion_docx(inspection: Inspection) -> bytes:
    """The conclusion of a concluded inspection as DOCX bytes."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    for section in doc.sections:
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(2)

    head = doc.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    parent = inspection.agency.parent
    if parent is not None:
        _first(left, parent.name.upper(), size=12)
        _para(
            left,
            inspection.agency.name.upper(),
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            size=12,
        )
    else:
        _first(left, inspection.agency.name.upper(), bold=True, size=12)
    _para(left, f"Số: {inspection.conclusion_number}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _first(right, NATIONAL, bold=True, size=12)
    _para(right, MOTTO, bold=True, underline=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    _para(doc, place_and_date(inspection), italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "KẾT LUẬN KIỂM TRA", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    _para(doc, f"V/v {inspection.conclusion_subject}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    _para(doc, f"Căn cứ {inspection.legal_basis};")
    _para(
        doc,
        f"Thực hiện đợt kiểm tra «{inspection.title}» "
        f"({inspection.get_kind_display().lower()}) từ ngày "
        f"{inspection.starts_on:%d/%m/%Y} đến ngày {inspection.ends_on:%d/%m/%Y};",
    )

    _para(doc, "I. KẾT QUẢ KIỂM TRA", bold=True)
    targets = inspection.targets.prefetch_related("checklist")
    n = 0
    for target in targets:
        _para(doc, f"Đối tượng: {target.subject}", bold=True)
        items = list(target.checklist.all())
        done = [i for i in items if i.status != ChecklistItem.Status.NOT_CHECKED]
        _para(doc, f"Đã kiểm tra {len(done)}/{len(items)} nội dung.")
        for item in items:
            if item.status != ChecklistItem.Status.BREACH:
                continue
            n += 1
            _para(doc, f"{n}. Vi phạm: {item.title} ({item.citation}; mã {item.rule}).")
            _para(doc, f"Chứng cứ: {item.notes}")
            if item.persons_responsible:
                _para(doc, f"Người vi phạm: {item.persons_responsible}.")
            if item.heads_responsible:
                _para(doc, f"Trách nhiệm người đứng đầu: {item.heads_responsible}.")
            if item.measures:
                _para(doc, f"Biện pháp: {item.measures}")
    if n == 0:
        _para(doc, "Không phát hiện vi phạm.")

    _para(doc, "II. KẾT LUẬN", bold=True)
    for line in inspection.conclusion_body.splitlines():
        if line.strip():
            _para(doc, line.strip())

    sanctions = list(inspection.sanctions.all())
    suspensions = list(inspection.suspensions.select_related("program"))
    if sanctions or suspensions:
        _para(doc, "III. BIỆN PHÁP XỬ LÝ", bold=True)
        for s in sanctions:
            amount = f", số tiền {s.amount:,} đồng".replace(",", ".") if s.amount else ""
            _para(
                doc,
                f"- {s.get_kind_display()}: {s.subject_name} ({s.legal_basis}{amount}); "
                f"Quyết định số {s.decision_number} ngày {s.decided_on:%d/%m/%Y}.",
            )
        for p in suspensions:
            _para(doc, f"- Tạm dừng chương trình «{p.program.title}»: {p.reason}.")
    actions = list(inspection.corrective_actions.select_related("owner"))
    if actions:
        _para(doc, "IV. YÊU CẦU KHẮC PHỤC", bold=True)
        for a in actions:
            owner = a.owner.get_full_name() or a.owner.get_username()
            _para(
                doc,
                f"- {a.description} (người chịu trách nhiệm: {owner}; "
                f"thời hạn: {a.deadline:%d/%m/%Y}).",
            )

    foot = doc.add_table(rows=1, cols=2)
    left, right = foot.rows[0].cells
    p = left.paragraphs[0]
    r = p.add_run("Nơi nhận:")
    r.bold, r.italic = True, True
    for line in inspection.recipients.replace(";", "\n").splitlines():
        if line.strip():
            _para(left, f"- {line.strip()};", size=11)
    _first(right, inspection.signer_title.upper(), bold=True)
    _para(right, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(3):
        _para(right, "")
    _para(right, inspection.signer_name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
