"""Reads of findings and risk: filtered lists, counts, and scores that show their parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from oversight.accounts import access
from oversight.compliance.models import Finding, RiskSignal, Severity
from oversight.programs.models import Program
from oversight.registry.models import Institution, Unit


def parse_scope(scope: str | None) -> tuple[str, int | None]:
    """ "city", "commune:<id>", "institution:<id>" or "program:<id>"; anything else is None."""
    if not scope or scope == "city":
        return "city", None
    kind, _sep, ident = scope.partition(":")
    if kind in ("commune", "institution", "program") and ident.isdigit():
        return kind, int(ident)
    raise ValueError(scope)


def findings_for(
    user: Any,
    *,
    scope: str | None = None,
    rule: str | None = None,
    severity: str | None = None,
    status: str | None = None,
) -> QuerySet[Finding]:
    """The findings `user` may read, narrowed by scope and filters (ValueError on a bad scope)."""
    qs = access.findings_visible_to(user).select_related("program", "institution", "unit", "rule")
    kind, pk = parse_scope(scope)
    if kind == "commune":
        unit = Unit.objects.filter(pk=pk or 0).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    elif kind == "institution":
        qs = qs.filter(institution_id=pk)
    elif kind == "program":
        qs = qs.filter(program_id=pk)
    if rule:
        qs = qs.filter(rule_code=rule)
    if severity:
        qs = qs.filter(severity=severity)
    if status:
        qs = qs.filter(status=status)
    return qs


def counts(qs: QuerySet[Finding]) -> dict[str, dict[str, int]]:
    """Counts by severity and by status, for the filters' labels."""
    out: dict[str, dict[str, int]] = {"severity": {}, "status": {}}
    for row in qs.order_by().values("severity").annotate(n=Count("pk")):
        out["severity"][row["severity"]] = row["n"]
    for row in qs.order_by().values("status").annotate(n=Count("pk")):
        out["status"][row["status"]] = row["n"]
    return out


HOTSPOT_POINTS_PER_WEIGHT = 1.0


@dataclass
class Risk:
    """A score and the signals that make it up, each with its points and explanation."""

    score: int = 0
    signals: list[RiskSignal] = field(default_factory=list)
    open_violations: int = 0
    parts: list[tuple[str, int]] = field(default_factory=list)
    # What an open complaint hotspot on the school or its commune adds (complaints app).
    hotspot_weight: float = 0.0
    hotspot_points: int = 0
    hotspot_explanation: str = ""


def program_risk(program: Program) -> Risk:
    signals = list(program.risk_signals.all())
    return Risk(
        score=sum(s.points for s in signals),
        signals=signals,
        open_violations=Finding.objects.live()
        .filter(program=program, severity=Severity.VIOLATION)
        .count(),
    )


def institution_risk(institution: Institution) -> Risk:
    signals = list(
        RiskSignal.objects.filter(institution=institution).select_related("program")[:200]
    )
    by_program: dict[str, int] = {}
    for s in signals:
        by_program[s.program.title] = by_program.get(s.program.title, 0) + s.points
    parts = sorted(by_program.items(), key=lambda kv: -kv[1])
    weight, points, explanation = _hotspot_part(institution)
    if points:
        parts.append((_("Điểm nóng phản ánh của người dân"), points))
    return Risk(
        score=sum(s.points for s in signals) + points,
        signals=signals,
        open_violations=Finding.objects.live()
        .filter(institution=institution, severity=Severity.VIOLATION)
        .count(),
        parts=parts,
        hotspot_weight=weight,
        hotspot_points=points,
        hotspot_explanation=explanation,
    )


def _hotspot_part(institution: Institution) -> tuple[float, int, str]:
    """A hotspot raises the school's risk score (issue 6): the complaints app's weight of the
    open alerts on the school (in full) and its commune (half), watch alerts counting half;
    one point per unit of weight."""
    from oversight.complaints.selectors import hotspot_weight_for_institution

    weight = hotspot_weight_for_institution(institution.pk)
    points = round(weight * HOTSPOT_POINTS_PER_WEIGHT)
    if not points:
        return weight, 0, ""
    return (
        weight,
        points,
        _(
            "Có điểm nóng phản ánh của người dân tại trường hoặc xã/phường của trường "
            "(trọng số phản ánh %(w)s): cộng %(p)s điểm."
        )
        % {"w": weight, "p": points},
    )


RISK_KEYS = {
    "institution": ("institution_id", "institution_id"),
    "program": ("program_id", "program_id"),
    "facility": ("program__facility_id", "program__facility_id"),
}


def risk_totals(*, by: str, ids: Any) -> dict[int, tuple[int, int]]:
    """For many institutions, programmes or facilities at once (`by`), the sum of their signals'
    points and the number of their live violations: {id: (points, violations)}, two queries."""
    signal_key, finding_key = RISK_KEYS[by]
    points = dict(
        RiskSignal.objects.filter(**{f"{signal_key}__in": ids})
        .values(signal_key)
        .annotate(total=Sum("points"))
        .order_by()
        .values_list(signal_key, "total")
    )
    violations = dict(
        Finding.objects.live()
        .filter(**{f"{finding_key}__in": ids}, severity=Severity.VIOLATION)
        .values(finding_key)
        .annotate(n=Count("pk"))
        .order_by()
        .values_list(finding_key, "n")
    )
    return {
        pk: (int(points.get(pk) or 0), int(violations.get(pk) or 0))
        for pk in set(points) | set(violations)
        if pk is not None
    }


def ranking(user: Any, *, unit: Unit | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Institutions by risk score within the user's view (and a commune), with their parts."""
    signals = access.risk_signals_visible_to(user).filter(institution__isnull=False)
    if unit is not None:
        signals = signals.filter(unit__path__startswith=unit.path)
    rows = (
        signals.values("institution_id", "institution__name", "unit__name")
        .annotate(score=Sum("points"), signals=Count("pk"))
        .order_by("-score", "institution__name")[:limit]
    )
    return list(rows)


def commune_scores(user: Any, *, limit: int = 120) -> list[dict[str, Any]]:
    """Communes by the sum of their programmes' signals (facilities included)."""
    return list(
        access.risk_signals_visible_to(user)
        .values("unit_id", "unit__name")
        .annotate(score=Sum("points"), signals=Count("pk"))
        .order_by("-score", "unit__name")[:limit]
    )
