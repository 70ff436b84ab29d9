"""Reads for inspections: targets ranked by risk, and the public results.

The ranking sums small, separately weighted inputs. Each input is one function taking the
ranking's context and giving (target id, points, reason) for the targets it has something to
say about; `INPUTS` lists them, the compliance risk score and the complaint hotspots last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.accounts import access
from oversight.enrollment.models import Channel, ConsentEntry, Decision, Enrollment
from oversight.inspections.models import Inspection, InspectionTarget, Sanction
from oversight.programs.models import Facility, Program
from oversight.registry.models import Institution

SCOPES = ("institutions", "facilities", "programs")
# Points for a target never inspected; one point per month since the last conclusion, up to it.
NEVER_INSPECTED_POINTS = 36
SUSPENDED_POINTS = 15
PAID_PROGRAM_POINTS = 4
STUDENTS_PER_POINT = 10
STAFF_CONSENT_POINTS = 20  # at a share of 100 %
STAFF_CONSENT_MIN = 5  # grants needed before the share means anything
EARLY_WITHDRAWAL_DAYS = 14
EARLY_WITHDRAWAL_POINTS = 3
EARLY_WITHDRAWAL_CAP = 21
VIOLATION_POINTS = 5  # per live violation found by the compliance engine
VIOLATION_CAP = 50
COMPLAINT_DAYS = 90
COMPLAINT_POINTS = 2  # per complaint received in the last COMPLAINT_DAYS
COMPLAINT_CAP = 20


@dataclass
class RankedTarget:
    kind: str  # institution, facility or program
    id: int
    name: str
    score: int = 0
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RankContext:
    scope: str
    candidates: QuerySet  # of the scope's model, the targets the user's authorities may inspect
    today: date

    @property
    def target_field(self) -> str:
        return {"institutions": "institution", "facilities": "facility", "programs": "program"}[
            self.scope
        ]

    @property
    def program_key(self) -> str:
        """The path from a programme to the target."""
        return {"institutions": "institution", "facilities": "facility", "programs": "id"}[
            self.scope
        ]

    def programs(self) -> QuerySet[Program]:
        return Program.objects.filter(**{f"{self.program_key}__in": self.candidates.values("pk")})


Points = Iterable[tuple[int, float, str]]


def since_last_inspection(ctx: RankContext) -> Points:
    """Never inspected counts most; otherwise one point per month since the last conclusion."""
    last = dict(
        InspectionTarget.objects.filter(
            inspection__status=Inspection.Status.CONCLUDED,
            **{f"{ctx.target_field}__in": ctx.candidates.values("pk")},
        )
        .values_list(ctx.target_field)
        .annotate(last=Max("inspection__concluded_at"))
        .values_list(ctx.target_field, "last")
    )
    for pk in ctx.candidates.values_list("pk", flat=True):
        when = last.get(pk)
        if when is None:
            yield pk, NEVER_INSPECTED_POINTS, _("Chưa từng được thanh tra, kiểm tra.")
            continue
        months = (ctx.today - timezone.localdate(when)).days // 30
        if months > 0:
            yield (
                pk,
                min(months, NEVER_INSPECTED_POINTS - 1),
                _("Lần kiểm tra gần nhất đã kết luận cách đây %(n)s tháng.") % {"n": months},
            )


def suspended_or_returned(ctx: RankContext) -> Points:
    rows = (
        ctx.programs()
        .filter(status__in=[Program.Status.SUSPENDED, Program.Status.RETURNED])
        .values(ctx.program_key)
        .annotate(n=Count("pk"))
    )
    for row in rows:
        n = row["n"]
        yield (
            row[ctx.program_key],
            SUSPENDED_POINTS * n,
            _("%(n)s chương trình đang bị tạm dừng hoặc bị trả lại.") % {"n": n},
        )


def paid_programs(ctx: RankContext) -> Points:
    rows = (
        ctx.programs()
        .filter(fee_amount__gt=0, status__in=[Program.Status.APPROVED, Program.Status.SUSPENDED])
        .values(ctx.program_key)
        .annotate(
            n=Count("pk", distinct=True),
            students=Count(
                "enrollments",
                filter=Q(enrollments__status=Enrollment.Status.ACTIVE),
                distinct=True,
            ),
        )
    )
    for row in rows:
        n, students = row["n"], row["students"]
        yield (
            row[ctx.program_key],
            PAID_PROGRAM_POINTS * n + students // STUDENTS_PER_POINT,
            _("%(n)s chương trình thu phí với %(students)s học sinh đang học.")
            % {"n": n, "students": students},
        )


def staff_entered_consents(ctx: RankContext) -> Points:
    """Consents entered by the school rather than by the families themselves (a sign of
    coercion in RULES.md when in bulk)."""
    key = f"program__{ctx.program_key}"
    rows = (
        ConsentEntry.objects.filter(
            decision=Decision.GRANTED, program__in=ctx.programs().values("pk")
        )
        .values(key)
        .annotate(total=Count("pk"), staff=Count("pk", filter=~Q(channel=Channel.PORTAL)))
    )
    for row in rows:
        total, staff = row["total"], row["staff"]
        if total < STAFF_CONSENT_MIN or staff == 0:
            continue
        pct = round(100 * staff / total)
        yield (
            row[key],
            STAFF_CONSENT_POINTS * staff / total,
            _("%(pct)s%% ý kiến đồng ý do nhà trường nhập thay gia đình (%(staff)s/%(total)s).")
            % {"pct": pct, "staff": staff, "total": total},
        )


def early_withdrawals(ctx: RankContext) -> Points:
    key = f"program__{ctx.program_key}"
    rows = (
        Enrollment.objects.filter(
            program__in=ctx.programs().values("pk"),
            end_reason=Enrollment.EndReason.WITHDRAWN,
            ended_at__lte=F("started_at") + timedelta(days=EARLY_WITHDRAWAL_DAYS),
        )
        .values(key)
        .annotate(n=Count("pk"))
    )
    for row in rows:
        n = row["n"]
        yield (
            row[key],
            min(EARLY_WITHDRAWAL_CAP, EARLY_WITHDRAWAL_POINTS * n),
            _("%(n)s học sinh rút trong %(days)s ngày đầu sau khi tham gia.")
            % {"n": n, "days": EARLY_WITHDRAWAL_DAYS},
        )


def compliance_risk(ctx: RankContext) -> Points:
    """The compliance engine's risk score: its signs of coercion (points as the department
    set them) and its live violations."""
    from oversight.compliance.selectors import risk_totals

    totals = risk_totals(by=ctx.target_field, ids=ctx.candidates.values("pk"))
    for pk, (points, violations) in totals.items():
        yield (
            pk,
            points + min(VIOLATION_CAP, VIOLATION_POINTS * violations),
            _(
                "Điểm rủi ro tuân thủ %(points)s (dấu hiệu ép buộc); %(n)s vi phạm đang mở "
                "theo bộ quy tắc."
            )
            % {"points": points, "n": violations},
        )


def complaints_and_hotspots(ctx: RankContext) -> Points:
    """Open hotspot alerts on a school or its commune, and the complaints received recently
    about the school or the programme (facilities have none of their own)."""
    from oversight.complaints.selectors import hotspot_weights, recent_complaint_counts

    if ctx.scope == "facilities":
        return
    by = ctx.target_field
    ids = list(ctx.candidates.values_list("pk", flat=True))
    counts = recent_complaint_counts(by=by, ids=ids, days=COMPLAINT_DAYS, today=ctx.today)
    weights = hotspot_weights(ids) if by == "institution" else {}
    for pk in set(counts) | set(weights):
        n, weight = counts.get(pk, 0), weights.get(pk, 0.0)
        reasons = []
        if weight:
            reasons.append(_("Điểm nóng phản ánh (trọng số %(w)s).") % {"w": round(weight, 1)})
        if n:
            reasons.append(
                _("%(n)s phản ánh của người dân trong %(days)s ngày qua.")
                % {"n": n, "days": COMPLAINT_DAYS}
            )
        yield (
            pk,
            weight + min(COMPLAINT_CAP, COMPLAINT_POINTS * n),
            " ".join(reasons),
        )


INPUTS: list[Callable[[RankContext], Points]] = [
    since_last_inspection,
    suspended_or_returned,
    paid_programs,
    staff_entered_consents,
    early_withdrawals,
    compliance_risk,
    complaints_and_hotspots,
]


def candidates_for(user: Any, scope: str, agency: Any = None) -> QuerySet:
    """The targets of `scope` that the user's authorities may inspect."""
    agencies = access.inspection_agencies_for(user)
    if agency is not None:
        agencies = [a for a in agencies if a.pk == agency.pk]
    if not agencies:
        raise PermissionDenied
    model: Any = {"institutions": Institution, "facilities": Facility, "programs": Program}[scope]
    getter = {
        "institutions": access.inspectable_institutions,
        "facilities": access.inspectable_facilities,
        "programs": access.inspectable_programs,
    }[scope]
    q = Q(pk__in=[])
    for a in agencies:
        q |= Q(pk__in=getter(a).values("pk"))
    return model.objects.filter(q)


def rank_targets(
    user: Any,
    scope: str,
    *,
    limit: int = 50,
    agency: Any = None,
    today: date | None = None,
) -> list[RankedTarget]:
    """The targets the user's authorities may inspect, highest risk first, each with the
    reasons (one sentence per input, with its number) that make its score."""
    if scope not in SCOPES:
        raise ValueError(scope)
    ctx = RankContext(
        scope=scope,
        candidates=candidates_for(user, scope, agency),
        today=today or timezone.localdate(),
    )
    scores: dict[int, float] = {}
    reasons: dict[int, list[str]] = {}
    for input_fn in INPUTS:
        for pk, points, reason in input_fn(ctx):
            scores[pk] = scores.get(pk, 0) + points
            reasons.setdefault(pk, []).append(reason)
    top = sorted(scores, key=lambda pk: (-scores[pk], pk))[:limit]
    names = dict(ctx.candidates.filter(pk__in=top).values_list("pk", _name_field(scope)))
    kind = ctx.target_field
    return [
        RankedTarget(
            kind=kind, id=pk, name=names.get(pk, ""), score=round(scores[pk]), reasons=reasons[pk]
        )
        for pk in top
    ]


def _name_field(scope: str) -> str:
    return "title" if scope == "programs" else "name"


# --- public side ------------------------------------------------------------------------------


def published_results() -> QuerySet[Inspection]:
    """Concluded inspections, for the public: what was found and done (no student data)."""
    return (
        Inspection.objects.filter(status=Inspection.Status.CONCLUDED)
        .select_related("agency")
        .prefetch_related(
            "targets__institution",
            "targets__facility",
            "targets__program",
            "targets__checklist",
            "sanctions",
            "corrective_actions",
        )
        .order_by("-concluded_at")
    )


def suspended_programs() -> QuerySet[Program]:
    return (
        Program.objects.filter(status=Program.Status.SUSPENDED)
        .select_related("institution", "facility")
        .order_by("sort_key")
    )


def sanctioned_organisations() -> QuerySet[Sanction]:
    """Sanctions on organisations (persons are named in the decision, not on the public
    list)."""
    return (
        Sanction.objects.filter(subject_kind=Sanction.SubjectKind.ORGANISATION)
        .select_related("target__institution", "target__facility", "target__program", "inspection")
        .order_by("-decided_on")
    )
