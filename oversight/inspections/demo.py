"""Demo data for inspections: one periodic inspection by the demo primary school's commune
committee, in progress, its checklist built from the rules, one item found in breach and a
corrective action due next month for the principal. Fictional; made through the services;
idempotent (found again by its title)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from oversight.accounts.models import User
from oversight.inspections.models import ChecklistItem, Inspection
from oversight.inspections.services import (
    TargetChoice,
    add_corrective_action,
    create_inspection,
    record_check,
    start_inspection,
)
from oversight.registry.demo import demo_schools

TITLE = "Kiểm tra định kỳ dạy thêm, liên kết giáo dục (dữ liệu mẫu)"
LEGAL_BASIS = "Thông tư 29/2024/TT-BGDĐT; kế hoạch kiểm tra năm học của Ủy ban nhân dân xã"


@transaction.atomic
def ensure_demo_inspection() -> Inspection | None:
    """The demo inspection, created once (None if the demo accounts or school are missing)."""
    school = demo_schools().get("primary")
    officer = User.objects.filter(username="canbo.xa1").first()
    principal = User.objects.filter(username="ht.tieuhoc").first()
    if school is None or officer is None or principal is None:
        return None
    existing = Inspection.objects.filter(title=TITLE, agency=school.managing_agency).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    inspection = create_inspection(
        by=officer,
        agency=school.managing_agency,
        kind=Inspection.Kind.PERIODIC,
        title=TITLE,
        legal_basis=LEGAL_BASIS,
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=11),
        targets=[
            TargetChoice(
                kind="institution",
                obj=school,
                reason="Trong kế hoạch kiểm tra định kỳ; có nhiều phản ánh gần đây.",
            )
        ],
    )
    inspection = start_inspection(inspection=inspection, by=officer)
    target = inspection.targets.get()
    items = list(target.checklist.order_by("pk"))
    item = next((i for i in items if i.rule == "tt29.a5.free"), items[0])
    item = record_check(
        item=item,
        by=officer,
        status=ChecklistItem.Status.BREACH,
        notes="Sổ thu cho thấy lớp ôn tập cho học sinh chưa đạt vẫn thu tiền của 12 em.",
        interviewed="Kế toán nhà trường; hai giáo viên chủ nhiệm",
        measures="Hoàn trả khoản đã thu; tổ chức lại lớp ôn tập miễn phí.",
    )
    add_corrective_action(
        inspection=inspection,
        target=target,
        by=officer,
        description="Hoàn trả tiền đã thu của lớp ôn tập và báo cáo bằng văn bản.",
        owner=principal,
        deadline=today + timedelta(days=30),
        item=item,
    )
    return inspection
