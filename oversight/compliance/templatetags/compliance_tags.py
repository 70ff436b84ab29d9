"""The compliance panels other pages include with one line."""

from __future__ import annotations

from typing import Any

from django import template

from oversight.accounts import access
from oversight.compliance import selectors
from oversight.compliance.models import Finding

register = template.Library()


@register.inclusion_tag("compliance/_program_panel.html", takes_context=True)
def program_compliance_panel(context: dict[str, Any], program) -> dict[str, Any]:
    user = context["request"].user
    if not access.can_read_findings(user, program):
        return {"visible": False}
    live = selectors.findings_for(user, scope=f"program:{program.pk}").filter(
        status__in=Finding.LIVE
    )
    return {
        "visible": True,
        "program": program,
        "findings": live,
        "risk": selectors.program_risk(program),
    }


@register.inclusion_tag("compliance/_institution_panel.html", takes_context=True)
def institution_compliance_panel(context: dict[str, Any], institution) -> dict[str, Any]:
    user = context["request"].user
    if not access.can_read_risk(user, institution):
        return {"visible": False}
    return {
        "visible": True,
        "institution": institution,
        "risk": selectors.institution_risk(institution),
    }
