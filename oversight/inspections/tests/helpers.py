"""Shared set-up for inspection tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from oversight.compliance.models import Finding
from oversight.compliance.services import active_pack
from oversight.inspections.services import TargetChoice, create_inspection, start_inspection


def inspect(world: Any, *, by=None, agency=None, kind="periodic", started=False, **target: Any):
    """An inspection of one target (institution=..., facility=... or program=...)."""
    by = by or world.inspector
    agency = agency or world.department
    if not target:
        target = {"institution": world.school_a}
    ((target_kind, obj),) = target.items()
    inspection = create_inspection(
        by=by,
        agency=agency,
        kind=kind,
        title="Kiểm tra dạy thêm, liên kết giáo dục",
        legal_basis="Thông tư 29/2024/TT-BGDĐT; Kế hoạch số 12/KH-SGDĐT",
        starts_on=date(2025, 11, 3),
        ends_on=date(2025, 11, 7),
        targets=[TargetChoice(kind=target_kind, obj=obj, reason="Chưa từng được kiểm tra")],
    )
    if started:
        start_inspection(inspection=inspection, by=by)
    return inspection


def finding(
    code: str,
    *,
    program: Any = None,
    institution: Any = None,
    status: str = Finding.Status.OPEN,
    message: str = "",
) -> Finding:
    """A finding of the engine on a programme or an institution, made by hand."""
    rule = active_pack().rules.get(code=code)
    institution = institution or program.institution
    now = timezone.now()
    return Finding.objects.create(
        rule=rule,
        rule_code=code,
        severity=rule.severity,
        subject=f"program:{program.pk}" if program else f"institution:{institution.pk}",
        key=message[:20],
        program=program,
        institution=institution,
        unit=institution.unit,
        occurred_on=date(2025, 10, 6),
        citation=rule.citation,
        message=message or f"Vi phạm {code}",
        first_seen_at=now,
        last_seen_at=now,
        status=status,
    )
