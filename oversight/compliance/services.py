"""The compliance engine and every write to findings.

`evaluate_programs` gathers the facts of a batch of programmes, runs each applicable rule's
check, keeps the hits whose date the rule governs, and reconciles them with the findings
already recorded: a hit with no live finding opens one, a live finding whose facts are gone
is resolved, a dismissed finding stays dismissed while its facts remain. Running it twice
changes nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from oversight.accounts import access
from oversight.accounts.models import Role
from oversight.audit.services import record_event
from oversight.compliance.checks import NEEDS, Hit, OwnerReport, no_manage
from oversight.compliance.facts import PARTS, PROGRAM_RELATED, gather
from oversight.compliance.models import (
    Finding,
    FindingEvent,
    RiskSignal,
    Rule,
    RulePack,
    Severity,
    SignalThreshold,
)
from oversight.compliance.rulepacks import load_pack, read_pack
from oversight.compliance.signals import Threshold, measure
from oversight.lib.text import nfc
from oversight.programs.models import Program, TeacherReport
from oversight.programs.services import TransitionNotAllowed
from oversight.registry.models import Institution, Unit

PACK = "haiphong"
# Drafts are the school's working copy; everything else is judged.
EVALUATED = (
    Program.Status.SUBMITTED,
    Program.Status.RETURNED,
    Program.Status.APPROVED,
    Program.Status.SUSPENDED,
    Program.Status.CLOSED,
)
BATCH = 400
MIN_OVERRIDE = 10


class ComplianceError(Exception):
    """A rule refuses this change to a finding; the message is safe to show."""

    def __init__(self, message: str, *, code: str = "invalid", status: int = 400):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


class ApprovalBlocked(TransitionNotAllowed):
    """Open violations block approval unless the approving authority overrides them."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        listed = "; ".join(f"{f.rule_code} ({f.citation}): {f.message}" for f in findings[:5])
        if len(findings) > 5:
            listed += "; " + _("và %(n)s vi phạm khác") % {"n": len(findings) - 5}
        super().__init__(
            _(
                "Chưa thể phê duyệt: chương trình có %(n)s vi phạm (%(list)s). Cơ quan phê duyệt "
                "chỉ có thể phê duyệt vượt khi ghi rõ lý do (ít nhất %(min)s ký tự)."
            )
            % {"n": len(findings), "list": listed, "min": MIN_OVERRIDE}
        )


@dataclass
class Summary:
    programs: int = 0
    opened: int = 0
    resolved: int = 0
    signals: int = 0


def active_pack() -> RulePack:
    """The city's active rule pack (loaded from its data file if the database has none)."""
    pack = RulePack.objects.filter(code=PACK, is_active=True).order_by("-version").first()
    if pack is None:
        pack = load_pack(read_pack())
    return pack


def _checks(pack: RulePack) -> list[tuple[Rule, Callable[..., list[Hit]]]]:
    return [(r, import_string(r.check_name)) for r in pack.rules.exclude(check_name="")]


def _parts(checks: list[tuple[Rule, Callable[..., list[Hit]]]]) -> frozenset[str]:
    """The kinds of facts the given checks read."""
    needed: set[str] = set()
    for _rule, check in checks:
        needed |= NEEDS.get(check.__name__, frozenset(PARTS))
    return frozenset(needed)


def _applies(rule: Rule, program: Program) -> bool:
    if program.kind not in rule.kinds:
        return False
    if rule.levels and (
        program.institution is None or program.institution.level not in rule.levels
    ):
        return False
    return not rule.categories or program.category in rule.categories


def _thresholds() -> list[Threshold]:
    if not SignalThreshold.objects.exists():
        load_pack(read_pack())
    return [
        Threshold(t.code, t.title, t.threshold, t.points, t.params)
        for t in SignalThreshold.objects.all()
    ]


def _unit_of(program: Program) -> Unit:
    if program.institution is not None:
        return program.institution.unit
    assert program.facility is not None  # a programme has a provider (a database constraint)
    return program.facility.unit


def evaluate_programs(programs: list[Program], *, rules: set[str] | None = None) -> Summary:
    """Judge each programme against the active pack; reconcile findings and signals. With
    `rules`, only those rules are judged (and only their findings reconciled; no signals)."""
    pack = active_pack()
    checks = [(r, c) for r, c in _checks(pack) if rules is None or r.code in rules]
    parts = None if rules is None else _parts(checks)
    thresholds = _thresholds()
    share = next(
        (t.params.get("share", 0.5) for t in thresholds if t.code == "stacked_linkage"), 0.5
    )
    summary = Summary()
    for i in range(0, len(programs), BATCH):
        batch = [p for p in programs[i : i + BATCH] if p.status in EVALUATED]
        if not batch:
            continue
        facts = gather(batch, settings=pack.settings, stacked_share=share, parts=parts)
        found: dict[str, list[tuple[Rule, Hit]]] = {}
        now = timezone.now()
        signals = []
        for p in batch:
            f = facts[p.pk]
            hits = []
            for rule, check in checks:
                if _applies(rule, p):
                    hits += [(rule, h) for h in check(f, rule) if rule.in_force(h.occurred_on)]
            found[f"program:{p.pk}"] = hits
            for m, t in measure(f, thresholds) if rules is None else []:
                signals.append(
                    RiskSignal(
                        program=p,
                        institution=p.institution,
                        unit=_unit_of(p),
                        code=m.code,
                        value=m.value,
                        threshold=t.threshold,
                        points=t.points,
                        explanation=m.explanation,
                        facts=m.facts,
                        measured_at=now,
                    )
                )
        with transaction.atomic():
            o, r = _reconcile(found, {f"program:{p.pk}": p for p in batch}, now, rules)
            if rules is None:
                RiskSignal.objects.filter(program__in=batch).delete()
                RiskSignal.objects.bulk_create(signals)
        summary.programs += len(batch)
        summary.opened += o
        summary.resolved += r
        summary.signals += len(signals)
    return summary


def evaluate_institutions(institutions: list[Institution]) -> Summary:
    """Institution-level rules (Form 03 reports of owning a facility, TT29 Art. 4.3)."""
    pack = active_pack()
    rule = pack.rules.filter(code="tt29.a4.no-manage").exclude(check_name="").first()
    summary = Summary()
    if rule is None:
        return summary
    reports: dict[int, list[OwnerReport]] = defaultdict(list)
    for r in TeacherReport.objects.filter(
        teacher__institution__in=institutions,
        relationship=TeacherReport.Relationship.OWNER,
        teacher__is_public_employee=True,
        teacher__institution__ownership=Institution.Ownership.PUBLIC,
    ).select_related("teacher"):
        reports[r.teacher.institution_id].append(
            OwnerReport(r.teacher_id, r.teacher.full_name, r.facility_name, r.starts_on)
        )
    today = timezone.localdate()
    found = {
        f"institution:{i.pk}": [
            (rule, h) for h in no_manage(reports[i.pk], rule, today) if rule.in_force(h.occurred_on)
        ]
        for i in institutions
    }
    with transaction.atomic():
        objects = {f"institution:{i.pk}": i for i in institutions}
        summary.opened, summary.resolved = _reconcile(found, objects, timezone.now(), {rule.code})
    return summary


def _reconcile(
    found: dict[str, list[tuple[Rule, Hit]]],
    objects: dict[str, Any],
    now: datetime,
    rules: set[str] | None = None,
) -> tuple[int, int]:
    """Open what is new, refresh what persists, resolve what is gone (bulk)."""
    existing = Finding.objects.filter(subject__in=list(found)).filter(
        Q(status__in=Finding.LIVE) | Q(status=Finding.Status.DISMISSED)
    )
    if rules is not None:
        existing = existing.filter(rule_code__in=rules)
    live: dict[tuple[str, str, str], Finding] = {}
    dismissed: set[tuple[str, str, str]] = set()
    for f in existing:
        ident = (f.rule_code, f.subject, f.key)
        if f.status == Finding.Status.DISMISSED:
            dismissed.add(ident)
        else:
            live[ident] = f
    new, refreshed, seen = [], [], set()
    for subject, hits in found.items():
        obj = objects[subject]
        for rule, hit in hits:
            ident = (rule.code, subject, hit.key)
            if ident in seen:
                continue
            seen.add(ident)
            current = live.get(ident)
            if current is not None:
                # The facts may have changed in detail, or the pack's citation or severity
                # been corrected: the live finding says what holds now.
                now_says = (hit.message, hit.facts, hit.occurred_on, rule.pk, rule.citation)
                was = (current.message, current.facts, current.occurred_on, current.rule_id)
                if was + (current.citation,) != now_says or current.severity != rule.severity:
                    current.message, current.facts, current.occurred_on = now_says[:3]
                    current.rule, current.citation = rule, rule.citation
                    current.severity, current.last_seen_at = rule.severity, now
                    refreshed.append(current)
                continue
            if ident in dismissed:
                continue
            new.append(_finding(rule, hit, subject, obj, now))
    gone = [f for ident, f in live.items() if ident not in seen]
    for f in gone:
        f.status, f.closed_at = Finding.Status.RESOLVED, now
    Finding.objects.bulk_create(new)
    if refreshed:
        Finding.objects.bulk_update(
            refreshed,
            ["message", "facts", "occurred_on", "rule", "citation", "severity", "last_seen_at"],
        )
    if gone:
        Finding.objects.bulk_update(gone, ["status", "closed_at"])
    FindingEvent.objects.bulk_create(
        [FindingEvent(finding=f, action="opened") for f in new]
        + [FindingEvent(finding=f, action="resolved") for f in gone]
    )
    return len(new), len(gone)


def _finding(rule: Rule, hit: Hit, subject: str, obj: Any, now: datetime) -> Finding:
    if isinstance(obj, Program):
        program, institution, unit = obj, obj.institution, _unit_of(obj)
    else:
        program, institution, unit = None, obj, obj.unit
    return Finding(
        rule=rule,
        rule_code=rule.code,
        severity=rule.severity,
        subject=subject,
        key=hit.key,
        program=program,
        institution=institution,
        unit=unit,
        occurred_on=hit.occurred_on,
        citation=rule.citation,
        message=hit.message,
        facts=hit.facts,
        remedy=rule.remedy,
        first_seen_at=now,
        last_seen_at=now,
    )


def _programs(qs) -> list[Program]:
    return list(qs.filter(status__in=EVALUATED).select_related(*PROGRAM_RELATED).order_by("pk"))


def evaluate_program(program: Program) -> Summary:
    """Re-judge one programme (after its facts changed)."""
    return evaluate_programs(_programs(Program.objects.filter(pk=program.pk)))


def schedule_evaluation(
    *,
    program: Program | None = None,
    institution: Institution | None = None,
    facility_id: int | None = None,
) -> None:
    """Re-judge in the background once the current transaction commits (the facts are then
    visible), so a family's registration never waits for the engine."""
    ids = {
        "program_id": program.pk if program is not None else None,
        "institution_id": institution.pk if institution is not None else None,
        "facility_id": facility_id,
    }
    # Robust: a failure to enqueue must not fail the change already committed; the nightly
    # run catches up (the error is logged).
    transaction.on_commit(lambda: _enqueue_once(ids), robust=True)


# Runs this process knows to be waiting in the database queue, by scope, with the time before
# which none of them can start. A burst of changes to one programme then asks the queue about
# once per settle period instead of once per change.
_known_runs: dict[tuple[int | None, ...], datetime] = {}
# A run known to start later than this is certain to read a change committed now.
_KNOWN_MARGIN = timedelta(seconds=1)


def forget_known_runs() -> None:
    """Drop what this process remembers of the queue (tests, or after the queue is purged)."""
    _known_runs.clear()


def _enqueue_once(ids: dict[str, int | None]) -> None:
    """Queue the re-judgement unless the same run already waits and has not started: it will
    then read this change, which has committed. A new run waits COMPLIANCE_SETTLE_SECONDS
    (the worker takes no task before its time), so changes in that while join it."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    from oversight.compliance.tasks import evaluate_later

    if not isinstance(task_backends[evaluate_later.backend], DatabaseBackend):
        evaluate_later.enqueue(**ids)  # runs at once or is discarded: nothing to join
        return
    key = tuple(ids.values())
    now = timezone.now()
    known = _known_runs.get(key)
    if known is not None and now + _KNOWN_MARGIN < known:
        return
    starts = _waiting_run(ids)
    if starts is None:
        starts = now + timedelta(seconds=settings.COMPLIANCE_SETTLE_SECONDS)
        evaluate_later.using(run_after=starts).enqueue(**ids)
    if len(_known_runs) > 10_000:
        for stale in [k for k, t in _known_runs.items() if t <= now]:
            del _known_runs[stale]
    # A run without a start time may begin at any moment: waiting now, but not remembered.
    if starts > now + _KNOWN_MARGIN and starts < now + timedelta(days=1):
        _known_runs[key] = starts
    else:
        _known_runs.pop(key, None)


def _waiting_run(ids: dict[str, int | None]) -> datetime | None:
    """The earliest start of the same re-judgement waiting in the database queue, if one
    waits (a run without a start time gives a far date); None when none does. A run already
    started does not count, since it may have read the facts before this change."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from oversight.compliance.tasks import evaluate_later

    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=evaluate_later.module_path,
        **{f"args_kwargs__kwargs__{key}": value for key, value in ids.items()},
    ).aggregate(first=Min("run_after"))["first"]


def evaluate_changed(
    *, program_id: int | None, institution_id: int | None, facility_id: int | None
) -> Summary:
    """Re-judge what a change touched: a programme, a school's programmes (and the school), or
    a facility's programmes."""
    q = Q(pk__in=[])
    if program_id is not None:
        q |= Q(pk=program_id)
    if institution_id is not None:
        q |= Q(institution_id=institution_id)
    if facility_id is not None:
        q |= Q(facility_id=facility_id)
    summary = evaluate_programs(_programs(Program.objects.filter(q)))
    if institution_id is not None:
        inst = evaluate_institutions(list(Institution.objects.filter(pk=institution_id)))
        summary.opened += inst.opened
        summary.resolved += inst.resolved
    return summary


def scope_programs(scope: str):
    """Programmes of a scope: "city", "commune:<unit id>", "institution:<id>", "program:<id>"."""
    kind, _sep, ident = scope.partition(":")
    qs = Program.objects.all()
    if kind == "city":
        return qs, Institution.objects.all()
    if not ident.isdigit():
        raise ComplianceError(_("Phạm vi không hợp lệ."), code="invalid", status=422)
    pk = int(ident)
    if kind == "commune":
        unit = Unit.objects.filter(pk=pk).first()
        if unit is None:
            return qs.none(), Institution.objects.none()
        return (
            qs.filter(
                Q(institution__unit__path__startswith=unit.path)
                | Q(facility__unit__path__startswith=unit.path)
            ),
            Institution.objects.filter(unit__path__startswith=unit.path),
        )
    if kind == "institution":
        return qs.filter(institution_id=pk), Institution.objects.filter(pk=pk)
    if kind == "program":
        return qs.filter(pk=pk), Institution.objects.none()
    raise ComplianceError(_("Phạm vi không hợp lệ."), code="invalid", status=422)


def evaluate_everything() -> Summary:
    """The nightly run: every programme that is judged, and every institution."""
    total = evaluate_programs(_programs(Program.objects.all()))
    inst = evaluate_institutions(list(Institution.objects.filter(is_active=True)))
    total.opened += inst.opened
    total.resolved += inst.resolved
    return total


def evaluate_scope(*, scope: str, by: Any) -> Summary:
    """Run the engine on demand over a scope the user oversees."""
    programs, institutions = scope_programs(scope)
    if by is not None and not access.can_evaluate_compliance(by, scope):
        raise PermissionDenied
    summary = evaluate_programs(_programs(programs))
    inst = evaluate_institutions(list(institutions))
    summary.opened += inst.opened
    summary.resolved += inst.resolved
    record_event(
        actor=by,
        action="compliance.evaluated",
        target=None,
        data={"scope": scope, "programs": summary.programs, "opened": summary.opened},
    )
    return summary


# --- the approval gate -----------------------------------------------------------------------


def blocking_findings(program: Program) -> list[Finding]:
    return list(
        Finding.objects.live()
        .filter(subject=f"program:{program.pk}", severity=Severity.VIOLATION)
        .order_by("rule_code", "key")
    )


def gate_transition(*, program: Program, action: str, by: Any, override_reason: str = "") -> dict:
    """Called by the programme lifecycle before a status change: on approval, judge the
    programme now; open violations block it unless an override reason (≥ 10 characters) is
    given, which is recorded on the findings. Every transition re-judges after commit.
    Returns what the lifecycle's audit event records."""
    data: dict[str, Any] = {}
    if action == "approve":
        evaluate_programs(_programs(Program.objects.filter(pk=program.pk)))
        blocking = blocking_findings(program)
        reason = nfc(override_reason or "")
        if blocking and len(reason) < MIN_OVERRIDE:
            raise ApprovalBlocked(blocking)
        if blocking:
            Finding.objects.filter(pk__in=[f.pk for f in blocking]).update(override_reason=reason)
            FindingEvent.objects.bulk_create(
                [
                    FindingEvent(finding=f, action="overridden", actor=_user(by), note=reason)
                    for f in blocking
                ]
            )
            data = {"override_reason": reason, "overridden": [f.rule_code for f in blocking]}
    schedule_evaluation(program=program)
    return data


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


# --- people acting on findings ---------------------------------------------------------------

ACTIONS = {
    "acknowledge": ((Finding.Status.OPEN,), Finding.Status.ACKNOWLEDGED),
    "resolve": (Finding.LIVE, Finding.Status.RESOLVED),
    "dismiss": (Finding.LIVE, Finding.Status.DISMISSED),
}


@transaction.atomic
def act_on_finding(*, finding: Finding, action: str, by: Any, reason: str = "") -> Finding:
    """Acknowledge, resolve or dismiss a finding; a dismissal needs a reason and an authority."""
    if action not in ACTIONS:
        raise ComplianceError(_("Thao tác không hợp lệ."))
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if not access.can_act_on_finding(by, finding, action):
        raise PermissionDenied
    sources, target = ACTIONS[action]
    if finding.status not in sources:
        raise ComplianceError(
            _("Phát hiện đang ở trạng thái «%(s)s», không thể thực hiện thao tác này.")
            % {"s": finding.get_status_display()},
            code="conflict",
            status=409,
        )
    reason = nfc(reason or "")
    if action == "dismiss" and len(reason) < MIN_OVERRIDE:
        raise ComplianceError(
            _("Cần ghi rõ lý do bác bỏ (ít nhất %(n)s ký tự).") % {"n": MIN_OVERRIDE}
        )
    finding.status, finding.status_reason = target, reason[:500]
    fields = ["status", "status_reason"]
    if target in (Finding.Status.RESOLVED, Finding.Status.DISMISSED):
        finding.closed_at = timezone.now()
        fields.append("closed_at")
    finding.save(update_fields=fields)
    FindingEvent.objects.create(finding=finding, action=action, actor=_user(by), note=reason[:500])
    record_event(
        actor=by,
        action=f"finding.{action}",
        target=finding,
        data={"rule": finding.rule_code, "subject": finding.subject, "reason": reason},
    )
    return finding


# --- the department tunes the data -----------------------------------------------------------


def _department_admin(by: Any) -> None:
    if by is not None and not (
        getattr(by, "is_superuser", False) or Role.DEPARTMENT_ADMIN in access.roles_of(by)
    ):
        raise PermissionDenied


@transaction.atomic
def set_signal_threshold(*, code: str, threshold: float, points: int, by: Any) -> SignalThreshold:
    """The department tunes a sign of coercion's threshold and weight (audited)."""
    _department_admin(by)
    row = SignalThreshold.objects.select_for_update().filter(code=code).first()
    if row is None:
        raise ComplianceError(_("Không có dấu hiệu này."), status=404, code="not_found")
    if not (0 <= threshold <= 10_000) or not (0 <= points <= 1000):
        raise ComplianceError(_("Ngưỡng phải từ 0 đến 10.000 và điểm từ 0 đến 1.000."))
    old = {"threshold": row.threshold, "points": row.points}
    row.threshold, row.points = threshold, points
    row.save(update_fields=["threshold", "points"])
    record_event(
        actor=by,
        action="compliance.threshold_set",
        target=row,
        data={"from": old, "to": {"threshold": threshold, "points": points}},
    )
    return row


@transaction.atomic
def set_hours_window(*, earliest: str, latest: str, by: Any) -> RulePack:
    """Enter the city's time-of-day window for tutoring (TT29 Art. 3.4), or clear it (both
    empty) to turn the check off again. Audited; takes effect at the next evaluation."""
    _department_admin(by)
    pack = RulePack.objects.select_for_update().get(pk=active_pack().pk)
    window = None
    if earliest or latest:
        try:
            start, end = time.fromisoformat(earliest), time.fromisoformat(latest)
        except ValueError:
            raise ComplianceError(_("Giờ phải có dạng HH:MM.")) from None
        if end <= start:
            raise ComplianceError(_("Giờ muộn nhất phải sau giờ sớm nhất."))
        window = {"earliest": f"{start:%H:%M}", "latest": f"{end:%H:%M}"}
    old = pack.settings.get("hours_window")
    pack.settings = {**pack.settings, "hours_window": window}
    pack.save(update_fields=["settings", "loaded_at"])
    record_event(
        actor=by,
        action="compliance.hours_window_set",
        target=pack,
        data={"from": old, "to": window},
    )
    return pack
