"""Signs of coercion (RULES.md): not violations, but measured facts compared with thresholds
the department tunes. Each measure is a pure function of the facts; a signal counts towards
the risk score only when its value reaches the threshold, and says so with the numbers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from oversight.compliance.facts import ProgramFacts, local_date


@dataclass(frozen=True)
class Threshold:
    code: str
    title: str
    threshold: float
    points: int
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measure:
    code: str
    value: float
    explanation: str
    facts: dict[str, Any] = field(default_factory=dict)


def _paid(f: ProgramFacts) -> bool:
    return f.program.fee_amount > 0


def class_uptake(f: ProgramFacts, t: Threshold) -> Measure | None:
    if not _paid(f) or f.program.kind == "outside_tutoring":
        return None
    best = None
    for c in f.classes.values():
        if len(c.members) < t.params.get("min_size", 10):
            continue
        n = len(c.members & f.live_students)
        share = n / len(c.members)
        if best is None or share > best[0]:
            best = (share, c, n)
    if best is None:
        return None
    share, c, n = best
    own = sorted(
        name for tid, name in f.staff_teachers.items() if c.id in f.teacher_classes.get(tid, ())
    )
    teaches = (
        f"giáo viên của lớp dạy chương trình: {', '.join(own)}"
        if own
        else "không giáo viên nào của lớp dạy chương trình"
    )
    return Measure(
        t.code,
        round(share, 3),
        f"Lớp {c.name}: {n}/{len(c.members)} học sinh ({share:.0%}) tham gia chương trình có "
        f"thu; ngưỡng {t.threshold:.0%}; {teaches}.",
        {"class": c.name, "enrolled": n, "size": len(c.members), "own_teachers": own},
    )


def roster_equals_class(f: ProgramFacts, t: Threshold) -> Measure | None:
    roster = f.roster
    for c in f.classes.values():
        if len(c.members) >= t.params.get("min_size", 5) and roster == set(c.members):
            return Measure(
                t.code,
                1.0,
                f"Danh sách học của chương trình trùng đúng lớp chủ nhiệm {c.name} "
                f"({len(c.members)} học sinh).",
                {"class": c.name, "size": len(c.members)},
            )
    return None


def bulk_staff_consents(f: ProgramFacts, t: Threshold) -> Measure | None:
    per_day = Counter(
        (c.actor_id, local_date(c.at))
        for c in f.consents
        if c.channel != "portal" and c.decision == "granted"
    )
    if not per_day:
        return None
    (actor, day), n = per_day.most_common(1)[0]
    return Measure(
        t.code,
        n,
        f"{n} đồng ý được một cán bộ nhà trường nhập trong ngày {day:%d/%m/%Y}; ngưỡng "
        f"{t.threshold:.0f}.",
        {"count": n, "day": day.isoformat()},
    )


def before_consent(f: ProgramFacts, t: Threshold) -> Measure | None:
    first_grant: dict[int, Any] = {}
    for c in f.consents:
        if c.decision == "granted" and (
            c.student_id not in first_grant or c.at < first_grant[c.student_id]
        ):
            first_grant[c.student_id] = c.at
    early_enrol = [
        e.student
        for e in f.enrollments
        if e.student_id not in first_grant or e.started_at < first_grant[e.student_id]
    ]
    early_fees = [
        x
        for x in f.fees
        if x.collected_on
        and (
            x.student_id not in first_grant
            or x.collected_on < local_date(first_grant[x.student_id])
        )
    ]
    n = len(early_enrol) + len(early_fees)
    if n == 0:
        return None
    return Measure(
        t.code,
        n,
        f"{len(early_enrol)} ghi danh và {len(early_fees)} khoản thu có ngày trước ngày gia đình "
        f"đồng ý; ngưỡng {t.threshold:.0f}.",
        {"enrollments": sorted(early_enrol), "fees": len(early_fees)},
    )


def stacked_linkage(f: ProgramFacts, t: Threshold) -> Measure | None:
    if f.program.kind != "linkage" or not _paid(f) or not f.stacked:
        return None
    cid, n = max(f.stacked.items(), key=lambda kv: kv[1])
    c = f.classes[cid]
    return Measure(
        t.code,
        n,
        f"Lớp {c.name} có {n} chương trình liên kết có thu, mỗi chương trình có từ "
        f"{t.params.get('share', 0.5):.0%} học sinh của lớp tham gia; ngưỡng {t.threshold:.0f}.",
        {"class": c.name, "programs": n},
    )


def session_hours(f: ProgramFacts, t: Threshold) -> Measure | None:
    p = f.program
    if p.institution_id is None:
        return None
    night = time.fromisoformat(t.params.get("night_after", "21:00"))
    inside = [
        s.label()
        for s in f.sessions
        if any(s.weekday == o.weekday and s.start < o.end and o.start < s.end for o in f.slots)
    ]
    late = [s.label() for s in f.sessions if s.end > night and p.delivery_form == "in_person"]
    n = len(inside) + len(late)
    if n == 0:
        return None
    parts = []
    if inside:
        parts.append("trong giờ chính khóa: " + "; ".join(inside))
    if late:
        parts.append(f"tại trường sau {night:%H:%M}: " + "; ".join(late))
    return Measure(t.code, n, "Buổi học " + " và ".join(parts) + ".", {"sessions": inside + late})


def no_alternative(f: ProgramFacts, t: Threshold) -> Measure | None:
    if f.program.kind != "linkage" or f.program.alternative_activity.strip():
        return None
    return Measure(
        t.code,
        1,
        "Chương trình không ghi hoạt động cho học sinh không tham gia trong khung giờ học.",
        {},
    )


def quick_withdrawals(f: ProgramFacts, t: Threshold) -> Measure | None:
    days = t.params.get("days", 14)
    quick = [
        e.student
        for e in f.enrollments
        if e.end_reason == "withdrawn" and e.ended_at and (e.ended_at - e.started_at).days < days
    ]
    if not quick:
        return None
    return Measure(
        t.code,
        len(quick),
        f"{len(quick)} học sinh rút trong vòng {days} ngày sau khi tham gia; ngưỡng "
        f"{t.threshold:.0f}.",
        {"count": len(quick)},
    )


def facility_overlap(f: ProgramFacts, t: Threshold) -> Measure | None:
    if f.program.kind != "outside_tutoring":
        return None
    tutors = {**f.reporting_teachers, **f.staff_teachers}
    hit = {}
    for tid, name in tutors.items():
        classes = f.teacher_classes.get(tid, set())
        students = {s for s in f.live_students if f.student_class.get(s) in classes}
        if students:
            hit[name] = len(students)
    if not hit:
        return None
    total = sum(hit.values())
    detail = "; ".join(f"{name}: {n} học sinh" for name, n in sorted(hit.items()))
    return Measure(
        t.code,
        total,
        f"Học sinh của cơ sở học ở lớp do chính người dạy tại cơ sở phụ trách ở trường ({detail}); "
        f"ngưỡng {t.threshold:.0f}.",
        {"teachers": hit},
    )


MEASURES = {
    "class_uptake": class_uptake,
    "roster_equals_class": roster_equals_class,
    "bulk_staff_consents": bulk_staff_consents,
    "before_consent": before_consent,
    "stacked_linkage": stacked_linkage,
    "session_hours": session_hours,
    "no_alternative": no_alternative,
    "quick_withdrawals": quick_withdrawals,
    "facility_overlap": facility_overlap,
}


def measure(f: ProgramFacts, thresholds: list[Threshold]) -> list[tuple[Measure, Threshold]]:
    """The signals that reach their thresholds."""
    out = []
    for t in thresholds:
        fn = MEASURES.get(t.code)
        m = fn(f, t) if fn else None
        if m is not None and m.value >= t.threshold:
            out.append((m, t))
    return out
