"""The inspections endpoints: ranked targets, inspections and their checklist, conclusion,
sanctions, corrective actions and suspensions; the public results."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from oversight.accounts import access
from oversight.accounts.models import User
from oversight.inspections import selectors
from oversight.inspections.models import (
    ChecklistItem,
    CorrectiveAction,
    Inspection,
    InspectionTarget,
    Sanction,
)
from oversight.inspections.services import (
    InspectionError,
    InspectionInputError,
    TargetChoice,
    add_corrective_action,
    add_evidence,
    complete_corrective_action,
    conclude_inspection,
    create_inspection,
    create_plan,
    record_check,
    record_sanction,
    start_inspection,
    suspend_program_for_inspection,
    verify_corrective_action,
)
from oversight.programs.services import ProgramInputError, TransitionNotAllowed

router = Router(tags=["inspections"])
public_router = Router(tags=["public"])


def _run(fn, **kwargs):
    """Call a service; its refusals become 409 (a rule) or 422 (malformed input)."""
    try:
        return fn(**kwargs)
    except InspectionInputError as e:
        raise HttpError(422, str(e)) from e
    except ProgramInputError as e:
        raise HttpError(422, "; ".join(f"{k}: {v}" for k, v in e.errors.items())) from e
    except (InspectionError, TransitionNotAllowed) as e:
        raise HttpError(409, str(e)) from e


# --- targets ----------------------------------------------------------------------------------


class RankedOut(Schema):
    kind: str
    id: int
    name: str
    score: int
    reasons: list[str]


class TargetFilters(Schema):
    scope: str = "institutions"
    agency_id: int | None = None
    limit: int = Field(50, ge=1, le=500)


@router.get("/inspections/targets", response=list[RankedOut], summary="Đối tượng gợi ý theo rủi ro")
def ranked_targets(request, filters: Query[TargetFilters]):
    if filters.scope not in selectors.SCOPES:
        raise HttpError(422, "scope: chọn institutions, facilities hoặc programs.")
    agency = None
    if filters.agency_id is not None:
        agency = next(
            (a for a in access.inspection_agencies_for(request.user) if a.pk == filters.agency_id),
            None,
        )
        if agency is None:
            raise PermissionDenied
    return selectors.rank_targets(request.user, filters.scope, limit=filters.limit, agency=agency)


# --- plans ------------------------------------------------------------------------------------


class PlanIn(Schema):
    title: str
    period_start: date
    period_end: date
    legal_basis: str
    agency_id: int | None = None


class PlanOut(Schema):
    id: int
    agency_id: int
    title: str
    period_start: date
    period_end: date
    legal_basis: str
    status: str


@router.get("/inspection-plans", response=list[PlanOut], summary="Kế hoạch kiểm tra")
def list_plans(request):
    return list(access.inspection_plans_visible_to(request.user)[:500])


@router.post("/inspection-plans", response={201: PlanOut}, summary="Lập kế hoạch kiểm tra định kỳ")
def post_plan(request, payload: PlanIn):
    data = payload.dict()
    agency = _agency_for(request, data.pop("agency_id"))
    return Status(201, _run(create_plan, by=request.user, agency=agency, **data))


# --- inspections ------------------------------------------------------------------------------


class TargetIn(Schema):
    kind: str
    id: int
    reason: str
    score: int = 0


class InspectionIn(Schema):
    kind: str
    title: str
    legal_basis: str
    starts_on: date
    ends_on: date
    targets: list[TargetIn]
    agency_id: int | None = None
    plan_id: int | None = None
    member_ids: list[int] = []


class TargetOut(Schema):
    id: int
    kind: str
    subject_id: int
    name: str
    reason: str
    score: int

    @staticmethod
    def resolve_kind(obj: InspectionTarget) -> str:
        return "institution" if obj.institution_id else "facility" if obj.facility_id else "program"

    @staticmethod
    def resolve_subject_id(obj: InspectionTarget) -> int:
        return obj.subject.pk

    @staticmethod
    def resolve_name(obj: InspectionTarget) -> str:
        return str(obj.subject)


class InspectionOut(Schema):
    id: int
    kind: str
    status: str
    title: str
    agency: str
    legal_basis: str
    starts_on: date
    ends_on: date
    lead_id: int
    plan_id: int | None
    targets: list[TargetOut]
    conclusion_number: str
    conclusion_date: date | None

    @staticmethod
    def resolve_agency(obj: Inspection) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_targets(obj: Inspection) -> list:
        return list(obj.targets.select_related("institution", "facility", "program"))


def _agency_for(request, agency_id: int | None):
    agencies = access.inspection_agencies_for(request.user)
    if not agencies:
        raise PermissionDenied
    if agency_id is None:
        return agencies[0]
    agency = next((a for a in agencies if a.pk == agency_id), None)
    if agency is None:
        raise PermissionDenied
    return agency


@router.post("/inspections", response={201: InspectionOut}, summary="Lập đợt kiểm tra")
def create(request, payload: InspectionIn):
    agency = _agency_for(request, payload.agency_id)
    targets = [
        TargetChoice(
            kind=t.kind,
            obj=access.get_target_for_user(request.user, t.kind, t.id),
            reason=t.reason,
            score=t.score,
        )
        for t in payload.targets
    ]
    plan = None
    if payload.plan_id is not None:
        plan = get_object_or_404(
            access.inspection_plans_visible_to(request.user), pk=payload.plan_id
        )
    members = list(User.objects.filter(pk__in=payload.member_ids, is_active=True))
    if len(members) != len(set(payload.member_ids)):
        raise HttpError(422, "member_ids: có người dùng không tồn tại.")
    inspection = _run(
        create_inspection,
        by=request.user,
        agency=agency,
        kind=payload.kind,
        title=payload.title,
        legal_basis=payload.legal_basis,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        targets=targets,
        members=members,
        plan=plan,
    )
    return Status(201, inspection)


@router.get("/inspections", response=list[InspectionOut], summary="Đợt kiểm tra trong phạm vi")
def list_inspections(request):
    return list(access.inspections_visible_to(request.user).select_related("agency")[:500])


@router.get("/inspections/{inspection_id}", response=InspectionOut, summary="Một đợt kiểm tra")
def get_inspection(request, inspection_id: int):
    return access.get_inspection_for_user(request.user, inspection_id)


@router.post(
    "/inspections/{inspection_id}/start", response=InspectionOut, summary="Bắt đầu kiểm tra"
)
def start(request, inspection_id: int):
    inspection = access.get_inspection_for_user(request.user, inspection_id, write=True)
    return _run(start_inspection, inspection=inspection, by=request.user)


# --- checklist --------------------------------------------------------------------------------


class ItemOut(Schema):
    id: int
    target_id: int
    rule: str
    title: str
    citation: str
    status: str
    notes: str
    interviewed: str
    persons_responsible: str
    heads_responsible: str
    measures: str
    evidence: list[str]

    @staticmethod
    def resolve_evidence(obj: ChecklistItem) -> list[str]:
        return [e.title for e in obj.evidence.all()]


class ItemIn(Schema):
    status: str
    notes: str = ""
    interviewed: str = ""
    persons_responsible: str = ""
    heads_responsible: str = ""
    measures: str = ""


def _item(request, inspection_id: int, item_id: int, *, write: bool = False) -> ChecklistItem:
    inspection = access.get_inspection_for_user(request.user, inspection_id, write=write)
    item = (
        ChecklistItem.objects.select_related("target__inspection")
        .filter(pk=item_id, target__inspection=inspection)
        .first()
    )
    if item is None:
        raise Http404
    return item


@router.get("/inspections/{inspection_id}/checklist", response=list[ItemOut], summary="Bảng kiểm")
def checklist(request, inspection_id: int):
    inspection = access.get_inspection_for_user(request.user, inspection_id)
    return list(
        ChecklistItem.objects.filter(target__inspection=inspection).prefetch_related("evidence")
    )


@router.patch(
    "/inspections/{inspection_id}/checklist/{item_id}",
    response=ItemOut,
    summary="Ghi kết quả một mục",
)
def check_item(request, inspection_id: int, item_id: int, payload: ItemIn):
    item = _item(request, inspection_id, item_id, write=True)
    return _run(record_check, item=item, by=request.user, **payload.dict())


@router.post(
    "/inspections/{inspection_id}/checklist/{item_id}/evidence",
    response={201: ItemOut},
    summary="Thêm ảnh, tài liệu chứng cứ",
)
def post_evidence(
    request,
    inspection_id: int,
    item_id: int,
    file: File[UploadedFile],
    title: Form[str] = "",
):
    item = _item(request, inspection_id, item_id, write=True)
    _run(add_evidence, item=item, by=request.user, title=title, upload=file)
    return Status(201, item)


# --- conclusion, sanctions, corrective actions, suspension --------------------------------------


class ConclusionIn(Schema):
    number: str
    concluded_on: date
    subject: str
    body: str
    recipients: str
    signer_name: str
    signer_title: str


@router.post("/inspections/{inspection_id}/conclusion", response=InspectionOut, summary="Kết luận")
def conclude(request, inspection_id: int, payload: ConclusionIn):
    inspection = access.get_inspection_for_user(request.user, inspection_id, write=True)
    return _run(conclude_inspection, inspection=inspection, by=request.user, **payload.dict())


def _target(inspection: Inspection, target_id: int) -> InspectionTarget:
    target = InspectionTarget.objects.filter(pk=target_id, inspection=inspection).first()
    if target is None:
        raise HttpError(422, "target_id: đối tượng không thuộc đợt kiểm tra này.")
    return target


def _checklist_item(target: InspectionTarget, item_id: int | None) -> ChecklistItem | None:
    if item_id is None:
        return None
    item = ChecklistItem.objects.filter(pk=item_id, target=target).first()
    if item is None:
        raise HttpError(422, "item_id: mục kiểm tra không thuộc đối tượng này.")
    return item


class SanctionIn(Schema):
    target_id: int
    kind: str
    subject_kind: str
    subject_name: str
    legal_basis: str
    decision_number: str
    decided_on: date
    effective_from: date | None = None
    subject_position: str = ""
    amount: int | None = None
    item_id: int | None = None


class SanctionOut(Schema):
    id: int
    target_id: int
    kind: str
    subject_kind: str
    subject_name: str
    subject_position: str
    legal_basis: str
    amount: int | None
    decision_number: str
    decided_on: date
    effective_from: date


@router.get(
    "/inspections/{inspection_id}/sanctions", response=list[SanctionOut], summary="Xử lý vi phạm"
)
def sanctions(request, inspection_id: int):
    inspection = access.get_inspection_for_user(request.user, inspection_id)
    return list(Sanction.objects.filter(inspection=inspection))


@router.post(
    "/inspections/{inspection_id}/sanctions",
    response={201: SanctionOut},
    summary="Ghi nhận xử lý vi phạm",
)
def post_sanction(request, inspection_id: int, payload: SanctionIn):
    inspection = access.get_inspection_for_user(request.user, inspection_id, write=True)
    data = payload.dict()
    target = _target(inspection, data.pop("target_id"))
    item = _checklist_item(target, data.pop("item_id"))
    sanction = _run(
        record_sanction, inspection=inspection, target=target, item=item, by=request.user, **data
    )
    return Status(201, sanction)


class ActionIn(Schema):
    target_id: int
    description: str
    owner_id: int
    deadline: date
    item_id: int | None = None


class ActionOut(Schema):
    id: int
    inspection_id: int
    target_id: int
    description: str
    owner_id: int
    deadline: date
    status: str
    completion_note: str
    completed_at: datetime | None
    verified_at: datetime | None


@router.get(
    "/inspections/{inspection_id}/corrective-actions",
    response=list[ActionOut],
    summary="Biện pháp khắc phục",
)
def corrective_actions(request, inspection_id: int):
    inspection = access.get_inspection_for_user(request.user, inspection_id)
    return list(CorrectiveAction.objects.filter(inspection=inspection))


@router.post(
    "/inspections/{inspection_id}/corrective-actions",
    response={201: ActionOut},
    summary="Yêu cầu khắc phục",
)
def post_corrective_action(request, inspection_id: int, payload: ActionIn):
    inspection = access.get_inspection_for_user(request.user, inspection_id, write=True)
    target = _target(inspection, payload.target_id)
    owner = User.objects.filter(pk=payload.owner_id, is_active=True).first()
    if owner is None:
        raise HttpError(422, "owner_id: không có người dùng này.")
    action = _run(
        add_corrective_action,
        inspection=inspection,
        target=target,
        item=_checklist_item(target, payload.item_id),
        by=request.user,
        description=payload.description,
        owner=owner,
        deadline=payload.deadline,
    )
    return Status(201, action)


def _action(request, action_id: int) -> CorrectiveAction:
    action = (
        CorrectiveAction.objects.select_related("inspection")
        .filter(pk=action_id)
        .filter(inspection__in=access.inspections_visible_to(request.user).values("pk"))
        .first()
    )
    if action is None:
        raise Http404
    return action


class CompleteIn(Schema):
    note: str


class VerifyIn(Schema):
    accepted: bool
    note: str = ""


@router.post(
    "/corrective-actions/{action_id}/complete",
    response=ActionOut,
    summary="Báo cáo đã khắc phục",
)
def complete(request, action_id: int, payload: CompleteIn):
    action = _action(request, action_id)
    return _run(complete_corrective_action, action=action, by=request.user, note=payload.note)


@router.post(
    "/corrective-actions/{action_id}/verify", response=ActionOut, summary="Xác minh khắc phục"
)
def verify(request, action_id: int, payload: VerifyIn):
    action = _action(request, action_id)
    return _run(
        verify_corrective_action,
        action=action,
        by=request.user,
        accepted=payload.accepted,
        note=payload.note,
    )


class SuspendIn(Schema):
    program_id: int
    reason: str


class SuspensionOut(Schema):
    id: int
    inspection_id: int
    program_id: int
    reason: str
    suspended_at: datetime
    lifted_at: datetime | None


@router.post(
    "/inspections/{inspection_id}/suspensions",
    response={201: SuspensionOut},
    summary="Tạm dừng một chương trình của đối tượng kiểm tra",
)
def suspend(request, inspection_id: int, payload: SuspendIn):
    inspection = access.get_inspection_for_user(request.user, inspection_id, write=True)
    program = access.get_program_for_user(request.user, payload.program_id)
    suspension = _run(
        suspend_program_for_inspection,
        inspection=inspection,
        program=program,
        by=request.user,
        reason=payload.reason,
    )
    return Status(201, suspension)


# --- public -----------------------------------------------------------------------------------


class PublicFinding(Schema):
    rule: str
    title: str
    citation: str


class PublicTarget(Schema):
    name: str
    findings: list[PublicFinding]


class PublicResult(Schema):
    id: int
    title: str
    agency: str
    kind: str
    conclusion_number: str
    conclusion_date: date | None
    targets: list[PublicTarget]
    sanctions: list[str]
    corrective_actions: list[str]


def public_result(inspection: Inspection) -> dict:
    """What the public sees of a concluded inspection: targets, breaches with their rule,
    sanctions by kind (organisations named, persons not), corrections with deadlines."""
    return {
        "id": inspection.pk,
        "title": inspection.title,
        "agency": inspection.agency.name,
        "kind": inspection.kind,
        "conclusion_number": inspection.conclusion_number,
        "conclusion_date": inspection.conclusion_date,
        "targets": [
            {
                "name": str(t.subject),
                "findings": [
                    {"rule": i.rule, "title": i.title, "citation": i.citation}
                    for i in t.checklist.all()
                    if i.status == ChecklistItem.Status.BREACH
                ],
            }
            for t in inspection.targets.all()
        ],
        "sanctions": [
            f"{s.get_kind_display()}: "
            + (
                s.subject_name
                if s.subject_kind == Sanction.SubjectKind.ORGANISATION
                else (s.subject_position or s.get_subject_kind_display())
            )
            for s in inspection.sanctions.all()
        ],
        "corrective_actions": [
            f"{a.description} ({a.deadline:%d/%m/%Y}, {a.get_status_display()})"
            for a in inspection.corrective_actions.all()
        ],
    }


@public_router.get(
    "/inspections",
    response=list[PublicResult],
    auth=None,
    summary="Kết quả kiểm tra đã kết luận (không có dữ liệu cá nhân của học sinh)",
)
def public_results(request):
    return [public_result(i) for i in selectors.published_results()[:200]]


class SuspendedOut(Schema):
    program_id: int
    title: str
    provider: str
    reason: str


@public_router.get(
    "/suspensions",
    response=list[SuspendedOut],
    auth=None,
    summary="Chương trình đang bị tạm dừng",
)
def public_suspensions(request):
    return [
        {
            "program_id": p.pk,
            "title": p.title,
            "provider": str(p.institution or p.facility),
            "reason": p.status_reason,
        }
        for p in selectors.suspended_programs()[:500]
    ]
