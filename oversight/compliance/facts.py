"""Gathering the facts the checks judge, in bulk (a few queries per batch of programmes, so a
full-city evaluation does not run queries per programme)."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import CharField, Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from oversight.enrollment.models import ConsentEntry, Enrollment, FeeRecord
from oversight.enrollment.selectors import is_academic
from oversight.programs.models import (
    DisclosureVersion,
    EligibleStudent,
    OfficialTimetableSlot,
    Program,
    Session,
    StaffMember,
    TeacherReport,
    TutoringGroup,
)
from oversight.registry.models import ClassMembership, TeachingAssignment


def local_date(moment: datetime) -> date:
    """The day in the city's time zone (read once: this runs for every consent and place)."""
    return moment.astimezone(_zone()).date()


@functools.cache
def _zone() -> Any:
    return timezone.get_default_timezone()


@dataclass(frozen=True)
class SessionFact:
    weekday: int
    start: time
    end: time
    place: str

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def label(self) -> str:
        day = "CN" if self.weekday == 7 else f"thứ {self.weekday + 1}"
        return f"{day} {self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class EnrollmentFact:
    student_id: int
    student: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    end_reason: str
    grant_channel: str

    @property
    def live(self) -> bool:
        return self.status in ("active", "waitlisted", "paused")

    @property
    def started_on(self) -> date:
        return local_date(self.started_at)


@dataclass(frozen=True)
class ConsentFact:
    student_id: int
    decision: str
    channel: str
    actor_id: int | None
    at: datetime
    seq: int


@dataclass(frozen=True)
class FeeFact:
    id: int
    student_id: int
    period_start: date
    period_end: date
    billed: int
    collected: int
    collected_on: date | None
    receipt_number: str
    refund_due: int
    refunded: int


@dataclass(frozen=True)
class UngrantedPlace:
    """A live place whose family's latest decision is not a grant ("" when there is none)."""

    student_id: int
    student: str
    started_on: date
    decision: str


@dataclass(frozen=True)
class UngrantedFee:
    """Money collected on a day the family's latest decision (by the local date it was made)
    was not a grant; `student` is the name on the programme's place ("" without a place)."""

    id: int
    student_id: int
    student: str
    collected: int
    collected_on: date


@dataclass(frozen=True)
class ClassFact:
    id: int
    name: str
    grade: int
    members: frozenset[int]


@dataclass
class ProgramFacts:
    """Everything the checks may look at for one programme; nothing else is read."""

    program: Program
    today: date
    academic: bool
    sessions: list[SessionFact] = field(default_factory=list)
    staff_count: int = 0
    slots: list[SessionFact] = field(default_factory=list)
    enrollments: list[EnrollmentFact] = field(default_factory=list)
    consents: list[ConsentFact] = field(default_factory=list)
    fees: list[FeeFact] = field(default_factory=list)
    first_disclosed_at: datetime | None = None
    groups: list[tuple[str, int, frozenset[int]]] = field(default_factory=list)
    eligibility: dict[int, str] = field(default_factory=dict)
    student_grade: dict[int, int] = field(default_factory=dict)
    student_class: dict[int, int] = field(default_factory=dict)
    classes: dict[int, ClassFact] = field(default_factory=dict)
    # Teachers of the school who teach in this programme: id -> name.
    staff_teachers: dict[int, str] = field(default_factory=dict)
    # Teachers who reported (Form 03) teaching at this programme's facility: id -> name.
    reporting_teachers: dict[int, str] = field(default_factory=dict)
    # Classes each of those teachers is assigned to teach at school, in the programme's year.
    teacher_classes: dict[int, set[int]] = field(default_factory=dict)
    # Receipt numbers of this programme's fees also used for another programme's fees.
    shared_receipts: dict[str, list[int]] = field(default_factory=dict)
    # Other paid linkage programmes enrolling members of the same classes: class -> count.
    stacked: dict[int, int] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    # Derived in the database (None when not gathered: the checks then derive them from
    # `enrollments`, `consents` and `fees`, as for facts built by hand).
    ungranted_places: list[UngrantedPlace] | None = None
    ungranted_fees: list[UngrantedFee] | None = None

    @property
    def roster(self) -> set[int]:
        return {e.student_id for e in self.enrollments if e.status == "active"}

    @property
    def live_students(self) -> set[int]:
        return {e.student_id for e in self.enrollments if e.live}


PROGRAM_RELATED = (
    "institution__unit",
    "institution__managing_agency",
    "facility__unit",
    "partner",
    "subject",
    "school_year",
)


def gather(
    programs: list[Program],
    *,
    settings: dict[str, Any],
    stacked_share: float = 0.5,
    parts: frozenset[str] | None = None,
):
    """The facts of each programme, by programme id; with `parts`, only those kinds of facts
    (see PARTS), for judging a few rules."""
    today = timezone.localdate()
    ids = [p.pk for p in programs]
    out = {
        p.pk: ProgramFacts(program=p, today=today, academic=is_academic(p), settings=settings)
        for p in programs
    }
    want = PARTS if parts is None else parts
    for name in PARTS:
        if name in want:
            GATHERERS[name](programs, ids, out, stacked_share)
    return out


def _staff(programs, ids, out, share) -> None:
    for pid, n in (
        StaffMember.objects.order_by()
        .filter(program_id__in=ids)
        .values_list("program_id")
        .annotate(n=Count("pk"))
        .values_list("program_id", "n")
    ):
        out[pid].staff_count = n


def _sessions(programs, ids, out, share) -> None:
    for pid, wd, start, end, place in (
        Session.objects.order_by()
        .filter(program_id__in=ids)
        .values_list("program_id", "weekday", "start", "end", "place")
    ):
        out[pid].sessions.append(SessionFact(wd, start, end, place))


def _slots(programs, ids, out, share) -> None:
    slots: dict[tuple[int, int], list[SessionFact]] = defaultdict(list)
    inst_ids = {p.institution_id for p in programs if p.institution_id}
    for inst, year, wd, start, end in (
        OfficialTimetableSlot.objects.order_by()
        .filter(institution_id__in=inst_ids)
        .values_list("institution_id", "school_year_id", "weekday", "start", "end")
    ):
        slots[(inst, year)].append(SessionFact(wd, start, end, ""))
    for p in programs:
        if p.institution_id:
            out[p.pk].slots = slots.get((p.institution_id, p.school_year_id), [])


def _enrollments(programs, ids, out, share) -> None:
    for e in (
        Enrollment.objects.order_by()
        .filter(program_id__in=ids)
        .values_list(
            "program_id",
            "student_id",
            "student__full_name",
            "status",
            "started_at",
            "ended_at",
            "end_reason",
            "grant__channel",
        )
    ):
        out[e[0]].enrollments.append(EnrollmentFact(*e[1:]))


def _consents(programs, ids, out, share) -> None:
    for c in (
        ConsentEntry.objects.order_by()
        .filter(program_id__in=ids)
        .values_list(
            "program_id", "student_id", "decision", "channel", "actor_id", "created_at", "seq"
        )
    ):
        out[c[0]].consents.append(ConsentFact(*c[1:]))


def _fees(programs, ids, out, share) -> None:
    for f in (
        FeeRecord.objects.order_by()
        .filter(program_id__in=ids)
        .values_list(
            "program_id",
            "id",
            "student_id",
            "period_start",
            "period_end",
            "billed",
            "collected",
            "collected_on",
            "receipt_number",
            "refund_due",
            "refunded",
        )
    ):
        out[f[0]].fees.append(FeeFact(*f[1:]))


def _latest_decision(**when: Any) -> Coalesce:
    """The family's latest decision for the outer row's student and programme (optionally
    only among entries matching `when`), "" when there is none."""
    entries = ConsentEntry.objects.order_by().filter(
        student_id=OuterRef("student_id"), program_id=OuterRef("program_id")
    )
    if when:
        entries = entries.annotate(on=TruncDate("created_at", tzinfo=_zone())).filter(**when)
    return Coalesce(
        Subquery(entries.order_by("-seq").values("decision")[:1]),
        Value(""),
        output_field=CharField(),
    )


def _places(ids: list[int], students: set[int]) -> dict[tuple[int, int], tuple[str, str]]:
    """The name and the family's latest decision on the given students' places in these
    programmes. A second, small query: in the first, which reads every place, the planner
    would otherwise read all students and compile the query (JIT) for each batch."""
    if not students:
        return {}
    return {
        (pid, sid): (name, decision)
        for pid, sid, name, decision in Enrollment.objects.order_by()
        .filter(program_id__in=ids, student_id__in=students)
        .annotate(decision=_latest_decision())
        .values_list("program_id", "student_id", "student__full_name", "decision")
    }


def _ungranted_places(programs, ids, out, share) -> None:
    """Only the live places without a grant reach Python, their start already a local date."""
    rows = list(
        Enrollment.objects.order_by()
        .filter(program_id__in=ids, status__in=Enrollment.LIVE)
        .alias(decision=_latest_decision())
        .exclude(decision="granted")
        .annotate(started_on=TruncDate("started_at", tzinfo=_zone()))
        .values_list("program_id", "student_id", "started_on")
    )
    places = _places(ids, {r[1] for r in rows})
    for f in out.values():
        f.ungranted_places = []
    for pid, sid, started_on in rows:
        name, decision = places[(pid, sid)]
        out[pid].ungranted_places.append(UngrantedPlace(sid, name, started_on, decision))


def _ungranted_fees(programs, ids, out, share) -> None:
    """Only the money collected without a grant on that day reaches Python."""
    rows = list(
        FeeRecord.objects.order_by()
        .filter(program_id__in=ids, collected__gt=0, collected_on__isnull=False)
        .alias(decision=_latest_decision(on__lte=OuterRef("collected_on")))
        .exclude(decision="granted")
        .values_list("program_id", "id", "student_id", "collected", "collected_on")
    )
    places = _places(ids, {r[2] for r in rows})
    for f in out.values():
        f.ungranted_fees = []
    for pid, fid, sid, collected, collected_on in rows:
        name = places.get((pid, sid), ("", ""))[0]
        assert collected_on is not None  # the query keeps only money with its day
        out[pid].ungranted_fees.append(UngrantedFee(fid, sid, name, collected, collected_on))


def _disclosure(programs, ids, out, share) -> None:
    for pid, at in (
        DisclosureVersion.objects.order_by()
        .filter(program_id__in=ids, number=1)
        .values_list("program_id", "created_at")
    ):
        out[pid].first_disclosed_at = at


def _groups(programs, ids, out, share) -> None:
    groups: dict[int, tuple[int, str, int, set[int]]] = {}
    for g in (
        TutoringGroup.objects.order_by()
        .filter(program_id__in=ids)
        .values_list("id", "program_id", "name", "grade")
    ):
        groups[g[0]] = (g[1], g[2], g[3], set())
    for gid, sid, basis in (
        EligibleStudent.objects.order_by()
        .filter(group_id__in=list(groups))
        .values_list("group_id", "student_id", "basis")
    ):
        pid, _name, _grade, members = groups[gid]
        members.add(sid)
        out[pid].eligibility[sid] = basis
    for pid, name, grade, members in groups.values():
        out[pid].groups.append((name, grade, frozenset(members)))


def _classes(programs, ids, out, share) -> None:
    """Each enrolled student's homeroom class in the programme's year, with its members."""
    by_year: dict[int, set[int]] = defaultdict(set)
    for p in programs:
        by_year[p.school_year_id] |= {e.student_id for e in out[p.pk].enrollments}
    class_of: dict[tuple[int, int], tuple[int, int]] = {}
    class_ids: set[int] = set()
    for year, students in by_year.items():
        for sid, cid, grade in (
            ClassMembership.objects.order_by()
            .filter(school_year_id=year, student_id__in=students)
            .values_list("student_id", "homeroom_class_id", "homeroom_class__grade")
        ):
            class_of[(year, sid)] = (cid, grade)
            class_ids.add(cid)
    members: dict[int, set[int]] = defaultdict(set)
    names: dict[int, tuple[str, int]] = {}
    for sid, cid, name, grade in (
        ClassMembership.objects.order_by()
        .filter(homeroom_class_id__in=class_ids)
        .values_list(
            "student_id", "homeroom_class_id", "homeroom_class__name", "homeroom_class__grade"
        )
    ):
        members[cid].add(sid)
        names[cid] = (name, grade)
    for p in programs:
        f = out[p.pk]
        for e in f.enrollments:
            found = class_of.get((p.school_year_id, e.student_id))
            if found:
                f.student_class[e.student_id], f.student_grade[e.student_id] = found
                cid = found[0]
                f.classes[cid] = ClassFact(
                    cid, names[cid][0], names[cid][1], frozenset(members[cid])
                )


def _teachers(programs, ids, out, share) -> None:
    for pid, tid, name in (
        StaffMember.objects.order_by()
        .filter(program_id__in=ids, teacher__isnull=False)
        .values_list("program_id", "teacher_id", "teacher__full_name")
    ):
        out[pid].staff_teachers[tid] = name
    facility_programs: dict[int, list[int]] = defaultdict(list)
    for p in programs:
        if p.facility_id:
            facility_programs[p.facility_id].append(p.pk)
    for fid, tid, name in (
        TeacherReport.objects.order_by()
        .filter(facility_id__in=list(facility_programs))
        .values_list("facility_id", "teacher_id", "teacher__full_name")
    ):
        for pid in facility_programs[fid]:
            out[pid].reporting_teachers[tid] = name
    teacher_ids = {t for f in out.values() for t in (*f.staff_teachers, *f.reporting_teachers)}
    assigned: dict[tuple[int, int], set[int]] = defaultdict(set)
    for tid, cid, year in (
        TeachingAssignment.objects.order_by()
        .filter(teacher_id__in=teacher_ids)
        .values_list("teacher_id", "homeroom_class_id", "homeroom_class__school_year_id")
    ):
        assigned[(tid, year)].add(cid)
    for p in programs:
        f = out[p.pk]
        for tid in (*f.staff_teachers, *f.reporting_teachers):
            f.teacher_classes[tid] = assigned.get((tid, p.school_year_id), set())
    # Reports by the programme's own staff teachers, whatever facility they named.
    reported: set[tuple[int, int]] = set()
    staff_ids = {t for f in out.values() for t in f.staff_teachers}
    for tid, fid, fname in (
        TeacherReport.objects.order_by()
        .filter(teacher_id__in=staff_ids)
        .values_list("teacher_id", "facility_id", "facility_name")
    ):
        for p in programs:
            if p.facility is not None and (fid == p.facility_id or fname == p.facility.name):
                reported.add((p.pk, tid))
    for p in programs:
        f = out[p.pk]
        for tid, name in f.staff_teachers.items():
            if (p.pk, tid) in reported:
                f.reporting_teachers.setdefault(tid, name)


def _receipts(programs, ids, out, share) -> None:
    numbers = {fee.receipt_number for f in out.values() for fee in f.fees if fee.receipt_number}
    if not numbers:
        return
    payers = {fee.student_id for f in out.values() for fee in f.fees if fee.receipt_number}
    used: dict[tuple[int, str], set[int]] = defaultdict(set)
    # By student first (an indexed column), then the receipt numbers.
    for pid, sid, number in (
        FeeRecord.objects.order_by()
        .filter(student_id__in=payers, receipt_number__in=numbers)
        .values_list("program_id", "student_id", "receipt_number")
    ):
        used[(sid, number)].add(pid)
    for pid in ids:
        f = out[pid]
        for fee in f.fees:
            others = used.get((fee.student_id, fee.receipt_number), set()) - {pid}
            if fee.receipt_number and others:
                f.shared_receipts[fee.receipt_number] = sorted(others)


def _stacked(programs, ids, out, share) -> None:
    """For each class of a programme's students: how many paid linkage programmes (this one
    included) enrol at least `share` of the class."""
    class_ids = {cid for f in out.values() for cid in f.classes}
    if not class_ids:
        return
    counts = (
        Enrollment.objects.order_by()
        .filter(
            status__in=Enrollment.LIVE,
            program__kind=Program.Kind.LINKAGE,
            program__fee_amount__gt=0,
            student__memberships__homeroom_class_id__in=class_ids,
        )
        .values("student__memberships__homeroom_class_id", "program_id")
        .annotate(n=Count("pk"))
    )
    sizes = {cid: len(c.members) for f in out.values() for cid, c in f.classes.items()}
    per_class: dict[int, int] = defaultdict(int)
    for row in counts:
        cid = row["student__memberships__homeroom_class_id"]
        if sizes.get(cid) and row["n"] / sizes[cid] >= share:
            per_class[cid] += 1
    for f in out.values():
        f.stacked = {cid: per_class.get(cid, 0) for cid in f.classes}


# Kinds of facts, gathered in this order (classes come after enrolments, stacking after
# classes, teachers after enrolments).
GATHERERS = {
    "staff": _staff,
    "sessions": _sessions,
    "slots": _slots,
    "enrollments": _enrollments,
    "consents": _consents,
    "fees": _fees,
    "ungranted_places": _ungranted_places,
    "ungranted_fees": _ungranted_fees,
    "disclosure": _disclosure,
    "groups": _groups,
    "classes": _classes,
    "teachers": _teachers,
    "receipts": _receipts,
    "stacked": _stacked,
}
PARTS = tuple(GATHERERS)


def first_session_in(sessions: list[SessionFact], start: date, end: date) -> date | None:
    """The first day in [start, end] with a session."""
    weekdays = {s.weekday for s in sessions}
    if not weekdays or end < start:
        return None
    for i in range(7):
        day = start + timedelta(days=i)
        if day > end:
            return None
        if day.isoweekday() in weekdays:
            return day
    return None
