"""Facilities, partners, teachers' Form 03 reports and official timetables."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from oversight.accounts.access import (
    get_institution_for_user,
    get_program_for_user,
    teacher_reports_visible_to,
)
from oversight.api.programs import SlotOut, _input_error, _subject
from oversight.api.registry import Paging
from oversight.programs.models import Facility, OfficialTimetableSlot, Partner
from oversight.programs.services import (
    ProgramInputError,
    TransitionNotAllowed,
    acknowledge_report,
    create_facility,
    create_partner,
    report_outside_teaching,
    set_contract,
    set_official_timetable,
)
from oversight.registry.models import SchoolYear, Unit
from oversight.registry.selectors import current_school_year

router = Router(tags=["programs"])


class FacilityIn(Schema):
    name: str
    unit_id: int
    address: str
    representative: str
    registration_number: str = ""
    business_kind: Literal["household", "enterprise", "other"] = "household"
    phone: str = ""


class FacilityOut(Schema):
    id: int
    name: str
    unit_id: int
    address: str
    representative: str
    registration_number: str
    business_kind: str


class FacilityList(Schema):
    items: list[FacilityOut]
    count: int


@router.post("/facilities", response={201: FacilityOut}, summary="Ghi nhận cơ sở dạy thêm")
def new_facility(request, payload: FacilityIn):
    unit = Unit.objects.filter(pk=payload.unit_id).first()
    try:
        facility = create_facility(by=request.user, unit=unit, **payload.dict(exclude={"unit_id"}))
    except ProgramInputError as e:
        raise _input_error(e) from e
    return Status(201, facility)


@router.get("/facilities", response=FacilityList, summary="Cơ sở dạy thêm")
def list_facilities(request, filters: Query[Paging], q: str | None = None):
    """Facilities are public businesses; anyone signed in may look them up."""
    qs = Facility.objects.search(q).order_by("name", "id")
    start = (filters.page - 1) * filters.page_size
    return {"items": list(qs[start : start + filters.page_size]), "count": qs.count()}


class PartnerIn(Schema):
    name: str
    licence_number: str = ""
    licence_issuer: str = ""
    address: str = ""
    representative: str = ""


class PartnerOut(PartnerIn):
    id: int


class PartnerList(Schema):
    items: list[PartnerOut]
    count: int


@router.post("/partners", response={201: PartnerOut}, summary="Ghi nhận đối tác liên kết")
def new_partner(request, payload: PartnerIn):
    try:
        return Status(201, create_partner(by=request.user, **payload.dict()))
    except ProgramInputError as e:
        raise _input_error(e) from e


@router.get("/partners", response=PartnerList, summary="Đối tác liên kết")
def list_partners(request, filters: Query[Paging], q: str | None = None):
    qs = Partner.objects.search(q).order_by("name", "id")
    start = (filters.page - 1) * filters.page_size
    return {"items": list(qs[start : start + filters.page_size]), "count": qs.count()}


class ReportIn(Schema):
    subject: str
    facility_id: int | None = None
    facility_name: str = ""
    place: str
    form: Literal["in_person", "online"]
    times: str
    relationship: Literal["none", "employee", "relative", "owner"]
    starts_on: date


class ReportOut(Schema):
    id: int
    teacher: str
    institution_id: int
    subject: str
    facility_name: str
    place: str
    form: str
    times: str
    relationship: str
    starts_on: date
    submitted_at: datetime
    acknowledged_at: datetime | None

    @staticmethod
    def resolve_teacher(obj) -> str:
        return obj.teacher.full_name

    @staticmethod
    def resolve_institution_id(obj) -> int:
        return obj.teacher.institution_id

    @staticmethod
    def resolve_subject(obj) -> str:
        return obj.subject.name


class ReportList(Schema):
    items: list[ReportOut]
    count: int


@router.post(
    "/teacher-reports", response={201: ReportOut}, summary="Báo cáo dạy thêm ngoài (Mẫu 03)"
)
def new_report(request, payload: ReportIn):
    facility = (
        Facility.objects.filter(pk=payload.facility_id).first() if payload.facility_id else None
    )
    try:
        report = report_outside_teaching(
            by=request.user,
            subject=_subject(payload.subject),
            facility=facility,
            **payload.dict(exclude={"subject", "facility_id"}),
        )
    except ProgramInputError as e:
        raise _input_error(e) from e
    return Status(201, report)


@router.get("/teacher-reports", response=ReportList, summary="Báo cáo Mẫu 03 trong phạm vi")
def list_reports(request, filters: Query[Paging]):
    qs = teacher_reports_visible_to(request.user).select_related("teacher", "subject")
    start = (filters.page - 1) * filters.page_size
    return {"items": list(qs[start : start + filters.page_size]), "count": qs.count()}


@router.post(
    "/teacher-reports/{report_id}/acknowledge", response=ReportOut, summary="Hiệu trưởng xác nhận"
)
def acknowledge(request, report_id: int):
    report = get_object_or_404(teacher_reports_visible_to(request.user), pk=report_id)
    try:
        return acknowledge_report(report=report, by=request.user)
    except TransitionNotAllowed as e:
        raise HttpError(409, str(e)) from e


class SlotIn(Schema):
    weekday: int
    start: time
    end: time


class Timetable(Schema):
    school_year: str
    slots: list[SlotOut]


class TimetableIn(Schema):
    school_year: str
    slots: list[SlotIn]


def _year(name: str | None) -> SchoolYear:
    year = SchoolYear.objects.filter(name=name).first() if name else current_school_year()
    if year is None:
        raise HttpError(422, f"Không có năm học {name}.")
    return year


@router.get(
    "/institutions/{institution_id}/timetable",
    response=Timetable,
    summary="Thời khóa biểu chính khóa",
)
def get_timetable(request, institution_id: int, school_year: str | None = None):
    institution = get_institution_for_user(request.user, institution_id)
    year = _year(school_year)
    slots = OfficialTimetableSlot.objects.filter(institution=institution, school_year=year)
    return {"school_year": year.name, "slots": list(slots)}


@router.put(
    "/institutions/{institution_id}/timetable",
    response=Timetable,
    summary="Ghi thời khóa biểu chính khóa",
)
def put_timetable(request, institution_id: int, payload: TimetableIn):
    institution = get_institution_for_user(request.user, institution_id)
    year = _year(payload.school_year)
    try:
        slots = set_official_timetable(
            institution=institution,
            school_year=year,
            by=request.user,
            slots=[s.dict() for s in payload.slots],
        )
    except ProgramInputError as e:
        raise _input_error(e) from e
    return {"school_year": year.name, "slots": slots}


class ContractIn(Schema):
    number: str
    signed_on: date
    valid_from: date
    valid_to: date
    key_terms: str = ""


class ContractOut(ContractIn):
    program_id: int


@router.put("/programs/{program_id}/contract", response=ContractOut, summary="Hợp đồng liên kết")
def put_contract(request, program_id: int, payload: ContractIn):
    program = get_program_for_user(request.user, program_id, write=True)
    try:
        return set_contract(program=program, by=request.user, **payload.dict())
    except ProgramInputError as e:
        raise _input_error(e) from e


class GroupIn(Schema):
    name: str
    grade: int
    teacher_id: int | None = None


class GroupOut(Schema):
    id: int
    name: str
    grade: int
    teacher_id: int | None
    students: int

    @staticmethod
    def resolve_students(obj) -> int:
        return obj.students.count()


@router.post(
    "/programs/{program_id}/groups", response={201: GroupOut}, summary="Thêm nhóm dạy thêm"
)
def new_group(request, program_id: int, payload: GroupIn):
    from oversight.programs.services import add_tutoring_group

    program = get_program_for_user(request.user, program_id, write=True)
    teacher = (
        program.institution.teachers.filter(pk=payload.teacher_id).first()
        if payload.teacher_id
        else None
    )
    if payload.teacher_id and teacher is None:
        raise HttpError(422, "Dữ liệu không hợp lệ: teacher_id: giáo viên không thuộc trường này.")
    try:
        group = add_tutoring_group(
            program=program,
            by=request.user,
            name=payload.name,
            grade=payload.grade,
            teacher=teacher,
        )
    except ProgramInputError as e:
        raise _input_error(e) from e
    return Status(201, group)


class EligibilityIn(Schema):
    student_id: int
    basis: Literal["not_yet_achieved", "gifted", "final_year_review"]


@router.post(
    "/programs/{program_id}/groups/{group_id}/students",
    response=GroupOut,
    summary="Ghi học sinh thuộc diện được học thêm",
)
def add_group_student(request, program_id: int, group_id: int, payload: EligibilityIn):
    from oversight.accounts.access import students_for_user
    from oversight.programs.services import set_student_eligibility

    program = get_program_for_user(request.user, program_id, write=True)
    group = get_object_or_404(program.groups, pk=group_id)
    student = get_object_or_404(
        students_for_user(request.user, program.institution), pk=payload.student_id
    )
    try:
        set_student_eligibility(group=group, student=student, basis=payload.basis, by=request.user)
    except ProgramInputError as e:
        raise _input_error(e) from e
    return group
