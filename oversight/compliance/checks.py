"""The checks: small pure functions from gathered facts (and the rule, for its dates) to hits.

A check never reads the database. Each hit carries the date of the fact it judges; the engine
keeps it only if the rule was in force on that date (a paid in-school session on 13/02/2025 is
judged by Circular 17, one on 14/02/2025 by Circular 29). Messages are Vietnamese and name the
facts: which students, which sessions, which fee.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any, Protocol

from django.utils import timezone

from oversight.compliance.facts import (
    ProgramFacts,
    SessionFact,
    UngrantedFee,
    UngrantedPlace,
    first_session_in,
    local_date,
)

PERIOD_MINUTES = 45
MAX_PERIODS_PER_WEEK = 2
MAX_IN_SCHOOL_CLASS = 45
FINAL_YEARS = (9, 12)


class RuleDates(Protocol):
    effective_from: date | None
    effective_to: date | None


@dataclass(frozen=True)
class Hit:
    key: str
    occurred_on: date
    message: str
    facts: dict[str, Any] = field(default_factory=dict)


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


def _window(f: ProgramFacts, rule: RuleDates) -> tuple[date, date] | None:
    p = f.program
    start = max(p.starts_on, rule.effective_from or p.starts_on)
    end = min(p.ends_on, rule.effective_to or p.ends_on)
    return (start, end) if start <= end else None


def first_session(f: ProgramFacts, rule: RuleDates, sessions: list[SessionFact] | None = None):
    """The first session the rule judges (within the programme and the rule's dates)."""
    w = _window(f, rule)
    return first_session_in(sessions if sessions is not None else f.sessions, *w) if w else None


def ongoing(since: date, rule: RuleDates, today: date) -> date | None:
    """A state that has lasted from `since` to today: the first day of it the rule judges."""
    start = max(since, rule.effective_from or since)
    end = min(today, rule.effective_to or today)
    return start if start <= end else None


def _names(f: ProgramFacts, students: set[int] | list[int]) -> list[str]:
    names = {e.student_id: e.student for e in f.enrollments}
    return [names.get(s, f"#{s}") for s in sorted(students)]


def _latest(f: ProgramFacts) -> dict[int, str]:
    latest: dict[int, tuple[int, str]] = {}
    for c in f.consents:
        if c.student_id not in latest or c.seq > latest[c.student_id][0]:
            latest[c.student_id] = (c.seq, c.decision)
    return {s: d for s, (_seq, d) in latest.items()}


def _overlaps(a: SessionFact, b: SessionFact) -> bool:
    return a.weekday == b.weekday and a.start < b.end and b.start < a.end


# --- consent and enrolment -------------------------------------------------------------------


def ungranted_places(f: ProgramFacts) -> list[UngrantedPlace]:
    """The live places whose family's latest decision is not a grant (as the database derived
    them when gathered, otherwise from the places and the consent entries)."""
    if f.ungranted_places is not None:
        return f.ungranted_places
    latest = _latest(f)
    return [
        UngrantedPlace(e.student_id, e.student, e.started_on, latest.get(e.student_id, ""))
        for e in f.enrollments
        if e.live and latest.get(e.student_id) != "granted"
    ]


def voluntary(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """A live place whose family's latest decision is not a grant."""
    hits = []
    for e in ungranted_places(f):
        day = ongoing(e.started_on, rule, f.today)
        if day:
            hits.append(
                Hit(
                    f"student:{e.student_id}",
                    day,
                    f"Học sinh {e.student} có tên trong chương trình từ "
                    f"{e.started_on:%d/%m/%Y} nhưng quyết định mới nhất của gia đình không "
                    f"phải là đồng ý ({e.decision or 'chưa có'}).",
                    {"student": e.student, "since": e.started_on.isoformat()},
                )
            )
    return hits


def application(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """A place in an in-school class without the family's application (Form 01 or portal)."""
    hits = []
    for e in f.enrollments:
        if e.live and e.grant_channel not in ("paper", "portal"):
            day = ongoing(e.started_on, rule, f.today)
            if day:
                hits.append(
                    Hit(
                        f"student:{e.student_id}",
                        day,
                        f"Học sinh {e.student} học thêm mà không có đơn đăng ký (mẫu 01) của "
                        f"gia đình: đồng ý được ghi theo hình thức «{e.grant_channel}».",
                        {"student": e.student, "channel": e.grant_channel},
                    )
                )
    return hits


def _before_disclosure(f: ProgramFacts, rule: RuleDates, what: str) -> list[Hit]:
    early = [
        e
        for e in f.enrollments
        if f.first_disclosed_at is None or e.started_at < f.first_disclosed_at
    ]
    if not early:
        return []
    day = ongoing(min(e.started_on for e in early), rule, f.today)
    if day is None:
        return []
    names = sorted(e.student for e in early)
    when = (
        f"{timezone.localtime(f.first_disclosed_at):%d/%m/%Y}"
        if f.first_disclosed_at
        else "chưa công khai"
    )
    return [
        Hit(
            "enrolled-before-disclosure",
            day,
            f"{len(early)} học sinh được ghi danh trước khi {what} (công khai: {when}): "
            + ", ".join(names)
            + ".",
            {"students": names, "disclosed": when},
        )
    ]


def published_first(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    return _before_disclosure(f, rule, "kế hoạch dạy thêm được công khai")


# --- tutoring --------------------------------------------------------------------------------


def primary(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """Academic tutoring offered to primary grades (both Circulars, each in its own dates)."""
    grades = sorted(g for g in f.program.grades if 1 <= g <= 5)
    if not grades or not f.academic:
        return []
    day = first_session(f, rule)
    if day is None:
        return []
    subject = f.program.subject.name if f.program.subject else f.program.title
    return [
        Hit(
            "",
            day,
            f"Dạy thêm môn {subject} cho học sinh tiểu học (khối "
            f"{', '.join(map(str, grades))}), buổi đầu tiên bị xét ngày {day:%d/%m/%Y}.",
            {"subject": subject, "grades": grades},
        )
    ]


def in_school_free(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """Money asked or collected for an in-school class on a date Circular 29 governs."""
    p = f.program
    hits = []
    day = first_session(f, rule) if p.fee_amount > 0 else None
    if day is not None:
        hits.append(
            Hit(
                "fee",
                day,
                f"Lớp dạy thêm trong trường thu {money(p.fee_amount)} "
                f"{p.get_fee_unit_display()}; buổi học có thu tiền đầu tiên bị xét ngày "
                f"{day:%d/%m/%Y}.",
                {"fee": p.fee_amount, "unit": p.fee_unit, "first_session": day.isoformat()},
            )
        )
    w = _window(f, rule)
    paid = [
        x
        for x in f.fees
        if x.collected > 0 and x.collected_on and w and w[0] <= x.collected_on <= w[1]
    ]
    if paid:
        total = sum(x.collected for x in paid)
        first = min(x.collected_on for x in paid if x.collected_on)
        hits.append(
            Hit(
                "collected",
                first,
                f"Đã thu {money(total)} của {len({x.student_id for x in paid})} học sinh cho lớp "
                f"dạy thêm trong trường (lần thu đầu ngày {first:%d/%m/%Y}).",
                {"collected": total, "students": _names(f, {x.student_id for x in paid})},
            )
        )
    return hits


def tt17_fee_agreed(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """Before 14/02/2025 a fee agreed with parents was lawful: recorded as information."""
    if f.program.fee_amount <= 0:
        return []
    day = first_session(f, rule)
    if day is None:
        return []
    return [
        Hit(
            "fee",
            day,
            f"Lớp thu {money(f.program.fee_amount)} theo thỏa thuận: hợp pháp theo Thông tư 17 "
            f"cho các buổi đến 13/02/2025 (buổi đầu {day:%d/%m/%Y}).",
            {"fee": f.program.fee_amount},
        )
    ]


def tt17_two_sessions(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    inst = f.program.institution
    if inst is None or not inst.two_sessions_per_day:
        return []
    day = first_session(f, rule)
    if day is None:
        return []
    return [
        Hit(
            "",
            day,
            f"{inst.name} dạy 2 buổi/ngày nhưng vẫn tổ chức dạy thêm (buổi đầu {day:%d/%m/%Y}).",
            {"institution": inst.name},
        )
    ]


def eligible_groups(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """Each student in an in-school class outside the three groups of Art. 5.1."""
    hits = []
    for e in f.enrollments:
        if not e.live:
            continue
        basis = f.eligibility.get(e.student_id)
        grade = f.student_grade.get(e.student_id)
        if basis == "final_year_review" and grade not in FINAL_YEARS:
            why = f"căn cứ ôn thi cuối cấp nhưng học sinh học khối {grade}"
        elif basis is None:
            why = "không thuộc nhóm nào (chưa đạt, học sinh giỏi, ôn thi cuối cấp)"
        else:
            continue
        day = ongoing(e.started_on, rule, f.today)
        if day:
            hits.append(
                Hit(
                    f"student:{e.student_id}",
                    day,
                    f"Học sinh {e.student} học thêm trong trường: {why}.",
                    {"student": e.student, "basis": basis, "grade": grade},
                )
            )
    return hits


def by_subject(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """A class (or a group) whose students are exactly one homeroom class."""
    rosters = [("", f.roster)] + [(name, set(members)) for name, _g, members in f.groups]
    hits = []
    for label, students in rosters:
        for c in f.classes.values():
            if len(c.members) >= 5 and students == set(c.members):
                day = first_session(f, rule)
                if day:
                    where = f"nhóm {label}" if label else "lớp dạy thêm"
                    hits.append(
                        Hit(
                            f"class:{c.id}:{label}",
                            day,
                            f"Danh sách {where} trùng đúng lớp {c.name} ({len(c.members)} học "
                            f"sinh): lớp học thêm được lập từ lớp chính khóa.",
                            {"class": c.name, "students": len(c.members)},
                        )
                    )
    return hits


def class_size(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    sizes = [(name, len(m)) for name, _g, m in f.groups] or [("", len(f.roster))]
    hits = []
    for name, n in sizes:
        if n > MAX_IN_SCHOOL_CLASS:
            day = first_session(f, rule)
            if day:
                hits.append(
                    Hit(
                        f"group:{name}",
                        day,
                        f"Lớp dạy thêm {name} có {n} học sinh, quá {MAX_IN_SCHOOL_CLASS}.".replace(
                            "  ", " "
                        ),
                        {"group": name, "students": n, "max": MAX_IN_SCHOOL_CLASS},
                    )
                )
    return hits


def _inside_hours(f: ProgramFacts, rule: RuleDates, what: str) -> list[Hit]:
    clashes = [(s, t) for s in f.sessions for t in f.slots if _overlaps(s, t)]
    if not clashes:
        return []
    day = first_session(f, rule, [s for s, _t in clashes])
    if day is None:
        return []
    labels = sorted({f"{s.label()} trùng giờ chính khóa {t.label()}" for s, t in clashes})
    return [
        Hit(
            "",
            day,
            f"{what} xếp trong giờ chính khóa: " + "; ".join(labels) + ".",
            {"clashes": labels},
        )
    ]


def in_school_outside_hours(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    return _inside_hours(f, rule, "Buổi dạy thêm")


def linkage_outside_hours(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    return _inside_hours(f, rule, "Buổi liên kết giáo dục")


def two_periods(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    minutes = sum(s.minutes for s in f.sessions)
    periods = minutes / PERIOD_MINUTES
    if periods <= MAX_PERIODS_PER_WEEK:
        return []
    day = first_session(f, rule)
    if day is None:
        return []
    return [
        Hit(
            "",
            day,
            f"Môn {f.program.subject or f.program.title} được dạy thêm {minutes} phút mỗi tuần "
            f"(≈ {periods:.1f} tiết 45 phút), quá {MAX_PERIODS_PER_WEEK} tiết.",
            {"minutes_per_week": minutes, "periods": round(periods, 1)},
        )
    ]


def hours_window(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """The city's time-of-day window; off (no hit) until its numbers are in the pack."""
    window = f.settings.get("hours_window")
    if not window:
        return []
    earliest = time.fromisoformat(window.get("earliest", "00:00"))
    latest = time.fromisoformat(window.get("latest", "23:59"))
    bad = [s for s in f.sessions if s.start < earliest or s.end > latest]
    if not bad:
        return []
    day = first_session(f, rule, bad)
    if day is None:
        return []
    labels = [s.label() for s in bad]
    return [
        Hit(
            "",
            day,
            f"Buổi học ngoài khung giờ thành phố cho phép ({earliest:%H:%M}–{latest:%H:%M}): "
            + "; ".join(labels)
            + ".",
            {"sessions": labels},
        )
    ]


# --- outside tutoring ------------------------------------------------------------------------


def facility_registered(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    p = f.program
    if p.facility is None or p.fee_amount <= 0 or p.facility.registration_number:
        return []
    day = first_session(f, rule)
    if day is None:
        return []
    return [
        Hit(
            "",
            day,
            f"Cơ sở {p.facility.name} thu {money(p.fee_amount)} nhưng chưa có số đăng ký kinh "
            f"doanh.",
            {"facility": p.facility.name, "fee": p.fee_amount},
        )
    ]


def _missing(f: ProgramFacts, fields: dict[str, bool]) -> list[str]:
    return [name for name, ok in fields.items() if not ok]


def facility_disclosed(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    p = f.program
    missing = _missing(
        f,
        {
            "môn học": p.subject_id is not None,
            "thời lượng từng môn theo khối": bool(p.subject_hours),
            "thời gian, địa điểm": bool(f.sessions),
            "danh sách người dạy": f.staff_count > 0,
        },
    )
    hits = []
    day = first_session(f, rule)
    if missing and day:
        hits.append(
            Hit(
                "fields",
                day,
                "Thông tin công khai của cơ sở (mẫu 02) còn thiếu: " + ", ".join(missing) + ".",
                {"missing": missing},
            )
        )
    return hits + _before_disclosure(f, rule, "cơ sở công khai thông tin")


def teacher_report(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """A school's teacher on the staff of an outside programme without a Form 03 report."""
    hits = []
    for tid, name in f.staff_teachers.items():
        if tid in f.reporting_teachers:
            continue
        day = first_session(f, rule)
        if day:
            hits.append(
                Hit(
                    f"teacher:{tid}",
                    day,
                    f"Giáo viên {name} dạy tại cơ sở nhưng chưa báo cáo hiệu trưởng (mẫu 03).",
                    {"teacher": name},
                )
            )
    return hits


def _taught_students(f: ProgramFacts, tid: int) -> set[int]:
    classes = f.teacher_classes.get(tid, set())
    return {s for s in f.live_students if f.student_class.get(s) in classes}


def own_students(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """Art. 4.2 from data: the facility's roster against the classes its tutors teach at school
    (tutors found from the staff list and from Form 03 reports)."""
    if f.program.fee_amount <= 0:
        return []
    hits = []
    tutors = {**f.reporting_teachers, **f.staff_teachers}
    for tid, name in sorted(tutors.items()):
        students = _taught_students(f, tid)
        if not students:
            continue
        day = first_session(f, rule)
        if day:
            names = _names(f, students)
            classes = sorted({f.classes[f.student_class[s]].name for s in students})
            hits.append(
                Hit(
                    f"teacher:{tid}",
                    day,
                    f"Giáo viên {name} dạy thêm có thu tiền tại cơ sở cho {len(names)} học sinh "
                    f"mình được phân công dạy ở trường (lớp {', '.join(classes)}): "
                    + ", ".join(names)
                    + ".",
                    {"teacher": name, "students": names, "classes": classes},
                )
            )
    return hits


def outside_fee_agreed(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    if f.program.fee_amount <= 0:
        return []
    day = first_session(f, rule)
    if day is None:
        return []
    return [
        Hit(
            "fee",
            day,
            f"Mức thu {money(f.program.fee_amount)} {f.program.get_fee_unit_display()} do gia "
            f"đình và cơ sở thỏa thuận.",
            {"fee": f.program.fee_amount},
        )
    ]


# --- linkage ---------------------------------------------------------------------------------


def alternative(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    if f.program.alternative_activity.strip():
        return []
    day = first_session(f, rule)
    if day is None:
        return []
    return [
        Hit(
            "",
            day,
            "Chưa ghi hoạt động cho học sinh không tham gia trong khung giờ của chương trình.",
            {},
        )
    ]


def linkage_disclosed(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    p = f.program
    missing = _missing(
        f,
        {
            "đối tác": p.partner_id is not None,
            "người dạy": f.staff_count > 0,
            "thời khóa biểu": bool(f.sessions),
            "căn cứ thu": p.fee_amount == 0 or bool(p.fee_legal_basis.strip()),
        },
    )
    hits = []
    day = first_session(f, rule)
    if missing and day:
        hits.append(
            Hit(
                "fields",
                day,
                "Thông tin công khai của chương trình liên kết còn thiếu: "
                + ", ".join(missing)
                + ".",
                {"missing": missing},
            )
        )
    return hits + _before_disclosure(f, rule, "chương trình được công khai")


def partner_licensed(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    partner = f.program.partner
    if partner is None or partner.licence_number.strip():
        return []
    day = first_session(f, rule)
    if day is None:
        return []
    return [
        Hit(
            "",
            day,
            f"Đối tác {partner.name} chưa có giấy phép hoặc đăng ký hoạt động trong hồ sơ.",
            {"partner": partner.name},
        )
    ]


def stop_refund(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """A stopped programme that still owes families what was not taught."""
    if f.program.status not in ("closed", "suspended"):
        return []
    owed = [x for x in f.fees if x.refund_due > x.refunded]
    if not owed:
        return []
    ended = [e.ended_at for e in f.enrollments if e.ended_at]
    since = timezone.localdate(max(ended)) if ended else f.today
    day = ongoing(since, rule, f.today)
    if day is None:
        return []
    total = sum(x.refund_due - x.refunded for x in owed)
    names = _names(f, {x.student_id for x in owed})
    return [
        Hit(
            "",
            day,
            f"Chương trình đã dừng nhưng còn nợ {money(total)} phải hoàn cho "
            f"{len(names)} gia đình: " + ", ".join(names) + ".",
            {"owed": total, "students": names},
        )
    ]


# --- fees ------------------------------------------------------------------------------------


def fee_published_line(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    p = f.program
    collected = [x for x in f.fees if x.collected > 0 and x.collected_on]
    hits = []
    if p.fee_amount > 0 and not p.fee_legal_basis.strip():
        day = first_session(f, rule)
        if day:
            hits.append(
                Hit(
                    "basis",
                    day,
                    f"Khoản thu {money(p.fee_amount)} {p.get_fee_unit_display()} chưa công khai "
                    f"căn cứ thu.",
                    {"fee": p.fee_amount},
                )
            )
    if p.fee_amount == 0 and collected:
        first = min(x.collected_on for x in collected if x.collected_on)
        day = ongoing(first, rule, max(f.today, first))
        if day:
            total = sum(x.collected for x in collected)
            hits.append(
                Hit(
                    "unpublished",
                    day,
                    f"Đã thu {money(total)} dù chương trình công khai là không thu tiền.",
                    {"collected": total},
                )
            )
    return hits


def fee_no_bundle(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    hits = []
    for number, others in sorted(f.shared_receipts.items()):
        fees = [x for x in f.fees if x.receipt_number == number]
        on = min((x.collected_on or x.period_start) for x in fees)
        if not rule_in_force(rule, on):
            continue
        hits.append(
            Hit(
                f"receipt:{number}",
                on,
                f"Biên lai {number} gộp khoản thu của chương trình này với "
                f"{len(others)} chương trình khác.",
                {"receipt": number, "other_programs": others},
            )
        )
    return hits


def fee_no_advance(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """A monthly fee collected for a period of more than one month before it runs."""
    if f.program.fee_unit != "per_month":
        return []
    hits = []
    for x in f.fees:
        months = ((x.period_end - x.period_start).days + 1) / 30.4
        advance = (
            x.collected > 0
            and x.collected_on is not None
            and months > 1.2
            and x.collected_on <= x.period_start + timedelta(days=31)
            and rule_in_force(rule, x.collected_on)
        )
        if advance and x.collected_on:
            hits.append(
                Hit(
                    f"fee:{x.id}",
                    x.collected_on,
                    f"Thu trước {money(x.collected)} cho {months:.0f} tháng "
                    f"({x.period_start:%d/%m/%Y}–{x.period_end:%d/%m/%Y}) của học sinh "
                    f"{_names(f, [x.student_id])[0]}.",
                    {"collected": x.collected, "months": round(months)},
                )
            )
    return hits


def ungranted_fees(f: ProgramFacts) -> list[UngrantedFee]:
    """Money collected on a day the family's latest decision (by the local date it was made)
    was not a grant (as the database derived it when gathered, otherwise from the facts)."""
    if f.ungranted_fees is not None:
        return f.ungranted_fees
    names = {e.student_id: e.student for e in f.enrollments}
    by_student: dict[int, list[tuple[date, int, str]]] = {}
    for c in f.consents:
        by_student.setdefault(c.student_id, []).append((local_date(c.at), c.seq, c.decision))
    out = []
    for x in f.fees:
        if x.collected <= 0 or x.collected_on is None:
            continue
        before = [c for c in by_student.get(x.student_id, []) if c[0] <= x.collected_on]
        last = max(before, key=lambda c: c[1]) if before else None
        if last is None or last[2] != "granted":
            out.append(
                UngrantedFee(
                    x.id, x.student_id, names.get(x.student_id, ""), x.collected, x.collected_on
                )
            )
    return out


def fee_consent_first(f: ProgramFacts, rule: RuleDates) -> list[Hit]:
    """Money collected on a day the family's latest decision was not a grant."""
    return [
        Hit(
            f"fee:{x.id}",
            x.collected_on,
            f"Thu {money(x.collected)} của học sinh {x.student or f'#{x.student_id}'} ngày "
            f"{x.collected_on:%d/%m/%Y} khi gia đình chưa có đồng ý còn hiệu lực.",
            {"collected": x.collected, "on": x.collected_on.isoformat()},
        )
        for x in ungranted_fees(f)
        if rule_in_force(rule, x.collected_on)
    ]


def rule_in_force(rule: RuleDates, day: date) -> bool:
    return (rule.effective_from is None or rule.effective_from <= day) and (
        rule.effective_to is None or day <= rule.effective_to
    )


# --- institution-level -----------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerReport:
    teacher_id: int
    teacher: str
    facility: str
    starts_on: date


def no_manage(reports: list[OwnerReport], rule: RuleDates, today: date) -> list[Hit]:
    """A public-school teacher who owns or co-owns a tutoring facility (from Form 03)."""
    hits = []
    for r in reports:
        day = ongoing(r.starts_on, rule, max(today, r.starts_on))
        if day:
            hits.append(
                Hit(
                    f"teacher:{r.teacher_id}",
                    day,
                    f"Giáo viên {r.teacher} báo cáo là chủ hoặc đồng sở hữu cơ sở dạy thêm "
                    f"«{r.facility}».",
                    {"teacher": r.teacher, "facility": r.facility},
                )
            )
    return hits


# The kinds of facts (facts.PARTS) each check reads, so judging a few rules gathers only what
# they need. A check missing here gets every kind.
NEEDS: dict[str, frozenset[str]] = {
    name: frozenset(parts.split())
    for name, parts in {
        "voluntary": "ungranted_places",
        "application": "enrollments",
        "published_first": "enrollments disclosure",
        "primary": "sessions",
        "in_school_free": "sessions fees enrollments",
        "tt17_fee_agreed": "sessions",
        "tt17_two_sessions": "sessions",
        "eligible_groups": "enrollments groups classes",
        "by_subject": "enrollments groups classes sessions",
        "class_size": "enrollments groups sessions",
        "in_school_outside_hours": "sessions slots",
        "linkage_outside_hours": "sessions slots",
        "two_periods": "sessions",
        "hours_window": "sessions",
        "facility_registered": "sessions",
        "facility_disclosed": "staff sessions enrollments disclosure",
        "teacher_report": "teachers sessions",
        "own_students": "teachers enrollments classes sessions",
        "outside_fee_agreed": "sessions",
        "alternative": "sessions",
        "linkage_disclosed": "staff sessions enrollments disclosure",
        "partner_licensed": "sessions",
        "stop_refund": "fees enrollments",
        "fee_published_line": "fees sessions",
        "fee_no_bundle": "fees receipts",
        "fee_no_advance": "fees enrollments",
        "fee_consent_first": "ungranted_fees",
    }.items()
}
