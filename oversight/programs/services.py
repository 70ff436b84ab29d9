"""Writes to programmes: drafting, the lifecycle, and disclosure versions.

Input that is malformed (overlapping sessions, end before start, a grade the school does not
teach...) is refused with a message naming the field. What is well-formed but unlawful (a
paid in-school class, academic tutoring for primary pupils) is accepted as a draft: judging
it is the compliance engine's work, which cites the rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight.accounts import access
from oversight.audit.services import record_event
from oversight.compliance.hooks import facts_changed
from oversight.lib.public_cache import bump_public_generation
from oversight.lib.text import fold, nfc, vi_sort_key
from oversight.notifications.notifier import notify
from oversight.programs.models import (
    ApprovalRoute,
    Attachment,
    Contract,
    DisclosureVersion,
    EligibleStudent,
    Facility,
    OfficialTimetableSlot,
    Partner,
    Program,
    Session,
    StaffMember,
    TeacherReport,
    TutoringGroup,
    UpwardReport,
)
from oversight.registry.models import ClassMembership, Institution, SchoolYear, Subject, Teacher

MAX_FEE = 50_000_000  # VND for one unit; above this is a typing error, not a fee
MAX_CAPACITY = 2000
# Form 02's hours for one subject in one grade; above this is a typing error, not a timetable.
MAX_HOURS_PER_WEEK = 20
# Fields whose change on a published programme makes a new disclosure version.
DISCLOSED = (
    "delivery_form",
    "title",
    "description",
    "fee_amount",
    "fee_unit",
    "fee_legal_basis",
    "grades",
    "capacity",
    "starts_on",
    "ends_on",
    "partner",
    "subject",
    "category",
    "alternative_activity",
    "subject_hours",
)
EDITABLE = (*DISCLOSED, "institution", "facility", "school_year")


class ProgramError(Exception):
    """A rule forbids this change; the message is safe to show to the user."""


class ProgramInputError(ProgramError):
    """Malformed input: `errors` maps each field to a Vietnamese message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class TransitionNotAllowed(ProgramError):
    """The programme's status does not allow this step (HTTP 409)."""


@dataclass(frozen=True)
class SessionData:
    weekday: int
    start: time
    end: time
    place: str


def _check(program: Program, sessions: list[SessionData], errors: dict[str, str]) -> None:
    kind = program.kind
    if kind not in Program.Kind.values:
        errors["kind"] = _("Loại chương trình không hợp lệ.")
        return
    if kind == Program.Kind.OUTSIDE_TUTORING:
        if program.facility_id is None:
            errors["facility"] = _("Dạy thêm ngoài nhà trường cần ghi rõ cơ sở dạy thêm.")
    elif program.institution_id is None:
        errors["institution"] = _("Cần chọn trường tổ chức chương trình.")
    if kind == Program.Kind.LINKAGE:
        if program.category not in Program.Category.values:
            errors["category"] = _("Chọn một lĩnh vực liên kết.")
        if program.partner_id is None:
            errors["partner"] = _("Chương trình liên kết cần ghi rõ đối tác.")
    elif program.subject_id is None:
        errors["subject"] = _("Cần ghi rõ môn học.")
    if not program.title:
        errors["title"] = _("Cần có tên chương trình.")
    elif len(program.title) > 200:
        errors["title"] = _("Tên chương trình dài quá 200 ký tự.")
    if not 1 <= (program.capacity or 0) <= MAX_CAPACITY:
        errors["capacity"] = _("Sĩ số phải từ 1 đến %(max)s.") % {"max": MAX_CAPACITY}
    if program.fee_amount is None or not 0 <= program.fee_amount <= MAX_FEE:
        errors["fee"] = _("Mức thu phải từ 0 đến %(max)s đồng.") % {
            "max": f"{MAX_FEE:,}".replace(",", ".")
        }
    if program.delivery_form not in Program.DeliveryForm.values:
        errors["delivery_form"] = _("Hình thức phải là trực tiếp hoặc trực tuyến.")
    if program.fee_unit not in Program.FeeUnit.values:
        errors["fee"] = _("Đơn vị thu phải là mỗi buổi, mỗi tháng hoặc cả khóa.")
    _check_grades(program, errors)
    _check_subject_hours(program, errors)
    _check_dates(program, errors)
    _check_sessions(sessions, errors)


def _check_grades(program: Program, errors: dict[str, str]) -> None:
    grades = program.grades
    if not isinstance(grades, list) or not grades or not all(isinstance(g, int) for g in grades):
        errors["grades"] = _("Ghi ít nhất một khối lớp (số từ 0 đến 12).")
        return
    valid = program.institution.grade_range if program.institution is not None else range(0, 13)
    wrong = [g for g in grades if g not in valid]
    if wrong:
        errors["grades"] = _("Trường không dạy khối %(g)s.") % {"g": ", ".join(map(str, wrong))}


def _check_subject_hours(program: Program, errors: dict[str, str]) -> None:
    """Form 02's hours per subject per grade. When well-formed, the list is rewritten in one
    canonical form (the registry's subject name, hours as a number, sorted), so the same facts
    typed in another order make no new disclosure version."""
    raw = program.subject_hours
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        errors["subject_hours"] = _("Số giờ theo môn, khối phải là một danh sách.")
        return
    grades = program.grades if isinstance(program.grades, list) else []
    clean: dict[tuple[int, str], dict] = {}
    for n, item in enumerate(raw, start=1):
        problem = _subject_hours_problem(item, grades)
        if problem is None:
            subject = Subject.objects.filter(search_name=fold(nfc(item["subject"]))).first()
            if subject is None:
                problem = _("không có môn «%(s)s».") % {"s": nfc(item["subject"])}
            elif (item["grade"], subject.name) in clean:
                problem = _("môn %(s)s khối %(g)s đã ghi ở dòng trên.") % {
                    "s": subject.name,
                    "g": item["grade"],
                }
            else:
                clean[(item["grade"], subject.name)] = {
                    "subject": subject.name,
                    "grade": item["grade"],
                    "hours_per_week": round(float(item["hours_per_week"]), 2),
                }
        if problem is not None:
            errors["subject_hours"] = _("Số giờ theo môn, khối – dòng %(n)s: %(p)s") % {
                "n": n,
                "p": problem,
            }
            return
    program.subject_hours = [
        clean[k] for k in sorted(clean, key=lambda k: (k[0], vi_sort_key(k[1])))
    ]


def _subject_hours_problem(item: Any, grades: list) -> str | None:
    if not isinstance(item, dict) or set(item) != {"subject", "grade", "hours_per_week"}:
        return _("cần ghi đủ môn, khối và số giờ mỗi tuần.")
    if not isinstance(item["subject"], str) or not nfc(item["subject"]):
        return _("cần ghi tên môn.")
    grade, hours = item["grade"], item["hours_per_week"]
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in grades:
        return _("khối %(g)s không có trong các khối của chương trình (%(all)s).") % {
            "g": grade,
            "all": ", ".join(map(str, grades)),
        }
    if (
        isinstance(hours, bool)
        or not isinstance(hours, int | float)
        or not math.isfinite(hours)
        or not 0 < hours <= MAX_HOURS_PER_WEEK
    ):
        return _("số giờ mỗi tuần phải lớn hơn 0 và không quá %(max)s.") % {
            "max": MAX_HOURS_PER_WEEK
        }
    return None


def _check_dates(program: Program, errors: dict[str, str]) -> None:
    if not program.starts_on or not program.ends_on:
        errors["starts_on"] = _("Cần ngày bắt đầu và ngày kết thúc.")
        return
    if program.ends_on < program.starts_on:
        errors["ends_on"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    year = program.school_year
    if year and not (year.starts_on <= program.starts_on and program.ends_on <= year.ends_on):
        errors["starts_on"] = _("Thời gian phải nằm trong năm học %(y)s (%(a)s – %(b)s).") % {
            "y": year.name,
            "a": f"{year.starts_on:%d/%m/%Y}",
            "b": f"{year.ends_on:%d/%m/%Y}",
        }


def _check_sessions(sessions: list[SessionData], errors: dict[str, str]) -> None:
    if not sessions:
        errors["sessions"] = _("Cần ít nhất một buổi học trong tuần.")
        return
    for n, s in enumerate(sessions, start=1):
        if not 1 <= s.weekday <= 7:
            errors["sessions"] = _(
                "Buổi %(n)s: thứ trong tuần phải từ 1 (thứ Hai) đến 7 (Chủ nhật)."
            ) % {"n": n}
            return
        if s.end <= s.start:
            errors["sessions"] = _("Buổi %(n)s: giờ kết thúc phải sau giờ bắt đầu.") % {"n": n}
            return
        if not nfc(s.place):
            errors["sessions"] = _("Buổi %(n)s: cần ghi địa điểm.") % {"n": n}
            return
    ordered = sorted(sessions, key=lambda s: (s.weekday, s.start))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.weekday == b.weekday and b.start < a.end:
            errors["sessions"] = _("Các buổi học trùng giờ nhau (thứ %(d)s, %(a)s và %(b)s).") % {
                "d": a.weekday + 1 if a.weekday < 7 else "CN",
                "a": f"{a.start:%H:%M}",
                "b": f"{b.start:%H:%M}",
            }
            return


def _replace_children(
    program: Program, sessions: list[SessionData] | None, staff: list[dict] | None
) -> None:
    if sessions is not None:
        program.sessions.all().delete()
        Session.objects.bulk_create(
            [
                Session(
                    program=program, weekday=s.weekday, start=s.start, end=s.end, place=nfc(s.place)
                )
                for s in sessions
            ]
        )
    if staff is not None:
        program.staff.all().delete()
        StaffMember.objects.bulk_create(
            [
                StaffMember(
                    program=program,
                    full_name=nfc(m["full_name"]),
                    role=nfc(m.get("role", "")),
                    is_foreign=bool(m.get("is_foreign")),
                    qualification=nfc(m.get("qualification", "")),
                )
                for m in staff
                if nfc(m.get("full_name", ""))
            ]
        )


def disclosure_data(program: Program) -> dict:
    """The facts a family is shown, as they stand now."""
    data = {
        "title": program.title,
        "kind": program.kind,
        "description": program.description,
        "institution": program.institution.name if program.institution is not None else None,
        "facility": program.facility.name if program.facility is not None else None,
        "partner": program.partner.name if program.partner is not None else None,
        "subject": program.subject.name if program.subject is not None else None,
        "category": program.category,
        "grades": sorted(program.grades),
        "capacity": program.capacity,
        "starts_on": program.starts_on.isoformat(),
        "ends_on": program.ends_on.isoformat(),
        "fee": {
            "amount": program.fee_amount,
            "unit": program.fee_unit,
            "legal_basis": program.fee_legal_basis,
        },
        "sessions": [
            {
                "weekday": s.weekday,
                "start": f"{s.start:%H:%M}",
                "end": f"{s.end:%H:%M}",
                "place": s.place,
            }
            for s in program.sessions.all()
        ],
        "staff": [
            {"full_name": m.full_name, "role": m.role, "is_foreign": m.is_foreign}
            for m in program.staff.all()
        ],
        "alternative_activity": program.alternative_activity,
        "delivery_form": program.delivery_form,
    }
    if program.subject_hours:
        # Only when recorded: versions frozen before Form 02's hours existed still equal the
        # facts of an unchanged programme, so its families are not asked to confirm again.
        data["subject_hours"] = [dict(h) for h in program.subject_hours]
    return data


def _new_version_if_changed(program: Program, by: Any) -> DisclosureVersion | None:
    data = disclosure_data(program)
    latest = program.versions.order_by("-number").first()
    if latest is not None and latest.data == data:
        return None
    version = DisclosureVersion.objects.create(
        program=program, number=(latest.number + 1) if latest else 1, data=data, created_by=by
    )
    record_event(
        actor=by, action="program.disclosed", target=program, data={"version": version.number}
    )
    if latest is not None:
        # Families with a place agreed to the previous facts: ask them to confirm again.
        from oversight.enrollment.services import ask_to_reconfirm

        ask_to_reconfirm(program=program, version=version)
    return version


def _sessions(raw: list[dict] | None) -> list[SessionData] | None:
    if raw is None:
        return None
    return [SessionData(int(s["weekday"]), s["start"], s["end"], s.get("place", "")) for s in raw]


@transaction.atomic
def create_program(
    *,
    by: Any,
    kind: str,
    school_year: SchoolYear,
    title: str,
    grades: list[int],
    capacity: int,
    starts_on: date,
    ends_on: date,
    sessions: list[dict],
    institution: Institution | None = None,
    facility: Facility | None = None,
    partner: Partner | None = None,
    subject: Subject | None = None,
    category: str = "",
    fee_amount: int = 0,
    fee_unit: str = "per_month",
    fee_legal_basis: str = "",
    description: str = "",
    alternative_activity: str = "",
    staff: list[dict] | None = None,
    delivery_form: str = "in_person",
    subject_hours: list[dict] | None = None,
) -> Program:
    """Record a draft programme; nothing is written if any field is malformed."""
    program = Program(
        kind=kind,
        institution=institution,
        facility=facility,
        partner=partner,
        school_year=school_year,
        title=nfc(title),
        description=nfc(description),
        subject=subject,
        category=category,
        grades=grades,
        capacity=capacity,
        starts_on=starts_on,
        ends_on=ends_on,
        fee_amount=fee_amount,
        fee_unit=fee_unit,
        fee_legal_basis=nfc(fee_legal_basis),
        alternative_activity=nfc(alternative_activity),
        delivery_form=delivery_form,
        subject_hours=subject_hours or [],
        created_by=by,
    )
    session_data = _sessions(sessions) or []
    errors: dict[str, str] = {}
    _check(program, session_data, errors)
    if errors:
        raise ProgramInputError(errors)
    if by is not None and not access.can_edit_program(by, program):
        raise PermissionDenied
    program.set_derived()
    program.save()
    _replace_children(program, session_data, staff or [])
    record_event(actor=by, action="program.created", target=program, data={"kind": kind})
    return program


@transaction.atomic
def update_program(
    *,
    program: Program,
    by: Any,
    sessions: list[dict] | None = None,
    staff: list[dict] | None = None,
    **fields: Any,
) -> Program:
    """Change a programme. A published one stays published and gets a new disclosure version
    when what families were shown changes."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if by is not None and not access.can_edit_program(by, program):
        raise PermissionDenied
    if program.status == Program.Status.CLOSED:
        raise TransitionNotAllowed(_("Chương trình đã kết thúc, không sửa được."))
    if program.status == Program.Status.SUBMITTED:
        raise TransitionNotAllowed(_("Chương trình đang chờ phê duyệt; hãy đợi kết quả rồi sửa."))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ProgramInputError({k: _("Không sửa được trường này.") for k in unknown})
    for name, value in fields.items():
        setattr(program, name, nfc(value) if isinstance(value, str) else value)
    session_data = _sessions(sessions)
    current = (
        session_data
        if session_data is not None
        else [SessionData(s.weekday, s.start, s.end, s.place) for s in program.sessions.all()]
    )
    errors: dict[str, str] = {}
    _check(program, current, errors)
    if errors:
        raise ProgramInputError(errors)
    program.set_derived()
    program.save()
    _replace_children(program, session_data, staff)
    record_event(
        actor=by,
        action="program.updated",
        target=program,
        data={
            "fields": sorted(fields)
            + (["sessions"] if sessions is not None else [])
            + (["staff"] if staff is not None else [])
        },
    )
    if program.status in (Program.Status.APPROVED, Program.Status.SUSPENDED):
        _new_version_if_changed(program, by)
        bump_public_generation()
    facts_changed(program=program)
    return program


def approver_of(program: Program) -> str:
    route = ApprovalRoute.objects.filter(kind=program.kind).first()
    return route.approver if route else ApprovalRoute.Approver.MANAGING_AUTHORITY


# The lifecycle: action -> (statuses it starts from, status it leads to, reason required).
TRANSITIONS = {
    "submit": ({Program.Status.DRAFT, Program.Status.RETURNED}, Program.Status.SUBMITTED, False),
    "approve": ({Program.Status.SUBMITTED}, Program.Status.APPROVED, False),
    "return": ({Program.Status.SUBMITTED}, Program.Status.RETURNED, True),
    "suspend": ({Program.Status.APPROVED}, Program.Status.SUSPENDED, True),
    "resume": ({Program.Status.SUSPENDED}, Program.Status.APPROVED, False),
    "close": (
        {
            Program.Status.DRAFT,
            Program.Status.RETURNED,
            Program.Status.APPROVED,
            Program.Status.SUSPENDED,
        },
        Program.Status.CLOSED,
        True,
    ),
}


def allowed(action: str, by: Any, program: Program) -> bool:
    """Whether `by` may take `action` on `program` (its status aside)."""
    if action == "submit":
        return access.can_edit_program(by, program)
    if action in ("approve", "return"):
        return access.can_approve_program(by, program, approver_of(program))
    if action in ("suspend", "resume"):
        return access.can_suspend_program(by, program)
    # close: the school ends its own programme; authorities end it too.
    return (
        access.can_edit_program(by, program)
        or access.can_suspend_program(by, program)
        or access.can_approve_program(by, program, approver_of(program))
    )


@transaction.atomic
def transition(
    *, program: Program, action: str, by: Any, reason: str = "", override_reason: str = ""
) -> Program:
    """Move a programme along its lifecycle; wrong role → PermissionDenied, wrong state →
    TransitionNotAllowed, missing reason → ProgramInputError. Audited with actor and reason."""
    if action not in TRANSITIONS:
        raise TransitionNotAllowed(_("Thao tác không hợp lệ."))
    # Lock the row: two officers acting at once must not both move it.
    program = (
        Program.objects.select_for_update(of=("self",))
        .select_related(
            "institution__managing_agency__unit",
            "institution__unit",
            "facility__unit",
            "partner",
            "subject",
        )
        .get(pk=program.pk)
    )
    if by is not None and not allowed(action, by, program):
        raise PermissionDenied
    sources, target, needs_reason = TRANSITIONS[action]
    if program.status not in sources:
        raise TransitionNotAllowed(
            _("Không thể %(action)s khi chương trình đang ở trạng thái «%(status)s».")
            % {"action": ACTION_LABELS[action], "status": program.get_status_display()}
        )
    reason = nfc(reason)
    if needs_reason and len(reason) < 5:
        raise ProgramInputError({"reason": _("Cần ghi rõ lý do.")})
    if action == "resume":
        # A suspension ordered by an inspection lifts only once its corrections are verified.
        from oversight.inspections.services import release_suspension_for_resume

        release_suspension_for_resume(program=program, by=by)
    from oversight.compliance.services import gate_transition  # open violations block approval

    gate = gate_transition(program=program, action=action, by=by, override_reason=override_reason)
    old = program.status
    program.status, program.status_reason = target, reason
    program.save(update_fields=["status", "status_reason", "updated_at"])
    bump_public_generation()
    record_event(
        actor=by,
        action=f"program.{action}",
        target=program,
        data={"from": old, "to": target, "reason": reason, **gate},
    )
    if target == Program.Status.APPROVED:
        _new_version_if_changed(program, by)
    if action == "approve" and approver_of(program) == ApprovalRoute.Approver.PRINCIPAL:
        _report_upward(program=program, by=by)
    if target in (Program.Status.SUSPENDED, Program.Status.CLOSED):
        # A suspension or closure ends every place at once (families are told).
        from oversight.enrollment.services import end_enrollments_for_program

        end_enrollments_for_program(program=program, reason=f"program_{target}", by=by)
    return program


ACTION_LABELS = {
    "submit": gettext_lazy("gửi duyệt"),
    "approve": gettext_lazy("phê duyệt"),
    "return": gettext_lazy("trả lại"),
    "suspend": gettext_lazy("tạm dừng"),
    "resume": gettext_lazy("cho tiếp tục"),
    "close": gettext_lazy("kết thúc"),
}


def _report_upward(*, program: Program, by: Any) -> UpwardReport | None:
    """Tell the school's managing authority of a plan its principal approved: the principal
    approves in-school tutoring and reports it upward (RULES.md, "Who manages what")."""
    if program.institution is None:
        return None
    agency = program.institution.managing_agency
    report = UpwardReport.objects.create(program=program, agency=agency, approved_by=by)
    record_event(
        actor=by,
        action="program.reported_upward",
        target=program,
        data={"agency": agency.pk, "agency_name": agency.name},
    )
    notify(
        channel="email",
        to=agency.email,
        template="in_school_plan_reported",
        context={"program": program, "agency": agency},
        about=f"program:{program.pk}",
    )
    return report


@transaction.atomic
def create_facility(
    *,
    by: Any,
    name: str,
    unit: Any,
    address: str,
    representative: str,
    registration_number: str = "",
    business_kind: str = "household",
    phone: str = "",
) -> Facility:
    """Record an outside tutoring facility in a commune (by its commune or the department)."""
    errors = {}
    if not nfc(name):
        errors["name"] = _("Cần tên cơ sở.")
    if not nfc(address):
        errors["address"] = _("Cần địa chỉ.")
    if not nfc(representative):
        errors["representative"] = _("Cần người đại diện.")
    if business_kind not in Facility.BusinessKind.values:
        errors["business_kind"] = _("Loại hình kinh doanh không hợp lệ.")
    if (
        unit is None
        or unit.kind not in ("ward", "commune", "special_zone")
        or not unit.is_current()
    ):
        errors["unit"] = _("Chọn xã, phường hoặc đặc khu hiện hành.")
    if errors:
        raise ProgramInputError(errors)
    roles = access.roles_over_unit(by, unit) if by is not None else set()
    if by is not None and not (
        by.is_superuser or roles & {"commune_officer", *access.DEPARTMENT_ROLES}
    ):
        raise PermissionDenied
    facility = Facility(
        name=name,
        unit=unit,
        address=address,
        representative=representative,
        registration_number=nfc(registration_number),
        business_kind=business_kind,
        phone=nfc(phone),
    )
    facility.set_derived()
    facility.save()
    record_event(actor=by, action="facility.created", target=facility)
    return facility


@transaction.atomic
def create_partner(
    *,
    by: Any,
    name: str,
    licence_number: str = "",
    licence_issuer: str = "",
    address: str = "",
    representative: str = "",
) -> Partner:
    """Record a linkage partner (schools and authorities record the partners they work with)."""
    if not nfc(name):
        raise ProgramInputError({"name": _("Cần tên đối tác.")})
    if by is not None and not (
        by.is_superuser
        or access.roles_of(by) & {*access.DEPARTMENT_ROLES, *access.SCHOOL_ROLES, "commune_officer"}
    ):
        raise PermissionDenied
    partner = Partner(
        name=name,
        licence_number=nfc(licence_number),
        licence_issuer=nfc(licence_issuer),
        address=nfc(address),
        representative=nfc(representative),
    )
    partner.set_derived()
    partner.save()
    record_event(actor=by, action="partner.created", target=partner)
    return partner


@transaction.atomic
def set_official_timetable(
    *, institution: Institution, school_year: SchoolYear, slots: list[dict], by: Any
) -> list[OfficialTimetableSlot]:
    """Replace the school's main timetable for a school year (the school or the department)."""
    if by is not None and not access.can_update_institution(by, institution):
        raise PermissionDenied
    data = [SessionData(int(s["weekday"]), s["start"], s["end"], "-") for s in slots]
    errors: dict[str, str] = {}
    _check_sessions(data, errors)
    if errors:
        raise ProgramInputError({"slots": errors["sessions"]})
    OfficialTimetableSlot.objects.filter(institution=institution, school_year=school_year).delete()
    created = OfficialTimetableSlot.objects.bulk_create(
        [
            OfficialTimetableSlot(
                institution=institution,
                school_year=school_year,
                weekday=s.weekday,
                start=s.start,
                end=s.end,
            )
            for s in data
        ]
    )
    record_event(
        actor=by,
        action="timetable.set",
        target=institution,
        data={"school_year": school_year.name, "slots": len(created)},
    )
    facts_changed(institution=institution)
    return created


@transaction.atomic
def report_outside_teaching(
    *,
    by: Any,
    subject: Subject,
    facility_name: str,
    place: str,
    form: str,
    times: str,
    relationship: str,
    starts_on: date,
    facility: Facility | None = None,
) -> TeacherReport:
    """A teacher reports teaching outside the school (Form 03) to their principal."""
    teacher = Teacher.objects.filter(user=by, is_active=True).select_related("institution").first()
    if teacher is None:
        raise PermissionDenied
    errors = {}
    if not nfc(facility_name) and facility is None:
        errors["facility_name"] = _("Cần tên cơ sở dạy thêm.")
    if not nfc(place):
        errors["place"] = _("Cần địa điểm dạy.")
    if form not in TeacherReport.Form.values:
        errors["form"] = _("Hình thức phải là trực tiếp hoặc trực tuyến.")
    if not nfc(times):
        errors["times"] = _("Cần ghi thời gian dạy (ngày, giờ trong tuần).")
    if relationship not in TeacherReport.Relationship.values:
        errors["relationship"] = _("Chọn quan hệ với chủ cơ sở.")
    if errors:
        raise ProgramInputError(errors)
    report = TeacherReport.objects.create(
        teacher=teacher,
        subject=subject,
        facility=facility,
        facility_name=nfc(facility_name) or (facility.name if facility else ""),
        place=nfc(place),
        form=form,
        times=nfc(times),
        relationship=relationship,
        starts_on=starts_on,
    )
    record_event(actor=by, action="teacher_report.submitted", target=report)
    facts_changed(facility_id=report.facility_id, institution=teacher.institution)
    return report


@transaction.atomic
def acknowledge_report(*, report: TeacherReport, by: Any) -> TeacherReport:
    """The principal of the teacher's school acknowledges a Form 03 report."""
    report = (
        TeacherReport.objects.select_for_update(of=("self",))
        .select_related("teacher__institution")
        .get(pk=report.pk)
    )
    if by is not None and not access.can_acknowledge_report(by, report):
        raise PermissionDenied
    if report.acknowledged_at is not None:
        raise TransitionNotAllowed(_("Báo cáo này đã được xác nhận."))
    report.acknowledged_at, report.acknowledged_by = timezone.now(), by
    report.save(update_fields=["acknowledged_at", "acknowledged_by"])
    record_event(actor=by, action="teacher_report.acknowledged", target=report)
    return report


@transaction.atomic
def set_contract(
    *,
    program: Program,
    by: Any,
    number: str,
    signed_on: date,
    valid_from: date,
    valid_to: date,
    key_terms: str = "",
    upload: Any = None,
) -> Contract:
    """Record (or replace) the linkage contract between the school and the partner."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if by is not None and not access.can_edit_program(by, program):
        raise PermissionDenied
    errors = {}
    if program.kind != Program.Kind.LINKAGE:
        errors["kind"] = _("Chỉ chương trình liên kết mới có hợp đồng liên kết.")
    if not nfc(number):
        errors["number"] = _("Cần số hợp đồng.")
    if valid_to < valid_from:
        errors["valid_to"] = _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")
    if signed_on > valid_from:
        errors["signed_on"] = _("Hợp đồng phải được ký trước khi có hiệu lực.")
    if upload is not None:
        head = upload.read(5)
        upload.seek(0)
        if not head.startswith(b"%PDF"):
            errors["file"] = _("Bản hợp đồng phải là tệp PDF.")
        elif upload.size > ATTACHMENT_MAX_BYTES:
            errors["file"] = _("Tệp quá lớn (tối đa 10 MB).")
    if errors:
        raise ProgramInputError(errors)
    contract, _created = Contract.objects.update_or_create(
        program=program,
        defaults={
            "number": nfc(number),
            "signed_on": signed_on,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "key_terms": nfc(key_terms),
        },
    )
    if upload is not None:
        contract.file.save(upload.name, upload, save=True)
    record_event(
        actor=by, action="program.contract_set", target=program, data={"number": contract.number}
    )
    return contract


ATTACHMENT_TYPES = {
    "application/pdf": b"%PDF",
    "image/png": b"\x89PNG",
    "image/jpeg": b"\xff\xd8\xff",
}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def attach_document(*, program: Program, by: Any, title: str, upload: Any) -> Attachment:
    """Attach a PDF or image (checked by its first bytes, not its name) to a programme."""
    if by is not None and not access.can_edit_program(by, program):
        raise PermissionDenied
    head = upload.read(8)
    upload.seek(0)
    content_type = next(
        (t for t, magic in ATTACHMENT_TYPES.items() if head.startswith(magic)), None
    )
    errors = {}
    if not nfc(title):
        errors["title"] = _("Cần tên tài liệu.")
    if content_type is None:
        errors["file"] = _("Chỉ nhận tệp PDF, PNG hoặc JPEG.")
    elif upload.size > ATTACHMENT_MAX_BYTES:
        errors["file"] = _("Tệp quá lớn (tối đa 10 MB).")
    if errors or content_type is None:
        raise ProgramInputError(errors)
    attachment = Attachment.objects.create(
        program=program,
        title=nfc(title),
        file=upload,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    record_event(
        actor=by,
        action="program.attachment_added",
        target=program,
        data={"title": attachment.title},
    )
    return attachment


def _refuse_if_closed(program: Program) -> None:
    # A closed plan is a record of what was done; its groups stay as they were.
    if program.status == Program.Status.CLOSED:
        raise TransitionNotAllowed(_("Chương trình đã kết thúc, không sửa nhóm được."))


@transaction.atomic
def add_tutoring_group(
    *, program: Program, by: Any, name: str, grade: int, teacher: Teacher | None = None
) -> TutoringGroup:
    """Add a group (one subject, one grade) to a school's in-school tutoring plan."""
    if by is not None and not access.can_edit_program(by, program):
        raise PermissionDenied
    _refuse_if_closed(program)
    errors = {}
    if program.kind != Program.Kind.IN_SCHOOL_TUTORING:
        errors["kind"] = _("Chỉ kế hoạch dạy thêm trong nhà trường mới chia nhóm.")
    if not nfc(name):
        errors["name"] = _("Cần tên nhóm.")
    elif program.groups.filter(name=nfc(name)).exists():
        errors["name"] = _("Đã có nhóm tên này.")
    if grade not in program.grades:
        errors["grade"] = _("Khối %(g)s không có trong kế hoạch.") % {"g": grade}
    if teacher is not None and teacher.institution_id != program.institution_id:
        errors["teacher"] = _("Giáo viên không thuộc trường này.")
    if errors:
        raise ProgramInputError(errors)
    group = TutoringGroup.objects.create(
        program=program, name=nfc(name), grade=grade, teacher=teacher
    )
    record_event(actor=by, action="program.group_added", target=program, data={"group": group.name})
    return group


@transaction.atomic
def set_student_eligibility(
    *, group: TutoringGroup, student: Any, basis: str, by: Any
) -> EligibleStudent:
    """Record why a student is in a group (last term not achieved, gifted, final-year review).
    Whether the basis is true, and the group size, are for the compliance engine to judge."""
    program = group.program
    if by is not None and not access.can_edit_program(by, program):
        raise PermissionDenied
    _refuse_if_closed(program)
    errors = {}
    if basis not in EligibleStudent.Basis.values:
        errors["basis"] = _("Căn cứ không hợp lệ.")
    if student.institution_id != program.institution_id:
        errors["student"] = _("Học sinh không thuộc trường này.")
    elif not ClassMembership.objects.filter(
        student=student,
        school_year_id=program.school_year_id,
        homeroom_class__grade=group.grade,
    ).exists():
        # The page offers only the group's grade; the API and commands meet the same check.
        errors["student"] = _(
            "Học sinh không học khối %(g)s trong năm học của kế hoạch: hãy chọn nhóm đúng khối."
        ) % {"g": group.grade}
    if errors:
        raise ProgramInputError(errors)
    entry, _created = EligibleStudent.objects.update_or_create(
        group=group, student=student, defaults={"basis": basis}
    )
    record_event(
        actor=by,
        action="program.eligibility_set",
        target=program,
        data={"group": group.name, "student": student.pk, "basis": basis},
    )
    facts_changed(program=program)
    return entry


@transaction.atomic
def remove_tutoring_group(*, group: TutoringGroup, by: Any) -> None:
    """Remove a group from an in-school plan, with the eligibility recorded in it."""
    # Lock the group: a second click (or a colleague) must not remove it twice.
    locked = (
        TutoringGroup.objects.select_for_update(of=("self",))
        .select_related("program__institution")
        .filter(pk=group.pk)
        .first()
    )
    if locked is None:
        raise ProgramError(_("Nhóm này không còn trong kế hoạch."))
    program = locked.program
    if by is not None and not access.can_edit_program(by, program):
        raise PermissionDenied
    _refuse_if_closed(program)
    students = locked.students.count()
    name = locked.name
    locked.delete()
    record_event(
        actor=by,
        action="program.group_removed",
        target=program,
        data={"group": name, "students": students},
    )


@transaction.atomic
def remove_student_eligibility(*, entry: EligibleStudent, by: Any) -> None:
    """Take a student out of a group of an in-school plan (their basis no longer holds)."""
    locked = (
        EligibleStudent.objects.select_for_update(of=("self",))
        .select_related("group__program__institution")
        .filter(pk=entry.pk)
        .first()
    )
    if locked is None:
        raise ProgramError(_("Học sinh này không còn trong nhóm."))
    program = locked.group.program
    if by is not None and not access.can_edit_program(by, program):
        raise PermissionDenied
    _refuse_if_closed(program)
    data = {"group": locked.group.name, "student": locked.student_id, "basis": locked.basis}
    locked.delete()
    record_event(actor=by, action="program.eligibility_removed", target=program, data=data)
    facts_changed(program=program)
