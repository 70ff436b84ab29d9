"""Consent and enrolment endpoints: a guardian's decisions for their own children, the
school's paper applications, rosters, and the public check of a receipt."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from oversight.accounts.access import (
    get_program_for_user,
    get_student_for_user,
    guardian_children,
)
from oversight.api.api import api, error
from oversight.audit.services import record_event
from oversight.enrollment import selectors
from oversight.enrollment.models import ConsentEntry, Enrollment
from oversight.enrollment.receipts import check_receipt
from oversight.enrollment.services import (
    EnrollmentError,
    can_read_roster,
    can_see_declines,
    record_consent,
)
from oversight.registry.models import Guardian

router = Router(tags=["enrollment"])
public_router = Router(tags=["public"])


@api.exception_handler(EnrollmentError)
def _refused(request, exc: EnrollmentError):
    return error(request, exc.status, exc.code, exc.message)


class ConsentIn(Schema):
    student_id: int
    decision: Literal["granted", "declined", "withdrawn"]
    channel: Literal["portal", "paper", "staff"] = "portal"
    child_confirmed: bool | None = None
    guardian_id: int | None = None


class ConsentOut(Schema):
    id: int
    receipt_code: str
    student_id: int
    program_id: int
    decision: str
    channel: str
    staff_entered: bool
    relation: str
    child_confirmed: bool | None
    disclosure_version: int | None
    created_at: datetime
    receipt_url: str

    @staticmethod
    def resolve_disclosure_version(obj: ConsentEntry) -> int | None:
        return obj.disclosure.number if obj.disclosure_id else None

    @staticmethod
    def resolve_receipt_url(obj: ConsentEntry) -> str:
        return reverse("portal:receipt", args=[obj.receipt_code])


class ChildOut(Schema):
    id: int
    name: str
    institution_id: int
    institution: str
    grade: int | None
    class_name: str | None


class EnrollmentOut(Schema):
    student_id: int
    name: str
    status: str
    since: datetime
    receipt_code: str
    staff_entered: bool
    needs_reconfirmation: bool


class DeclineOut(Schema):
    student_id: int
    name: str
    decision: str
    at: datetime


class RosterOut(Schema):
    program_id: int
    capacity: int
    active: int
    waitlisted: int
    items: list[EnrollmentOut]
    declined: list[DeclineOut] | None = None


@router.post(
    "/programs/{program_id}/consents",
    response={201: ConsentOut},
    summary="Ghi nhận quyết định của gia đình (đồng ý, không tham gia, rút)",
)
def post_consent(request, program_id: int, payload: ConsentIn):
    user = request.user
    program = get_program_for_user(user, program_id)
    if payload.channel == "portal":
        student = guardian_children(user).filter(pk=payload.student_id).first()
        if student is None:
            raise Http404
    else:
        student = get_student_for_user(user, payload.student_id)
    guardian = None
    if payload.guardian_id is not None:
        guardian = Guardian.objects.filter(pk=payload.guardian_id).first()
        if guardian is None:
            raise HttpError(422, "guardian_id: không có cha mẹ/người giám hộ này.")
    entry = record_consent(
        program=program,
        student=student,
        decision=payload.decision,
        by=user,
        channel=payload.channel,
        child_confirmed=payload.child_confirmed,
        guardian=guardian,
    )
    return Status(201, ConsentEntry.objects.select_related("disclosure").get(pk=entry.pk))


@router.get("/me/children", response=list[ChildOut], summary="Con của tôi (phụ huynh)")
def my_children(request):
    out = []
    for s in guardian_children(request.user).select_related("institution").order_by("sort_key"):
        membership = (
            s.memberships.select_related("homeroom_class")
            .order_by("-school_year__starts_on")
            .first()
        )
        out.append(
            {
                "id": s.pk,
                "name": s.full_name,
                "institution_id": s.institution_id,
                "institution": s.institution.name,
                "grade": membership.homeroom_class.grade if membership else None,
                "class_name": membership.homeroom_class.name if membership else None,
            }
        )
    return out


@router.get(
    "/students/{student_id}/consents",
    response=list[ConsentOut],
    summary="Mọi quyết định về một học sinh",
)
def student_consents(request, student_id: int):
    student = get_student_for_user(request.user, student_id)
    record_event(actor=request.user, action="student.consents_viewed", target=student)
    return list(selectors.decisions_for_student(student))


@router.get(
    "/programs/{program_id}/enrollments",
    response=RosterOut,
    summary="Danh sách học của chương trình",
)
def program_enrollments(request, program_id: int):
    user = request.user
    program = get_program_for_user(user, program_id)
    if not can_read_roster(user, program):
        raise PermissionDenied
    live = list(
        Enrollment.objects.current()
        .filter(program=program)
        .select_related("student", "grant")
        .order_by("status", "student__sort_key")
    )
    stale = {e.pk for e in selectors.awaiting_reconfirmation(program)}
    items = [
        {
            "student_id": e.student_id,
            "name": e.student.full_name,
            "status": e.status,
            "since": e.started_at,
            "receipt_code": e.grant.receipt_code,
            "staff_entered": e.grant.staff_entered,
            "needs_reconfirmation": e.pk in stale,
        }
        for e in live
    ]
    declined = None
    if can_see_declines(user, program):
        declined = [
            {
                "student_id": d.student_id,
                "name": d.student.full_name,
                "decision": d.decision,
                "at": d.created_at,
            }
            for d in selectors.declines(program)
        ]
    record_event(actor=user, action="program.roster_viewed", target=program)
    return {
        "program_id": program.pk,
        "capacity": program.capacity,
        "active": sum(1 for e in live if e.status == Enrollment.Status.ACTIVE),
        "waitlisted": sum(1 for e in live if e.status == Enrollment.Status.WAITLISTED),
        "items": items,
        "declined": declined,
    }


class ReceiptOut(Schema):
    valid: bool
    code: str
    decision: str | None = None
    decision_label: str | None = None
    program_id: int | None = None
    program: str | None = None
    institution: str | None = None
    decided_at: datetime | None = None
    disclosure_version: int | None = None
    staff_entered: bool | None = None
    still_current: bool | None = None


@public_router.get(
    "/receipts/{code}",
    response=ReceiptOut,
    auth=None,
    summary="Kiểm tra một biên nhận (không cần đăng nhập, không có dữ liệu cá nhân)",
)
def public_receipt(request, code: str):
    return check_receipt(code)
