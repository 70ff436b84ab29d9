from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.accounts import access
from oversight.audit.services import record_event
from oversight.enrollment import selectors
from oversight.enrollment.forms import FeeForm, PaperConsentForm
from oversight.enrollment.models import Enrollment, FeeRecord
from oversight.enrollment.services import (
    EnrollmentError,
    can_read_roster,
    can_see_declines,
    format_receipt,
    record_consent,
    record_fee,
)


def _students(request, program):
    if program.institution is None or not access.can_edit_program(request.user, program):
        return []
    return (
        access.students_for_user(request.user, program.institution)
        .filter(
            is_active=True,
            memberships__school_year=program.school_year_id,
            memberships__homeroom_class__grade__in=program.grades,
        )
        .order_by("sort_key")
    )


def _page(request, program, consent_form=None, fee_form=None, status=200):
    students = _students(request, program)
    can_edit = access.can_edit_program(request.user, program)
    live = (
        Enrollment.objects.current()
        .filter(program=program)
        .select_related("student", "grant")
        .order_by("status", "student__sort_key")
    )
    record_event(actor=request.user, action="program.roster_viewed", target=program)
    ctx = {
        "program": program,
        "live": live,
        "stale": {e.pk for e in selectors.awaiting_reconfirmation(program)},
        "declines": selectors.declines(program)
        if can_see_declines(request.user, program)
        else None,
        "can_edit": can_edit,
        "consent_form": consent_form or (PaperConsentForm(students=students) if can_edit else None),
        "fee_form": fee_form or (FeeForm(students=students) if can_edit else None),
        "fees": FeeRecord.objects.filter(program=program).select_related("student")
        if can_edit or can_see_declines(request.user, program)
        else None,
    }
    return render(request, "enrollment/program.html", ctx, status=status)


def _program(request, program_id):
    program = access.get_program_for_user(request.user, program_id)
    if not can_read_roster(request.user, program):
        raise PermissionDenied
    return program


@login_required
def program_enrollment(request, program_id: int):
    return _page(request, _program(request, program_id))


@login_required
@require_POST
def record_paper(request, program_id: int):
    program = _program(request, program_id)
    if not access.can_edit_program(request.user, program):
        raise PermissionDenied
    students = _students(request, program)
    form = PaperConsentForm(request.POST, request.FILES, students=students)
    if not form.is_valid():
        return _page(request, program, consent_form=form, status=400)
    d = form.cleaned_data
    try:
        entry = record_consent(
            program=program,
            student=students.get(pk=d["student"]),
            decision=d["decision"],
            by=request.user,
            channel=d["channel"],
            child_confirmed={"yes": True, "no": False}.get(d["child_confirmed"]),
            scan=d.get("scan"),
        )
    except EnrollmentError as e:
        form.add_error(None, e.message)
        return _page(request, program, consent_form=form, status=400)
    messages.success(
        request,
        _("Đã ghi nhận, mã biên nhận %(code)s.") % {"code": format_receipt(entry.receipt_code)},
    )
    return redirect("enrollment:program", program_id=program.pk)


@login_required
@require_POST
def add_fee(request, program_id: int):
    program = _program(request, program_id)
    if not access.can_edit_program(request.user, program):
        raise PermissionDenied
    students = _students(request, program)
    form = FeeForm(request.POST, students=students)
    if not form.is_valid():
        return _page(request, program, fee_form=form, status=400)
    d = form.cleaned_data
    try:
        record_fee(
            program=program,
            student=students.get(pk=d["student"]),
            by=request.user,
            period_start=d["period_start"],
            period_end=d["period_end"],
            billed=d["billed"],
            collected=d["collected"] or 0,
            collected_on=d["collected_on"],
            receipt_number=d["receipt_number"],
        )
    except EnrollmentError as e:
        form.add_error(None, e.message)
        return _page(request, program, fee_form=form, status=400)
    messages.success(request, _("Đã ghi khoản thu."))
    return redirect("enrollment:program", program_id=program.pk)
