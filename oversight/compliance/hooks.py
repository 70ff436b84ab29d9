"""The one call other apps make when a programme's facts change. It imports the engine lazily,
so programmes and enrolment never import compliance at load time (no import cycle)."""

from __future__ import annotations

from typing import Any


def facts_changed(**scope: Any) -> None:
    """Re-judge the programme (or a school's, or a facility's programmes) after commit."""
    from oversight.compliance.services import schedule_evaluation

    schedule_evaluation(**scope)
