"""Shared set-up for the engine's database tests."""

from __future__ import annotations

from typing import Any

from oversight.compliance.models import Finding
from oversight.programs.services import transition
from oversight.testing import make_program


def submitted(world: Any, **overrides: Any):
    """A programme of school A (by its principal) sent for approval."""
    overrides.setdefault("institution", world.school_a)
    by = overrides.pop("by", world.principal)
    program = make_program(by=by, **overrides)
    return transition(program=program, action="submit", by=by)


def live(program) -> set[str]:
    return set(Finding.objects.live().filter(program=program).values_list("rule_code", flat=True))
