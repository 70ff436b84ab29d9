"""Receipts: a short code per decision that anyone holding it can check, with no personal data."""

from __future__ import annotations

import hmac
from typing import Any

import segno

from oversight.enrollment.ledger import GENESIS, entry_hash
from oversight.enrollment.models import ConsentEntry


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:12]


def genuine(entry: ConsentEntry) -> bool:
    """The entry's hash is right and it links to its predecessor as recorded."""
    if not hmac.compare_digest(entry.hash, entry_hash(entry)):
        return False
    if entry.seq == 1:
        return entry.prev_hash == GENESIS
    prev = ConsentEntry.objects.filter(partition=entry.partition, seq=entry.seq - 1).only("hash")
    return prev.exists() and prev[0].hash == entry.prev_hash


def check_receipt(raw_code: str) -> dict[str, Any]:
    code = normalise_code(raw_code)
    entry = (
        ConsentEntry.objects.select_related(
            "program__institution", "program__facility", "disclosure"
        )
        .defer("disclosure__data")
        .filter(receipt_code=code)
        .first()
    )
    if entry is None or not genuine(entry):
        return {"valid": False, "code": code}
    latest = (
        ConsentEntry.objects.filter(student_id=entry.student_id, program_id=entry.program_id)
        .order_by("-seq")
        .values_list("pk", flat=True)
        .first()
    )
    program = entry.program
    provider = program.institution or program.facility
    return {
        "valid": True,
        "code": code,
        "decision": entry.decision,
        "decision_label": str(entry.get_decision_display()),
        "program_id": program.pk,
        "program": program.title,
        "institution": provider.name if provider else None,
        "decided_at": entry.created_at,
        "disclosure_version": entry.disclosure.number if entry.disclosure else None,
        "staff_entered": entry.staff_entered,
        "still_current": latest == entry.pk,
    }


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4)
