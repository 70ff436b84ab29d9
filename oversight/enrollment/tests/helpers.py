"""Shared set-up for consent tests: an approved linkage programme at school A (grade 5)."""

from __future__ import annotations

from typing import Any

from oversight.programs.services import transition
from oversight.testing import make_program


def approved_program(world: Any, **overrides: Any):
    program = make_program(institution=world.school_a, by=world.principal, **overrides)
    transition(program=program, action="submit", by=world.principal)
    approver = world.principal if program.kind == "in_school_tutoring" else world.commune_officer
    return transition(program=program, action="approve", by=approver)


def grant(world: Any, program, student=None, **kw: Any):
    from oversight.enrollment.services import record_consent

    kw.setdefault("child_confirmed", True)
    return record_consent(
        program=program,
        student=student or world.student_a1,
        decision="granted",
        by=kw.pop("by", world.guardian_user),
        **kw,
    )


def decide(world: Any, program, decision: str, student=None, **kw: Any):
    from oversight.enrollment.services import record_consent

    return record_consent(
        program=program,
        student=student or world.student_a1,
        decision=decision,
        by=kw.pop("by", world.guardian_user),
        **kw,
    )
