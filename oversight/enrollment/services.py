"""Every change to consent, enrolment and fees. Consent is the only source of an enrolment:
a place exists while the student's latest decision for the programme is a grant
(RULES.md `tt29.a3.voluntary`, `link.voluntary`, `fees.consent-first`)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.accounts import access
from oversight.accounts.models import Role
from oversight.accounts.phone import origin_hash
from oversight.audit.services import audit_event, record_event
from oversight.compliance.hooks import facts_changed
from oversight.enrollment.ledger import GENESIS, entry_hash
from oversight.enrollment.models import (
    Channel,
    ConsentEntry,
    Decision,
    Enrollment,
    FeeRecord,
    LedgerAnchor,
    LedgerHead,
)
from oversight.enrollment.selectors import (
    DecisionState,
    decision_state,
    eligibility_problems,
    latest_decision,
    latest_disclosure,
    sessions_between,
)
from oversight.lib.rows import Statement, get_for_update, hot_cursor, write_together
from oversight.notifications.notifier import notify
from oversight.programs.models import DisclosureVersion, Program
from oversight.registry.models import Guardian, Guardianship, Student

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MAX_SCAN_BYTES = 10 * 1024 * 1024


class EnrollmentError(Exception):
    """A rule refuses this decision; the message is safe to show. `status` is the HTTP
    status an API answers with (400 bad input or not eligible, 409 wrong state)."""

    def __init__(self, message: str, *, code: str = "invalid", status: int = 400):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def partition_of(program: Program) -> str:
    """Chains are kept per school (or per facility), so schools never wait on each other."""
    return f"i{program.institution_id}" if program.institution_id else f"f{program.facility_id}"


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


def format_receipt(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


@cache
def _claim_sql(vendor: str) -> str:
    """Lock the head, move it one on, and hand out the new entry's key: from the table's
    sequence on PostgreSQL; on SQLite, whose writers are serialised (IMMEDIATE transactions),
    one past the largest (entries are never deleted)."""
    q = connection.ops.quote_name
    head, entries = q(LedgerHead._meta.db_table), q(ConsentEntry._meta.db_table)
    if vendor == "postgresql":
        key = f"nextval(pg_get_serial_sequence('{ConsentEntry._meta.db_table}', 'id'))"
    else:
        key = f"(SELECT COALESCE(MAX({q('id')}), 0) + 1 FROM {entries})"
    return (
        f"UPDATE {head} SET {q('seq')} = {q('seq')} + 1 "
        f"WHERE {q('partition')} = %s RETURNING {q('seq')}, {q('hash')}, {key}"
    )


def _claim_position(partition: str) -> tuple[int, str, int]:
    """Lock the partition's head and reserve the next position; returns it, the previous
    entry's hash and the key the new entry will have. One statement on the usual path (the
    head row exists); the reservation is undone with the transaction if the decision is
    refused."""
    sql = _claim_sql(connection.vendor)
    with hot_cursor() as cur:
        cur.execute(sql, [partition])
        row = cur.fetchone()
        if row is None:
            LedgerHead.objects.bulk_create([LedgerHead(partition=partition)], ignore_conflicts=True)
            cur.execute(sql, [partition])
            row = cur.fetchone()
    return row[0], row[1] or GENESIS, row[2]


def _claim_and_read(
    partition: str, student: Student, program: Program, user_id: int | None
) -> tuple[tuple[int, str, int], DecisionState]:
    """Claim the partition's next position, then read the decision's state. On PostgreSQL
    both in one statement, whose snapshot is taken before the claim may wait for the school's
    chain head. That is safe: the decision's own facts (the latest decision, the place, the
    disclosure version, the active places) change only under the programme's lock, which the
    caller already holds; the rest (the guardian's link, the grade, tutoring groups) is read
    without a lock either way."""
    if connection.vendor != "postgresql":
        return _claim_position(partition), decision_state(student, program, user_id)
    claim = (_claim_sql(connection.vendor), [partition])
    state = decision_state(student, program, user_id, claim=claim)
    if state.claimed is None or state.claimed[0] is None:  # the partition's first entry
        return _claim_position(partition), state
    seq, prev, key = state.claimed
    return (seq, prev or GENESIS, key), state


def _new_entry(*, position: tuple[int, str, int], **fields: Any) -> tuple[ConsentEntry, Statement]:
    """The entry at its reserved position (hashed, with its key), and the statement that
    moves the head onto it; the caller writes both with the rest of the decision."""
    seq, prev, pk = position
    entry = ConsentEntry(pk=pk, seq=seq, prev_hash=prev, created_at=timezone.now(), **fields)
    # 31^10 codes: a collision is so unlikely that it simply fails the transaction (unique).
    entry.receipt_code = new_receipt_code()
    entry.hash = entry_hash(entry)
    q = connection.ops.quote_name
    move_head = Statement(
        f"UPDATE {q(LedgerHead._meta.db_table)} SET {q('hash')} = %s WHERE {q('partition')} = %s",
        [entry.hash, entry.partition],
    )
    return entry, move_head


def _check_scan(scan: Any) -> str:
    if scan is None:
        return ""
    if scan.size > MAX_SCAN_BYTES:
        raise EnrollmentError(_("Tệp ảnh chụp đơn quá lớn (tối đa 10 MB)."))
    head = scan.read(8)
    scan.seek(0)
    if not (
        head.startswith(b"%PDF") or head.startswith(b"\xff\xd8") or head.startswith(b"\x89PNG")
    ):
        raise EnrollmentError(_("Ảnh chụp đơn phải là tệp PDF, JPEG hoặc PNG."))
    digest = hashlib.sha256()
    for chunk in scan.chunks():
        digest.update(chunk)
    scan.seek(0)
    return digest.hexdigest()


@transaction.atomic
def record_consent(
    *,
    program: Program,
    student: Student,
    decision: str,
    by: Any,
    channel: str = Channel.PORTAL,
    child_confirmed: bool | None = None,
    guardian: Guardian | None = None,
    scan: Any = None,
    confirms: ConsentEntry | None = None,
) -> ConsentEntry:
    """Append a family's decision to the ledger and apply it to the enrolment at once.

    On the portal only a guardian of the student decides; school staff record a paper Form 01
    (a grant needs the form) or a decision the family asked them to note. A grant needs an
    approved programme the student is eligible for; a full programme puts the student on its
    waiting list. A withdrawal ends the place at once, with no reason asked.
    """
    if decision not in Decision.values:
        raise EnrollmentError(_("Quyết định không hợp lệ: chọn đồng ý, không tham gia hoặc rút."))
    if channel not in Channel.values:
        raise EnrollmentError(_("Hình thức ghi nhận không hợp lệ."))
    # Lock the programme first (as its lifecycle transitions do), so a suspension and a grant
    # cannot cross: one of them sees the other's outcome.
    program = get_for_update(Program, program.pk)
    link = None
    if channel == Channel.PORTAL:
        if not getattr(by, "is_authenticated", False):
            raise PermissionDenied
    else:
        if not access.can_edit_program(by, program) or (
            program.institution_id and student.institution_id != program.institution_id
        ):
            raise PermissionDenied
        if channel == Channel.STAFF and decision == Decision.GRANTED:
            raise EnrollmentError(
                _(
                    "Nhà trường chỉ ghi nhận đăng ký khi có đơn giấy (mẫu 01) của phụ huynh; "
                    "hãy chọn hình thức «đơn giấy» và đính kèm ảnh chụp đơn."
                )
            )
        links = Guardianship.objects.select_related("guardian").filter(student=student)
        if guardian is not None:
            link = links.filter(guardian=guardian).first()
            if link is None:
                raise EnrollmentError(
                    _("Người ký đơn không phải cha mẹ/người giám hộ của học sinh.")
                )
        elif links.count() == 1:
            link = links.first()
            guardian = link.guardian if link else None
    scan_sha = _check_scan(scan) if channel == Channel.PAPER else ""

    # Serialise decisions within the partition, then read the state under that lock (one
    # statement: this is the path a burst of families at a deadline takes).
    partition = partition_of(program)
    position, state = _claim_and_read(
        partition, student, program, by.pk if channel == Channel.PORTAL else None
    )
    if channel == Channel.PORTAL:
        if state.link is None:  # not a guardian of this student
            raise PermissionDenied
        link = state.link
        guardian = link.guardian
    current, live, version = state.current, state.live, state.version

    if decision == Decision.GRANTED:
        _check_grant(program, student, state, child_confirmed, confirms)
    elif decision == Decision.DECLINED:
        if program.status not in (Program.Status.APPROVED, Program.Status.SUSPENDED):
            raise EnrollmentError(
                _("Chương trình chưa được công khai nên chưa có gì để từ chối."),
                status=409,
                code="conflict",
            )
        if current is not None and current.decision == Decision.GRANTED:
            raise EnrollmentError(
                _("Học sinh đang đăng ký chương trình này: hãy chọn «Rút khỏi chương trình»."),
                status=409,
                code="conflict",
            )
        if current is not None and current.decision == Decision.DECLINED:
            raise EnrollmentError(
                _("Đã ghi nhận không tham gia từ trước."), status=409, code="conflict"
            )
    elif current is None or current.decision != Decision.GRANTED:
        raise EnrollmentError(
            _("Học sinh chưa đăng ký chương trình này nên không có gì để rút."),
            status=409,
            code="conflict",
        )

    entry, move_head = _new_entry(
        position=position,
        partition=partition,
        student=student,
        program=program,
        disclosure=version,
        decision=decision,
        channel=channel,
        actor=by if getattr(by, "is_authenticated", False) else None,
        guardian=guardian,
        relation=link.relation if link else "",
        child_confirmed=child_confirmed,
        device_hash=origin_hash(),
        scan=scan or "",
        scan_sha256=scan_sha,
        confirms=confirms,
    )
    event = audit_event(
        actor=by,
        action=f"consent.{decision}",
        target=entry,
        data={
            "program": program.pk,
            "student": student.pk,
            "channel": channel,
            "receipt": entry.receipt_code,
            "disclosure_version": version.number if version else None,
        },
    )
    # The entry, the head, a new place and the audit row in one round trip where the database
    # allows it; changes to an existing place follow (rarer, and they read more).
    place = _new_place(entry, state) if decision == Decision.GRANTED and live is None else None
    write_together(entry, move_head, *([place] if place else []), event)
    if decision == Decision.GRANTED and live is not None:
        _renew(live, entry)
    elif decision == Decision.WITHDRAWN and live is not None:
        _end(live, Enrollment.EndReason.WITHDRAWN, entry.created_at)
    _tell_family(entry, guardian)
    facts_changed(program=program)
    return entry


def _check_grant(
    program: Program,
    student: Student,
    state: DecisionState,
    child_confirmed: bool | None,
    confirms: ConsentEntry | None,
) -> None:
    current, live, version = state.current, state.live, state.version
    if program.status != Program.Status.APPROVED or version is None:
        raise EnrollmentError(
            _(
                "Chương trình chưa được phê duyệt và công khai (hoặc đang tạm dừng): "
                "chưa thể đăng ký."
            ),
            status=409,
            code="conflict",
        )
    if not student.is_active:
        raise EnrollmentError(_("Học sinh không còn theo học tại trường."))
    problems = eligibility_problems(
        student, program, grade=state.grade, in_tutoring_group=state.in_tutoring_group
    )
    if problems:
        raise EnrollmentError(" ".join(problems), code="not_eligible")
    if child_confirmed is False:
        raise EnrollmentError(
            _(
                "Học sinh từ 7 tuổi trở lên cũng phải đồng ý. Khi con chưa đồng ý, "
                "không ghi nhận đăng ký."
            )
        )
    if confirms is not None:
        if current is None or current.pk != confirms.pk or confirms.channel != Channel.PAPER:
            raise EnrollmentError(
                _("Đơn giấy này không còn là quyết định mới nhất nên không cần xác nhận."),
                status=409,
                code="conflict",
            )
        return
    already = (
        current is not None
        and current.decision == Decision.GRANTED
        and live is not None
        and live.status != Enrollment.Status.PAUSED
        and current.disclosure_id == version.pk
    )
    if already:
        raise EnrollmentError(
            _("Học sinh đã đăng ký chương trình này."), status=409, code="conflict"
        )


def _new_place(grant: ConsentEntry, state: DecisionState) -> Enrollment:
    """The place a first grant gives (unsaved): active, or waiting when the active places
    counted under the programme's lock reach its capacity."""
    program = grant.program  # locked by record_consent
    full = state.taken >= program.capacity
    return Enrollment(
        student_id=grant.student_id,
        program=program,
        grant=grant,
        status=Enrollment.Status.WAITLISTED if full else Enrollment.Status.ACTIVE,
        started_at=grant.created_at,
    )


def _renew(live: Enrollment, grant: ConsentEntry) -> None:
    """A re-confirmation, or a guardian confirming a paper form: the place rests on the new
    grant, and a place paused for want of confirmation resumes."""
    live.grant = grant
    fields = ["grant"]
    if live.status == Enrollment.Status.PAUSED:
        live.status = Enrollment.Status.ACTIVE
        fields.append("status")
    live.save(update_fields=fields)


def _end(enrollment: Enrollment, reason: str, at: datetime) -> None:
    was_active = enrollment.status == Enrollment.Status.ACTIVE
    enrollment.status, enrollment.ended_at, enrollment.end_reason = (
        Enrollment.Status.ENDED,
        at,
        reason,
    )
    enrollment.save(update_fields=["status", "ended_at", "end_reason"])
    _compute_refunds(enrollment, timezone.localdate(at))
    if was_active and reason == Enrollment.EndReason.WITHDRAWN:
        _promote_waiting(enrollment.program)


def _promote_waiting(program: Program) -> None:
    """A place freed by a withdrawal goes to the first on the waiting list (the caller holds
    the programme's lock)."""
    # Most programmes have nobody waiting: look for the first in line before counting places.
    first = (
        Enrollment.objects.filter(program=program, status=Enrollment.Status.WAITLISTED)
        .select_related("grant__guardian", "student")
        .order_by("started_at", "pk")
        .first()
    )
    if first is None:
        return
    taken = Enrollment.objects.filter(program=program, status=Enrollment.Status.ACTIVE).count()
    if taken >= program.capacity:
        return
    first.status = Enrollment.Status.ACTIVE
    first.save(update_fields=["status"])
    record_event(actor=None, action="enrollment.promoted", target=first, data={})
    if first.grant.guardian is not None:
        notify(
            channel="sms",
            to=first.grant.guardian.phone,
            template="enrollment_promoted",
            context={"student": first.student, "program": program},
            about=f"student:{first.student_id}",
        )


def _compute_refunds(enrollment: Enrollment, ended_on: date) -> None:
    """What is owed back for sessions paid for but not taught after `ended_on`."""
    program = enrollment.program
    for fee in FeeRecord.objects.select_for_update().filter(
        program=program, student_id=enrollment.student_id, period_end__gt=ended_on, collected__gt=0
    ):
        due = refund_for(fee, program, ended_on)
        if due != fee.refund_due:
            fee.refund_due = due
            fee.refund_reason = enrollment.get_end_reason_display()
            fee.save(update_fields=["refund_due", "refund_reason"])


def refund_for(fee: FeeRecord, program: Program, ended_on: date) -> int:
    """The collected amount times the share of the period's sessions falling after
    `ended_on`; the whole amount when the period had not begun."""
    weekdays = list(program.sessions.values_list("weekday", flat=True))
    start = max(fee.period_start, program.starts_on)
    end = min(fee.period_end, program.ends_on)
    total = sessions_between(weekdays, start, end)
    if total == 0:
        return 0
    untaught = sessions_between(weekdays, max(start, ended_on + timedelta(days=1)), end)
    return fee.collected * untaught // total


def _tell_family(entry: ConsentEntry, guardian: Guardian | None) -> None:
    if guardian is None:
        return
    path = reverse("portal:receipt", args=[entry.receipt_code])
    context = {
        "entry": entry,
        "program": entry.program,
        "student": entry.student,
        "receipt": format_receipt(entry.receipt_code),
        "url": settings.SITE_URL.rstrip("/") + path,
    }
    if entry.channel == Channel.PAPER and entry.decision == Decision.GRANTED:
        context["confirm_url"] = settings.SITE_URL.rstrip("/") + reverse(
            "portal:family_confirm", args=[entry.receipt_code]
        )
        template = "consent_paper_confirm"
    else:
        template = f"consent_{entry.decision}"
    notify(
        channel="sms",
        to=guardian.phone,
        template=template,
        context=context,
        about=f"student:{entry.student_id}",
    )


@transaction.atomic
def end_enrollments_for_program(*, program: Program, reason: str, by: Any) -> int:
    """A suspended or closed programme ends every place at once and tells each family."""
    now = timezone.now()
    ended = 0
    for e in (
        Enrollment.objects.current()
        .filter(program=program)
        .select_related("grant__guardian", "student", "program")
    ):
        _end(e, reason, now)
        ended += 1
        if e.grant.guardian is not None:
            notify(
                channel="sms",
                to=e.grant.guardian.phone,
                template=f"enrollment_{reason}",
                context={"student": e.student, "program": program},
                about=f"student:{e.student_id}",
            )
    if ended:
        record_event(
            actor=by,
            action="enrollment.ended_for_program",
            target=program,
            data={"reason": reason, "count": ended},
        )
    return ended


@transaction.atomic
def ask_to_reconfirm(*, program: Program, version: DisclosureVersion) -> int:
    """The disclosed facts changed: every family with a place is asked to confirm again."""
    count = 0
    for e in (
        Enrollment.objects.current()
        .filter(program=program)
        .exclude(grant__disclosure=version)
        .select_related("grant__guardian", "student")
    ):
        if e.grant.guardian is None:
            continue
        count += 1
        notify(
            channel="sms",
            to=e.grant.guardian.phone,
            template="consent_reconfirm",
            context={
                "student": e.student,
                "program": program,
                "days": settings.CONSENT_RECONFIRM_DAYS,
                "url": settings.SITE_URL.rstrip("/")
                + reverse("portal:family_child", args=[e.student_id]),
            },
            about=f"student:{e.student_id}",
        )
    return count


def pause_unconfirmed(*, now: datetime | None = None) -> int:
    """Pause places whose grant points at an outdated disclosure once the families have had
    CONSENT_RECONFIRM_DAYS to confirm. Safe to run from two schedulers at once: each row is
    claimed by a conditional update."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CONSENT_RECONFIRM_DAYS)
    paused = 0
    for e in (
        Enrollment.objects.filter(
            status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.WAITLISTED]
        )
        .select_related("grant__disclosure", "program")
        .defer("grant__disclosure__data")
    ):
        latest = latest_disclosure(e.program)
        if latest is None or e.grant.disclosure_id == latest.pk or latest.created_at > cutoff:
            continue
        with transaction.atomic():
            # As every change to a programme's places: under the programme's lock, so a
            # family's re-confirmation in flight either lands first or sees the pause.
            Program.objects.select_for_update().filter(pk=e.program_id).values_list("pk").get()
            claimed = Enrollment.objects.filter(pk=e.pk, status=e.status, grant=e.grant).update(
                status=Enrollment.Status.PAUSED
            )
            if claimed:
                paused += 1
                record_event(
                    actor=None,
                    action="enrollment.paused",
                    target=e,
                    data={
                        "grant_version": e.grant.disclosure.number if e.grant.disclosure else None,
                        "current_version": latest.number,
                    },
                )
    return paused


def grant_active_on(student: Student, program: Program, day: date) -> bool:
    """Whether the family's latest decision at the end of `day` was a grant."""
    end_of_day = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    last = (
        ConsentEntry.objects.filter(student=student, program=program, created_at__lt=end_of_day)
        .order_by("-seq")
        .first()
    )
    return last is not None and last.decision == Decision.GRANTED


@transaction.atomic
def record_fee(
    *,
    program: Program,
    student: Student,
    by: Any,
    period_start: date,
    period_end: date,
    billed: int,
    collected: int = 0,
    collected_on: date | None = None,
    receipt_number: str = "",
) -> FeeRecord:
    """Record a fee for one period. Nothing is collected without an active grant on the day
    of collection (RULES.md `fees.consent-first`)."""
    if not access.can_edit_program(by, program):
        raise PermissionDenied
    if program.institution_id and student.institution_id != program.institution_id:
        raise EnrollmentError(_("Học sinh không thuộc trường tổ chức chương trình."))
    if period_end < period_start:
        raise EnrollmentError(_("Kỳ thu: ngày kết thúc phải sau ngày bắt đầu."))
    if billed < 0 or collected < 0 or billed > 100_000_000 or collected > billed:
        raise EnrollmentError(
            _(
                "Số tiền không hợp lệ: không âm, không quá 100 triệu đồng, "
                "số đã thu không quá số phải thu."
            )
        )
    if collected > 0 and program.status == Program.Status.SUSPENDED:
        # A suspension freezes fee collection until it is lifted.
        raise EnrollmentError(
            _("Chương trình đang tạm dừng: không được thu tiền."), code="suspended", status=409
        )
    if collected > 0:
        if collected_on is None:
            raise EnrollmentError(_("Cần ghi ngày thu."))
        if not receipt_number.strip():
            raise EnrollmentError(_("Cần ghi số biên lai."))
        if not grant_active_on(student, program, collected_on):
            raise EnrollmentError(
                _(
                    "Không được thu tiền khi chưa có đồng ý còn hiệu lực của phụ huynh vào ngày "
                    "thu (%(day)s)."
                )
                % {"day": collected_on.strftime("%d/%m/%Y")},
                code="no_consent",
            )
    fee = FeeRecord.objects.create(
        program=program,
        student=student,
        period_start=period_start,
        period_end=period_end,
        billed=billed,
        collected=collected,
        collected_on=collected_on if collected else None,
        receipt_number=receipt_number.strip(),
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    ended = (
        Enrollment.objects.filter(student=student, program=program, status=Enrollment.Status.ENDED)
        .order_by("-ended_at")
        .first()
    )
    if collected and ended is not None and not latest_is_grant(student, program) and ended.ended_at:
        fee.refund_due = refund_for(fee, program, timezone.localdate(ended.ended_at))
        fee.save(update_fields=["refund_due"])
    record_event(
        actor=by,
        action="fee.recorded",
        target=fee,
        data={"program": program.pk, "billed": billed, "collected": collected},
    )
    facts_changed(program=program)
    return fee


def latest_is_grant(student: Student, program: Program) -> bool:
    last = latest_decision(student, program)
    return last is not None and last.decision == Decision.GRANTED


@transaction.atomic
def record_refund(*, fee: FeeRecord, amount: int, by: Any) -> FeeRecord:
    """Record money paid back to the family (never more than was collected)."""
    fee = FeeRecord.objects.select_for_update().select_related("program").get(pk=fee.pk)
    if not access.can_edit_program(by, fee.program):
        raise PermissionDenied
    if amount <= 0 or fee.refunded + amount > fee.collected:
        raise EnrollmentError(_("Số tiền hoàn không hợp lệ: phải dương và không vượt số đã thu."))
    fee.refunded += amount
    fee.save(update_fields=["refunded"])
    record_event(actor=by, action="fee.refunded", target=fee, data={"amount": amount})
    facts_changed(program=fee.program)
    return fee


@transaction.atomic
def anchor_ledger() -> LedgerAnchor:
    """Seal every partition's head in one digest (run periodically)."""
    from oversight.enrollment.ledger import anchor_digest

    heads = {h.partition: [h.seq, h.hash] for h in LedgerHead.objects.order_by("partition")}
    at = timezone.now()
    anchor = LedgerAnchor.objects.create(
        created_at=at, heads=heads, digest=anchor_digest(at, heads)
    )
    record_event(
        actor=None, action="ledger.anchored", target=anchor, data={"partitions": len(heads)}
    )
    return anchor


def can_see_declines(by: Any, program: Program) -> bool:
    """Who declined or left is for the school's management and the authorities, never for
    the programme's teachers or partner (it protects those who say no)."""
    if getattr(by, "is_superuser", False):
        return True
    if program.institution is not None:
        roles = access.rights_over(by, program.institution).roles
        return bool(
            roles
            & {*access.SCHOOL_ROLES, *access.DEPARTMENT_ROLES, Role.INSPECTOR, "commune_manager"}
        )
    return access.can_edit_program(by, program)


def can_read_roster(by: Any, program: Program) -> bool:
    """Who attends: the school's management and authorities, and those who teach it (its
    teachers and the partner keep learner lists, RULES.md `link.records`)."""
    if can_see_declines(by, program):
        return True
    if program.institution is None:
        return False
    roles = access.rights_over(by, program.institution).roles
    return bool(roles & {Role.PARTNER_STAFF, Role.TEACHER})
