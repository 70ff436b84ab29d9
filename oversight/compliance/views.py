from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.accounts import access
from oversight.accounts.models import Role
from oversight.compliance import selectors
from oversight.compliance.models import Finding, Rule, Severity, SignalThreshold
from oversight.compliance.services import (
    ACTIONS,
    ComplianceError,
    act_on_finding,
    active_pack,
    set_hours_window,
    set_signal_threshold,
)
from oversight.lib.pagination import paginate, query_without_page
from oversight.registry.models import Unit


@login_required
def findings(request):
    scope = request.GET.get("scope") or "city"
    filters = {k: request.GET.get(k) or None for k in ("rule", "severity", "status")}
    try:
        qs = selectors.findings_for(request.user, scope=scope, **filters)
    except ValueError:
        raise Http404 from None
    kind, pk = selectors.parse_scope(scope)
    unit = Unit.objects.filter(pk=pk).first() if kind == "commune" else None
    counted = selectors.counts(qs)
    communes = access.units_visible_to(request.user).filter(
        kind__in=("ward", "commune", "special_zone")
    )
    choices = [(f"commune:{u.pk}", u.full_name) for u in communes.order_by("sort_key")[:200]]
    if scope != "city" and scope not in dict(choices):
        choices.append((scope, scope))
    ctx = {
        "page": paginate(request, qs),
        "severity_counts": [
            (label, counted["severity"].get(v, 0)) for v, label in Severity.choices
        ],
        "status_counts": [
            (label, counted["status"].get(v, 0)) for v, label in Finding.Status.choices
        ],
        "scope_choices": choices,
        "query": query_without_page(request),
        "scope": scope,
        "filters": filters,
        "severities": Severity.choices,
        "statuses": Finding.Status.choices,
        "rules": Rule.objects.filter(pack=active_pack()).values_list("code", flat=True),
        "ranking": selectors.ranking(request.user, unit=unit, limit=20),
        "commune_scores": selectors.commune_scores(request.user, limit=20)
        if kind == "city"
        else [],
    }
    return render(request, "compliance/findings.html", ctx)


def _finding_for(user, finding_id: int) -> Finding:
    finding = access.findings_visible_to(user).select_related("rule", "program", "institution")
    found = finding.filter(pk=finding_id).first()
    if found is None:
        raise Http404
    return found


@login_required
def finding_detail(request, finding_id: int):
    finding = _finding_for(request.user, finding_id)
    actions = [
        a
        for a, (sources, _target) in ACTIONS.items()
        if finding.status in sources and access.can_act_on_finding(request.user, finding, a)
    ]
    history = finding.history.select_related("actor")
    return render(
        request,
        "compliance/finding.html",
        {"finding": finding, "actions": actions, "history": history},
    )


@require_POST
@login_required
def finding_action(request, finding_id: int, action: str):
    finding = _finding_for(request.user, finding_id)
    if action not in ACTIONS:
        raise Http404
    try:
        act_on_finding(
            finding=finding, action=action, by=request.user, reason=request.POST.get("reason", "")
        )
    except ComplianceError as e:
        messages.error(request, e.message)
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("Đã cập nhật phát hiện."))
    return redirect("compliance:finding", finding.pk)


@login_required
def institution_risk(request, institution_id: int):
    institution = access.get_institution_for_user(request.user, institution_id)
    if not access.can_read_risk(request.user, institution):
        raise PermissionDenied
    risk = selectors.institution_risk(institution)
    live = selectors.findings_for(request.user, scope=f"institution:{institution.pk}").filter(
        status__in=Finding.LIVE
    )
    return render(
        request,
        "compliance/institution.html",
        {"institution": institution, "risk": risk, "findings": live[:100]},
    )


def _can_tune(user) -> bool:
    return user.is_superuser or Role.DEPARTMENT_ADMIN in access.roles_of(user)


@login_required
def rules(request):
    """The active rule pack as a lawyer reads it, and the thresholds the department tunes."""
    readers = access.AUTHORITY_ROLES | access.SCHOOL_ROLES
    if not (request.user.is_superuser or access.roles_of(request.user) & readers):
        raise PermissionDenied
    pack = active_pack()
    return render(
        request,
        "compliance/rules.html",
        {
            "pack": pack,
            "rules": pack.rules.order_by("regime", "code"),
            "thresholds": SignalThreshold.objects.all(),
            "window": pack.settings.get("hours_window"),
            "can_tune": _can_tune(request.user),
        },
    )


@require_POST
@login_required
def tune_threshold(request, code: str):
    try:
        set_signal_threshold(
            code=code,
            threshold=float(request.POST.get("threshold", "")),
            points=int(request.POST.get("points", "")),
            by=request.user,
        )
    except ValueError:
        messages.error(request, _("Ngưỡng và điểm phải là số."))
    except ComplianceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Đã lưu ngưỡng."))
    return redirect("compliance:rules")


@require_POST
@login_required
def hours_window(request):
    try:
        set_hours_window(
            earliest=request.POST.get("earliest", "").strip(),
            latest=request.POST.get("latest", "").strip(),
            by=request.user,
        )
    except ComplianceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Đã lưu khung giờ."))
    return redirect("compliance:rules")
