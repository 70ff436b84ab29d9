"""Directives endpoints: documents, their tasks (with lead and cooperating units), progress
reports. Units are given by id (an agency), "agency:<id>", "institution:<id>" or exact name;
"all_communes" and "all_schools:<level>" among the cooperating units give one sub-task each."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from oversight.accounts.access import (
    documents_visible_to,
    get_document_for_user,
    get_task_for_user,
    get_task_report_for_user,
)
from oversight.api.api import api, error
from oversight.directives import selectors
from oversight.directives.models import Document, Task, TaskReport
from oversight.directives.services import (
    DirectiveError,
    create_document,
    create_task,
    resolve_unit,
    review_report,
    submit_report,
)
from oversight.registry.models import Agency

router = Router(tags=["directives"])
public_router = Router(tags=["public"])

Kind = Literal["letter", "plan", "directive", "resolution", "decision"]
StatusName = Literal["not_started", "in_progress", "done_on_time", "done_late", "overdue"]
RecurrenceName = Literal["", "monthly", "term", "school_year"]
UnitRef = int | str


@api.exception_handler(DirectiveError)
def _refused(request, exc: DirectiveError):
    return error(request, exc.status, exc.code, exc.message)


class Paging(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=settings.API_PAGE_SIZE_MAX)


def _page(qs: QuerySet, paging: Paging) -> tuple[list, int]:
    start = (paging.page - 1) * paging.page_size
    return list(qs[start : start + paging.page_size]), qs.count()


class DocumentIn(Schema):
    kind: Kind
    number: str = ""
    date: dt.date | None = None
    issuer: UnitRef | None = None
    issuing_body: str = ""
    subject: str
    signer_name: str = ""
    signer_title: str = ""
    addressees: str = ""
    recipients: str = ""
    body: str = ""
    implements: int | None = None
    replaces: int | None = None


class DocumentOut(Schema):
    id: int
    kind: str
    number: str
    date: dt.date | None = Field(None, validation_alias="issued_on")
    issuer: str = Field(..., validation_alias="issuing_body")
    issuer_id: int | None
    subject: str
    signer_name: str
    signer_title: str
    implements: int | None = Field(None, validation_alias="implements_id")
    replaces: int | None = Field(None, validation_alias="replaces_id")


class DocumentDetail(DocumentOut):
    addressees: str
    recipients: str
    body: str


class DocumentList(Schema):
    items: list[DocumentOut]
    count: int


class TaskIn(Schema):
    title: str
    lead: UnitRef
    cooperating: list[UnitRef] = []
    deadline: dt.date | None = None
    recurrence: RecurrenceName = ""
    section: str = ""
    content: str = ""


def _unit_name(agency, institution) -> str:
    return (agency or institution).name


class TaskOut(Schema):
    id: int
    document: int = Field(..., validation_alias="document_id")
    parent: int | None = Field(None, validation_alias="parent_id")
    section: str
    title: str
    lead: str
    lead_ref: str
    cooperating: list[str]
    deadline: dt.date | None
    recurrence: str
    due: dt.date | None
    status: StatusName
    percent: int
    subtasks: int

    @staticmethod
    def resolve_lead(obj: Task) -> str:
        return _unit_name(obj.lead_agency, obj.lead_institution)

    @staticmethod
    def resolve_lead_ref(obj: Task) -> str:
        if obj.lead_agency_id:
            return f"agency:{obj.lead_agency_id}"
        return f"institution:{obj.lead_institution_id}"

    @staticmethod
    def resolve_cooperating(obj: Task) -> list[str]:
        names = [a.name for a in obj.cooperating_agencies.all()]
        names += [i.name for i in obj.cooperating_institutions.all()]
        if obj.expansion == Task.Expansion.COMMUNES:
            names.append("all_communes")
        elif obj.expansion == Task.Expansion.SCHOOLS:
            names.append(f"all_schools:{obj.expansion_level}")
        return names

    @staticmethod
    def resolve_due(obj: Task) -> dt.date | None:
        return obj.due_on(timezone.localdate())

    @staticmethod
    def resolve_status(obj: Task) -> str:
        return getattr(obj, "status", None) or obj.status_on(timezone.localdate())

    @staticmethod
    def resolve_subtasks(obj: Task) -> int:
        return obj.subtasks.count() if obj.expansion else 0


class TaskList(Schema):
    items: list[TaskOut]
    count: int


class TaskFilters(Paging):
    document: int | None = None
    unit: UnitRef | None = None
    status: StatusName | None = None
    due_before: dt.date | None = None


class DocumentFilters(Paging):
    q: str | None = None


class ReportIn(Schema):
    text: str
    percent: int
    difficulties: str = ""
    proposals: str = ""


class ReportOut(Schema):
    id: int
    task: int = Field(..., validation_alias="task_id")
    by: str
    is_lead: bool
    text: str
    percent: int
    difficulties: str
    proposals: str
    reported_on: dt.date
    review: str
    return_reason: str

    @staticmethod
    def resolve_by(obj: TaskReport) -> str:
        return str(obj.by or "")


def _document_ref(user, document_id: int | None) -> Document | None:
    if document_id is None:
        return None
    return get_document_for_user(user, document_id)


@router.post("/documents", response={201: DocumentDetail}, summary="Ghi nhận văn bản chỉ đạo")
def post_document(request, payload: DocumentIn):
    issuer = resolve_unit(payload.issuer) if payload.issuer is not None else None
    if issuer is not None and not isinstance(issuer, Agency):
        raise DirectiveError("Cơ quan ban hành phải là một cơ quan, không phải một trường.")
    doc = create_document(
        by=request.user,
        kind=payload.kind,
        number=payload.number,
        issued_on=payload.date,
        issuer=issuer,
        issuing_body=payload.issuing_body,
        subject=payload.subject,
        signer_name=payload.signer_name,
        signer_title=payload.signer_title,
        addressees=payload.addressees,
        recipients=payload.recipients,
        body=payload.body,
        implements=_document_ref(request.user, payload.implements),
        replaces=_document_ref(request.user, payload.replaces),
    )
    return Status(201, doc)


@router.get("/documents", response=DocumentList, summary="Văn bản chỉ đạo (tìm không dấu)")
def list_documents(request, filters: Query[DocumentFilters]):
    qs = selectors.search_documents(request.user, filters.q).order_by("-issued_on", "-id")
    items, count = _page(qs, filters)
    return {"items": items, "count": count}


@router.get("/documents/{document_id}", response=DocumentDetail, summary="Một văn bản")
def get_document(request, document_id: int):
    return get_document_for_user(request.user, document_id)


@router.post("/documents/{document_id}/tasks", response={201: TaskOut}, summary="Giao nhiệm vụ")
def post_task(request, document_id: int, payload: TaskIn):
    document = get_document_for_user(request.user, document_id, write=True)
    task = create_task(
        by=request.user,
        document=document,
        title=payload.title,
        lead=payload.lead,
        cooperating=payload.cooperating,
        deadline=payload.deadline,
        recurrence=payload.recurrence,
        section=payload.section,
        content=payload.content,
    )
    return Status(201, task)


@router.get("/tasks", response=TaskList, summary="Nhiệm vụ (lọc theo văn bản, đơn vị, trạng thái)")
def list_tasks(request, filters: Query[TaskFilters]):
    unit = resolve_unit(filters.unit) if filters.unit is not None else None
    if (
        filters.document is not None
        and not documents_visible_to(request.user).filter(pk=filters.document).exists()
    ):
        get_document_for_user(request.user, filters.document)  # 404
    qs = selectors.tasks_for(
        request.user,
        timezone.localdate(),
        document=filters.document,
        unit=unit,
        status=filters.status,
        due_before=filters.due_before,
    ).prefetch_related("cooperating_agencies", "cooperating_institutions")
    items, count = _page(qs, filters)
    return {"items": items, "count": count}


@router.get("/tasks/{task_id}", response=TaskOut, summary="Một nhiệm vụ")
def get_task(request, task_id: int):
    return get_task_for_user(request.user, task_id)


@router.post("/tasks/{task_id}/reports", response={201: ReportOut}, summary="Báo cáo tiến độ")
def post_report(request, task_id: int, payload: ReportIn):
    task = get_task_for_user(request.user, task_id, report=True)
    report = submit_report(
        by=request.user,
        task=task,
        text=payload.text,
        percent=payload.percent,
        difficulties=payload.difficulties,
        proposals=payload.proposals,
    )
    return Status(201, report)


@router.get("/tasks/{task_id}/reports", response=list[ReportOut], summary="Báo cáo của nhiệm vụ")
def list_reports(request, task_id: int):
    task = get_task_for_user(request.user, task_id)
    return list(task.reports.select_related("by_agency", "by_institution"))


class ReviewIn(Schema):
    accept: bool
    reason: str = ""


@router.post(
    "/task-reports/{report_id}/review",
    response=ReportOut,
    summary="Chấp nhận hoặc trả lại báo cáo tiến độ",
)
def post_review(request, report_id: int, payload: ReviewIn):
    report = get_task_report_for_user(request.user, report_id, manage=True)
    return review_report(
        by=request.user, report=report, accept=payload.accept, reason=payload.reason
    )
