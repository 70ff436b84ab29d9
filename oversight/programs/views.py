from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.accounts import access
from oversight.audit.services import record_event
from oversight.lib.pagination import paginate, query_without_page
from oversight.programs.forms import (
    EligibilityForm,
    ProgramForm,
    ReasonForm,
    TimetableForm,
    TutoringGroupForm,
    YearForm,
    hours_lines,
)
from oversight.programs.models import Program
from oversight.programs.services import (
    TRANSITIONS,
    ProgramError,
    ProgramInputError,
    add_tutoring_group,
    allowed,
    create_program,
    remove_student_eligibility,
    remove_tutoring_group,
    set_official_timetable,
    set_student_eligibility,
    transition,
)
from oversight.registry.selectors import current_school_year


@login_required
def program_list(request):
    qs = access.programs_visible_to(request.user).search(request.GET.get("q"))
    status = request.GET.get("status", "")
    if status in Program.Status.values:
        qs = qs.filter(status=status)
    qs = qs.select_related("institution", "facility").order_by("-updated_at")
    ctx = {
        "page": paginate(request, qs),
        "q": request.GET.get("q", ""),
        "status": status,
        "statuses": Program.Status.choices,
        "query": query_without_page(request),
        "can_create": access.institutions_editable_by(request.user).exists(),
    }
    return render(request, "programs/list.html", ctx)


@login_required
def program_new(request):
    form = ProgramForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        year = current_school_year(d["starts_on"])
        try:
            program = create_program(
                by=request.user,
                kind=d["kind"],
                institution=d["institution"],
                school_year=year,
                title=d["title"],
                subject=d["subject"],
                category=d["category"],
                partner=d["partner"],
                grades=d["grades"],
                capacity=d["capacity"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                fee_amount=d["fee_amount"],
                fee_unit=d["fee_unit"],
                fee_legal_basis=d["fee_legal_basis"],
                description=d["description"],
                alternative_activity=d["alternative_activity"],
                delivery_form=d["delivery_form"],
                subject_hours=d["subject_hours"],
                sessions=form.sessions(),
                staff=form.staff_list(),
            )
        except ProgramInputError as e:
            for field, message in e.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect("programs:detail", program.pk)
    return render(request, "programs/new.html", {"form": form})


ACTIONS = [
    ("submit", _("Gửi duyệt")),
    ("approve", _("Phê duyệt")),
    ("return", _("Trả lại")),
    ("suspend", _("Tạm dừng")),
    ("resume", _("Cho tiếp tục")),
    ("close", _("Kết thúc")),
]


def _contract_form(program):
    from oversight.programs.forms import ContractForm
    from oversight.programs.models import Contract

    if program.kind != Program.Kind.LINKAGE:
        return None
    contract = Contract.objects.filter(program=program).first()
    initial = (
        {
            f: getattr(contract, f)
            for f in ("number", "signed_on", "valid_from", "valid_to", "key_terms")
        }
        if contract
        else {}
    )
    return ContractForm(initial=initial)


@login_required
def program_detail(request, program_id: int):
    program = access.get_program_for_user(request.user, program_id)
    actions = [
        (a, label, TRANSITIONS[a][2])
        for a, label in ACTIONS
        if program.status in TRANSITIONS[a][0] and allowed(a, request.user, program)
    ]
    ctx = {
        "program": program,
        "actions": actions,
        "versions": program.versions.all(),
        "sessions": program.sessions.all(),
        "staff": program.staff.all(),
        "attachments": program.attachments.all(),
        "contract": getattr(program, "contract", None),
        "contract_form": _contract_form(program),
        "can_edit": access.can_edit_program(request.user, program)
        and program.status not in (Program.Status.SUBMITTED, Program.Status.CLOSED),
        "can_read_timetable": program.institution is not None
        and access.rights_over(request.user, program.institution).view_staff,
    }
    if program.kind == Program.Kind.IN_SCHOOL_TUTORING:
        ctx.update(_groups_panel(request.user, program))
    return render(request, "programs/detail.html", ctx)


@require_POST
@login_required
def program_transition(request, program_id: int, action: str):
    if action not in TRANSITIONS:
        raise Http404
    program = access.get_program_for_user(request.user, program_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        transition(
            program=program,
            action=action,
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
            override_reason=request.POST.get("override_reason", "")[:500],
        )
    except ProgramError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Đã cập nhật trạng thái."))
    return redirect("programs:detail", program.pk)


@login_required
def teacher_reports(request):
    """A teacher files Form 03 and sees what they reported; the principal acknowledges."""
    from oversight.programs.forms import TeacherReportForm
    from oversight.programs.services import report_outside_teaching
    from oversight.registry.models import Teacher

    is_teacher = Teacher.objects.filter(user=request.user, is_active=True).exists()
    form = TeacherReportForm(request.POST or None) if is_teacher else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            report_outside_teaching(by=request.user, **form.cleaned_data)
        except ProgramInputError as e:
            for field, message in e.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Đã gửi báo cáo tới hiệu trưởng."))
            return redirect("programs:reports")
    reports = access.teacher_reports_visible_to(request.user).select_related(
        "teacher__institution", "subject"
    )
    rows = [(r, access.can_acknowledge_report(request.user, r)) for r in reports[:200]]
    return render(request, "programs/reports.html", {"form": form, "rows": rows})


@require_POST
@login_required
def acknowledge_teacher_report(request, report_id: int):
    from django.shortcuts import get_object_or_404

    from oversight.programs.services import acknowledge_report

    report = get_object_or_404(access.teacher_reports_visible_to(request.user), pk=report_id)
    try:
        acknowledge_report(report=report, by=request.user)
    except ProgramError as e:
        messages.error(request, str(e))
    return redirect("programs:reports")


def _initial(program: Program) -> dict:
    initial = {
        "kind": program.kind,
        "institution": program.institution_id,
        "title": program.title,
        "subject": program.subject_id,
        "category": program.category,
        "partner": program.partner_id,
        "grades": ", ".join(map(str, program.grades)),
        "capacity": program.capacity,
        "starts_on": program.starts_on,
        "ends_on": program.ends_on,
        "fee_amount": program.fee_amount,
        "fee_unit": program.fee_unit,
        "fee_legal_basis": program.fee_legal_basis,
        "description": program.description,
        "alternative_activity": program.alternative_activity,
        "delivery_form": program.delivery_form,
        "subject_hours": hours_lines(program.subject_hours),
        "staff": "\n".join(
            m.full_name + (" (nước ngoài)" if m.is_foreign else "") for m in program.staff.all()
        ),
    }
    for n, s in enumerate(program.sessions.all()[:3], start=1):
        initial.update(
            {
                f"weekday_{n}": str(s.weekday),
                f"start_{n}": s.start,
                f"end_{n}": s.end,
                f"place_{n}": s.place,
            }
        )
    return initial


@login_required
def program_edit(request, program_id: int):
    from oversight.programs.services import update_program

    program = access.get_program_for_user(request.user, program_id, write=True)
    form = ProgramForm(request.POST or None, user=request.user, initial=_initial(program))
    # The kind and the school are what the programme is; they do not change.
    for name in ("kind", "institution"):
        form.fields[name].disabled = True
    if program.institution is None:
        form.fields["institution"].required = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields = {
            k: d[k]
            for k in (
                "title",
                "subject",
                "category",
                "partner",
                "grades",
                "capacity",
                "starts_on",
                "ends_on",
                "fee_amount",
                "fee_unit",
                "fee_legal_basis",
                "description",
                "alternative_activity",
                "delivery_form",
                "subject_hours",
            )
        }
        try:
            update_program(
                program=program,
                by=request.user,
                sessions=form.sessions(),
                staff=form.staff_list(),
                **fields,
            )
        except ProgramInputError as e:
            for field, message in e.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except ProgramError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("programs:detail", program.pk)
    return render(request, "programs/new.html", {"form": form, "program": program})


@require_POST
@login_required
def add_attachment(request, program_id: int):
    from oversight.programs.services import attach_document

    program = access.get_program_for_user(request.user, program_id, write=True)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ProgramInputError({"file": _("Chọn tệp cần đính kèm.")})
        attach_document(
            program=program, by=request.user, title=request.POST.get("title", ""), upload=upload
        )
    except ProgramInputError as e:
        for message in e.errors.values():
            messages.error(request, message)
    else:
        messages.success(request, _("Đã đính kèm tài liệu."))
    return redirect("programs:detail", program.pk)


@login_required
def download_attachment(request, program_id: int, attachment_id: int):
    from django.http import FileResponse
    from django.shortcuts import get_object_or_404

    program = access.get_program_for_user(request.user, program_id)
    attachment = get_object_or_404(program.attachments, pk=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=False,
        filename=attachment.file.name.rsplit("/", 1)[-1],
    )


@require_POST
@login_required
def program_contract(request, program_id: int):
    from oversight.programs.forms import ContractForm
    from oversight.programs.services import set_contract

    program = access.get_program_for_user(request.user, program_id, write=True)
    form = ContractForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("programs:detail", program.pk)
    d = form.cleaned_data
    try:
        set_contract(
            program=program,
            by=request.user,
            number=d["number"],
            signed_on=d["signed_on"],
            valid_from=d["valid_from"],
            valid_to=d["valid_to"],
            key_terms=d["key_terms"],
            upload=d["file"],
        )
    except ProgramInputError as e:
        for message in e.errors.values():
            messages.error(request, message)
    else:
        messages.success(request, _("Đã lưu hợp đồng liên kết."))
    return redirect("programs:detail", program.pk)


# --- in-school tutoring plans: groups and each student's basis ---------------------------------


def _grade_students(user, program: Program, group):
    """The students the user may read who are in the group's grade in the plan's year."""
    return access.students_for_user(user, program.institution).filter(
        memberships__school_year=program.school_year_id,
        memberships__homeroom_class__grade=group.grade,
    )


def _groups_panel(user, program: Program, errors=(), done: str = "") -> dict:
    """The plan's groups. Names only for those with a reason to read them, and each listing of
    names is logged as the registry logs its student lists (RULES.md, "Personal data")."""
    groups = list(program.groups.select_related("teacher").annotate(size=Count("students")))
    can_edit = access.can_edit_program(user, program) and program.status != Program.Status.CLOSED
    readable = access.can_read_students(user, program.institution)
    entries: dict[int, list] = {}
    if readable:
        qs = access.tutoring_students_for_user(user, program).select_related("student")
        for e in qs.order_by("student__sort_key"):
            entries.setdefault(e.group_id, []).append(e)
    rows = []
    for g in groups:
        shown = entries.get(g.pk, [])
        form = (
            EligibilityForm(students=_grade_students(user, program, g), prefix=f"g{g.pk}")
            if can_edit
            else None
        )
        rows.append({"group": g, "entries": shown, "hidden": g.size - len(shown), "form": form})
    if readable and groups:
        record_event(
            actor=user,
            action="students.listed",
            target=program.institution,
            data={"program": program.pk, "groups": len(groups)},
        )
    group_form = (
        TutoringGroupForm(program=program, teachers=_teachers(user, program)) if can_edit else None
    )
    return {
        "group_rows": rows,
        "group_form": group_form,
        "can_edit_groups": can_edit,
        "names_hidden": not readable,
        "panel_errors": list(errors),
        "panel_done": done,
    }


def _teachers(user, program: Program):
    return access.teachers_for_user(user, program.institution).filter(is_active=True)


def _plan_for_edit(user, program_id: int) -> Program:
    program = access.get_program_for_user(user, program_id, write=True)
    if program.kind != Program.Kind.IN_SCHOOL_TUTORING:
        raise Http404
    return program


def _form_errors(form) -> list[str]:
    return [] if form.is_valid() else [m for errs in form.errors.values() for m in errs]


def _attempt(call) -> list[str]:
    """Run one service call; its refusal, as messages for the panel."""
    try:
        call()
    except ProgramInputError as e:
        return list(e.errors.values())
    except ProgramError as e:
        return [str(e)]
    return []


def _panel_response(request, program: Program, errors: list[str], done: str):
    if request.htmx:
        ctx = {"program": program, **_groups_panel(request.user, program, errors, done)}
        return render(request, "programs/_groups_panel.html", ctx)
    for message in errors:
        messages.error(request, message)
    if not errors:
        messages.success(request, done)
    return redirect(reverse("programs:detail", args=[program.pk]) + "#groups")


@require_POST
@login_required
def add_group(request, program_id: int):
    program = _plan_for_edit(request.user, program_id)
    form = TutoringGroupForm(
        request.POST, program=program, teachers=_teachers(request.user, program)
    )
    errors = _form_errors(form) or _attempt(
        lambda: add_tutoring_group(program=program, by=request.user, **form.cleaned_data)
    )
    return _panel_response(request, program, errors, _("Đã thêm nhóm."))


@require_POST
@login_required
def remove_group(request, program_id: int, group_id: int):
    program = _plan_for_edit(request.user, program_id)
    group = get_object_or_404(program.groups, pk=group_id)
    errors = _attempt(lambda: remove_tutoring_group(group=group, by=request.user))
    return _panel_response(request, program, errors, _("Đã xóa nhóm."))


@require_POST
@login_required
def set_eligibility(request, program_id: int, group_id: int):
    program = _plan_for_edit(request.user, program_id)
    group = get_object_or_404(program.groups, pk=group_id)
    students = _grade_students(request.user, program, group)
    form = EligibilityForm(request.POST, students=students, prefix=f"g{group.pk}")
    errors = _form_errors(form) or _attempt(
        lambda: set_student_eligibility(group=group, by=request.user, **form.cleaned_data)
    )
    return _panel_response(request, program, errors, _("Đã ghi căn cứ của học sinh."))


@require_POST
@login_required
def remove_eligibility(request, program_id: int, group_id: int, entry_id: int):
    program = _plan_for_edit(request.user, program_id)
    group = get_object_or_404(program.groups, pk=group_id)
    entry = get_object_or_404(group.students, pk=entry_id)
    errors = _attempt(lambda: remove_student_eligibility(entry=entry, by=request.user))
    return _panel_response(request, program, errors, _("Đã đưa học sinh ra khỏi nhóm."))


# --- the school's official timetable and the plans reported upward -----------------------------


@login_required
def timetable(request, institution_id: int):
    institution = access.get_institution_for_user(request.user, institution_id)
    picked = YearForm(request.POST if request.method == "POST" else request.GET)
    year = (picked.is_valid() and picked.cleaned_data["year"]) or current_school_year()
    if year is None:
        raise Http404
    slots = list(access.timetable_for_user(request.user, institution, year))
    can_edit = access.can_update_institution(request.user, institution)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = TimetableForm(request.POST or None, slots=slots) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            set_official_timetable(
                institution=institution, school_year=year, slots=form.slots(), by=request.user
            )
        except ProgramInputError as e:
            for message in e.errors.values():
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã lưu thời khóa biểu chính khóa."))
            url = reverse("programs:timetable", args=[institution.pk])
            return redirect(f"{url}?year={year.pk}")
    ctx = {"institution": institution, "year": year, "slots": slots, "form": form}
    return render(request, "programs/timetable.html", {**ctx, "years": picked})


@login_required
def reported_plans(request):
    qs = access.reported_plans_visible_to(request.user).select_related(
        "program__institution__unit", "agency", "approved_by"
    )
    return render(request, "programs/reported.html", {"page": paginate(request, qs)})
