from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.accounts import access
from oversight.lib.pagination import paginate, query_without_page
from oversight.programs.forms import ProgramForm, ReasonForm
from oversight.programs.models import Program
from oversight.programs.services import (
    TRANSITIONS,
    ProgramError,
    ProgramInputError,
    allowed,
    create_program,
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
    }
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
