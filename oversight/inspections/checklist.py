"""The checklist an inspection works through, drawn from the compliance rule packs.

`checklist_for` is the one place the template checklist comes from: the rules of the city's
active rule pack that are in force on the inspection's date and apply to the target's kind and
school level, the rules only an inspection can decide (no check in the engine, e.g.
`tt29.a3.no-cut`) first. `prefill_findings` gives the target's live findings, which the
checklist builder turns into breach-suspected items with the finding's message as a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

# Target kinds: an institution (a school), an outside facility, or a programme by its kind.
INSTITUTION = "institution"
FACILITY = "facility"
IN_SCHOOL = "in_school_tutoring"
OUTSIDE = "outside_tutoring"
LINKAGE = "linkage"

# The programme kinds (a Rule's `kinds`) whose rules are checked at each target kind. At a
# school the inspection also covers its teachers' paid tutoring outside (Art. 4.2, Form 03).
# Rules with no kinds in the pack are institution-level rules (e.g. tt29.a4.no-manage): they
# are checked at schools and facilities.
PROGRAM_KINDS: dict[str, frozenset[str]] = {
    INSTITUTION: frozenset({IN_SCHOOL, LINKAGE, OUTSIDE}),
    FACILITY: frozenset({OUTSIDE}),
    IN_SCHOOL: frozenset({IN_SCHOOL}),
    OUTSIDE: frozenset({OUTSIDE}),
    LINKAGE: frozenset({LINKAGE}),
}
KINDS = frozenset(PROGRAM_KINDS)
WITH_INSTITUTION_RULES = frozenset({INSTITUTION, FACILITY})


@dataclass(frozen=True)
class ChecklistRule:
    rule: str
    title: str
    citation: str


def _applies(rule: Any, target_kind: str, level: str, on_date: date) -> bool:
    kinds = set(rule.kinds or [])
    if kinds:
        if not kinds & PROGRAM_KINDS[target_kind]:
            return False
    elif target_kind not in WITH_INSTITUTION_RULES:
        return False
    if rule.levels and level and level not in rule.levels:
        return False
    return bool(rule.in_force(on_date))


def checklist_for(target_kind: str, level: str, on_date: date) -> list[ChecklistRule]:
    """The rules of the pack in force to check at a target of this kind (and school level) on
    `on_date`: the checklist-only rules first, then the others in the pack's order."""
    from oversight.compliance.services import active_pack

    if target_kind not in KINDS:
        raise ValueError(f"unknown target kind {target_kind!r}")
    rules = [
        r for r in active_pack().rules.order_by("pk") if _applies(r, target_kind, level, on_date)
    ]
    rules.sort(key=lambda r: not r.checklist_only)  # stable: keeps the pack's order within
    return [ChecklistRule(rule=r.code, title=r.title, citation=r.citation) for r in rules]


def prefill_findings(target: Any) -> list[Any]:
    """The live (open or acknowledged) compliance findings on the target: for a school its own
    and its programmes', for a facility its programmes', for a programme its own."""
    from oversight.compliance.models import Finding

    if target.institution_id:
        where = Q(institution_id=target.institution_id) | Q(
            program__institution_id=target.institution_id
        )
    elif target.facility_id:
        where = Q(program__facility_id=target.facility_id)
    elif target.program_id:
        where = Q(program_id=target.program_id)
    else:
        return []
    return list(
        Finding.objects.live().filter(where).select_related("rule").order_by("occurred_on", "pk")
    )
