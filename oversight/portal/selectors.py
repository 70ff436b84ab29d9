"""The officials' worklist ("Việc cần làm hôm nay") on the home page.

Every section reads through the access helper of its own list page (`programs_visible_to`,
`findings_visible_to`, `complaints_visible_to`, `hotspots_visible_to`, `tasks_visible_to`,
`inspections_visible_to`, `explanation_requests_for_user`), so a count never shows what the
list it links to would hide. Each section costs a count and one bounded read of its first items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.accounts import access
from oversight.accounts.models import Role

# How many items each section lists before its "see all" link.
FIRST_ITEMS = 5
# Tasks whose deadline falls within this many days are "due".
TASK_DUE_DAYS = 7

APPROVER_ROLES = frozenset({Role.PRINCIPAL, Role.COMMUNE_OFFICER, *access.DEPARTMENT_ROLES})
FINDING_ROLES = frozenset({*access.FINDING_OVERSEERS, Role.COMMUNE_OFFICER, *access.SCHOOL_ROLES})
# Only the handling agency's officers act on a complaint (`access.can_handle_complaint`).
COMPLAINT_HANDLERS = frozenset({Role.COMMUNE_OFFICER, *access.DEPARTMENT_ROLES})
HOTSPOT_ROLES = frozenset({*access.COMPLAINT_READERS, Role.COMMUNE_OFFICER})
TASK_ROLES = frozenset({*access.DIRECTIVE_READERS, Role.COMMUNE_OFFICER, *access.SCHOOL_ROLES})
ACTION_ROLES = frozenset({*access.AUTHORITY_ROLES, *access.SCHOOL_ROLES})


@dataclass
class Item:
    """One line of a section: what it is, where its evidence is, and when it is due."""

    label: str
    url: str
    meta: str = ""
    when: date | None = None
    urgent: bool = False


@dataclass
class Section:
    key: str
    title: Any
    count: int
    more_url: str
    items: list[Item] = field(default_factory=list)


def _may(user: Any, roles: frozenset[str]) -> bool:
    return getattr(user, "is_superuser", False) or bool(access.roles_of(user) & roles)


def _school_only(user: Any) -> bool:
    """A principal or school staff without any authority role: the school's own list."""
    roles = access.roles_of(user)
    return (
        not getattr(user, "is_superuser", False)
        and bool(roles & access.SCHOOL_ROLES)
        and not roles & access.AUTHORITY_ROLES
    )


def programs_to_approve(user: Any) -> Section:
    """Submitted programmes the user may approve, by the approval routes (data)."""
    from oversight.programs.models import ApprovalRoute, Program

    routes = dict(ApprovalRoute.objects.values_list("kind", "approver"))
    submitted = (
        access.programs_visible_to(user)
        .filter(status=Program.Status.SUBMITTED)
        .select_related("institution__unit", "institution__managing_agency__unit", "facility__unit")
        .order_by("updated_at", "pk")
    )
    mine = [
        p
        for p in submitted
        if access.can_approve_program(
            user, p, routes.get(p.kind, ApprovalRoute.Approver.MANAGING_AUTHORITY)
        )
    ]
    items = [
        Item(
            label=p.title,
            url=reverse("programs:detail", args=[p.pk]),
            meta=str(p.institution or p.facility),
            when=timezone.localdate(p.updated_at),
        )
        for p in mine[:FIRST_ITEMS]
    ]
    return Section(
        "programs",
        _("Chương trình chờ bạn phê duyệt"),
        len(mine),
        reverse("programs:list") + "?status=submitted",
        items,
    )


def open_findings(user: Any) -> Section:
    """New findings in the user's scope, violations first."""
    from oversight.compliance.models import Finding, Severity

    qs = access.findings_visible_to(user).filter(status=Finding.Status.OPEN)
    first = (
        qs.select_related("rule", "program", "institution")
        .annotate(
            severity_rank=Case(
                When(severity=Severity.VIOLATION, then=Value(0)),
                When(severity=Severity.WARNING, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("severity_rank", "-occurred_on", "-pk")[:FIRST_ITEMS]
    )
    items = [
        Item(
            label=f.rule.title,
            url=reverse("compliance:finding", args=[f.pk]),
            meta=f"{f.get_severity_display()} – {f.program or f.institution or f.unit}",
            when=f.occurred_on,
        )
        for f in first
    ]
    return Section(
        "findings",
        _("Phát hiện mới cần xem xét"),
        qs.count(),
        reverse("compliance:findings") + "?status=open",
        items,
    )


def complaints_due(user: Any, today: date) -> Section:
    """Open complaints handled by the user's agency, due by the reminder horizon or overdue."""
    from oversight.complaints.models import OPEN_STATUSES
    from oversight.complaints.workdays import add_working_days

    horizon = add_working_days(today, settings.COMPLAINT_REMIND_DAYS_BEFORE)
    qs = access.complaints_visible_to(user).filter(
        status__in=OPEN_STATUSES, duplicate_of__isnull=True, due_on__lte=horizon
    )
    if not getattr(user, "is_superuser", False):
        agencies, _institutions = access.directive_units_of(user)
        qs = qs.filter(handling_agency__in=agencies)
    first = qs.select_related("institution").order_by("due_on", "pk")[:FIRST_ITEMS]
    items = [
        Item(
            label=c.tracking_code,
            url=reverse("complaints:detail", args=[c.pk]),
            meta=f"{c.get_category_display()} – {c.institution}",
            when=c.due_on,
            urgent=c.due_on is not None and c.due_on < today,
        )
        for c in first
    ]
    return Section(
        "complaints",
        _("Phản ánh đến hạn hoặc quá hạn xử lý"),
        qs.count(),
        reverse("complaints:manage") + "?status=open",
        items,
    )


def live_hotspots(user: Any) -> Section:
    """Hotspot alerts not yet resolved in the user's area, active before watch."""
    from oversight.complaints.models import Hotspot

    qs = access.hotspots_visible_to(user).exclude(state=Hotspot.State.RESOLVED)
    first = (
        qs.select_related("institution", "unit")
        .annotate(
            state_rank=Case(
                When(state=Hotspot.State.ACTIVE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("state_rank", "-weight", "-pk")[:FIRST_ITEMS]
    )
    items = [
        Item(
            label=str(h.institution or h.unit),
            url=reverse("complaints:hotspot", args=[h.pk]),
            meta=h.get_state_display(),
            urgent=h.state == Hotspot.State.ACTIVE,
        )
        for h in first
    ]
    return Section(
        "hotspots", _("Điểm nóng phản ánh"), qs.count(), reverse("complaints:hotspots"), items
    )


def tasks_due(user: Any, today: date, *, all_open: bool = False) -> Section:
    """Visible tasks overdue or due within TASK_DUE_DAYS (every unfinished one if `all_open`)."""
    from oversight.directives.models import Status, status_q
    from oversight.directives.selectors import tasks_for

    unfinished = (
        status_q(Status.OVERDUE, today)
        | status_q(Status.IN_PROGRESS, today)
        | status_q(Status.NOT_STARTED, today)
    )
    qs: Any = tasks_for(user, today)
    if all_open:
        qs = qs.filter(unfinished)
    else:
        week = Q(deadline__gte=today, deadline__lte=today + timedelta(days=TASK_DUE_DAYS))
        qs = qs.filter(status_q(Status.OVERDUE, today) | (unfinished & week))
    items = [
        Item(
            label=t.title,
            url=reverse("directives:task", args=[t.pk]),
            meta=str(t.lead_agency or t.lead_institution),
            when=t.deadline,
            urgent=t.status == Status.OVERDUE,
        )
        for t in qs[:FIRST_ITEMS]
    ]
    title = (
        _("Nhiệm vụ của trường chưa hoàn thành")
        if all_open
        else _("Nhiệm vụ quá hạn hoặc đến hạn trong 7 ngày")
    )
    more = reverse("directives:tasks") + ("" if all_open else "?status=overdue")
    return Section("tasks", title, qs.count(), more, items)


def corrective_actions(user: Any, today: date, *, school: bool = False) -> Section:
    """Corrective actions of inspections the user sees: overdue ones for authorities; for a
    school, every unfinished one whose target is the school (or one of its programmes)."""
    from oversight.inspections.models import CorrectiveAction

    qs: QuerySet[CorrectiveAction] = CorrectiveAction.objects.filter(
        inspection__in=access.inspections_visible_to(user).values("pk"),
        status=CorrectiveAction.Status.OPEN,
    )
    if school:
        _agencies, institutions = access.directive_units_of(user)
        qs = qs.filter(
            Q(target__institution__in=institutions)
            | Q(target__program__institution__in=institutions)
        )
    else:
        qs = qs.filter(deadline__lt=today)
    first = qs.select_related(
        "target__institution", "target__facility", "target__program"
    ).order_by("deadline", "pk")[:FIRST_ITEMS]
    items = [
        Item(
            label=a.description[:120],
            url=reverse("inspections:detail", args=[a.inspection_id]),
            meta=str(a.target.institution or a.target.program or a.target.facility),
            when=a.deadline,
            urgent=a.deadline < today,
        )
        for a in first
    ]
    title = _("Biện pháp khắc phục của trường") if school else _("Biện pháp khắc phục quá hạn")
    return Section("actions", title, qs.count(), reverse("inspections:index"), items)


def explanations_to_give(user: Any) -> Section:
    """The questions the school is asked to explain and has not answered yet."""
    qs = access.explanation_requests_for_user(user).filter(answered_at__isnull=True)
    url = reverse("complaints:explanations")
    items = [
        Item(label=r.question[:120], url=url, when=timezone.localdate(r.asked_at))
        for r in qs.order_by("asked_at", "pk")[:FIRST_ITEMS]
    ]
    return Section("explanations", _("Yêu cầu giải trình chưa trả lời"), qs.count(), url, items)


def worklist(user: Any, today: date) -> list[Section]:
    """The sections of "Việc cần làm hôm nay" this user may see (none for teachers, partners
    and guardians)."""
    sections: list[Section] = []
    school = _school_only(user)
    if _may(user, APPROVER_ROLES):
        sections.append(programs_to_approve(user))
    if _may(user, FINDING_ROLES):
        sections.append(open_findings(user))
    if school:
        sections.append(explanations_to_give(user))
    if _may(user, COMPLAINT_HANDLERS):
        sections.append(complaints_due(user, today))
    if _may(user, HOTSPOT_ROLES):
        sections.append(live_hotspots(user))
    if _may(user, TASK_ROLES):
        sections.append(tasks_due(user, today, all_open=school))
    if _may(user, ACTION_ROLES):
        sections.append(corrective_actions(user, today, school=school))
    return sections
