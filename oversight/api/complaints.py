"""The complaints endpoints: the public intake and tracking (no account), the handling
agencies' list and steps, and hotspot alerts. No endpoint ever returns the reporter's name or
phone: the identity is revealed only on the handler's page, with a logged reason."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError

from oversight.accounts.access import (
    complaints_visible_to,
    get_complaint_for_user,
    hotspots_visible_to,
)
from oversight.api.api import api, error
from oversight.api.registry import Paging, _page
from oversight.complaints import selectors, services
from oversight.complaints.models import Complaint, Reply
from oversight.registry.models import Institution

router = Router(tags=["complaints"])
public_router = Router(tags=["public"])

CategoryCode = Literal[
    "coerced_to_join",
    "teacher_pressure",
    "fees",
    "teaching_ahead",
    "linkage_in_official_hours",
    "no_alternative",
    "retaliation",
    "other",
]


@api.exception_handler(services.ComplaintError)
def _refused(request, exc: services.ComplaintError):
    return error(request, exc.status, exc.code, exc.message)


# --- public ------------------------------------------------------------------------------------


class ComplaintIn(Schema):
    institution_id: int
    category: CategoryCode
    description: str = Field(..., max_length=5000)
    anonymous: bool
    name: str = Field("", max_length=120)
    phone: str = Field("", max_length=20)
    program_id: int | None = None
    names_principal: bool = False
    # Left empty by people; bots fill every field.
    website: str = ""


class Filed(Schema):
    tracking_code: str
    secret: str


class Step(Schema):
    kind: str
    label: str
    at: datetime


class PublicReply(Schema):
    kind: str
    body: str
    at: datetime


class TrackingOut(Schema):
    tracking_code: str
    institution: str
    category: str
    category_label: str
    status: str
    status_label: str
    held_for_moderation: bool
    received_at: datetime
    due_on: date | None
    rejection_reason: str
    outcome: str
    outcome_label: str
    conclusion: str
    escalated: bool
    linked_to_earlier: bool
    steps: list[Step]
    replies: list[PublicReply]


class InformationIn(Schema):
    body: str = Field(..., max_length=5000)


def _institution(institution_id: int) -> Institution:
    institution = (
        Institution.objects.select_related("unit", "managing_agency")
        .filter(pk=institution_id)
        .first()
    )
    if institution is None:
        raise HttpError(422, "institution_id: không có cơ sở giáo dục này.")
    return institution


@public_router.post(
    "/complaints",
    response={201: Filed},
    auth=None,
    summary="Gửi phản ánh (không cần đăng nhập); trả về mã theo dõi và mã bí mật",
)
def file_complaint(request, payload: ComplaintIn):
    sub = services.submit_complaint(
        institution=_institution(payload.institution_id),
        category=payload.category,
        description=payload.description,
        anonymous=payload.anonymous,
        name=payload.name,
        phone=payload.phone,
        program_id=payload.program_id,
        names_principal=payload.names_principal,
        honeypot=payload.website,
    )
    return Status(201, {"tracking_code": sub.complaint.tracking_code, "secret": sub.secret})


def _tracked(tracking_code: str, secret: str | None) -> Complaint:
    complaint = selectors.complaint_for_reporter(tracking_code, secret or "")
    if complaint is None:
        raise Http404
    return complaint


@public_router.get(
    "/complaints/{tracking_code}",
    response=TrackingOut,
    auth=None,
    summary="Theo dõi phản ánh bằng mã theo dõi và mã bí mật (tiêu đề X-Complaint-Secret)",
)
def track_complaint(
    request, tracking_code: str, x_complaint_secret: str = Header(None, alias="X-Complaint-Secret")
):
    return selectors.public_view(_tracked(tracking_code, x_complaint_secret))


@public_router.post(
    "/complaints/{tracking_code}/information",
    response={201: PublicReply},
    auth=None,
    summary="Người phản ánh bổ sung thông tin",
)
def add_information(
    request,
    tracking_code: str,
    payload: InformationIn,
    x_complaint_secret: str = Header(None, alias="X-Complaint-Secret"),
):
    complaint = _tracked(tracking_code, x_complaint_secret)
    reply = services.add_information(
        complaint=complaint, secret=x_complaint_secret, body=payload.body
    )
    return Status(201, {"kind": reply.kind, "body": reply.body, "at": reply.created_at})


# --- staff -------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class ComplaintOut(Schema):
    """A case as the handling agencies see it: never the reporter's name or phone."""

    id: int
    tracking_code: str
    institution: Ref
    program_id: int | None
    finding_id: int | None
    inspection_id: int | None
    category: str
    description: str
    source: str
    anonymous: bool
    names_principal: bool
    handling_agency: Ref
    handler_id: int | None
    escalated: bool
    escalation_reason: str
    status: str
    held_for_moderation: bool
    rejection_reason: str
    outcome: str
    conclusion: str
    due_on: date | None
    duplicate_of_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_institution(obj: Complaint) -> dict:
        return {"id": obj.institution_id, "name": obj.institution.name}

    @staticmethod
    def resolve_handling_agency(obj: Complaint) -> dict:
        return {"id": obj.handling_agency_id, "name": obj.handling_agency.name}


class ComplaintList(Schema):
    items: list[ComplaintOut]
    count: int


class ReplyOut(Schema):
    id: int
    kind: str
    body: str
    created_at: datetime


class ComplaintDetail(ComplaintOut):
    replies: list[ReplyOut]
    steps: list[Step]

    @staticmethod
    def resolve_replies(obj: Complaint) -> list:
        return list(obj.replies.all())

    @staticmethod
    def resolve_steps(obj: Complaint) -> list:
        return [
            {"kind": e.kind, "label": e.get_kind_display(), "at": e.at}
            for e in obj.events.exclude(kind="identity_viewed")
        ]


class ComplaintFilters(Paging):
    status: str | None = None
    category: str | None = None
    source: str | None = None
    institution: int | None = None
    overdue: bool | None = None
    held: bool | None = None
    mine: bool | None = None
    q: str | None = None


@router.get("/complaints", response=ComplaintList, summary="Phản ánh do tôi xử lý hoặc theo dõi")
def list_complaints(request, filters: Query[ComplaintFilters]):
    params = {k: v for k, v in filters.dict().items() if v is not None}
    qs = selectors.filter_complaints(complaints_visible_to(request.user), params, user=request.user)
    qs = qs.select_related("institution", "handling_agency").order_by("due_on", "-id")
    items, count = _page(qs, filters)
    return {"items": items, "count": count}


@router.get("/complaints/{complaint_id}", response=ComplaintDetail, summary="Một phản ánh")
def get_complaint(request, complaint_id: int):
    return get_complaint_for_user(request.user, complaint_id)


class LogIn(ComplaintIn):
    source: Literal["hotline", "press", "inspection", "other"]


@router.post(
    "/complaints",
    response={201: ComplaintDetail},
    summary="Ghi nhận phản ánh qua đường dây nóng, báo chí, thanh tra",
)
def log_complaint(request, payload: LogIn):
    sub = services.log_complaint(
        by=request.user,
        institution=_institution(payload.institution_id),
        source=payload.source,
        category=payload.category,
        description=payload.description,
        anonymous=payload.anonymous,
        name=payload.name,
        phone=payload.phone,
        program_id=payload.program_id,
        names_principal=payload.names_principal,
    )
    return Status(201, sub.complaint)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


class ConcludeIn(Schema):
    outcome: Literal["substantiated", "partly", "not_substantiated"]
    conclusion: str = Field(..., max_length=5000)


class ReplyIn(Schema):
    body: str = Field(..., max_length=5000)
    public: bool = True


class LinkIn(Schema):
    program_id: int | None


class LinkFindingIn(Schema):
    finding_id: int | None


class LinkInspectionIn(Schema):
    inspection_id: int | None


def _step(request, complaint_id: int, fn, **kw) -> Complaint:
    complaint = get_complaint_for_user(request.user, complaint_id, write=True)
    return fn(complaint=complaint, by=request.user, **kw)


@router.post("/complaints/{complaint_id}/accept", response=ComplaintDetail, summary="Thụ lý")
def accept(request, complaint_id: int):
    return _step(request, complaint_id, services.accept_complaint)


@router.post("/complaints/{complaint_id}/reject", response=ComplaintDetail, summary="Không thụ lý")
def reject(request, complaint_id: int, payload: ReasonIn):
    return _step(request, complaint_id, services.reject_complaint, reason=payload.reason)


@router.post(
    "/complaints/{complaint_id}/release", response=ComplaintDetail, summary="Duyệt nội dung"
)
def release(request, complaint_id: int):
    return _step(request, complaint_id, services.release_from_moderation)


@router.post("/complaints/{complaint_id}/take", response=ComplaintDetail, summary="Nhận xử lý")
def take(request, complaint_id: int):
    return _step(request, complaint_id, services.take_complaint)


@router.post(
    "/complaints/{complaint_id}/verify", response=ComplaintDetail, summary="Bắt đầu xác minh"
)
def verify(request, complaint_id: int):
    return _step(request, complaint_id, services.start_verifying)


@router.post("/complaints/{complaint_id}/conclude", response=ComplaintDetail, summary="Kết luận")
def conclude(request, complaint_id: int, payload: ConcludeIn):
    return _step(
        request,
        complaint_id,
        services.conclude_complaint,
        outcome=payload.outcome,
        conclusion=payload.conclusion,
    )


@router.post("/complaints/{complaint_id}/close", response=ComplaintDetail, summary="Đóng")
def close(request, complaint_id: int):
    return _step(request, complaint_id, services.close_complaint)


@router.post(
    "/complaints/{complaint_id}/escalate", response=ComplaintDetail, summary="Chuyển lên Sở"
)
def escalate(request, complaint_id: int, payload: ReasonIn):
    return _step(request, complaint_id, services.escalate_complaint, reason=payload.reason)


@router.post(
    "/complaints/{complaint_id}/program", response=ComplaintDetail, summary="Liên kết chương trình"
)
def link(request, complaint_id: int, payload: LinkIn):
    return _step(request, complaint_id, services.link_program, program_id=payload.program_id)


@router.post(
    "/complaints/{complaint_id}/finding", response=ComplaintDetail, summary="Liên kết phát hiện"
)
def link_finding(request, complaint_id: int, payload: LinkFindingIn):
    return _step(request, complaint_id, services.link_finding, finding_id=payload.finding_id)


@router.post(
    "/complaints/{complaint_id}/inspection",
    response=ComplaintDetail,
    summary="Liên kết đợt kiểm tra",
)
def link_inspection(request, complaint_id: int, payload: LinkInspectionIn):
    return _step(
        request, complaint_id, services.link_inspection, inspection_id=payload.inspection_id
    )


@router.post(
    "/complaints/{complaint_id}/replies",
    response={201: ReplyOut},
    summary="Trả lời người phản ánh (public) hoặc ghi chú nội bộ",
)
def reply(request, complaint_id: int, payload: ReplyIn):
    complaint = get_complaint_for_user(request.user, complaint_id, write=True)
    r = services.reply_to_complaint(
        complaint=complaint, by=request.user, body=payload.body, public=payload.public
    )
    return Status(201, Reply.objects.get(pk=r.pk))


class HotspotOut(Schema):
    id: int
    scope: str
    institution: Ref | None
    unit: Ref
    state: str
    weight: float
    baseline: float
    city_average: float
    reasons: list[str]
    evidence: list[int]
    raised_at: datetime
    resolved_at: datetime | None

    @staticmethod
    def resolve_institution(obj) -> dict | None:
        return {"id": obj.institution_id, "name": obj.institution.name} if obj.institution else None

    @staticmethod
    def resolve_unit(obj) -> dict:
        return {"id": obj.unit_id, "name": obj.unit.full_name}


class HotspotList(Schema):
    items: list[HotspotOut]
    count: int


class HotspotFilters(Paging):
    state: Literal["watch", "active", "resolved"] | None = None


@router.get("/hotspots", response=HotspotList, summary="Cảnh báo điểm nóng trong địa bàn")
def list_hotspots(request, filters: Query[HotspotFilters]):
    qs = hotspots_visible_to(request.user).select_related("institution", "unit")
    qs = qs.filter(state=filters.state) if filters.state else qs.exclude(state="resolved")
    items, count = _page(qs.order_by("-weight", "-id"), filters)
    return {"items": items, "count": count}
