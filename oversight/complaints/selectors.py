"""Reads across complaints: the tracking view, staff lists, hotspot detection, the compliance
engine's hotspot weight, and the public figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.complaints.models import (
    OPEN_STATUSES,
    Category,
    Complaint,
    ComplaintEvent,
    Hotspot,
    Outcome,
    Reply,
    Source,
    Status,
)
from oversight.complaints.services import normalise_code, secret_matches
from oversight.registry.models import Institution, Unit
from oversight.registry.services import COMMUNE_KINDS


def complaint_for_reporter(tracking_code: str, secret: str) -> Complaint | None:
    """The case behind a tracking code if the secret matches (a resubmission shows the case it
    joined); None otherwise, the same answer whether the code or the secret is wrong."""
    c = (
        Complaint.objects.select_related("institution", "duplicate_of__institution")
        .filter(tracking_code=normalise_code(tracking_code))
        .first()
    )
    if c is None or not secret or not secret_matches(c, secret):
        return None
    return c


def public_view(complaint: Complaint) -> dict[str, Any]:
    """What the reporter reads: state, deadline, public steps and replies; never internal
    notes, the handler or anyone's identity."""
    case = complaint.duplicate_of or complaint
    return {
        "tracking_code": complaint.tracking_code,
        "institution": case.institution.name,
        "category": case.category,
        "category_label": case.get_category_display(),
        "status": case.status,
        "status_label": case.get_status_display(),
        "held_for_moderation": case.held_for_moderation,
        "received_at": complaint.created_at,
        "due_on": case.due_on
        if case.status in (Status.RECEIVED, Status.ACCEPTED, Status.VERIFYING, Status.CONCLUDED)
        else None,
        "rejection_reason": case.rejection_reason,
        "outcome": case.outcome,
        "outcome_label": case.get_outcome_display() if case.outcome else "",
        "conclusion": case.conclusion,
        "escalated": case.escalated,
        "linked_to_earlier": complaint.duplicate_of_id is not None,
        "steps": [
            {"kind": e.kind, "label": e.get_kind_display(), "at": e.at}
            for e in case.events.filter(public=True)
        ],
        "replies": [
            {"kind": r.kind, "body": r.body, "at": r.created_at}
            for r in case.replies.filter(kind__in=[Reply.Kind.PUBLIC, Reply.Kind.REPORTER])
        ],
    }


def filter_complaints(qs: QuerySet, params: Any, *, user: Any = None) -> QuerySet:
    """The staff list's filters: status, category, source, school, overdue, held, mine,
    search; resubmissions only when asked (they are shown under the case they repeat)."""
    g = params
    if g.get("mine") in ("1", True, "true") and user is not None:
        qs = qs.filter(handler=user)
    if g.get("status") in Status.values:
        qs = qs.filter(status=g["status"])
    elif g.get("status") == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    if g.get("category") in Category.values:
        qs = qs.filter(category=g["category"])
    if g.get("source") in Source.values:
        qs = qs.filter(source=g["source"])
    if str(g.get("institution", "")).isdigit():
        qs = qs.filter(institution_id=int(g["institution"]))
    if g.get("overdue") in ("1", True, "true"):
        qs = qs.filter(status__in=OPEN_STATUSES).filter(due_on__lt=timezone.localdate())
    if g.get("held") in ("1", True, "true"):
        qs = qs.filter(held_for_moderation=True)
    if g.get("q"):
        code = normalise_code(g["q"])
        qs = qs.filter(
            Q(tracking_code=code) | Q(institution__in=Institution.objects.search(g["q"]))
        )
    if g.get("resubmissions") not in ("1", True, "true"):
        qs = qs.filter(duplicate_of__isnull=True)
    return qs


def case_history(complaint: Complaint, *, internal: bool) -> dict[str, Any]:
    """Events, replies (notes when `internal`), attachments and resubmissions of a case."""
    replies = complaint.replies.select_related("author")
    if not internal:
        replies = replies.exclude(kind=Reply.Kind.INTERNAL)
    return {
        "events": complaint.events.select_related("actor").exclude(
            kind=ComplaintEvent.Kind.IDENTITY_VIEWED
        )
        if not internal
        else complaint.events.select_related("actor"),
        "replies": replies,
        "attachments": complaint.attachments.all(),
        "resubmissions": complaint.resubmissions.all(),
        "explanations": complaint.explanation_requests.select_related("answered_by"),
    }


def linkable_findings(user: Any, complaint: Complaint) -> list[Any]:
    """The findings the officer may link the case to: the live ones (and the one linked now)
    about the school or its programmes, among those the officer can see."""
    from oversight.accounts import access
    from oversight.compliance.models import Finding

    about_school = Q(institution_id=complaint.institution_id) | Q(
        program__institution_id=complaint.institution_id
    )
    return list(
        access.findings_visible_to(user)
        .filter(about_school)
        .filter(Q(status__in=Finding.LIVE) | Q(pk=complaint.finding_id or 0))
        .order_by("-occurred_on", "-pk")[:100]
    )


def linkable_inspections(user: Any, complaint: Complaint) -> list[Any]:
    """The inspections the officer can see that target the school or one of its programmes
    (and the one linked now)."""
    from oversight.accounts import access

    at_school = Q(targets__institution_id=complaint.institution_id) | Q(
        targets__program__institution_id=complaint.institution_id
    )
    return list(
        access.inspections_visible_to(user)
        .filter(at_school | Q(pk=complaint.inspection_id or 0))
        .distinct()
        .order_by("-starts_on", "-pk")[:100]
    )


# --- hotspots ----------------------------------------------------------------------------------

CATEGORY_WEIGHT: dict[str, float] = {
    Category.RETALIATION: 2.0,
    Category.COERCED_TO_JOIN: 1.5,
    Category.TEACHER_PRESSURE: 1.5,
    Category.FEES: 1.5,
    Category.LINKAGE_IN_OFFICIAL_HOURS: 1.2,
    Category.NO_ALTERNATIVE: 1.2,
    Category.TEACHING_AHEAD: 1.0,
    Category.OTHER: 0.5,
}


def source_weight(source: str) -> float:
    """The press counts more (public anger already visible), inspections' findings next."""
    weights: dict[str, float] = {
        Source.PRESS: float(settings.HOTSPOT_PRESS_WEIGHT),
        Source.INSPECTION: 2.0,
    }
    return weights.get(source, 1.0)


def complaint_weight(category: str, source: str) -> float:
    return CATEGORY_WEIGHT.get(category, 1.0) * source_weight(source)


@dataclass
class Candidate:
    scope: str
    place_id: int
    unit_id: int
    state: str
    weight: float
    baseline: float
    city_average: float
    reasons: list[str] = field(default_factory=list)
    evidence: list[int] = field(default_factory=list)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def hotspot_candidates(*, today: date | None = None) -> list[Candidate]:
    """Places whose weighted complaints in the last HOTSPOT_WINDOW_DAYS crossed the thresholds.

    For each school and each commune: W, the weighted count in the window; B, its weighted
    count over the HOTSPOT_BASELINE_DAYS before the window scaled to the window's length; C,
    the city's average W over places of that kind. A place is on *watch* when it has at least
    HOTSPOT_MIN_COMPLAINTS complaints, W reaches HOTSPOT_WATCH_WEIGHT, and W exceeds
    HOTSPOT_BASELINE_RATIO × B or HOTSPOT_CITY_RATIO × C; *active* when W reaches
    HOTSPOT_ACTIVE_WEIGHT and exceeds both. Rejected cases and
    resubmissions do not count; many different reporters do.
    """
    today = today or timezone.localdate()
    window = settings.HOTSPOT_WINDOW_DAYS
    window_start = today - timedelta(days=window - 1)
    base_start = window_start - timedelta(days=settings.HOTSPOT_BASELINE_DAYS)
    rows = (
        Complaint.objects.filter(
            created_at__gte=_start_of(base_start),
            created_at__lt=_start_of(today + timedelta(days=1)),
            duplicate_of__isnull=True,
        )
        .exclude(status=Status.REJECTED)
        .values_list(
            "pk", "institution_id", "institution__unit_id", "category", "source", "created_at"
        )
    )
    recent: dict[tuple[str, int], float] = defaultdict(float)
    base: dict[tuple[str, int], float] = defaultdict(float)
    evidence: dict[tuple[str, int], list[int]] = defaultdict(list)
    unit_of: dict[int, int] = {}
    window_from = _start_of(window_start)
    for pk, inst, unit, category, source, created in rows.iterator(chunk_size=5000):
        w = complaint_weight(category, source)
        unit_of[inst] = unit
        for key in (("institution", inst), ("commune", unit)):
            if created >= window_from:
                recent[key] += w
                evidence[key].append(pk)
            else:
                base[key] += w
    scale = window / settings.HOTSPOT_BASELINE_DAYS
    n_schools = Institution.objects.filter(is_active=True).count() or 1
    n_communes = Unit.objects.filter(kind__in=COMMUNE_KINDS, valid_to__isnull=True).count() or 1
    totals = {"institution": 0.0, "commune": 0.0}
    for (scope, _pk), w in recent.items():
        totals[scope] += w
    city_avg = {
        "institution": totals["institution"] / n_schools,
        "commune": totals["commune"] / n_communes,
    }
    out = []
    for key, w in recent.items():
        scope, place = key
        if (
            w < settings.HOTSPOT_WATCH_WEIGHT
            or len(evidence[key]) < settings.HOTSPOT_MIN_COMPLAINTS
        ):
            continue
        b = base.get(key, 0.0) * scale
        c = city_avg[scope]
        over_base = w > settings.HOTSPOT_BASELINE_RATIO * b
        over_city = w > settings.HOTSPOT_CITY_RATIO * c
        if not (over_base or over_city):
            continue
        reasons = []
        if over_base:
            reasons.append(
                _(
                    "%(w)s điểm phản ánh trong %(d)s ngày, gấp hơn %(r)s lần mức nền "
                    "của nơi này (%(b)s)."
                )
                % {
                    "w": round(w, 1),
                    "d": window,
                    "r": settings.HOTSPOT_BASELINE_RATIO,
                    "b": round(b, 1),
                }
            )
        if over_city:
            reasons.append(
                _("Gấp hơn %(r)s lần mức bình quân của thành phố (%(c)s).")
                % {"r": settings.HOTSPOT_CITY_RATIO, "c": round(c, 2)}
            )
        active = w >= settings.HOTSPOT_ACTIVE_WEIGHT and over_base and over_city
        out.append(
            Candidate(
                scope=scope,
                place_id=place,
                unit_id=unit_of[place] if scope == "institution" else place,
                state=Hotspot.State.ACTIVE if active else Hotspot.State.WATCH,
                weight=round(w, 2),
                baseline=round(b, 2),
                city_average=round(c, 3),
                reasons=reasons,
                evidence=sorted(evidence[key])[-200:],
            )
        )
    return out


def hotspot_weight_for_institution(institution_id: int) -> float:
    """What a hotspot adds to a school's risk score (for the compliance engine): the weight of
    an open alert on the school, plus half that of one on its commune; watch counts half."""
    return hotspot_weights([institution_id]).get(institution_id, 0.0)


def hotspot_weights(institution_ids: Iterable[int]) -> dict[int, float]:
    """`hotspot_weight_for_institution` for many schools in two queries (schools with no open
    alert on them or their commune are left out)."""
    unit_of = dict(
        Institution.objects.filter(pk__in=list(institution_ids)).values_list("pk", "unit_id")
    )
    if not unit_of:
        return {}
    alerts = (
        Hotspot.objects.exclude(state=Hotspot.State.RESOLVED)
        .filter(
            Q(scope=Hotspot.Scope.INSTITUTION, institution_id__in=list(unit_of))
            | Q(scope=Hotspot.Scope.COMMUNE, unit_id__in=set(unit_of.values()))
        )
        .values_list("scope", "institution_id", "unit_id", "state", "weight")
    )
    own: dict[int, float] = defaultdict(float)
    commune: dict[int, float] = defaultdict(float)
    for scope, inst, unit, state, weight in alerts:
        w = weight * (1.0 if state == Hotspot.State.ACTIVE else 0.5)
        if scope == Hotspot.Scope.INSTITUTION:
            own[inst] += w
        else:
            commune[unit] += w / 2
    out = {}
    for pk, unit in unit_of.items():
        total = own.get(pk, 0.0) + commune.get(unit, 0.0)
        if total:
            out[pk] = round(total, 2)
    return out


def recent_complaint_counts(
    *, by: str, ids: Iterable[int], days: int = 90, today: date | None = None
) -> dict[int, int]:
    """Complaints received in the last `days` per school (`by="institution"`) or per programme
    (`by="program"`), in one query; rejected cases and resubmissions do not count."""
    if by not in ("institution", "program"):
        raise ValueError(by)
    today = today or timezone.localdate()
    since = _start_of(today - timedelta(days=days - 1))
    rows = (
        Complaint.objects.filter(
            **{f"{by}_id__in": list(ids)}, created_at__gte=since, duplicate_of__isnull=True
        )
        .exclude(status=Status.REJECTED)
        .values(f"{by}_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row[f"{by}_id"]: row["n"] for row in rows}


def hotspot_evidence(hotspot: Hotspot) -> QuerySet:
    return Complaint.objects.filter(pk__in=hotspot.evidence).select_related("institution")


# --- public figures ----------------------------------------------------------------------------

SUPPRESS_BELOW = 5


def _suppress(n: int) -> int | None:
    return n if n >= SUPPRESS_BELOW else None


def public_figures(*, months: int = 12, today: date | None = None) -> dict[str, Any]:
    """Monthly counts by commune, by category and by outcome over the last `months`, cells
    under SUPPRESS_BELOW hidden (None) so no small case can be recognised. Resubmissions do not
    count; cases held for moderation do."""
    today = today or timezone.localdate()
    first = date(today.year, today.month, 1)
    for _i in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    base = Complaint.objects.filter(
        created_at__gte=_start_of(first), duplicate_of__isnull=True
    ).annotate(month=TruncMonth("created_at"))

    def grouped(field_name: str) -> dict[tuple[date, Any], int]:
        out: dict[tuple[date, Any], int] = {}
        for row in base.values("month", field_name).annotate(n=Count("id")).order_by():
            month = row["month"]
            month = month.date() if isinstance(month, datetime) else month
            out[(month, row[field_name])] = out.get((month, row[field_name]), 0) + row["n"]
        return out

    month_list = []
    m = first
    while m <= today:
        month_list.append(m)
        m = (m + timedelta(days=32)).replace(day=1)
    by_unit = grouped("institution__unit_id")
    by_category = grouped("category")
    by_outcome = grouped("outcome")
    totals: dict[date, int] = defaultdict(int)
    for (month, _k), n in by_category.items():
        totals[month] += n
    units = {
        u.pk: u.full_name
        for u in Unit.objects.filter(pk__in={k for (_m, k) in by_unit}).order_by("sort_key")
    }

    def table(data: dict, labels: list[tuple[Any, str]]) -> list[dict[str, Any]]:
        return [
            {"label": label, "cells": [_suppress(data.get((mo, key), 0)) for mo in month_list]}
            for key, label in labels
        ]

    outcome_labels = [(o.value, str(o.label)) for o in Outcome] + [("", _("Chưa có kết luận"))]
    shown_totals = [_suppress(totals.get(mo, 0)) for mo in month_list]
    peak = max([t for t in shown_totals if t] or [1])
    return {
        "months": month_list,
        "totals": shown_totals,
        "bars": [
            {"month": mo, "n": t, "pct": round(100 * (t or 0) / peak)}
            for mo, t in zip(month_list, shown_totals, strict=True)
        ],
        "by_commune": table(by_unit, list(units.items())),
        "by_category": table(by_category, [(c.value, str(c.label)) for c in Category]),
        "by_outcome": table(by_outcome, outcome_labels),
        "suppress_below": SUPPRESS_BELOW,
    }
