"""The compliance endpoints: findings (per programme and by scope), an institution's risk,
acting on a finding, and running the engine on a scope."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from oversight.accounts.access import (
    can_read_findings,
    can_read_risk,
    findings_visible_to,
    get_institution_for_user,
    get_program_for_user,
)
from oversight.api.registry import Paging, _page
from oversight.compliance.selectors import findings_for, institution_risk
from oversight.compliance.services import ComplianceError, act_on_finding, evaluate_scope

SCOPE_HELP = (
    "scope: phạm vi không hợp lệ; dùng city, commune:<id>, institution:<id> hoặc program:<id>."
)

router = Router(tags=["compliance"])
public_router = Router(tags=["public"])

SeverityIn = Literal["violation", "warning", "information"]
StatusIn = Literal["open", "acknowledged", "resolved", "dismissed"]


class FindingOut(Schema):
    id: int
    rule: str = Field(..., description="Mã quy tắc như trong RULES.md, ví dụ tt29.a5.free")
    title: str
    severity: str
    citation: str
    message: str
    remedy: str
    status: str
    status_reason: str
    override_reason: str
    occurred_on: date
    program_id: int | None
    institution_id: int | None
    verified: bool
    facts: dict[str, Any]

    @staticmethod
    def resolve_rule(obj) -> str:
        return obj.rule_code

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.rule.title

    @staticmethod
    def resolve_verified(obj) -> bool:
        return obj.rule.verified


class FindingPage(Schema):
    items: list[FindingOut]
    count: int


class FindingFilters(Paging):
    scope: str | None = Field(
        None, description="city, commune:<id>, institution:<id> hoặc program:<id>"
    )
    rule: str | None = None
    severity: SeverityIn | None = None
    status: StatusIn | None = None


@router.get("/programs/{program_id}/findings", response=list[FindingOut], summary="Phát hiện")
def program_findings(request, program_id: int, status: StatusIn | None = None):
    program = get_program_for_user(request.user, program_id)
    if not can_read_findings(request.user, program):
        raise PermissionDenied
    return list(findings_for(request.user, scope=f"program:{program.pk}", status=status))


@router.get("/findings", response=FindingPage, summary="Phát hiện theo phạm vi")
def findings(request, filters: Query[FindingFilters]):
    try:
        qs = findings_for(
            request.user,
            scope=filters.scope,
            rule=filters.rule,
            severity=filters.severity,
            status=filters.status,
        )
    except ValueError:
        raise HttpError(422, SCOPE_HELP) from None
    items, count = _page(qs, filters)
    return {"items": items, "count": count}


class SignalOut(Schema):
    code: str
    program_id: int
    program: str
    value: float
    threshold: float
    points: int
    explanation: str

    @staticmethod
    def resolve_program(obj) -> str:
        return obj.program.title


class RiskPartOut(Schema):
    label: str
    points: int


class HotspotPartOut(Schema):
    weight: float
    points: int
    explanation: str


class RiskOut(Schema):
    institution_id: int
    score: int
    open_violations: int
    signals: list[SignalOut]
    parts: list[RiskPartOut]
    hotspot: HotspotPartOut


@router.get("/institutions/{institution_id}/risk", response=RiskOut, summary="Điểm rủi ro")
def risk(request, institution_id: int):
    institution = get_institution_for_user(request.user, institution_id)
    if not can_read_risk(request.user, institution):
        raise PermissionDenied
    r = institution_risk(institution)
    return {
        "institution_id": institution.pk,
        "score": r.score,
        "open_violations": r.open_violations,
        "signals": r.signals,
        "parts": [{"label": str(label), "points": points} for label, points in r.parts],
        "hotspot": {
            "weight": r.hotspot_weight,
            "points": r.hotspot_points,
            "explanation": r.hotspot_explanation,
        },
    }


class ActionIn(Schema):
    reason: str = ""


@router.post(
    "/findings/{finding_id}/{action}",
    response=FindingOut,
    summary="Tiếp nhận, khắc phục hoặc bác bỏ",
)
def act(
    request,
    finding_id: int,
    action: Literal["acknowledge", "resolve", "dismiss"],
    payload: ActionIn | None = None,
):
    finding = findings_visible_to(request.user).filter(pk=finding_id).first()
    if finding is None:
        raise HttpError(404, "Không tìm thấy đối tượng, hoặc bạn không có quyền xem.")
    try:
        return act_on_finding(
            finding=finding,
            action=action,
            by=request.user,
            reason=payload.reason if payload else "",
        )
    except ComplianceError as e:
        raise HttpError(e.status if e.status != 400 else 422, e.message) from e


class EvaluateIn(Schema):
    scope: str = Field(..., description="city, commune:<id>, institution:<id> hoặc program:<id>")


class EvaluateOut(Schema):
    scope: str
    programs: int
    opened: int
    resolved: int
    signals: int


@router.post("/compliance/evaluate", response=EvaluateOut, summary="Chạy kiểm tra theo phạm vi")
def evaluate(request, payload: EvaluateIn):
    try:
        s = evaluate_scope(scope=payload.scope, by=request.user)
    except (ComplianceError, ValueError) as e:
        raise HttpError(422, SCOPE_HELP) from e
    return {
        "scope": payload.scope,
        "programs": s.programs,
        "opened": s.opened,
        "resolved": s.resolved,
        "signals": s.signals,
    }
