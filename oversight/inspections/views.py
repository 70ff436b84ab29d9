from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.accounts import access
from oversight.accounts.models import User
from oversight.api.inspections import public_result
from oversight.inspections import selectors, services
from oversight.inspections.conclusion_docx import build_conclusion_docx
from oversight.inspections.forms import (
    ActionForm,
    CheckForm,
    CompleteForm,
    ConclusionForm,
    EvidenceForm,
    InspectionForm,
    PlanForm,
    SanctionForm,
    SuspendForm,
    VerifyForm,
)
from oversight.inspections.models import ChecklistItem, CorrectiveAction, Inspection
from oversight.programs.models import Program
from oversight.programs.services import ProgramInputError, TransitionNotAllowed


def _refused(form, e: services.InspectionError) -> None:
    """Put a service's refusal on the form: field by field when it names them."""
    for field, message in getattr(e, "errors", {None: str(e)}).items():
        form.add_error(field if field in form.fields else None, message)


def _require_planner(user):
    agencies = access.inspection_agencies_for(user)
    if not agencies:
        raise PermissionDenied
    return agencies


@login_required
def index(request):
    if (
        not access.can_use_inspections(request.user)
        and not access.inspections_visible_to(request.user).exists()
    ):
        raise PermissionDenied
    ctx = {
        "plans": access.inspection_plans_visible_to(request.user).select_related("agency"),
        "inspections": access.inspections_visible_to(request.user).select_related("agency")[:200],
        "can_plan": bool(access.inspection_agencies_for(request.user)),
    }
    return render(request, "inspections/index.html", ctx)


@login_required
def new_plan(request):
    agencies = _require_planner(request.user)
    form = PlanForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = next(a for a in agencies if a.pk == data.pop("agency"))
        try:
            services.create_plan(by=request.user, agency=agency, **data)
        except services.InspectionError as e:
            _refused(form, e)
        else:
            messages.success(request, _("Đã lập kế hoạch kiểm tra."))
            return redirect("inspections:index")
    return render(
        request, "inspections/form.html", {"form": form, "title": _("Lập kế hoạch kiểm tra")}
    )


@login_required
def targets(request):
    scope = request.GET.get("scope", "institutions")
    if scope not in selectors.SCOPES:
        scope = "institutions"
    ranked = selectors.rank_targets(request.user, scope)
    kind = {"institutions": "institution", "facilities": "facility", "programs": "program"}[scope]
    return render(
        request, "inspections/targets.html", {"ranked": ranked, "scope": scope, "kind": kind}
    )


@login_required
def new_inspection(request):
    agencies = _require_planner(request.user)
    if request.method == "GET" and not request.GET.get("id"):
        # A target is picked from the suggestions, where its reasons are shown.
        return redirect("inspections:targets")
    plans = access.inspection_plans_visible_to(request.user).filter(agency__in=agencies)
    initial = {
        "target_kind": request.GET.get("kind", "institution"),
        "target_id": request.GET.get("id"),
        "score": request.GET.get("score"),
        "reason": request.GET.get("reason", ""),
    }
    form = InspectionForm(request.POST or None, agencies=agencies, plans=plans, initial=initial)
    target_name = ""
    if initial["target_id"] or request.method == "POST":
        kind = request.POST.get("target_kind") or initial["target_kind"]
        pk = request.POST.get("target_id") or initial["target_id"]
        try:
            target_name = str(access.get_target_for_user(request.user, kind, int(pk)))
        except (ValueError, TypeError):
            raise Http404 from None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        target = access.get_target_for_user(request.user, d["target_kind"], d["target_id"])
        try:
            inspection = services.create_inspection(
                by=request.user,
                agency=next(a for a in agencies if a.pk == d["agency"]),
                kind=d["kind"],
                title=d["title"],
                legal_basis=d["legal_basis"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                plan=plans.filter(pk=d["plan"]).first() if d["plan"] else None,
                members=d["members"],
                targets=[
                    services.TargetChoice(
                        kind=d["target_kind"], obj=target, reason=d["reason"], score=d["score"] or 0
                    )
                ],
            )
        except services.InspectionError as e:
            _refused(form, e)
        else:
            return redirect("inspections:detail", inspection.pk)
    ctx = {"form": form, "title": _("Lập đợt kiểm tra"), "target_name": target_name}
    return render(request, "inspections/form.html", ctx)


def _programs_of(inspection):
    q = Program.objects.none()
    for t in inspection.targets.all():
        if t.program_id:
            q |= Program.objects.filter(pk=t.program_id)
        elif t.institution_id:
            q |= Program.objects.filter(institution=t.institution_id)
        else:
            q |= Program.objects.filter(facility=t.facility_id)
    return q.filter(status=Program.Status.APPROVED)


def _detail(request, inspection, **forms):
    can_work = access.can_work_on_inspection(request.user, inspection)
    targets = list(inspection.targets.select_related("institution", "facility", "program"))
    actions = inspection.corrective_actions.select_related("owner", "target")
    ctx = {
        "inspection": inspection,
        "targets": targets,
        "can_work": can_work,
        "breaches": ChecklistItem.objects.filter(
            target__inspection=inspection, status=ChecklistItem.Status.BREACH
        ).select_related("target"),
        "sanctions": inspection.sanctions.select_related("target"),
        "actions": [
            (a, services.can_complete_action(request.user, a) and a.status == "open")
            for a in actions
        ],
        "suspensions": inspection.suspensions.select_related("program"),
        "conclusion_form": forms.get("conclusion_form") or ConclusionForm(),
        "sanction_form": forms.get("sanction_form") or SanctionForm(targets=targets),
        "action_form": forms.get("action_form") or ActionForm(targets=targets),
        "suspend_form": forms.get("suspend_form") or SuspendForm(programs=_programs_of(inspection)),
        "complete_form": CompleteForm(),
        "verify_form": VerifyForm(),
    }
    return render(request, "inspections/detail.html", ctx, status=forms.get("status", 200))


@login_required
def detail(request, pk: int):
    return _detail(request, access.get_inspection_for_user(request.user, pk))


@require_POST
@login_required
def start(request, pk: int):
    inspection = access.get_inspection_for_user(request.user, pk, write=True)
    try:
        services.start_inspection(inspection=inspection, by=request.user)
    except services.InspectionError as e:
        messages.error(request, str(e))
    return redirect("inspections:detail", pk)


@login_required
def checklist(request, pk: int, target_id: int):
    inspection = access.get_inspection_for_user(request.user, pk)
    target = inspection.targets.filter(pk=target_id).first()
    if target is None:
        raise Http404
    items = target.checklist.prefetch_related("evidence")
    rows = [
        (i, CheckForm(initial={"status": i.status, **_item_initial(i)}, prefix=f"i{i.pk}"))
        for i in items
    ]
    ctx = {
        "inspection": inspection,
        "target": target,
        "rows": rows,
        "can_work": access.can_work_on_inspection(request.user, inspection)
        and inspection.status == Inspection.Status.IN_PROGRESS,
        "evidence_form": EvidenceForm(),
    }
    return render(request, "inspections/checklist.html", ctx)


def _item_initial(item):
    return {
        f: getattr(item, f)
        for f in ("notes", "interviewed", "persons_responsible", "heads_responsible", "measures")
    }


def _item(request, pk: int, item_id: int):
    inspection = access.get_inspection_for_user(request.user, pk, write=True)
    item = (
        ChecklistItem.objects.select_related("target__inspection")
        .filter(pk=item_id, target__inspection=inspection)
        .first()
    )
    if item is None:
        raise Http404
    return item


@require_POST
@login_required
def check(request, pk: int, item_id: int):
    item = _item(request, pk, item_id)
    form = CheckForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        try:
            services.record_check(item=item, by=request.user, **form.cleaned_data)
        except services.InspectionError as e:
            messages.error(request, f"{item.rule}: {e}")
        else:
            messages.success(request, _("Đã lưu: %(rule)s") % {"rule": item.rule})
    else:
        messages.error(request, _("Chọn kết quả cho mục %(rule)s.") % {"rule": item.rule})
    return redirect(f"/inspections/{pk}/targets/{item.target_id}/#item-{item.pk}")


@require_POST
@login_required
def evidence(request, pk: int, item_id: int):
    item = _item(request, pk, item_id)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(
                item=item,
                by=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except services.InspectionError as e:
            messages.error(request, str(e))
    else:
        messages.error(request, _("Cần chọn tệp."))
    return redirect(f"/inspections/{pk}/targets/{item.target_id}/#item-{item.pk}")


@require_POST
@login_required
def conclude(request, pk: int):
    inspection = access.get_inspection_for_user(request.user, pk, write=True)
    form = ConclusionForm(request.POST)
    if form.is_valid():
        try:
            services.conclude_inspection(
                inspection=inspection, by=request.user, **form.cleaned_data
            )
        except services.InspectionError as e:
            _refused(form, e)
        else:
            return redirect("inspections:detail", pk)
    return _detail(request, inspection, conclusion_form=form, status=400)


@login_required
def conclusion_docx(request, pk: int):
    inspection = access.get_inspection_for_user(request.user, pk)
    if inspection.status != Inspection.Status.CONCLUDED:
        raise Http404
    response = HttpResponse(
        build_conclusion_docx(inspection),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="ket-luan-{inspection.pk}.docx"'
    return response


@require_POST
@login_required
def add_sanction(request, pk: int):
    inspection = access.get_inspection_for_user(request.user, pk, write=True)
    targets = list(inspection.targets.all())
    form = SanctionForm(request.POST, targets=targets)
    if form.is_valid():
        d = form.cleaned_data
        target = next(t for t in targets if t.pk == d.pop("target"))
        try:
            services.record_sanction(inspection=inspection, target=target, by=request.user, **d)
        except services.InspectionError as e:
            _refused(form, e)
        else:
            return redirect("inspections:detail", pk)
    return _detail(request, inspection, sanction_form=form, status=400)


@require_POST
@login_required
def add_action(request, pk: int):
    inspection = access.get_inspection_for_user(request.user, pk, write=True)
    targets = list(inspection.targets.all())
    form = ActionForm(request.POST, targets=targets)
    if form.is_valid():
        d = form.cleaned_data
        owner = User.objects.filter(username=d["owner"], is_active=True).first()
        if owner is None:
            form.add_error("owner", _("Không có người dùng này."))
        else:
            try:
                services.add_corrective_action(
                    inspection=inspection,
                    target=next(t for t in targets if t.pk == d["target"]),
                    by=request.user,
                    description=d["description"],
                    owner=owner,
                    deadline=d["deadline"],
                )
            except services.InspectionError as e:
                _refused(form, e)
            else:
                return redirect("inspections:detail", pk)
    return _detail(request, inspection, action_form=form, status=400)


def _action(request, action_id: int) -> CorrectiveAction:
    action = (
        CorrectiveAction.objects.select_related("inspection")
        .filter(
            pk=action_id, inspection__in=access.inspections_visible_to(request.user).values("pk")
        )
        .first()
    )
    if action is None:
        raise Http404
    return action


@require_POST
@login_required
def complete_action(request, action_id: int):
    action = _action(request, action_id)
    form = CompleteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.complete_corrective_action(
                action=action,
                by=request.user,
                note=form.cleaned_data["note"],
                upload=form.cleaned_data["file"],
            )
        except services.InspectionError as e:
            messages.error(request, str(e))
    else:
        messages.error(request, _("Cần mô tả kết quả khắc phục."))
    return redirect("inspections:detail", action.inspection_id)


@require_POST
@login_required
def verify_action(request, action_id: int):
    action = _action(request, action_id)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.verify_corrective_action(action=action, by=request.user, **form.cleaned_data)
        except services.InspectionError as e:
            messages.error(request, str(e))
    return redirect("inspections:detail", action.inspection_id)


@require_POST
@login_required
def suspend(request, pk: int):
    inspection = access.get_inspection_for_user(request.user, pk, write=True)
    form = SuspendForm(request.POST, programs=_programs_of(inspection))
    if form.is_valid():
        program = access.get_program_for_user(request.user, form.cleaned_data["program"])
        try:
            services.suspend_program_for_inspection(
                inspection=inspection,
                program=program,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.InspectionError as e:
            _refused(form, e)
        except ProgramInputError as e:
            for field, message in e.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except TransitionNotAllowed as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request, _("Đã tạm dừng chương trình; các gia đình đã được thông báo.")
            )
            return redirect("inspections:detail", pk)
    return _detail(request, inspection, suspend_form=form, status=400)


def public(request):
    ctx = {
        "results": [public_result(i) for i in selectors.published_results()[:100]],
        "suspended": selectors.suspended_programs()[:500],
        "sanctioned": selectors.sanctioned_organisations()[:500],
    }
    return render(request, "inspections/public.html", ctx)
