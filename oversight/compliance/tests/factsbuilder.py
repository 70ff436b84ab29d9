"""Building facts in memory for the pure checks (no database), and running one rule of the
pack's data file on them exactly as the engine does (only hits dated while the rule applied)."""

from __future__ import annotations

from datetime import date, datetime, time
from types import SimpleNamespace
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string

from oversight.compliance.checks import Hit, rule_in_force
from oversight.compliance.facts import (
    ClassFact,
    ConsentFact,
    EnrollmentFact,
    FeeFact,
    ProgramFacts,
    SessionFact,
)
from oversight.compliance.rulepacks import read_pack
from oversight.programs.models import Facility, Partner, Program
from oversight.registry.models import Institution, Subject

PACK = {r["id"]: r for r in read_pack()["rules"]}
TODAY = date(2026, 3, 2)


def rule(code: str) -> SimpleNamespace:
    r = PACK[code]
    return SimpleNamespace(
        code=code,
        effective_from=date.fromisoformat(r["effective_from"]) if r["effective_from"] else None,
        effective_to=date.fromisoformat(r["effective_to"]) if r["effective_to"] else None,
        check=r["check"],
        kinds=r["applies_to"]["kinds"],
    )


def run(code: str, f: ProgramFacts) -> list[Hit]:
    r = rule(code)
    assert r.check, f"{code} is checklist-only"
    return [h for h in import_string(r.check)(f, r) if rule_in_force(r, h.occurred_on)]


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def school(**kw: Any) -> Institution:
    kw.setdefault("name", "Trường THCS Thử Nghiệm")
    kw.setdefault("level", "lower_secondary")
    return Institution(pk=kw.pop("pk", 1), **kw)


def facts(
    *,
    kind: str = "in_school_tutoring",
    starts_on: date = date(2025, 9, 8),
    ends_on: date = date(2026, 5, 20),
    sessions: list[tuple[int, str, str]] | None = None,
    subject: str | None = "Toán",
    institution: Institution | None = None,
    facility: Facility | None = None,
    partner: Partner | None = None,
    today: date = TODAY,
    **fields: Any,
) -> ProgramFacts:
    """A programme's facts; sessions as (weekday, "HH:MM", "HH:MM")."""
    if kind != "outside_tutoring" and institution is None:
        institution = school()
    p = Program(
        pk=fields.pop("pk", 10),
        kind=kind,
        title=fields.pop("title", "Chương trình thử"),
        institution=institution,
        facility=facility,
        partner=partner,
        subject=Subject(pk=1, name=subject) if subject else None,
        grades=fields.pop("grades", [9]),
        capacity=fields.pop("capacity", 40),
        starts_on=starts_on,
        ends_on=ends_on,
        fee_amount=fields.pop("fee_amount", 0),
        fee_unit=fields.pop("fee_unit", "per_month"),
        fee_legal_basis=fields.pop("fee_legal_basis", ""),
        alternative_activity=fields.pop("alternative_activity", ""),
        subject_hours=fields.pop("subject_hours", []),
        status=fields.pop("status", "approved"),
        category=fields.pop("category", ""),
        delivery_form=fields.pop("delivery_form", "in_person"),
    )
    from oversight.enrollment.selectors import is_academic

    f = ProgramFacts(program=p, today=today, academic=is_academic(p) if subject else True)
    for wd, a, b in sessions if sessions is not None else [(2, "16:45", "17:30")]:
        f.sessions.append(SessionFact(wd, time.fromisoformat(a), time.fromisoformat(b), "P1"))
    for k, v in fields.items():
        setattr(f, k, v)
    return f


def slot(weekday: int, a: str, b: str) -> SessionFact:
    return SessionFact(weekday, time.fromisoformat(a), time.fromisoformat(b), "")


def enrol(
    f: ProgramFacts,
    student: int,
    *,
    name: str | None = None,
    on: date = date(2025, 9, 10),
    status: str = "active",
    channel: str = "portal",
    decision: str = "granted",
    consent_on: date | None = None,
    ended: date | None = None,
    end_reason: str = "",
) -> None:
    """A place and the family's latest decision (a grant unless told otherwise)."""
    f.enrollments.append(
        EnrollmentFact(
            student,
            name or f"Học sinh {student}",
            status,
            at(on, 10),
            at(ended) if ended else None,
            end_reason,
            channel,
        )
    )
    seq = len(f.consents) + 1
    f.consents.append(ConsentFact(student, decision, channel, 7, at(consent_on or on, 8), seq))


def homeroom(f: ProgramFacts, cid: int, name: str, members: list[int], grade: int = 9) -> None:
    f.classes[cid] = ClassFact(cid, name, grade, frozenset(members))
    for s in members:
        f.student_class[s] = cid
        f.student_grade[s] = grade


def fee(
    f: ProgramFacts,
    student: int,
    *,
    collected: int = 100_000,
    on: date | None = date(2025, 9, 15),
    period: tuple[date, date] = (date(2025, 9, 1), date(2025, 9, 30)),
    receipt: str = "BL-1",
    refund_due: int = 0,
    refunded: int = 0,
) -> None:
    f.fees.append(
        FeeFact(
            len(f.fees) + 1,
            student,
            period[0],
            period[1],
            collected,
            collected,
            on,
            receipt,
            refund_due,
            refunded,
        )
    )
