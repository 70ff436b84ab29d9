"""Reads of consent and enrolment that cross models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.enrollment.models import ConsentEntry, Decision, Enrollment, FeeRecord
from oversight.lib.rows import hot_cursor, to_instance
from oversight.lib.text import fold
from oversight.programs.models import DisclosureVersion, EligibleStudent, Program, TutoringGroup
from oversight.registry.models import (
    ClassMembership,
    Guardian,
    Guardianship,
    HomeroomClass,
    Student,
)

# Primary pupils may take extra classes only in these (TT29 Art. 4.1): arts, sports, life skills.
PRIMARY_ALLOWED_WORDS = (
    "am nhac",
    "mi thuat",
    "my thuat",
    "nghe thuat",
    "the chat",
    "the duc",
    "the thao",
    "ki nang song",
    "ky nang song",
)
TUTORING = (Program.Kind.IN_SCHOOL_TUTORING, Program.Kind.OUTSIDE_TUTORING)


def latest_decision(student: Student, program: Program) -> ConsentEntry | None:
    """The family's current decision: the latest ledger entry, and nothing else."""
    return ConsentEntry.objects.filter(student=student, program=program).order_by("-seq").first()


def latest_disclosure(program: Program) -> DisclosureVersion | None:
    """The version families see now (without its frozen facts, which checks never need)."""
    return program.versions.defer("data").order_by("-number").first()


@dataclass(frozen=True)
class DecisionState:
    """What a decision on (student, programme) is judged against, read in one statement."""

    link: Guardianship | None  # the signing-in user's guardianship of the student (with
    # `guardian` holding only its id and phone)
    current: ConsentEntry | None  # the latest decision (id, decision, disclosure, channel)
    live: Enrollment | None  # the place while active, waitlisted or paused
    version: DisclosureVersion | None  # the disclosure families see now (id, number)
    grade: int | None  # the student's grade in the programme's school year
    in_tutoring_group: bool  # placed in one of the programme's in-school tutoring groups
    taken: int  # active places
    claimed: tuple | None = None  # the row of the `claim` statement run with the read


_LINK = ("id", "guardian_id", "relation")
_CURRENT = ("id", "decision", "disclosure_id", "channel")
_LIVE = ("id", "student_id", "program_id", "grant_id", "status", "started_at")
_VERSION = ("id", "program_id", "number")


@cache
def _state_sql(vendor: str, claim: str | None) -> str:
    q = connection.ops.quote_name

    def t(model: Any) -> str:
        return q(model._meta.db_table)

    def cols(alias: str, names: tuple[str, ...]) -> str:
        return ", ".join(f"{alias}.{q(n)}" for n in names)

    with_claim = f"WITH claim AS ({claim})" if claim else ""
    return f"""{with_claim}
SELECT {cols("l", _LINK)}, l.{q("phone")}, {cols("c", _CURRENT)}, {cols("e", _LIVE)},
       {cols("v", _VERSION)}, m.{q("grade")}, {"claim.*," if claim else ""}
       (SELECT COUNT(*) FROM {t(Enrollment)} WHERE {q("program_id")} = %s AND {q("status")} = %s),
       (SELECT COUNT(*) FROM {t(EligibleStudent)} es
          INNER JOIN {t(TutoringGroup)} tg ON tg.{q("id")} = es.{q("group_id")}
        WHERE tg.{q("program_id")} = %s AND es.{q("student_id")} = %s)
FROM (SELECT 1 AS {q("one")}) base {"LEFT JOIN claim ON 1 = 1" if claim else ""}
LEFT JOIN (SELECT gs.{q("id")}, gs.{q("guardian_id")}, gs.{q("relation")}, g.{q("phone")}
             FROM {t(Guardianship)} gs
             INNER JOIN {t(Guardian)} g ON g.{q("id")} = gs.{q("guardian_id")}
            WHERE gs.{q("student_id")} = %s AND g.{q("user_id")} = %s
            ORDER BY gs.{q("id")} LIMIT 1) l ON 1 = 1
LEFT JOIN (SELECT {", ".join(q(n) for n in _CURRENT)} FROM {t(ConsentEntry)}
            WHERE {q("student_id")} = %s AND {q("program_id")} = %s
            ORDER BY {q("seq")} DESC LIMIT 1) c ON 1 = 1
LEFT JOIN (SELECT {", ".join(q(n) for n in _LIVE)} FROM {t(Enrollment)}
            WHERE {q("student_id")} = %s AND {q("program_id")} = %s
              AND {q("status")} IN (%s, %s, %s) LIMIT 1) e ON 1 = 1
LEFT JOIN (SELECT {", ".join(q(n) for n in _VERSION)} FROM {t(DisclosureVersion)}
            WHERE {q("program_id")} = %s ORDER BY {q("number")} DESC LIMIT 1) v ON 1 = 1
LEFT JOIN (SELECT hc.{q("grade")} FROM {t(ClassMembership)} cm
             INNER JOIN {t(HomeroomClass)} hc ON hc.{q("id")} = cm.{q("homeroom_class_id")}
            WHERE cm.{q("student_id")} = %s AND cm.{q("school_year_id")} = %s LIMIT 1) m ON 1 = 1
"""


def decision_state(
    student: Student,
    program: Program,
    user_id: int | None,
    *,
    claim: tuple[str, list[Any]] | None = None,
) -> DecisionState:
    """The state a decision is judged against, in one statement (a registration is on the
    hottest path of the system: a burst of families at a deadline). `user_id` finds the
    signed-in guardian's link; None finds none. Read it after locking the programme.

    `claim` (a data-modifying statement with RETURNING, and its parameters) runs in the same
    statement, its row in `claimed`: PostgreSQL only. Its reads share the statement's
    snapshot, taken before `claim` may wait for a lock; callers pass only a claim whose lock
    guards nothing read here (the ledger head of a school is not what guards a programme's
    decisions: the programme's lock, already held, is)."""
    s, p = student.pk, program.pk
    params = [*(claim[1] if claim else []),
        p, Enrollment.Status.ACTIVE,
        p, s,
        s, user_id,
        s, p,
        s, p, *Enrollment.LIVE,
        p,
        s, program.school_year_id,
    ]  # fmt: skip
    with hot_cursor() as cur:
        cur.execute(_state_sql(connection.vendor, claim[0] if claim else None), params)
        row = cur.fetchone()
    alias = connection.alias
    i = 0

    def take(n: int) -> tuple:
        nonlocal i
        part = row[i : i + n]
        i += n
        return part

    link_row, phone = take(len(_LINK)), take(1)[0]
    current_row, live_row, version_row = take(len(_CURRENT)), take(len(_LIVE)), take(len(_VERSION))
    grade = take(1)[0]
    claimed = tuple(row[i : len(row) - 2]) if claim else None
    taken, in_group = row[-2], row[-1]
    link = None
    if link_row[0] is not None:
        link = to_instance(Guardianship, _LINK, link_row, using=alias)
        link.guardian = to_instance(Guardian, ("id", "phone"), (link_row[1], phone), using=alias)
    live = None
    if live_row[0] is not None:
        live = to_instance(Enrollment, _LIVE, live_row, using=alias)
        live.program = program
    return DecisionState(
        link=link,
        current=to_instance(ConsentEntry, _CURRENT, current_row, using=alias)
        if current_row[0] is not None
        else None,
        live=live,
        version=to_instance(DisclosureVersion, _VERSION, version_row, using=alias)
        if version_row[0] is not None
        else None,
        grade=grade,
        in_tutoring_group=bool(in_group),
        taken=int(taken),
        claimed=claimed,
    )


def student_grade(student: Student, school_year_id: int) -> int | None:
    return (
        ClassMembership.objects.filter(student=student, school_year_id=school_year_id)
        .values_list("homeroom_class__grade", flat=True)
        .first()
    )


def is_academic(program: Program) -> bool:
    name = fold(program.subject.name) if program.subject else fold(program.title)
    return not any(word in name for word in PRIMARY_ALLOWED_WORDS)


_UNKNOWN: Any = object()


def eligibility_problems(
    student: Student,
    program: Program,
    *,
    grade: int | None = _UNKNOWN,
    in_tutoring_group: bool | None = None,
) -> list[str]:
    """Why the student may not join, in plain Vietnamese; empty when they may. `grade` and
    `in_tutoring_group` are read here unless the caller already has them."""
    problems: list[str] = []
    if (
        program.institution_id
        and program.kind != Program.Kind.OUTSIDE_TUTORING
        and student.institution_id != program.institution_id
    ):
        problems.append(_("Học sinh không thuộc trường tổ chức chương trình."))
        return problems
    if grade is _UNKNOWN:
        grade = student_grade(student, program.school_year_id)
    if grade is None:
        problems.append(
            _("Học sinh chưa được xếp lớp trong năm học %(year)s.") % {"year": program.school_year}
        )
        return problems
    if program.grades and grade not in program.grades:
        problems.append(_("Chương trình không dành cho khối %(grade)s.") % {"grade": grade})
    if program.kind in TUTORING and 1 <= grade <= 5 and is_academic(program):
        problems.append(
            _(
                "Không tổ chức dạy thêm các môn văn hóa cho học sinh tiểu học (Thông tư 29, "
                "Điều 4.1); chỉ được học năng khiếu, thể dục thể thao, kĩ năng sống."
            )
        )
    if program.kind == Program.Kind.IN_SCHOOL_TUTORING and not (
        in_tutoring_group
        if in_tutoring_group is not None
        else EligibleStudent.objects.filter(group__program=program, student=student).exists()
    ):
        problems.append(
            _(
                "Dạy thêm trong trường chỉ dành cho ba nhóm học sinh (Thông tư 29, Điều 5.1): "
                "kết quả học kỳ trước chưa đạt, được chọn bồi dưỡng học sinh giỏi, ôn thi cuối "
                "cấp tự nguyện; nhà trường chưa xếp học sinh vào nhóm nào."
            )
        )
    return problems


def sessions_between(weekdays: list[int], start: date, end: date) -> int:
    """How many weekly sessions (weekday 1 = Monday … 7 = Sunday) fall in [start, end]."""
    if end < start or not weekdays:
        return 0
    days = (end - start).days + 1
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * len(weekdays)
    for i in range(rest):
        if (start + timedelta(days=full_weeks * 7 + i)).isoweekday() in weekdays:
            count += 1
    return count


def offered_programs(student: Student) -> QuerySet[Program]:
    """Published programmes of the child's school for the child's grade this school year, and
    any programme the family has already decided on."""
    membership = (
        ClassMembership.objects.filter(student=student)
        .select_related("homeroom_class", "school_year")
        .order_by("-school_year__starts_on")
        .first()
    )
    ids: list[int] = []
    if membership is not None:
        grade = membership.homeroom_class.grade
        # A school publishes a handful of programmes a year: filtering grades here works the
        # same on SQLite, which has no JSON containment lookup.
        ids = [
            pk
            for pk, grades in Program.objects.published()
            .filter(institution=student.institution_id, school_year=membership.school_year)
            .values_list("pk", "grades")
            if grade in grades
        ]
    chosen = ConsentEntry.objects.filter(student=student).values("program")
    return (
        Program.objects.filter(Q(pk__in=ids) | Q(pk__in=chosen))
        .select_related("institution", "partner", "subject", "facility")
        .order_by("kind", "sort_key")
    )


def states_for(student: Student, programs: list[Program]) -> dict[int, dict[str, Any]]:
    """For each programme: the latest decision and the enrolment, one query each."""
    latest = ConsentEntry.objects.filter(
        pk=Subquery(
            ConsentEntry.objects.filter(student=student, program=OuterRef("program"))
            .order_by("-seq")
            .values("pk")[:1]
        ),
        program__in=[p.pk for p in programs],
    )
    live = Enrollment.objects.current().filter(student=student, program__in=programs)
    out: dict[int, dict[str, Any]] = {
        p.pk: {"decision": None, "enrollment": None} for p in programs
    }
    for e in latest:
        out[e.program_id]["decision"] = e
    for en in live:
        out[en.program_id]["enrollment"] = en
    return out


def decisions_for_student(student: Student) -> QuerySet[ConsentEntry]:
    return (
        ConsentEntry.objects.filter(student=student)
        .select_related("program__institution", "disclosure", "guardian", "actor")
        .defer("disclosure__data")
        .order_by("-created_at", "-seq")
    )


def roster(program: Program) -> QuerySet[Enrollment]:
    """Who attends the next session: a withdrawal or a suspension removes them at once."""
    return (
        Enrollment.objects.on_roster()
        .filter(program=program)
        .select_related("student", "grant")
        .order_by("student__sort_key")
    )


def declines(program: Program) -> QuerySet[ConsentEntry]:
    """Families whose latest decision is "no" (declined or withdrawn)."""
    latest_ids = Subquery(
        ConsentEntry.objects.filter(program=program, student=OuterRef("student"))
        .order_by("-seq")
        .values("pk")[:1]
    )
    return (
        ConsentEntry.objects.filter(program=program, pk=latest_ids)
        .filter(decision__in=[Decision.DECLINED, Decision.WITHDRAWN])
        .select_related("student")
        .order_by("-created_at")
    )


def awaiting_reconfirmation(program: Program) -> QuerySet[Enrollment]:
    latest = latest_disclosure(program)
    if latest is None:
        return Enrollment.objects.none()
    return (
        Enrollment.objects.current()
        .filter(program=program)
        .exclude(grant__disclosure=latest)
        .select_related("student")
    )


def child_data(student: Student) -> dict[str, Any]:
    """Everything the system holds about one child, for the family's download."""
    memberships = ClassMembership.objects.filter(student=student).select_related(
        "homeroom_class", "school_year"
    )
    return {
        "generated_at": timezone.now().isoformat(),
        "student": {
            "id": student.pk,
            "code": student.code,
            "full_name": student.full_name,
            "date_of_birth": student.date_of_birth.isoformat(),
            "gender": student.gender,
            "institution": student.institution.name,
            "is_active": student.is_active,
        },
        "classes": [
            {
                "school_year": str(m.school_year),
                "class": m.homeroom_class.name,
                "grade": m.homeroom_class.grade,
            }
            for m in memberships
        ],
        "guardians": [
            {"full_name": g.guardian.full_name, "phone": g.guardian.phone, "relation": g.relation}
            for g in student.guardianships.select_related("guardian")
        ],
        "tutoring_eligibility": [
            {"program": e.group.program.title, "group": e.group.name, "basis": e.basis}
            for e in EligibleStudent.objects.filter(student=student).select_related(
                "group__program"
            )
        ],
        "consents": [
            {
                "receipt_code": e.receipt_code,
                "program": e.program.title,
                "decision": e.decision,
                "channel": e.channel,
                "relation": e.relation,
                "child_confirmed": e.child_confirmed,
                "disclosure_version": e.disclosure.number if e.disclosure else None,
                "at": e.created_at.isoformat(),
            }
            for e in decisions_for_student(student)
        ],
        "enrollments": [
            {
                "program": en.program.title,
                "status": en.status,
                "started_at": en.started_at.isoformat(),
                "ended_at": en.ended_at.isoformat() if en.ended_at else None,
                "end_reason": en.end_reason,
            }
            for en in Enrollment.objects.filter(student=student).select_related("program")
        ],
        "fees": [
            {
                "program": f.program.title,
                "period": [f.period_start.isoformat(), f.period_end.isoformat()],
                "billed": f.billed,
                "collected": f.collected,
                "receipt_number": f.receipt_number,
                "refund_due": f.refund_due,
                "refunded": f.refunded,
            }
            for f in FeeRecord.objects.filter(student=student).select_related("program")
        ],
    }
