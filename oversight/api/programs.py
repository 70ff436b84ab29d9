"""Programme endpoints: drafting and the lifecycle (signed in), and the public list (no sign-in)."""

from __future__ import annotations

from datetime import date, time
from typing import Literal

from django.db.models import Q
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from oversight.accounts.access import (
    get_institution_for_user,
    get_program_for_user,
    programs_visible_to,
)
from oversight.api.registry import Paging, Ref
from oversight.lib.text import fold
from oversight.programs.models import Facility, Partner, Program
from oversight.programs.services import (
    ProgramInputError,
    TransitionNotAllowed,
    create_program,
    transition,
    update_program,
)
from oversight.registry.models import SchoolYear, Subject, Unit

router = Router(tags=["programs"])
public_router = Router(tags=["public"])

Kind = Literal["in_school_tutoring", "outside_tutoring", "linkage"]
FeeUnit = Literal["per_session", "per_month", "per_course"]
ProgramStatus = Literal["draft", "submitted", "returned", "approved", "suspended", "closed"]


class Fee(Schema):
    amount: int
    unit: FeeUnit = "per_month"
    legal_basis: str = ""


class SessionIn(Schema):
    weekday: int = Field(..., description="1 = thứ Hai … 7 = Chủ nhật")
    start: time
    end: time
    place: str


class StaffIn(Schema):
    full_name: str
    role: str = ""
    is_foreign: bool = False
    qualification: str = ""


class SubjectHours(Schema):
    subject: str
    grade: int
    hours_per_week: float


class ProgramIn(Schema):
    kind: Kind
    institution_id: int | None = None
    facility_id: int | None = None
    partner_id: int | None = None
    title: str
    subject: str | None = Field(None, description="Tên môn học, ví dụ «Toán»")
    category: str = ""
    grades: list[int]
    capacity: int
    fee: Fee
    starts_on: date
    ends_on: date
    sessions: list[SessionIn]
    staff: list[StaffIn] = []
    description: str = ""
    alternative_activity: str = ""
    delivery_form: Literal["in_person", "online"] = "in_person"
    subject_hours: list[SubjectHours] = Field(
        [], description="Mẫu 02: số giờ mỗi tuần theo môn, khối"
    )
    school_year: str | None = Field(None, description="Ví dụ 2025-2026; mặc định theo starts_on")


class ProgramPatch(Schema):
    title: str | None = None
    subject: str | None = None
    category: str | None = None
    partner_id: int | None = None
    grades: list[int] | None = None
    capacity: int | None = None
    fee: Fee | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    sessions: list[SessionIn] | None = None
    staff: list[StaffIn] | None = None
    description: str | None = None
    alternative_activity: str | None = None
    delivery_form: Literal["in_person", "online"] | None = None
    subject_hours: list[SubjectHours] | None = None


class SlotOut(Schema):
    """A weekly time slot, times as HH:MM."""

    weekday: int
    start: str
    end: str

    @staticmethod
    def resolve_start(obj) -> str:
        return f"{obj.start:%H:%M}"

    @staticmethod
    def resolve_end(obj) -> str:
        return f"{obj.end:%H:%M}"


class SessionOut(SlotOut):
    place: str


class ProgramOut(Schema):
    id: int
    kind: str
    status: str
    status_reason: str
    title: str
    institution: Ref | None
    facility: Ref | None
    partner: Ref | None
    subject: str | None
    category: str
    grades: list[int]
    capacity: int
    fee: Fee
    starts_on: date
    ends_on: date
    school_year: str
    sessions: list[SessionOut]
    staff: list[StaffIn]
    alternative_activity: str
    delivery_form: str
    subject_hours: list[SubjectHours]
    disclosure_version: int | None
    public_url: str | None

    @staticmethod
    def resolve_institution(obj) -> dict | None:
        return (
            {"id": obj.institution.pk, "name": obj.institution.name} if obj.institution_id else None
        )

    @staticmethod
    def resolve_facility(obj) -> dict | None:
        return {"id": obj.facility.pk, "name": obj.facility.name} if obj.facility_id else None

    @staticmethod
    def resolve_partner(obj) -> dict | None:
        return {"id": obj.partner.pk, "name": obj.partner.name} if obj.partner_id else None

    @staticmethod
    def resolve_subject(obj) -> str | None:
        return obj.subject.name if obj.subject_id else None

    @staticmethod
    def resolve_fee(obj) -> dict:
        return {"amount": obj.fee_amount, "unit": obj.fee_unit, "legal_basis": obj.fee_legal_basis}

    @staticmethod
    def resolve_school_year(obj) -> str:
        return obj.school_year.name

    @staticmethod
    def resolve_sessions(obj) -> list:
        return list(obj.sessions.all())

    @staticmethod
    def resolve_staff(obj) -> list:
        return list(obj.staff.all())

    @staticmethod
    def resolve_disclosure_version(obj) -> int | None:
        latest = max((v.number for v in obj.versions.all()), default=None)
        return latest

    @staticmethod
    def resolve_public_url(obj) -> str | None:
        if obj.status not in (Program.Status.APPROVED, Program.Status.SUSPENDED):
            return None
        return reverse("portal:program", args=[obj.pk])


class ProgramList(Schema):
    items: list[ProgramOut]
    count: int


def _subject(name: str | None) -> Subject | None:
    if not name:
        return None
    subject = Subject.objects.filter(search_name=fold(name)).first()
    if subject is None:
        raise ProgramInputError({"subject": f"Không có môn «{name}»."})
    return subject


def _school_year(name: str | None, starts_on: date) -> SchoolYear:
    year = (
        SchoolYear.objects.filter(name=name).first()
        if name
        else SchoolYear.objects.filter(starts_on__lte=starts_on, ends_on__gte=starts_on).first()
    )
    if year is None:
        raise ProgramInputError(
            {"school_year": "Không có năm học chứa ngày bắt đầu; ghi rõ school_year."}
        )
    return year


def _input_error(exc: ProgramInputError) -> HttpError:
    return HttpError(
        422, "Dữ liệu không hợp lệ: " + "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
    )


def _prefetched(qs):
    return qs.select_related(
        "institution", "facility", "partner", "subject", "school_year"
    ).prefetch_related("sessions", "staff", "versions")


@router.post("/programs", response={201: ProgramOut}, summary="Tạo bản nháp chương trình")
def create(request, payload: ProgramIn):
    user = request.user
    institution = (
        get_institution_for_user(user, payload.institution_id)
        if payload.institution_id is not None
        else None
    )
    facility = (
        Facility.objects.filter(pk=payload.facility_id).first() if payload.facility_id else None
    )
    if payload.facility_id and facility is None:
        raise HttpError(404, "Không có cơ sở dạy thêm này.")
    partner = Partner.objects.filter(pk=payload.partner_id).first() if payload.partner_id else None
    if payload.partner_id and partner is None:
        raise HttpError(404, "Không có đối tác này.")
    try:
        program = create_program(
            by=user,
            kind=payload.kind,
            institution=institution,
            facility=facility,
            partner=partner,
            school_year=_school_year(payload.school_year, payload.starts_on),
            title=payload.title,
            subject=_subject(payload.subject),
            category=payload.category,
            grades=payload.grades,
            capacity=payload.capacity,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            fee_amount=payload.fee.amount,
            fee_unit=payload.fee.unit,
            fee_legal_basis=payload.fee.legal_basis,
            description=payload.description,
            alternative_activity=payload.alternative_activity,
            delivery_form=payload.delivery_form,
            subject_hours=[h.dict() for h in payload.subject_hours],
            sessions=[s.dict() for s in payload.sessions],
            staff=[m.dict() for m in payload.staff],
        )
    except ProgramInputError as e:
        raise _input_error(e) from e
    return Status(201, _prefetched(Program.objects.filter(pk=program.pk)).get())


class ProgramFilters(Paging):
    q: str | None = None
    status: ProgramStatus | None = None
    kind: Kind | None = None
    institution: int | None = None


@router.get("/programs", response=ProgramList, summary="Chương trình trong phạm vi")
def list_programs(request, filters: Query[ProgramFilters]):
    qs = programs_visible_to(request.user).search(filters.q)
    for name in ("status", "kind"):
        if getattr(filters, name):
            qs = qs.filter(**{name: getattr(filters, name)})
    if filters.institution is not None:
        qs = qs.filter(institution_id=filters.institution)
    qs = _prefetched(qs.order_by("-starts_on", "id"))
    start = (filters.page - 1) * filters.page_size
    return {"items": list(qs[start : start + filters.page_size]), "count": qs.count()}


@router.get("/programs/{program_id}", response=ProgramOut, summary="Một chương trình")
def get_program(request, program_id: int):
    program = get_program_for_user(request.user, program_id)
    return _prefetched(Program.objects.filter(pk=program.pk)).get()


@router.patch("/programs/{program_id}", response=ProgramOut, summary="Sửa chương trình")
def patch_program(request, program_id: int, payload: ProgramPatch):
    program = get_program_for_user(request.user, program_id, write=True)
    data = payload.dict(exclude_unset=True)
    fields: dict = {}
    for name in (
        "title",
        "category",
        "grades",
        "capacity",
        "starts_on",
        "ends_on",
        "description",
        "alternative_activity",
        "delivery_form",
        "subject_hours",
    ):
        if name in data:
            fields[name] = data[name]
    try:
        if "subject" in data:
            fields["subject"] = _subject(data["subject"])
        if "partner_id" in data:
            fields["partner"] = Partner.objects.filter(pk=data["partner_id"]).first()
        if "fee" in data:
            fields.update(
                fee_amount=data["fee"]["amount"],
                fee_unit=data["fee"]["unit"],
                fee_legal_basis=data["fee"].get("legal_basis", ""),
            )
        update_program(
            program=program,
            by=request.user,
            sessions=data.get("sessions"),
            staff=data.get("staff"),
            **fields,
        )
    except ProgramInputError as e:
        raise _input_error(e) from e
    except TransitionNotAllowed as e:
        raise HttpError(409, str(e)) from e
    return _prefetched(Program.objects.filter(pk=program.pk)).get()


class ReasonIn(Schema):
    reason: str = ""
    override_reason: str = Field("", description="Phê duyệt dù có vi phạm: lý do (≥ 10 ký tự)")


def _transition(request, program_id: int, action: str, payload: ReasonIn | None):
    program = get_program_for_user(request.user, program_id)
    try:
        transition(
            program=program,
            action=action,
            by=request.user,
            reason=payload.reason if payload else "",
            override_reason=payload.override_reason if payload else "",
        )
    except ProgramInputError as e:
        raise _input_error(e) from e
    except TransitionNotAllowed as e:
        raise HttpError(409, str(e)) from e
    return _prefetched(Program.objects.filter(pk=program.pk)).get()


def _make_transition_endpoint(action: str, summary: str) -> None:
    def endpoint(request, program_id: int, payload: ReasonIn | None = None):
        return _transition(request, program_id, action, payload)

    endpoint.__name__ = f"program_{action}"
    router.post(f"/programs/{{program_id}}/{action}", response=ProgramOut, summary=summary)(
        endpoint
    )


for _action, _summary in [
    ("submit", "Gửi duyệt"),
    ("approve", "Phê duyệt"),
    ("return", "Trả lại"),
    ("suspend", "Tạm dừng"),
    ("resume", "Cho tiếp tục"),
    ("close", "Kết thúc"),
]:
    _make_transition_endpoint(_action, _summary)


# --- public ----------------------------------------------------------------------------------


class PublicFilters(Paging):
    q: str | None = None
    institution: int | None = None
    unit: int | None = None
    kind: Kind | None = None
    category: str | None = None


@public_router.get(
    "/programs", response=ProgramList, auth=None, summary="Chương trình đã công khai"
)
def public_programs(request, filters: Query[PublicFilters]):
    """Approved programmes only; no personal data of students anywhere."""
    qs = Program.objects.filter(status=Program.Status.APPROVED).search(filters.q)
    if filters.institution is not None:
        qs = qs.filter(institution_id=filters.institution)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.unit is not None:
        unit = Unit.objects.filter(pk=filters.unit).first()
        qs = (
            qs.filter(
                Q(institution__unit__path__startswith=unit.path)
                | Q(facility__unit__path__startswith=unit.path)
            )
            if unit
            else qs.none()
        )
    qs = _prefetched(qs.order_by("sort_key", "id"))
    start = (filters.page - 1) * filters.page_size
    return {"items": list(qs[start : start + filters.page_size]), "count": qs.count()}


@public_router.get(
    "/programs/{program_id}",
    response=ProgramOut,
    auth=None,
    summary="Một chương trình đã công khai",
)
def public_program(request, program_id: int):
    program = _prefetched(Program.objects.published().filter(pk=program_id)).first()
    if program is None:
        raise HttpError(404, "Không có chương trình công khai này.")
    return program
