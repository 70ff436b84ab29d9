"""Writes for inspections: planning, the checklist, the conclusion, sanctions, corrective
actions and the suspension of programmes. Each write is checked, audited, and atomic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.accounts import access
from oversight.accounts.models import Role, User
from oversight.audit.services import record_event
from oversight.inspections.checklist import checklist_for, prefill_findings
from oversight.inspections.models import (
    ChecklistItem,
    CorrectiveAction,
    Evidence,
    Inspection,
    InspectionPlan,
    InspectionTarget,
    ProgramSuspension,
    Sanction,
)
from oversight.lib.text import nfc
from oversight.notifications.notifier import notify
from oversight.programs.models import Facility, Program
from oversight.registry.models import Agency, Institution

# Reminders go out this many days before a corrective action's deadline.
REMIND_DAYS_BEFORE = 7
MAX_FINE = 1_000_000_000  # VND; above this is a typing error, not a fine
PREFILL_NOTES_MAX = 10  # findings quoted in one checklist item's notes


class InspectionError(Exception):
    """A rule forbids this step; the message is safe to show."""


class InspectionInputError(InspectionError):
    """Malformed input: `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class TargetChoice:
    """One chosen target and why: kind is `institution`, `facility` or `program`."""

    kind: str
    obj: Institution | Facility | Program
    reason: str
    score: int = 0


def _tell(user: Any, template: str, context: dict, about: str) -> None:
    """Tell an official by SMS if a phone is on file, else by e-mail."""
    if getattr(user, "phone", ""):
        notify(channel="sms", to=user.phone, template=template, context=context, about=about)
    else:
        notify(
            channel="email",
            to=getattr(user, "email", ""),
            template=template,
            context=context,
            about=about,
        )


def _require_agency(by: Any, agency: Agency) -> None:
    if not access.can_act_for_agency(by, agency):
        raise PermissionDenied


def _check_period(start: date | None, end: date | None, errors: dict[str, str]) -> None:
    if start is None:
        errors["starts_on"] = _("Cần ngày bắt đầu.")
    if end is None:
        errors["ends_on"] = _("Cần ngày kết thúc.")
    if start and end and end < start:
        errors["ends_on"] = _("Ngày kết thúc phải sau ngày bắt đầu.")


@transaction.atomic
def create_plan(
    *,
    by: Any,
    agency: Agency,
    title: str,
    period_start: date,
    period_end: date,
    legal_basis: str,
) -> InspectionPlan:
    """An authority plans its periodic inspections for a period, citing its legal basis."""
    _require_agency(by, agency)
    errors: dict[str, str] = {}
    title, legal_basis = nfc(title).strip(), nfc(legal_basis).strip()
    if not title:
        errors["title"] = _("Cần tên kế hoạch.")
    if len(legal_basis) < 5:
        errors["legal_basis"] = _("Cần căn cứ pháp lý.")
    _check_period(period_start, period_end, errors)
    if errors:
        raise InspectionInputError(errors)
    plan = InspectionPlan.objects.create(
        agency=agency,
        title=title,
        period_start=period_start,
        period_end=period_end,
        legal_basis=legal_basis,
        status=InspectionPlan.Status.APPROVED,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    record_event(actor=by, action="inspection.plan_created", target=plan)
    return plan


def _target_level(target: InspectionTarget) -> str:
    if target.institution_id:
        return target.institution.level  # type: ignore[union-attr]
    if target.program_id and target.program.institution_id:  # type: ignore[union-attr]
        return target.program.institution.level  # type: ignore[union-attr]
    return ""


def build_checklist(target: InspectionTarget, on_date: date) -> list[ChecklistItem]:
    """The target's checklist from the rules for its kind, with open findings prefilled."""
    rows = {
        r.rule: ChecklistItem(target=target, rule=r.rule, title=r.title, citation=r.citation)
        for r in checklist_for(target.target_kind, _target_level(target), on_date)
    }
    # Each live finding of the engine marks its rule's item as a suspected breach, with the
    # finding's message as a note; a finding of a rule not on the list adds its item.
    notes: dict[str, list[str]] = {}
    for finding in prefill_findings(target):
        if finding.rule_code not in rows:
            rows[finding.rule_code] = ChecklistItem(
                target=target,
                rule=finding.rule_code,
                title=finding.rule.title[:300],
                citation=finding.citation[:300],
            )
        notes.setdefault(finding.rule_code, []).append(
            _("Nghi vi phạm (phát hiện ngày %(day)s): %(message)s")
            % {"day": finding.occurred_on.strftime("%d/%m/%Y"), "message": finding.message}
        )
    for code, lines in notes.items():
        more = len(lines) - PREFILL_NOTES_MAX
        rows[code].notes = "\n".join(lines[:PREFILL_NOTES_MAX]) + (
            "\n" + _("… và %(n)s phát hiện khác.") % {"n": more} if more > 0 else ""
        )
    return ChecklistItem.objects.bulk_create(list(rows.values()))


@transaction.atomic
def create_inspection(
    *,
    by: Any,
    agency: Agency,
    kind: str,
    title: str,
    legal_basis: str,
    starts_on: date,
    ends_on: date,
    targets: list[TargetChoice],
    members: list[User] | None = None,
    lead: User | None = None,
    plan: InspectionPlan | None = None,
) -> Inspection:
    """Create a periodic or surprise inspection of targets the authority may inspect; the
    reason each target was chosen is kept. A commune cannot inspect the department's schools."""
    _require_agency(by, agency)
    errors: dict[str, str] = {}
    title, legal_basis = nfc(title).strip(), nfc(legal_basis).strip()
    if kind not in Inspection.Kind.values:
        errors["kind"] = _("Loại kiểm tra phải là định kỳ hoặc đột xuất.")
    if not title:
        errors["title"] = _("Cần tên đợt kiểm tra.")
    if len(legal_basis) < 5:
        errors["legal_basis"] = _("Cần căn cứ pháp lý.")
    _check_period(starts_on, ends_on, errors)
    if not targets:
        errors["targets"] = _("Cần ít nhất một đối tượng kiểm tra.")
    seen = set()
    for t in targets:
        if t.kind not in ("institution", "facility", "program"):
            errors["targets"] = _("Đối tượng kiểm tra không hợp lệ.")
        elif len(nfc(t.reason).strip()) < 5:
            errors["targets"] = _("Cần ghi lý do chọn từng đối tượng.")
        elif (t.kind, t.obj.pk) in seen:
            errors["targets"] = _("Một đối tượng được chọn hai lần.")
        seen.add((t.kind, t.obj.pk))
    if plan is not None and plan.agency_id != agency.pk:
        errors["plan"] = _("Kế hoạch thuộc cơ quan khác.")
    lead = lead or (by if isinstance(by, User) else None)
    if lead is None:
        errors["lead"] = _("Cần trưởng đoàn.")
    if errors or lead is None:
        raise InspectionInputError(errors)
    for t in targets:
        if not access.can_inspect(agency, **{t.kind: t.obj}):
            raise PermissionDenied
    inspection = Inspection.objects.create(
        plan=plan,
        kind=kind,
        agency=agency,
        title=title,
        legal_basis=legal_basis,
        starts_on=starts_on,
        ends_on=ends_on,
        lead=lead,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if members:
        inspection.members.set(members)
    for t in targets:
        target = InspectionTarget.objects.create(
            inspection=inspection,
            reason=nfc(t.reason).strip(),
            score=max(0, int(t.score)),
            **{t.kind: t.obj},
        )
        build_checklist(target, starts_on)
    record_event(
        actor=by,
        action="inspection.created",
        target=inspection,
        data={
            "kind": kind,
            "targets": [
                {"kind": t.kind, "id": t.obj.pk, "reason": nfc(t.reason).strip()} for t in targets
            ],
        },
    )
    return inspection


def _lock(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update().select_related("agency__unit").get(pk=inspection.pk)
    )


def _require_team(by: Any, inspection: Inspection) -> None:
    if by is not None and not access.can_work_on_inspection(by, inspection):
        raise PermissionDenied


@transaction.atomic
def start_inspection(*, inspection: Inspection, by: Any) -> Inspection:
    """The team starts the inspection; from now on a surprise inspection is visible to its
    target."""
    inspection = _lock(inspection)
    _require_team(by, inspection)
    if inspection.status != Inspection.Status.PLANNED:
        raise InspectionError(_("Đợt kiểm tra đã bắt đầu."))
    inspection.status, inspection.started_at = Inspection.Status.IN_PROGRESS, timezone.now()
    inspection.save(update_fields=["status", "started_at"])
    record_event(actor=by, action="inspection.started", target=inspection)
    return inspection


def _require_in_progress(inspection: Inspection) -> None:
    if inspection.status != Inspection.Status.IN_PROGRESS:
        raise InspectionError(_("Chỉ ghi nhận khi đợt kiểm tra đang tiến hành."))


@transaction.atomic
def record_check(
    *,
    item: ChecklistItem,
    by: Any,
    status: str,
    notes: str = "",
    interviewed: str = "",
    persons_responsible: str = "",
    heads_responsible: str = "",
    measures: str = "",
) -> ChecklistItem:
    """Record one checklist item's result; a breach needs its evidence described."""
    inspection = item.target.inspection
    _require_team(by, inspection)
    _require_in_progress(inspection)
    errors: dict[str, str] = {}
    if status not in ChecklistItem.Status.values:
        errors["status"] = _("Kết quả không hợp lệ.")
    notes = nfc(notes).strip()
    if status == ChecklistItem.Status.BREACH and len(notes) < 5:
        errors["notes"] = _("Vi phạm cần ghi rõ chứng cứ.")
    if errors:
        raise InspectionInputError(errors)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    item.status, item.notes, item.interviewed = status, notes, nfc(interviewed).strip()
    item.persons_responsible = nfc(persons_responsible).strip()
    item.heads_responsible = nfc(heads_responsible).strip()
    item.measures = nfc(measures).strip()
    item.checked_by = by if getattr(by, "is_authenticated", False) else None
    item.checked_at = timezone.now()
    item.save(
        update_fields=[
            "status",
            "notes",
            "interviewed",
            "persons_responsible",
            "heads_responsible",
            "measures",
            "checked_by",
            "checked_at",
        ]
    )
    record_event(
        actor=by,
        action="inspection.item_checked",
        target=inspection,
        data={"item": item.pk, "rule": item.rule, "status": status},
    )
    return item


EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def add_evidence(*, item: ChecklistItem, by: Any, title: str, upload: Any) -> Evidence:
    """Attach a photo or PDF to a checklist item (checked by its first bytes, not its name)."""
    from oversight.programs.services import ATTACHMENT_TYPES

    inspection = item.target.inspection
    _require_team(by, inspection)
    _require_in_progress(inspection)
    errors: dict[str, str] = {}
    content_type = None
    if upload is None:
        errors["file"] = _("Cần chọn tệp.")
    else:
        head = upload.read(8)
        upload.seek(0)
        content_type = next(
            (t for t, magic in ATTACHMENT_TYPES.items() if head.startswith(magic)), None
        )
        if content_type is None:
            errors["file"] = _("Chỉ nhận tệp PDF, PNG hoặc JPEG.")
        elif upload.size > EVIDENCE_MAX_BYTES:
            errors["file"] = _("Tệp quá lớn (tối đa 10 MB).")
    title = nfc(title).strip() or (getattr(upload, "name", "") or "")[:200]
    if not title:
        errors["title"] = _("Cần tên tài liệu.")
    if errors or content_type is None:
        raise InspectionInputError(errors)
    evidence = Evidence.objects.create(
        item=item,
        title=title,
        file=upload,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    record_event(
        actor=by,
        action="inspection.evidence_added",
        target=inspection,
        data={"item": item.pk, "title": title},
    )
    return evidence


@transaction.atomic
def conclude_inspection(
    *,
    inspection: Inspection,
    by: Any,
    number: str,
    concluded_on: date,
    subject: str,
    body: str,
    recipients: str,
    signer_name: str,
    signer_title: str,
) -> Inspection:
    """Conclude the inspection (kết luận): its number, date, subject, body, recipients and
    signer; the breaches come from the checklist, each with its rule and citation."""
    inspection = _lock(inspection)
    _require_team(by, inspection)
    _require_in_progress(inspection)
    fields = {
        "number": nfc(number).strip(),
        "subject": nfc(subject).strip(),
        "body": nfc(body).strip(),
        "recipients": nfc(recipients).strip(),
        "signer_name": nfc(signer_name).strip(),
        "signer_title": nfc(signer_title).strip(),
    }
    errors = {k: _("Cần điền mục này.") for k, v in fields.items() if not v}
    if concluded_on is None:
        errors["concluded_on"] = _("Cần ngày kết luận.")
    elif concluded_on < inspection.starts_on:
        errors["concluded_on"] = _("Ngày kết luận không được trước ngày bắt đầu kiểm tra.")
    if errors:
        raise InspectionInputError(errors)
    inspection.status = Inspection.Status.CONCLUDED
    inspection.concluded_at = timezone.now()
    inspection.conclusion_number = fields["number"]
    inspection.conclusion_date = concluded_on
    inspection.conclusion_subject = fields["subject"]
    inspection.conclusion_body = fields["body"]
    inspection.recipients = fields["recipients"]
    inspection.signer_name = fields["signer_name"]
    inspection.signer_title = fields["signer_title"]
    inspection.save(
        update_fields=[
            "status",
            "concluded_at",
            "conclusion_number",
            "conclusion_date",
            "conclusion_subject",
            "conclusion_body",
            "recipients",
            "signer_name",
            "signer_title",
        ]
    )
    breaches = ChecklistItem.objects.filter(
        target__inspection=inspection, status=ChecklistItem.Status.BREACH
    ).values_list("rule", flat=True)
    record_event(
        actor=by,
        action="inspection.concluded",
        target=inspection,
        data={"number": fields["number"], "breaches": list(breaches)},
    )
    return inspection


def _check_target(inspection: Inspection, target: InspectionTarget, item: Any) -> None:
    if target.inspection_id != inspection.pk:
        raise InspectionInputError({"target": _("Đối tượng không thuộc đợt kiểm tra này.")})
    if item is not None and item.target_id != target.pk:
        raise InspectionInputError({"item": _("Mục kiểm tra không thuộc đối tượng này.")})


@transaction.atomic
def record_sanction(
    *,
    inspection: Inspection,
    target: InspectionTarget,
    by: Any,
    kind: str,
    subject_kind: str,
    subject_name: str,
    legal_basis: str,
    decision_number: str,
    decided_on: date,
    effective_from: date | None = None,
    subject_position: str = "",
    amount: int | None = None,
    item: ChecklistItem | None = None,
) -> Sanction:
    """Record a sanction decided on a concluded inspection: discipline (reprimand, warning,
    forced dismissal, removal from post) for persons; fines with the decree's article and
    amount as entered."""
    inspection = _lock(inspection)
    _require_team(by, inspection)
    if inspection.status != Inspection.Status.CONCLUDED:
        raise InspectionError(_("Chỉ ghi nhận xử lý vi phạm sau khi có kết luận."))
    _check_target(inspection, target, item)
    errors: dict[str, str] = {}
    subject_name, legal_basis = nfc(subject_name).strip(), nfc(legal_basis).strip()
    decision_number = nfc(decision_number).strip()
    effective_from = effective_from or decided_on
    if kind not in Sanction.Kind.values:
        errors["kind"] = _("Hình thức xử lý không hợp lệ.")
    if subject_kind not in Sanction.SubjectKind.values:
        errors["subject_kind"] = _("Chọn cá nhân hoặc tổ chức.")
    elif kind in Sanction.PERSON_ONLY and subject_kind != Sanction.SubjectKind.PERSON:
        errors["subject_kind"] = _("Hình thức kỷ luật chỉ áp dụng với cá nhân.")
    if kind == Sanction.Kind.FINE:
        if amount is None or amount <= 0 or amount > MAX_FINE:
            errors["amount"] = _("Số tiền phạt phải lớn hơn 0 và không quá 1 tỷ đồng.")
    elif amount is not None:
        errors["amount"] = _("Chỉ hình thức phạt tiền mới có số tiền.")
    if not subject_name:
        errors["subject_name"] = _("Cần tên cá nhân hoặc tổ chức.")
    if len(legal_basis) < 5:
        errors["legal_basis"] = _("Cần điều, khoản áp dụng.")
    if not decision_number:
        errors["decision_number"] = _("Cần số quyết định.")
    if decided_on is None:
        errors["decided_on"] = _("Cần ngày quyết định.")
    elif effective_from < decided_on:
        errors["effective_from"] = _("Ngày hiệu lực không được trước ngày quyết định.")
    if errors:
        raise InspectionInputError(errors)
    sanction = Sanction.objects.create(
        inspection=inspection,
        target=target,
        item=item,
        kind=kind,
        subject_kind=subject_kind,
        subject_name=subject_name,
        subject_position=nfc(subject_position).strip(),
        legal_basis=legal_basis,
        amount=amount,
        decision_number=decision_number,
        decided_on=decided_on,
        effective_from=effective_from,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    record_event(
        actor=by,
        action="inspection.sanction_recorded",
        target=inspection,
        data={"sanction": sanction.pk, "kind": kind, "decision": decision_number},
    )
    return sanction


def _may_own_correction(owner: User, inspection: Inspection, target: InspectionTarget) -> bool:
    """A correction is owned by the management of the school inspected (its principal or
    staff) or by an officer of the inspecting authority; never by someone outside the case,
    who would then read the inspection's findings."""
    if access.can_act_for_agency(owner, inspection.agency):
        return True
    school = target.institution or (target.program.institution if target.program else None)
    if school is None:
        return False
    return bool(access.rights_over(owner, school).roles & {Role.PRINCIPAL, Role.SCHOOL_STAFF})


@transaction.atomic
def add_corrective_action(
    *,
    inspection: Inspection,
    target: InspectionTarget,
    by: Any,
    description: str,
    owner: User,
    deadline: date,
    item: ChecklistItem | None = None,
    today: date | None = None,
) -> CorrectiveAction:
    """Order a correction with an owner and a deadline; the owner is told."""
    inspection = _lock(inspection)
    _require_team(by, inspection)
    if inspection.status == Inspection.Status.PLANNED:
        raise InspectionError(_("Đợt kiểm tra chưa bắt đầu."))
    _check_target(inspection, target, item)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    description = nfc(description).strip()
    if len(description) < 5:
        errors["description"] = _("Cần mô tả nội dung khắc phục.")
    if owner is None or not owner.is_active:
        errors["owner"] = _("Cần người chịu trách nhiệm.")
    elif not _may_own_correction(owner, inspection, target):
        errors["owner"] = _(
            "Người chịu trách nhiệm phải là cán bộ quản lý của nơi được kiểm tra hoặc của cơ "
            "quan kiểm tra: hãy chọn hiệu trưởng, cán bộ nhà trường hoặc cán bộ của cơ quan."
        )
    if deadline is None or deadline < today:
        errors["deadline"] = _("Thời hạn phải từ hôm nay trở đi.")
    if errors:
        raise InspectionInputError(errors)
    action = CorrectiveAction.objects.create(
        inspection=inspection,
        target=target,
        item=item,
        description=description,
        owner=owner,
        deadline=deadline,
    )
    record_event(
        actor=by,
        action="inspection.corrective_action_added",
        target=inspection,
        data={"action": action.pk, "owner": owner.pk, "deadline": deadline.isoformat()},
    )
    _tell(
        owner,
        "inspection_action_assigned",
        {"action": action, "inspection": inspection},
        about=f"corrective_action:{action.pk}",
    )
    return action


def can_complete_action(user: Any, action: CorrectiveAction) -> bool:
    return action.owner_id == getattr(user, "pk", None) or access.can_work_on_inspection(
        user, action.inspection
    )


@transaction.atomic
def complete_corrective_action(
    *, action: CorrectiveAction, by: Any, note: str, upload: Any = None
) -> CorrectiveAction:
    """The owner reports the correction done, with evidence; the inspector then verifies."""
    if by is not None and not can_complete_action(by, action):
        raise PermissionDenied
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if action.status != CorrectiveAction.Status.OPEN:
        raise InspectionError(_("Biện pháp này đã được báo cáo hoặc xác minh."))
    note = nfc(note).strip()
    errors: dict[str, str] = {}
    if len(note) < 5:
        errors["note"] = _("Cần mô tả kết quả khắc phục.")
    if upload is not None:
        from oversight.programs.services import ATTACHMENT_TYPES

        head = upload.read(8)
        upload.seek(0)
        if not any(head.startswith(m) for m in ATTACHMENT_TYPES.values()):
            errors["file"] = _("Chỉ nhận tệp PDF, PNG hoặc JPEG.")
        elif upload.size > EVIDENCE_MAX_BYTES:
            errors["file"] = _("Tệp quá lớn (tối đa 10 MB).")
    if errors:
        raise InspectionInputError(errors)
    action.status, action.completion_note = CorrectiveAction.Status.DONE, note
    action.completed_at = timezone.now()
    fields = ["status", "completion_note", "completed_at"]
    if upload is not None:
        action.completion_file = upload
        fields.append("completion_file")
    action.save(update_fields=fields)
    record_event(
        actor=by,
        action="inspection.corrective_action_done",
        target=action.inspection,
        data={"action": action.pk},
    )
    return action


@transaction.atomic
def verify_corrective_action(
    *, action: CorrectiveAction, by: Any, accepted: bool, note: str = ""
) -> CorrectiveAction:
    """The inspector verifies a reported correction, or sends it back to its owner."""
    _require_team(by, action.inspection)
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if action.status != CorrectiveAction.Status.DONE:
        raise InspectionError(_("Chỉ xác minh biện pháp đã được báo cáo hoàn thành."))
    if accepted:
        action.status = CorrectiveAction.Status.VERIFIED
        action.verified_by = by if getattr(by, "is_authenticated", False) else None
        action.verified_at = timezone.now()
    else:
        if len(nfc(note).strip()) < 5:
            raise InspectionInputError({"note": _("Cần ghi lý do chưa chấp nhận.")})
        action.status = CorrectiveAction.Status.OPEN
        action.completion_note += "\n" + _("Chưa đạt: %(note)s") % {"note": nfc(note).strip()}
    action.save(update_fields=["status", "verified_by", "verified_at", "completion_note"])
    record_event(
        actor=by,
        action="inspection.corrective_action_verified"
        if accepted
        else "inspection.corrective_action_returned",
        target=action.inspection,
        data={"action": action.pk},
    )
    return action


def send_corrective_action_reminders(*, today: date, now: datetime | None = None) -> dict[str, int]:
    """Remind owners REMIND_DAYS_BEFORE days before a deadline, and tell owner and lead once
    it has passed. Each row is claimed by a conditional UPDATE, so two runners never send the
    same message twice."""
    now = now or timezone.now()
    sent = {"reminded": 0, "overdue": 0}
    open_actions = CorrectiveAction.objects.filter(status=CorrectiveAction.Status.OPEN)
    for pk in open_actions.filter(
        deadline__gte=today,
        deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
        reminded_at__isnull=True,
    ).values_list("pk", flat=True):
        with transaction.atomic():
            claimed = CorrectiveAction.objects.filter(
                pk=pk, reminded_at__isnull=True, status=CorrectiveAction.Status.OPEN
            ).update(reminded_at=now)
            if claimed != 1:
                continue
            action = CorrectiveAction.objects.select_related("owner", "inspection").get(pk=pk)
            _tell(
                action.owner,
                "inspection_action_reminder",
                {"action": action, "days": (action.deadline - today).days},
                about=f"corrective_action:{pk}",
            )
            record_event(
                actor=None,
                action="inspection.corrective_action_reminded",
                target=action.inspection,
                data={"action": pk},
            )
            sent["reminded"] += 1
    for pk in open_actions.filter(deadline__lt=today, overdue_notified_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            claimed = CorrectiveAction.objects.filter(
                pk=pk, overdue_notified_at__isnull=True, status=CorrectiveAction.Status.OPEN
            ).update(overdue_notified_at=now)
            if claimed != 1:
                continue
            action = CorrectiveAction.objects.select_related("owner", "inspection__lead").get(pk=pk)
            context = {"action": action, "days": (today - action.deadline).days}
            about = f"corrective_action:{pk}"
            _tell(action.owner, "inspection_action_overdue", context, about)
            _tell(action.inspection.lead, "inspection_action_overdue", context, about)
            record_event(
                actor=None,
                action="inspection.corrective_action_overdue",
                target=action.inspection,
                data={"action": pk},
            )
            sent["overdue"] += 1
    return sent


def _program_is_target(inspection: Inspection, program: Program) -> bool:
    for t in inspection.targets.all():
        if t.program_id == program.pk:
            return True
        if t.institution_id and t.institution_id == program.institution_id:
            return True
        if t.facility_id and t.facility_id == program.facility_id:
            return True
    return False


@transaction.atomic
def suspend_program_for_inspection(
    *, inspection: Inspection, program: Program, by: Any, reason: str
) -> ProgramSuspension:
    """Suspend a programme of an inspected target at once (the school's managing authority,
    the department, or inspectors in scope); enrolments and fees freeze, each family is told
    the reason and that what was paid for untaught sessions is refunded."""
    from oversight.programs.services import transition

    inspection = _lock(inspection)
    _require_team(by, inspection)
    if inspection.status == Inspection.Status.PLANNED:
        raise InspectionError(_("Đợt kiểm tra chưa bắt đầu."))
    if not _program_is_target(inspection, program):
        raise InspectionInputError({"program": _("Chương trình không thuộc đối tượng kiểm tra.")})
    # transition() checks access.can_suspend_program, the status and the reason, ends every
    # place (refunds computed) and tells the families with the reason.
    transition(program=program, action="suspend", by=by, reason=reason)
    suspension = ProgramSuspension.objects.create(
        inspection=inspection,
        program=program,
        reason=nfc(reason).strip(),
        suspended_by=by if getattr(by, "is_authenticated", False) else None,
        suspended_at=timezone.now(),
    )
    record_event(
        actor=by,
        action="inspection.program_suspended",
        target=inspection,
        data={"program": program.pk, "reason": suspension.reason},
    )
    return suspension


def release_suspension_for_resume(*, program: Program, by: Any) -> None:
    """Called by the programme lifecycle before "resume": a suspension ordered by an
    inspection lifts only when its corrective actions on that programme are verified."""
    from oversight.programs.services import TransitionNotAllowed

    open_suspensions = ProgramSuspension.objects.select_for_update().filter(
        program=program, lifted_at__isnull=True
    )
    for suspension in open_suspensions:
        # The corrections ordered on this programme or on its school or facility.
        on_it = Q(target__program=program.pk)
        if program.institution_id:
            on_it |= Q(target__institution=program.institution_id)
        if program.facility_id:
            on_it |= Q(target__facility=program.facility_id)
        relevant = CorrectiveAction.objects.filter(
            on_it, inspection=suspension.inspection_id
        ).exclude(status=CorrectiveAction.Status.VERIFIED)
        if relevant.exists():
            raise TransitionNotAllowed(
                _(
                    "Chưa thể cho tiếp tục: các biện pháp khắc phục của đợt kiểm tra «%(title)s» "
                    "chưa được xác minh hoàn thành."
                )
                % {"title": suspension.inspection.title}
            )
        suspension.lifted_at = timezone.now()
        suspension.save(update_fields=["lifted_at"])
        record_event(
            actor=by,
            action="inspection.suspension_lifted",
            target=suspension.inspection,
            data={"program": program.pk},
        )
