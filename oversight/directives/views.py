from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.accounts import access
from oversight.directives import selectors
from oversight.directives.docx import agenda_docx
from oversight.directives.forms import (
    BriefingForm,
    DocumentForm,
    ExecutionReportForm,
    ReportForm,
    ReturnForm,
    SendForm,
    TaskForm,
)
from oversight.directives.models import Status
from oversight.directives.services import (
    DirectiveError,
    acknowledge_receipt,
    create_document,
    create_task,
    disseminate,
    draft_execution_report,
    execution_report_docx,
    publish_document,
    report_briefing,
    review_report,
    send_execution_report,
    submit_report,
    update_execution_report,
)
from oversight.lib.pagination import paginate, query_without_page
from oversight.lib.public_cache import public_page
from oversight.registry.models import Agency

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def documents(request):
    q = request.GET.get("q", "")
    page = paginate(request, selectors.search_documents(request.user, q), per_page=30)
    return render(
        request,
        "directives/documents.html",
        {
            "page": page,
            "q": q,
            "query": query_without_page(request),
            "can_create": access.can_create_documents(request.user),
        },
    )


@login_required
def document_new(request):
    if not access.can_create_documents(request.user):
        raise PermissionDenied
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = create_document(by=request.user, **form.cleaned_data)
        except DirectiveError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Đã ghi nhận văn bản."))
            return redirect("directives:document", document_id=doc.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "directives/document_new.html", {"form": form}, status=status)


@login_required
def document_detail(request, document_id: int):
    document = access.get_document_for_user(request.user, document_id)
    # Readers follow the document's tasks (each roll-up leads to its units); a commune or a
    # school sees the tasks it has, its own share of a roll-up included.
    tasks = selectors.tasks_for(
        request.user,
        timezone.localdate(),
        document=document,
        top_level=access.reads_all_directives(request.user),
    ).prefetch_related("cooperating_agencies", "cooperating_institutions")
    can_manage = access.can_manage_directives(request.user)
    agencies, institutions = access.directive_units_of(request.user)
    receipts = document.disseminations.filter(
        Q(agency__in=agencies) | Q(institution__in=institutions)
    ).select_related("agency", "institution")
    return render(
        request,
        "directives/document.html",
        {
            "document": document,
            "tasks": tasks,
            "can_manage": can_manage,
            "sent": selectors.dissemination_state(document) if can_manage else None,
            "send_form": SendForm() if can_manage else None,
            "receipts": receipts,
            "briefing_form": BriefingForm(),
            "unit_names": _unit_names() if can_manage else [],
            "execution_reports": document.execution_reports.all() if can_manage else [],
        },
    )


@login_required
@require_POST
def send_document(request, document_id: int):
    document = access.get_document_for_user(request.user, document_id, write=True)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            n = disseminate(by=request.user, document=document, units=form.refs())
        except DirectiveError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("Đã gửi văn bản đến %(n)s đơn vị mới.") % {"n": n})
    return redirect("directives:document", document_id=document.pk)


@login_required
@require_POST
def acknowledge(request, item_id: int):
    item = access.get_dissemination_for_user(request.user, item_id)
    try:
        acknowledge_receipt(by=request.user, item=item)
    except DirectiveError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Đã xác nhận nhận văn bản."))
    return redirect("directives:document", document_id=item.document_id)


@login_required
@require_POST
def brief(request, item_id: int):
    item = access.get_dissemination_for_user(request.user, item_id)
    form = BriefingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ghi tóm tắt việc quán triệt (thời gian, thành phần, nội dung)."))
        return redirect("directives:document", document_id=item.document_id)
    report_briefing(by=request.user, item=item, note=form.cleaned_data["note"])
    messages.success(request, _("Đã báo cáo việc quán triệt."))
    return redirect("directives:document", document_id=item.document_id)


@login_required
@require_POST
def publish(request, document_id: int):
    document = access.get_document_for_user(request.user, document_id, write=True)
    public = request.POST.get("public") == "1"
    publish_document(by=request.user, document=document, public=public)
    messages.success(
        request,
        _("Đã công khai văn bản trên cổng thông tin.")
        if public
        else _("Đã thôi công khai văn bản."),
    )
    return redirect("directives:document", document_id=document.pk)


@public_page
def public_documents(request):
    q = request.GET.get("q", "")
    page = paginate(request, selectors.public_documents(q), per_page=30)
    ctx = {"page": page, "q": q, "query": query_without_page(request)}
    return render(request, "directives/public_documents.html", ctx)


@public_page
def public_document(request, document_id: int):
    document = selectors.public_documents().filter(pk=document_id).first()
    if document is None:
        raise Http404
    return render(request, "directives/public_document.html", {"document": document})


def _unit_names() -> list[str]:
    return list(
        Agency.objects.exclude(kind=Agency.Kind.COMMUNE_COMMITTEE).values_list("name", flat=True)
    )


@login_required
def task_new(request, document_id: int):
    document = access.get_document_for_user(request.user, document_id, write=True)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            task = create_task(
                by=request.user,
                document=document,
                section=d["section"],
                title=d["title"],
                content=d["content"],
                lead=d["lead"],
                cooperating=form.units(),
                deadline=d["deadline"],
                recurrence=d["recurrence"] or "",
            )
        except DirectiveError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Đã giao nhiệm vụ."))
            return redirect("directives:task", task_id=task.pk)
    status = 400 if request.method == "POST" else 200
    ctx = {"document": document, "form": form, "unit_names": _unit_names()}
    return render(request, "directives/task_new.html", ctx, status=status)


def _task_page(request, task, report_form=None, status=200):
    today = timezone.localdate()
    reporting = access.reporting_unit_for(request.user, task)
    subtasks = None
    if task.expansion:
        # Up to one per school of the city: a page at a time, overdue first.
        subtasks = paginate(
            request, selectors.tasks_for(request.user, today).filter(parent=task), per_page=50
        )
    ctx = {
        "task": task,
        "status": task.status_on(today),
        "due": task.due_on(today),
        "reports": task.reports.select_related("by_agency", "by_institution"),
        "subtasks": subtasks,
        "reporting_unit": reporting[0] if reporting else None,
        "report_form": report_form or (ReportForm() if reporting and not task.expansion else None),
        "can_manage": access.can_manage_directives(request.user),
        "return_form": ReturnForm(),
        "page": subtasks,
        "query": query_without_page(request),
    }
    return render(request, "directives/task.html", ctx, status=status)


@login_required
def task_detail(request, task_id: int):
    return _task_page(request, access.get_task_for_user(request.user, task_id))


@login_required
@require_POST
def report(request, task_id: int):
    task = access.get_task_for_user(request.user, task_id, report=True)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _task_page(request, task, report_form=form, status=400)
    try:
        submit_report(by=request.user, task=task, **form.cleaned_data)
    except DirectiveError as e:
        form.add_error(None, e.message)
        return _task_page(request, task, report_form=form, status=400)
    messages.success(request, _("Đã gửi báo cáo tiến độ."))
    return redirect("directives:task", task_id=task.pk)


@login_required
@require_POST
def review(request, report_id: int, decision: str):
    if decision not in ("accept", "return"):
        raise Http404
    item = access.get_task_report_for_user(request.user, report_id, manage=True)
    task = item.task
    form = ReturnForm(request.POST)
    accept = decision == "accept"
    if not accept and not form.is_valid():
        messages.error(request, _("Cần nêu lý do trả lại báo cáo."))
        return redirect("directives:task", task_id=task.pk)
    try:
        review_report(
            by=request.user,
            report=item,
            accept=accept,
            reason="" if accept else form.cleaned_data["reason"],
        )
    except DirectiveError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request, _("Đã chấp nhận báo cáo.") if accept else _("Đã trả lại báo cáo.")
        )
    return redirect("directives:task", task_id=task.pk)


@login_required
def dashboard(request):
    today = timezone.localdate()
    board = selectors.dashboard(request.user, today)
    return render(
        request,
        "directives/dashboard.html",
        {"board": board, "today": today, "overdue_status": Status.OVERDUE},
    )


@login_required
def tasks(request):
    today = timezone.localdate()
    status = request.GET.get("status") or None
    if status not in Status.values:
        status = None
    qs = selectors.tasks_for(request.user, today, status=status)
    page = paginate(request, qs, per_page=50)
    return render(
        request,
        "directives/tasks.html",
        {
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "query": query_without_page(request),
            "today": today,
        },
    )


def _month(request) -> date:
    try:
        return datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def agenda(request, document_id: int):
    document = access.get_document_for_user(request.user, document_id)
    month = _month(request)
    units = selectors.meeting_agenda(request.user, document, month)
    if request.GET.get("format") == "docx":
        data = agenda_docx(
            title=gettext("CHƯƠNG TRÌNH HỌP GIAO BAN TIẾN ĐỘ THÁNG %(m)s")
            % {"m": month.strftime("%m/%Y")},
            subtitle=f"{document} — {document.subject}",
            sections=[
                (
                    u.name,
                    [
                        f"{t.section} {t.title}: {label}, {t.percent}%"
                        + "".join(f" | {r.by}: {r.text}" for r in reports)
                        for t, label, reports in u.rows
                    ],
                )
                for u in units
            ],
        )
        return _docx_response(data, f"chuong-trinh-hop-{month:%Y-%m}.docx")
    return render(
        request,
        "directives/agenda.html",
        {"document": document, "month": month, "units": units},
    )


def _docx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def report_new(request, document_id: int):
    document = access.get_document_for_user(request.user, document_id, write=True)
    report = draft_execution_report(by=request.user, document=document)
    messages.success(request, _("Đã lập dự thảo báo cáo từ các báo cáo tiến độ."))
    return redirect("directives:execution_report", report_id=report.pk)


@login_required
def execution_report(request, report_id: int):
    report = access.get_execution_report_for_user(request.user, report_id)
    editable = report.state == "draft" and access.can_manage_directives(request.user)
    initial = {name: getattr(report, name) for name in ExecutionReportForm.base_fields}
    form = ExecutionReportForm(request.POST or None, initial=initial) if editable else None
    if request.method == "POST":
        access.get_execution_report_for_user(request.user, report_id, write=True)
        if form is None:
            messages.error(request, _("Báo cáo đã gửi, không sửa được nữa."))
            return redirect("directives:execution_report", report_id=report.pk)
        if form.is_valid():
            try:
                update_execution_report(by=request.user, report=report, **form.cleaned_data)
            except DirectiveError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Đã lưu báo cáo."))
                return redirect("directives:execution_report", report_id=report.pk)
    status = 400 if request.method == "POST" else 200
    ctx = {"report": report, "form": form, "editable": editable}
    return render(request, "directives/execution_report.html", ctx, status=status)


@login_required
def execution_report_docx_view(request, report_id: int):
    report = access.get_execution_report_for_user(request.user, report_id)
    return _docx_response(execution_report_docx(report), f"bao-cao-{report.pk}.docx")


@login_required
@require_POST
def execution_report_send(request, report_id: int):
    report = access.get_execution_report_for_user(request.user, report_id, write=True)
    try:
        send_execution_report(by=request.user, report=report)
    except DirectiveError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Đã ghi nhận báo cáo đã gửi."))
    return redirect("directives:execution_report", report_id=report.pk)
