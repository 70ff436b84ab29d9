"""The conclusion's DOCX, read back."""

import io
from datetime import date

import pytest
from docx import Document

from oversight.compliance.services import active_pack
from oversight.inspections.conclusion_docx import build_conclusion_docx
from oversight.inspections.models import ChecklistItem
from oversight.inspections.services import record_check, record_sanction
from oversight.inspections.tests.helpers import inspect
from oversight.inspections.tests.test_measures import conclude

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> tuple[list[str], list[list[str]]]:
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    return paragraphs, tables


def test_the_conclusion_docx_has_the_official_layout_and_the_breaches(world):
    inspection = inspect(world, started=True)
    item = ChecklistItem.objects.get(target__inspection=inspection, rule="tt29.a3.no-cut")
    record_check(
        item=item,
        by=world.inspector,
        status="breach",
        notes="Tiết Toán tuần 9 chuyển sang lớp học thêm",
        persons_responsible="Giáo viên Lê Văn Nam",
        heads_responsible="Hiệu trưởng nhà trường",
    )
    inspection = conclude(inspection, world.inspector)
    record_sanction(
        inspection=inspection,
        target=inspection.targets.get(),
        by=world.inspector,
        kind="warning",
        subject_kind="person",
        subject_name="Lê Văn Nam",
        subject_position="Giáo viên",
        legal_basis="Nghị định 112/2020/NĐ-CP",
        decision_number="21/QĐ-UBND",
        decided_on=date(2025, 11, 20),
    )
    paragraphs, tables = _text(build_conclusion_docx(inspection))
    body = "\n".join(paragraphs)
    heading_left, heading_right = tables[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading_right
    assert "Độc lập - Tự do - Hạnh phúc" in heading_right
    assert world.department.name.upper() in heading_left and "Số: 15/KL-SGDĐT" in heading_left
    assert "Hải Phòng, ngày 10 tháng 11 năm 2025" in paragraphs
    assert "KẾT LUẬN KIỂM TRA" in paragraphs
    assert "V/v Kết luận kiểm tra dạy thêm" in paragraphs
    no_cut = active_pack().rules.get(code="tt29.a3.no-cut")
    assert no_cut.citation in body and "tt29.a3.no-cut" in body
    assert "Người vi phạm: Giáo viên Lê Văn Nam." in paragraphs
    assert "Cảnh cáo: Lê Văn Nam" in body and "21/QĐ-UBND" in body
    recipients, signature = tables[1]
    assert recipients.startswith("Nơi nhận:") and "- UBND phường Lê Chân;" in recipients
    assert "CHÁNH THANH TRA" in signature and "Nguyễn Văn Kiểm" in signature
    # No child's data in a document that goes out.
    assert world.student_a1.full_name not in body
