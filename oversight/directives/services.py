"""Writes to directives: documents, tasks (with their per-unit sub-tasks), progress reports and
their review. Status is derived, never written (models.Task.status_on)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.accounts import access
from oversight.audit.services import record_event
from oversight.directives.models import (
    Dissemination,
    Document,
    ExecutionReport,
    Recurrence,
    Task,
    TaskReport,
    period_of,
)
from oversight.lib.public_cache import bump_public_generation
from oversight.lib.text import nfc
from oversight.notifications.notifier import notify
from oversight.registry.models import Agency, Institution

Unit = Agency | Institution
# How a unit is named in the API and the forms besides its id: these expand to sub-tasks.
ALL_COMMUNES = "all_communes"
ALL_SCHOOLS_PREFIX = "all_schools:"


class DirectiveError(Exception):
    """A rule refuses this change; the message is safe to show. `status` is what the API
    answers with (422 bad input, 409 wrong state)."""

    def __init__(self, message: str, *, code: str = "invalid", status: int = 422):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def _check(by: Any, allowed: bool) -> None:
    """Users act within their rights; `by=None` is an operator's command or the seed loader."""
    if by is not None and not allowed:
        raise PermissionDenied


def resolve_unit(ref: Any) -> Unit:
    """A unit from an id (an agency), "agency:<id>", "institution:<id>", or an exact name
    ("Văn phòng Sở"), short name or school code; unknown names are refused, naming them."""
    if isinstance(ref, (Agency, Institution)):
        return ref
    text = nfc(str(ref)) if ref is not None else ""
    unit: Unit | None = None
    if isinstance(ref, int) or text.isdigit():
        unit = Agency.objects.filter(pk=int(text)).first()
    elif text.startswith("agency:") and text[7:].isdigit():
        unit = Agency.objects.filter(pk=int(text[7:])).first()
    elif text.startswith("institution:") and text[12:].isdigit():
        unit = Institution.objects.filter(pk=int(text[12:])).first()
    elif text:
        unit = (
            Agency.objects.filter(name=text).first()
            or Agency.objects.filter(short_name=text).first()
            or Institution.objects.filter(name=text).first()
            or Institution.objects.filter(code=text).first()
        )
    if unit is None:
        raise DirectiveError(
            _("Không tìm thấy đơn vị “%(name)s”.") % {"name": text}, code="unknown_unit"
        )
    return unit


def _expansion_of(ref: Any) -> tuple[str, str] | None:
    text = str(ref) if isinstance(ref, str) else ""
    if text == ALL_COMMUNES:
        return Task.Expansion.COMMUNES, ""
    if text.startswith(ALL_SCHOOLS_PREFIX):
        level = text[len(ALL_SCHOOLS_PREFIX) :]
        if level not in Institution.Level.values:
            raise DirectiveError(
                _("Cấp học không hợp lệ: %(v)s.") % {"v": level}, code="unknown_unit"
            )
        return Task.Expansion.SCHOOLS, level
    return None


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _fill_document(doc: Document, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(doc, name, value)
    if doc.kind not in Document.Kind.values:
        raise DirectiveError(_("Loại văn bản không hợp lệ: %(v)s.") % {"v": doc.kind})
    doc.set_derived()
    if not doc.subject:
        raise DirectiveError(_("Trích yếu là bắt buộc."))
    if not doc.issuing_body:
        doc.issuing_body = doc.issuer.name if doc.issuer else ""
    if not doc.issuing_body:
        raise DirectiveError(_("Cơ quan ban hành là bắt buộc."))
    if doc.number and (
        Document.objects.filter(kind=doc.kind, number=doc.number, issued_on=doc.issued_on)
        .exclude(pk=doc.pk)
        .exists()
    ):
        raise DirectiveError(
            _("Đã có văn bản số %(n)s.") % {"n": doc.number}, code="duplicate", status=409
        )


@transaction.atomic
def create_document(*, by: Any, **fields: Any) -> Document:
    """Record a document (letter, plan, directive, resolution, decision); department roles only."""
    _check(by, access.can_create_documents(by))
    doc = Document(created_by=by if getattr(by, "is_authenticated", False) else None)
    if fields.get("file") is None:
        fields.pop("file", None)
    _fill_document(doc, fields)
    doc.save()
    record_event(actor=by, action="document.created", target=doc, data={"number": doc.number})
    return doc


def _subtask_units(expansion: str, level: str) -> Iterable[Unit]:
    if expansion == Task.Expansion.COMMUNES:
        return Agency.objects.filter(kind=Agency.Kind.COMMUNE_COMMITTEE).order_by("sort_key")
    levels = [level]
    if level == Institution.Level.UPPER_SECONDARY:
        # "Các trường THPT" takes in the schools that span several levels up to grade 12.
        levels.append(Institution.Level.MULTI_LEVEL)
    return Institution.objects.filter(
        level__in=levels, is_active=True, ownership=Institution.Ownership.PUBLIC
    ).order_by("sort_key")


def _lead_fields(unit: Unit) -> dict[str, Any]:
    if isinstance(unit, Agency):
        return {"lead_agency": unit, "lead_institution": None}
    return {"lead_agency": None, "lead_institution": unit}


@transaction.atomic
def create_task(
    *,
    by: Any,
    document: Document,
    title: str,
    lead: Any,
    cooperating: Iterable[Any] = (),
    section: str = "",
    content: str = "",
    deadline: date | None = None,
    recurrence: str = "",
    starts_on: date | None = None,
) -> Task:
    """A task of a document with one lead and any cooperating units; "all_communes" or
    "all_schools:<level>" among them gives one sub-task per commune or school, rolled up."""
    _check(by, access.can_manage_directives(by))
    title, section, content = nfc(title), nfc(section), (content or "").strip()
    if not title:
        raise DirectiveError(_("Tên nhiệm vụ là bắt buộc."))
    if recurrence not in Recurrence.values:
        raise DirectiveError(_("Định kỳ không hợp lệ: %(v)s.") % {"v": recurrence})
    if recurrence and deadline:
        raise DirectiveError(_("Nhiệm vụ định kỳ không có hạn riêng: chọn hạn hoặc định kỳ."))
    lead_unit = resolve_unit(lead)
    agencies: list[Agency] = []
    institutions: list[Institution] = []
    expansion, level = "", ""
    for ref in cooperating:
        exp = _expansion_of(ref)
        if exp:
            if expansion:
                raise DirectiveError(
                    _("Chỉ giao cho một nhóm đơn vị (tất cả xã hoặc một cấp học).")
                )
            expansion, level = exp
            continue
        unit = resolve_unit(ref)
        (agencies if isinstance(unit, Agency) else institutions).append(unit)  # type: ignore[arg-type]
    start = starts_on or document.issued_on or timezone.localdate()
    task = Task.objects.create(
        document=document,
        section=section,
        title=title,
        content=content,
        deadline=deadline,
        recurrence=recurrence,
        starts_on=start,
        expansion=expansion,
        expansion_level=level,
        **_lead_fields(lead_unit),
    )
    task.cooperating_agencies.set([a for a in agencies if a != lead_unit])
    task.cooperating_institutions.set([i for i in institutions if i != lead_unit])
    count = 0
    if expansion:
        subtasks = [
            Task(
                document=document,
                parent=task,
                section=section,
                title=title,
                content=content,
                deadline=deadline,
                recurrence=recurrence,
                starts_on=start,
                **_lead_fields(unit),
            )
            for unit in _subtask_units(expansion, level)
        ]
        Task.objects.bulk_create(subtasks, batch_size=500)
        count = len(subtasks)
    record_event(
        actor=by,
        action="task.created",
        target=task,
        data={"document": document.pk, "subtasks": count},
    )
    return task


def _refresh(task: Task) -> None:
    """Progress of a task from its lead's newest report not returned (or its sub-tasks)."""
    if task.subtasks.exists():
        agg = task.subtasks.aggregate(
            avg=Avg("percent"),
            n=Count("pk"),
            done=Count("pk", filter=Q(percent__gte=100)),
            finished=Max("completed_on"),
            last=Max("last_report_on"),
            first_open=Min("percent"),
        )
        task.percent = int(agg["avg"] or 0)
        all_done = agg["n"] and agg["done"] == agg["n"]
        task.percent = 100 if all_done else min(task.percent, 99)
        task.completed_on = agg["finished"] if all_done else None
        task.last_report_on = agg["last"]
    else:
        latest = (
            task.reports.filter(is_lead=True)
            .exclude(review=TaskReport.Review.RETURNED)
            .order_by("-reported_on", "-id")
            .first()
        )
        task.percent = latest.percent if latest else 0
        task.last_report_on = latest.reported_on if latest else None
        if latest and latest.percent >= 100:
            first_done = (
                task.reports.filter(is_lead=True, percent__gte=100)
                .exclude(review=TaskReport.Review.RETURNED)
                .order_by("reported_on")
                .first()
            )
            task.completed_on = first_done.reported_on if first_done else latest.reported_on
        else:
            task.completed_on = None
    task.save(update_fields=["percent", "completed_on", "last_report_on"])
    if task.parent_id:
        parent = Task.objects.select_for_update().get(pk=task.parent_id)
        _refresh(parent)


def _email_of(unit: Unit | None) -> str:
    return getattr(unit, "email", "") or ""


@transaction.atomic
def submit_report(
    *,
    by: Any,
    task: Task,
    text: str,
    percent: int,
    difficulties: str = "",
    proposals: str = "",
    evidence: Any = None,
    today: date | None = None,
    unit: Unit | None = None,
) -> TaskReport:
    """A progress report by the lead (or a cooperator's contribution, which does not move the
    progress); a task rolled up from sub-tasks is reported on through its sub-tasks."""
    if by is not None and not getattr(by, "is_superuser", False):
        found = access.reporting_unit_for(by, task)
        if found is None:
            raise PermissionDenied
        unit, is_lead = found
    else:
        unit = unit or task.lead
        is_lead = unit == task.lead
    text = (text or "").strip()
    if not text:
        raise DirectiveError(_("Nội dung báo cáo là bắt buộc."))
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise DirectiveError(_("Tiến độ phải từ 0 đến 100%."))
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.subtasks.exists():
        raise DirectiveError(
            _(
                "Nhiệm vụ này được tổng hợp từ nhiệm vụ của từng đơn vị: "
                "hãy báo cáo ở nhiệm vụ của đơn vị."
            ),
            code="rolled_up",
            status=409,
        )
    report = TaskReport.objects.create(
        task=task,
        by_agency=unit if isinstance(unit, Agency) else None,
        by_institution=unit if isinstance(unit, Institution) else None,
        is_lead=is_lead,
        text=text,
        percent=percent,
        difficulties=(difficulties or "").strip(),
        proposals=(proposals or "").strip(),
        evidence=evidence or "",
        reported_on=_today(today),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    _refresh(task)
    record_event(
        actor=by,
        action="task.reported",
        target=task,
        data={"report": report.pk, "percent": percent, "lead": is_lead},
    )
    notify(
        channel="email",
        to=_email_of(task.document.issuer),
        template="directives_task_reported",
        context={"task": task, "report": report},
        about=f"task:{task.pk}",
    )
    return report


@transaction.atomic
def review_report(*, by: Any, report: TaskReport, accept: bool, reason: str = "") -> TaskReport:
    """The issuer accepts a report, or returns it with a reason; a returned report stops
    counting towards the task's progress."""
    _check(by, access.can_manage_directives(by))
    report = TaskReport.objects.select_for_update().select_related("task").get(pk=report.pk)
    reason = nfc(reason)
    if report.review != TaskReport.Review.PENDING:
        raise DirectiveError(_("Báo cáo này đã được xem xét."), code="already_reviewed", status=409)
    if not accept and not reason:
        raise DirectiveError(_("Cần nêu lý do trả lại báo cáo."))
    report.review = TaskReport.Review.ACCEPTED if accept else TaskReport.Review.RETURNED
    report.return_reason = "" if accept else reason
    report.reviewed_by = by if getattr(by, "is_authenticated", False) else None
    report.reviewed_at = timezone.now()
    report.save(update_fields=["review", "return_reason", "reviewed_by", "reviewed_at"])
    task = Task.objects.select_for_update().get(pk=report.task_id)
    _refresh(task)
    record_event(
        actor=by,
        action="task_report.accepted" if accept else "task_report.returned",
        target=report,
        data={"task": task.pk, "reason": report.return_reason},
    )
    notify(
        channel="email",
        to=_email_of(report.by),
        template="directives_report_reviewed",
        context={"task": task, "report": report},
        about=f"task:{task.pk}",
    )
    return report


# --- reminders, escalation and digests (run daily by `manage.py remind_tasks`) ------------------


@dataclass
class ReminderResult:
    reminded: int = 0
    escalated: int = 0
    digests: int = 0


def superior_of(unit: Unit) -> Agency | None:
    """Whom an overdue task is escalated to: a division's department, a commune committee's
    city committee, a school's managing authority."""
    if isinstance(unit, Agency):
        return unit.parent
    return unit.managing_agency


def _claim(task: Task, column: str, due: date) -> bool:
    """Mark `task` as reminded (or escalated) for `due`; False if another runner already did."""
    claimed = (
        Task.objects.filter(pk=task.pk)
        .filter(Q(**{f"{column}__isnull": True}) | ~Q(**{column: due}))
        .update(**{column: due})
    )
    return claimed == 1


def _unit_key(task: Task) -> str:
    if task.lead_agency_id:
        return f"agency:{task.lead_agency_id}"
    return f"institution:{task.lead_institution_id}"


def send_reminders(*, today: date | None = None, days_before: int = 3) -> ReminderResult:
    """Remind the lead unit `days_before` days ahead of a due date, escalate an overdue task to
    the unit and its superior once per due date, and send each unit one digest a day of what is
    due or overdue. Every send is claimed first (a conditional UPDATE, or the digest's unique
    row), so two runners never send the same message twice."""
    from oversight.directives.models import Digest, Status

    today = _today(today)
    horizon = today + timedelta(days=days_before)
    result = ReminderResult()
    leaves = (
        Task.objects.filter(expansion="")
        .with_status(today)
        .filter(status__in=[Status.NOT_STARTED, Status.IN_PROGRESS, Status.OVERDUE])
        .select_related("document", "lead_agency__parent", "lead_institution__managing_agency")
    )
    per_unit: dict[str, list[tuple[Task, date | None, str]]] = {}
    for task in leaves.iterator(chunk_size=500):
        due = task.due_on(today)
        if task.status == Status.OVERDUE:
            if task.recurrence:
                start, _end = period_of(task.recurrence, today)
                due = period_of(task.recurrence, start - timedelta(days=1))[1]
            if due is not None and _escalate(task, due):
                result.escalated += 1
        elif due is not None and today <= due <= horizon:
            if _remind(task, due):
                result.reminded += 1
        else:
            continue
        per_unit.setdefault(_unit_key(task), []).append((task, due, task.status))
    for key, items in per_unit.items():
        try:
            with transaction.atomic():
                Digest.objects.create(unit_key=key, sent_on=today, tasks=len(items))
        except IntegrityError:
            continue
        unit = items[0][0].lead
        record_event(
            actor=None,
            action="directives.digest_sent",
            target=unit,
            data={"on": str(today), "tasks": [t.pk for t, _due, _status in items]},
        )
        notify(
            channel="email",
            to=_email_of(unit),
            template="directives_digest",
            context={"unit": unit, "items": items, "today": today},
            about=key,
        )
        result.digests += 1
    return result


@transaction.atomic
def _remind(task: Task, due: date) -> bool:
    if not _claim(task, "reminded_for", due):
        return False
    notify(
        channel="email",
        to=_email_of(task.lead),
        template="directives_task_due",
        context={"task": task, "due": due},
        about=f"task:{task.pk}",
    )
    record_event(actor=None, action="task.reminded", target=task, data={"due": str(due)})
    return True


@transaction.atomic
def _escalate(task: Task, due: date) -> bool:
    if not _claim(task, "escalated_for", due):
        return False
    superior = superior_of(task.lead)
    for to in {_email_of(task.lead), _email_of(superior)} - {""}:
        notify(
            channel="email",
            to=to,
            template="directives_task_overdue",
            context={"task": task, "due": due, "superior": superior},
            about=f"task:{task.pk}",
        )
    record_event(
        actor=None,
        action="task.escalated",
        target=task,
        data={"due": str(due), "superior": superior.pk if superior else None},
    )
    return True


# --- dissemination and publication --------------------------------------------------------------


def _units_of(refs: Iterable[Any]) -> list[Unit]:
    units: list[Unit] = []
    for ref in refs:
        exp = _expansion_of(ref)
        if exp:
            units.extend(_subtask_units(*exp))
        else:
            units.append(resolve_unit(ref))
    return units


@transaction.atomic
def disseminate(*, by: Any, document: Document, units: Iterable[Any]) -> int:
    """Send a document to units (named ones, "all_communes", "all_schools:<level>") to be made
    known to their staff; a unit already sent to is not sent to again. Returns how many new."""
    _check(by, access.can_manage_directives(by))
    targets = _units_of(units)
    if not targets:
        raise DirectiveError(_("Chọn ít nhất một đơn vị nhận văn bản."))
    have_a = set(document.disseminations.values_list("agency_id", flat=True))
    have_i = set(document.disseminations.values_list("institution_id", flat=True))
    sender = by if getattr(by, "is_authenticated", False) else None
    new = [
        Dissemination(
            document=document,
            agency=u if isinstance(u, Agency) else None,
            institution=u if isinstance(u, Institution) else None,
            sent_by=sender,
        )
        for u in dict.fromkeys(targets)
        if u.pk not in (have_a if isinstance(u, Agency) else have_i)
    ]
    Dissemination.objects.bulk_create(new, batch_size=500)
    for item in new:
        notify(
            channel="email",
            to=_email_of(item.unit),
            template="directives_document_sent",
            context={"document": document, "unit": item.unit},
            about=f"document:{document.pk}",
        )
    record_event(actor=by, action="document.disseminated", target=document, data={"new": len(new)})
    return len(new)


def _check_recipient(by: Any, item: Dissemination) -> None:
    agencies, institutions = access.directive_units_of(by)
    if not (item.agency_id in agencies or item.institution_id in institutions):
        raise PermissionDenied


@transaction.atomic
def acknowledge_receipt(*, by: Any, item: Dissemination) -> Dissemination:
    """The receiving unit confirms it has the document (once)."""
    _check_recipient(by, item)
    claimed = Dissemination.objects.filter(pk=item.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=by
    )
    if not claimed:
        raise DirectiveError(_("Đơn vị đã xác nhận nhận văn bản."), code="already_done", status=409)
    item.refresh_from_db()
    record_event(
        actor=by,
        action="document.acknowledged",
        target=item.document,
        data={"dissemination": item.pk},
    )
    return item


@transaction.atomic
def report_briefing(
    *, by: Any, item: Dissemination, note: str, briefed_on: date | None = None
) -> Dissemination:
    """The receiving unit reports it has briefed its staff ("quán triệt"); receipt is
    acknowledged with it if it was not yet."""
    _check_recipient(by, item)
    note = (note or "").strip()
    if not note:
        raise DirectiveError(_("Ghi tóm tắt việc quán triệt (thời gian, thành phần, nội dung)."))
    item = Dissemination.objects.select_for_update().get(pk=item.pk)
    fields = ["briefed_on", "briefing_note"]
    item.briefed_on, item.briefing_note = _today(briefed_on), note
    if item.acknowledged_at is None:
        item.acknowledged_at, item.acknowledged_by = timezone.now(), by
        fields += ["acknowledged_at", "acknowledged_by"]
    item.save(update_fields=fields)
    record_event(
        actor=by, action="document.briefed", target=item.document, data={"dissemination": item.pk}
    )
    return item


@transaction.atomic
def publish_document(*, by: Any, document: Document, public: bool) -> Document:
    """Documents meant for families are listed on the public portal (or withdrawn from it)."""
    _check(by, access.can_manage_directives(by))
    document.is_public = public
    document.save(update_fields=["is_public"])
    bump_public_generation()
    record_event(
        actor=by,
        action="document.published" if public else "document.unpublished",
        target=document,
    )
    return document


# --- reports upward -----------------------------------------------------------------------------

REPORT_FIELDS = (
    "number",
    "place",
    "dated",
    "addressee",
    "subject",
    "body",
    "recipients",
    "signer_title",
    "signer_name",
)


@transaction.atomic
def draft_execution_report(
    *, by: Any, document: Document, today: date | None = None
) -> ExecutionReport:
    """A draft report of the document's execution for the superior, written from the task
    reports; it stays editable until it is recorded as sent."""
    from oversight.directives.selectors import execution_lines

    _check(by, access.can_manage_directives(by))
    today = _today(today)
    department = Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).select_related("parent").first()
    reporter = department.name if department else ""
    if document.issuer and department and document.issuer == department and department.parent:
        addressee = department.parent.name
    else:
        addressee = document.issuing_body
    results, difficulties, proposals = execution_lines(document, today)
    label = f"{document.get_kind_display()} {document.number}".strip()
    body = [
        f"Thực hiện {label} về {document.subject[:1].lower()}{document.subject[1:]}, "
        f"{reporter} báo cáo kết quả thực hiện như sau:",
        "I. KẾT QUẢ THỰC HIỆN",
        *results,
        "II. KHÓ KHĂN, VƯỚNG MẮC",
        *(difficulties or ["Không có."]),
        "III. ĐỀ XUẤT, KIẾN NGHỊ",
        *(proposals or ["Không có."]),
    ]
    report = ExecutionReport.objects.create(
        document=document,
        issuer_parent=department.parent.name if department and department.parent else "",
        issuer_name=reporter,
        dated=today,
        addressee=addressee,
        subject=f"Báo cáo kết quả thực hiện {label}",
        body="\n".join(body),
        recipients=f"- Như trên;\n- {document.issuing_body};\n- Lưu: VT.",
        signer_title="GIÁM ĐỐC",
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    record_event(
        actor=by, action="execution_report.drafted", target=report, data={"document": document.pk}
    )
    return report


@transaction.atomic
def update_execution_report(*, by: Any, report: ExecutionReport, **fields: Any) -> ExecutionReport:
    """Edit a draft report; a report recorded as sent is not changed any more."""
    _check(by, access.can_manage_directives(by))
    report = ExecutionReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ExecutionReport.State.DRAFT:
        raise DirectiveError(_("Báo cáo đã gửi, không sửa được nữa."), code="sent", status=409)
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise DirectiveError(_("Trường không hợp lệ: %(v)s.") % {"v": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(report, name, nfc(value) if name not in ("body", "recipients", "dated") else value)
    if not report.subject or not report.body or not report.addressee:
        raise DirectiveError(_("Trích yếu, nơi gửi và nội dung báo cáo là bắt buộc."))
    report.save(update_fields=list(fields))
    record_event(
        actor=by, action="execution_report.updated", target=report, data={"fields": sorted(fields)}
    )
    return report


@transaction.atomic
def send_execution_report(*, by: Any, report: ExecutionReport) -> ExecutionReport:
    """Record the report as sent to the superior (once)."""
    _check(by, access.can_manage_directives(by))
    claimed = ExecutionReport.objects.filter(
        pk=report.pk, state=ExecutionReport.State.DRAFT
    ).update(
        state=ExecutionReport.State.SENT,
        sent_at=timezone.now(),
        sent_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if not claimed:
        raise DirectiveError(_("Báo cáo đã được gửi."), code="sent", status=409)
    report.refresh_from_db()
    record_event(
        actor=by,
        action="execution_report.sent",
        target=report,
        data={"addressee": report.addressee},
    )
    return report


def execution_report_docx(report: ExecutionReport) -> bytes:
    """The report as DOCX in the official layout."""
    from oversight.directives.docx import official_docx

    return official_docx(
        issuer_parent=report.issuer_parent,
        issuer=report.issuer_name,
        number=report.number,
        place=report.place,
        dated=report.dated,
        title="BÁO CÁO",
        subject=report.subject,
        addressee=report.addressee,
        body=report.body,
        recipients=report.recipients,
        signer_title=report.signer_title,
        signer_name=report.signer_name,
    )
