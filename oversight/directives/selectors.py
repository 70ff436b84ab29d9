"""Reads for directives: filtered task lists with their status, the dashboard per scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from oversight.accounts.access import documents_visible_to, tasks_visible_to
from oversight.directives.models import (
    STATUS_ORDER,
    Document,
    Status,
    Task,
    status_case,
    status_q,
)
from oversight.lib.text import fold
from oversight.registry.models import Agency, Institution


def search_documents(user: Any, q: str | None = None) -> QuerySet[Document]:
    """Documents the user sees whose number, subject or issuer holds every word of `q`,
    compared without accents (đ as d)."""
    qs = documents_visible_to(user)
    for word in fold(q).split():
        qs = qs.filter(search_text__contains=word)
    return qs.select_related("issuer")


def tasks_for(
    user: Any,
    today: date,
    *,
    document: Document | int | None = None,
    unit: Agency | Institution | None = None,
    status: str | None = None,
    due_before: date | None = None,
    top_level: bool = False,
) -> QuerySet[Task]:
    """Visible tasks with their status on `today`, overdue first, then by due date."""
    qs: Any = tasks_visible_to(user)
    qs = qs.with_status(today)
    if document is not None:
        qs = qs.filter(document=document)
    if unit is not None:
        if isinstance(unit, Agency):
            coop = Task.objects.filter(cooperating_agencies=unit).values("pk")
            qs = qs.filter(Q(lead_agency=unit) | Q(pk__in=coop))
        else:
            coop = Task.objects.filter(cooperating_institutions=unit).values("pk")
            qs = qs.filter(Q(lead_institution=unit) | Q(pk__in=coop))
    if status:
        qs = qs.filter(status_q(status, today))
    if due_before is not None:
        qs = qs.filter(deadline__lt=due_before)
    if top_level:
        qs = qs.filter(parent__isnull=True)
    return qs.select_related("document", "lead_agency", "lead_institution", "parent").order_by(
        "status_rank", "deadline", "id"
    )


@dataclass
class UnitRate:
    name: str
    total: int
    on_time: int
    late: int
    overdue: int

    @property
    def rate(self) -> int | None:
        """Share of the tasks due so far that were done on time, in percent."""
        judged = self.on_time + self.late + self.overdue
        return round(100 * self.on_time / judged) if judged else None


@dataclass
class Dashboard:
    by_status: list[tuple[str, str, int]]
    total: int
    overdue: list[Task]
    units: list[UnitRate] = field(default_factory=list)
    months: list[tuple[date, UnitRate]] = field(default_factory=list)


def _months_back(today: date, n: int) -> date:
    month = today.month - (n - 1)
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def on_time_by_month(qs: Any, today: date, months: int = 6) -> list[tuple[date, UnitRate]]:
    """The on-time rate over time: tasks by the month their deadline fell in (up to today)."""
    start = _months_back(today, months)
    rows = (
        qs.filter(recurrence="", deadline__gte=start, deadline__lte=today)
        .annotate(status=status_case(today), month=TruncMonth("deadline"))
        .order_by()
        .values_list("month", "status")
        .annotate(n=Count("pk"))
    )
    found: dict[date, UnitRate] = {}
    for month, status, n in rows:
        month = month.date() if hasattr(month, "date") else month
        rate = found.setdefault(month, UnitRate(name="", total=0, on_time=0, late=0, overdue=0))
        rate.total += n
        if status == Status.DONE_ON_TIME:
            rate.on_time += n
        elif status == Status.DONE_LATE:
            rate.late += n
        elif status == Status.OVERDUE:
            rate.overdue += n
    out = []
    for i in range(months):
        month = _months_back(today, months - i)
        out.append((month, found.get(month, UnitRate("", 0, 0, 0, 0))))
    return out


def dashboard(
    user: Any, today: date, *, overdue_limit: int = 50, units_limit: int = 30
) -> Dashboard:
    """Tasks by status, the overdue ones first, and the on-time rate per lead unit, counted on
    the units' own tasks (a task rolled up from sub-tasks counts through its sub-tasks).

    One grouped pass counts every status per unit (the totals are their sums); names are read
    only for the units shown."""
    qs = tasks_visible_to(user).filter(expansion="")
    grouped = (
        qs.annotate(status=status_case(today))
        .order_by()
        .values_list("lead_agency_id", "lead_institution_id", "status")
        .annotate(n=Count("pk"))
    )
    statuses = [s.value for s in Status]  # Status.values rebuilds its labels on every call
    per_unit: dict[tuple[int | None, int | None], dict[str, int]] = {}
    counts = dict.fromkeys(statuses, 0)
    for agency_id, institution_id, status, n in grouped:
        per_unit.setdefault((agency_id, institution_id), dict.fromkeys(statuses, 0))[status] = n
        counts[status] += n
    by_status = [(s.value, str(s.label), counts[s.value]) for s in STATUS_ORDER]
    overdue = list(
        qs.filter(status_q(Status.OVERDUE, today))
        .select_related("document", "lead_agency", "lead_institution")
        .order_by("deadline", "id")[:overdue_limit]
    )
    for task in overdue:
        task.status = Status.OVERDUE  # type: ignore[attr-defined]
    rates = [
        (
            key,
            UnitRate(
                name="",
                total=sum(c.values()),
                on_time=c[Status.DONE_ON_TIME],
                late=c[Status.DONE_LATE],
                overdue=c[Status.OVERDUE],
            ),
        )
        for key, c in per_unit.items()
    ]
    # The units that most need a call first: the most overdue, then the lowest rate.
    rates.sort(key=lambda x: (-x[1].overdue, x[1].rate if x[1].rate is not None else 101))
    shown = rates[:units_limit]
    agencies = dict(
        Agency.objects.filter(pk__in=[a for (a, _i), _r in shown if a]).values_list("pk", "name")
    )
    schools = dict(
        Institution.objects.filter(pk__in=[i for (_a, i), _r in shown if i]).values_list(
            "pk", "name"
        )
    )
    for (agency_id, institution_id), rate in shown:
        rate.name = agencies.get(agency_id) or schools.get(institution_id) or ""
    return Dashboard(
        by_status=by_status,
        total=sum(counts.values()),
        overdue=overdue,
        units=[rate for _key, rate in shown],
        months=on_time_by_month(qs, today),
    )


@dataclass
class DisseminationState:
    items: list
    total: int
    not_acknowledged: int
    not_briefed: int


def dissemination_state(document: Document) -> DisseminationState:
    """Who the document was sent to, the units that have not acknowledged or briefed first."""
    from oversight.directives.models import Dissemination

    items = list(
        Dissemination.objects.filter(document=document)
        .select_related("agency", "institution")
        .order_by(
            F("acknowledged_at").asc(nulls_first=True),
            F("briefed_on").asc(nulls_first=True),
            "id",
        )
    )
    return DisseminationState(
        items=items,
        total=len(items),
        not_acknowledged=sum(1 for i in items if i.acknowledged_at is None),
        not_briefed=sum(1 for i in items if i.briefed_on is None),
    )


def public_documents(q: str | None = None) -> QuerySet[Document]:
    """Documents published for families, searchable without accents."""
    qs = Document.objects.filter(is_public=True)
    for word in fold(q).split():
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("-issued_on", "-id")


def latest_report(task: Task):
    """The lead's newest report that was not returned (None if there is none)."""
    from oversight.directives.models import TaskReport

    return (
        task.reports.filter(is_lead=True)
        .exclude(review=TaskReport.Review.RETURNED)
        .order_by("-reported_on", "-id")
        .first()
    )


@dataclass
class AgendaUnit:
    name: str
    rows: list = field(default_factory=list)  # (task, status label, reports in the month)


def meeting_agenda(user: Any, document: Document, month: date) -> list[AgendaUnit]:
    """The monthly progress meeting (plan 39, III.1.6): each lead unit's tasks of `document`,
    their status at the end of the month and the reports made during it."""
    from oversight.directives.models import TaskReport, _month_end

    start, end = month.replace(day=1), _month_end(month)
    tasks = tasks_for(user, end, document=document, top_level=True).order_by(
        "lead_agency__sort_key", "lead_institution__sort_key", "id"
    )
    labels = dict(Status.choices)
    units: dict[str, AgendaUnit] = {}
    for task in tasks:
        reports = list(
            TaskReport.objects.filter(
                Q(task=task) | Q(task__parent=task), reported_on__range=(start, end)
            )
            .exclude(review=TaskReport.Review.RETURNED)
            .select_related("by_agency", "by_institution")
            .order_by("reported_on", "id")
        )
        unit = units.setdefault(str(task.lead), AgendaUnit(name=str(task.lead)))
        unit.rows.append((task, labels[task.status_on(end)], reports))
    return list(units.values())


def execution_lines(document: Document, today: date) -> tuple[list[str], list[str], list[str]]:
    """The body of an execution report from the task reports: one line per task, then the
    difficulties and the proposals the units raised."""
    labels = dict(Status.choices)
    results, difficulties, proposals = [], [], []
    tasks = (
        Task.objects.filter(document=document, parent__isnull=True)
        .with_status(today)
        .select_related("lead_agency", "lead_institution")
        .order_by("id")
    )
    for task in tasks:
        head = f"{task.section} {task.title}".strip()
        line = f"{head} ({task.lead}): {labels[task.status]}, {task.percent}%."
        if task.expansion:
            subs = task.subtasks.all()
            done = subs.filter(percent__gte=100).count()
            line += f" {done}/{subs.count()} đơn vị đã hoàn thành."
            reports = [r for r in (latest_report(t) for t in subs) if r]
        else:
            report = latest_report(task)
            reports = [report] if report else []
            if report:
                line += f" {report.text}"
        results.append(line)
        for r in reports:
            if r.difficulties:
                difficulties.append(f"{r.by}: {r.difficulties}")
            if r.proposals:
                proposals.append(f"{r.by}: {r.proposals}")
    return results, difficulties, proposals
