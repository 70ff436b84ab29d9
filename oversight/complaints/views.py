from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.accounts import access
from oversight.complaints import forms, selectors, services
from oversight.complaints.models import Complaint, Hotspot, Status
from oversight.lib.pagination import paginate, query_without_page
from oversight.registry.models import Institution

# --- public side -------------------------------------------------------------------------------

_FIELD = {"program_id": "program", "institution_id": None}


def _add_error(form, e: services.ComplaintError) -> None:
    field = next(iter(e.errors), None)
    field = _FIELD.get(field, field) if field else None
    form.add_error(field if field in form.fields else None, e.message)


def _schools(q: str):
    if not q.strip():
        return []
    return Institution.objects.filter(is_active=True).search(q).select_related("unit")[:20]


def public_form(request: HttpRequest) -> HttpResponse:
    """Step 1 finds the school by typing (accent-insensitive); step 2 is the complaint."""
    from oversight.programs.models import Program

    school_id = request.GET.get("school", "")
    school = (
        Institution.objects.filter(pk=school_id, is_active=True).select_related("unit").first()
        if school_id.isdigit()
        else None
    )
    if school is None:
        q = request.GET.get("q", "")
        return render(
            request, "complaints/public_find_school.html", {"q": q, "schools": _schools(q)}
        )
    programs = Program.objects.published().filter(institution=school).order_by("title")
    form = forms.ComplaintForm(request.POST or None, request.FILES or None, programs=programs)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            sub = services.submit_complaint(
                institution=school,
                category=d["category"],
                description=d["description"],
                anonymous=d["anonymous"] == "yes",
                name=d["name"],
                phone=d["phone"],
                program_id=d["program"],
                attachments=d["attachments"],
                names_principal=d["names_principal"],
                honeypot=d["website"],
            )
        except services.ComplaintError as e:
            _add_error(form, e)
            status = e.status
        else:
            request.session["complaint_filed"] = {
                "code": sub.complaint.display_code,
                "secret": sub.secret,
                "school": school.name,
            }
            return redirect("complaints:filed")
    return render(
        request, "complaints/public_form.html", {"school": school, "form": form}, status=status
    )


def filed(request: HttpRequest) -> HttpResponse:
    """The code and secret, shown once."""
    data = request.session.pop("complaint_filed", None)
    if data is None:
        return redirect("complaints:track")
    return render(request, "complaints/public_filed.html", data)


def _case_page(request: HttpRequest, complaint: Complaint, secret: str, form=None, status=200):
    view = selectors.public_view(complaint)
    info_form = form or forms.AddInfoForm(
        initial={"code": complaint.tracking_code, "secret": secret}
    )
    return render(
        request,
        "complaints/public_case.html",
        {
            "case": view,
            "form": info_form,
            "open": view["status"] in ("received", "accepted", "verifying"),
        },
        status=status,
    )


def track(request: HttpRequest) -> HttpResponse:
    """Code and secret (posted, never in the address) open the case's public page."""
    form = forms.TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        complaint = selectors.complaint_for_reporter(d["code"], d["secret"])
        if complaint is not None:
            return _case_page(request, complaint, d["secret"])
        form.add_error(None, _("Không tìm thấy phản ánh với mã theo dõi và mã bí mật này."))
    return render(request, "complaints/public_track.html", {"form": form})


@require_POST
def add_info(request: HttpRequest) -> HttpResponse:
    form = forms.AddInfoForm(request.POST, request.FILES)
    complaint = selectors.complaint_for_reporter(
        request.POST.get("code", ""), request.POST.get("secret", "")
    )
    if complaint is None:
        raise Http404
    if not form.is_valid():
        return _case_page(request, complaint, request.POST["secret"], form=form, status=400)
    d = form.cleaned_data
    try:
        services.add_information(
            complaint=complaint, secret=d["secret"], body=d["body"], attachments=d["attachments"]
        )
    except services.ComplaintError as e:
        _add_error(form, e)
        return _case_page(request, complaint, d["secret"], form=form, status=e.status)
    messages.success(request, _("Đã gửi thông tin bổ sung."))
    return _case_page(request, complaint, d["secret"])


def figures(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/public_figures.html", {"f": selectors.public_figures()})


# --- staff -------------------------------------------------------------------------------------


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = access.complaints_visible_to(user)
    if not qs.exists() and access.explanation_requests_for_user(user).exists():
        return redirect("complaints:explanations")
    qs = selectors.filter_complaints(qs, request.GET, user=user).select_related(
        "institution", "handling_agency"
    )
    qs = qs.order_by(F("due_on").asc(nulls_last=True), "-id")
    ctx = {
        "page": paginate(request, qs),
        "query": query_without_page(request),
        "f": request.GET,
        "statuses": Status.choices,
        "categories": forms.Category.choices,
        "sources": forms.Source.choices,
        "today": timezone.localdate(),
    }
    return render(request, "complaints/manage_list.html", ctx)


def _detail(request: HttpRequest, complaint: Complaint, *, identity=None, status=200):
    from oversight.programs.models import Program

    user = request.user
    can_handle = access.can_handle_complaint(user, complaint)
    programs = Program.objects.filter(institution=complaint.institution_id).order_by("title")
    ctx = {
        "c": complaint,
        "can_handle": can_handle,
        "is_handler": complaint.handler_id == user.pk,
        "can_reveal": access.can_reveal_reporter(user, complaint),
        "identity": identity,
        "h": selectors.case_history(complaint, internal=True),
        "reject_form": forms.ReasonForm(auto_id="reject-%s"),
        "escalate_form": forms.ReasonForm(auto_id="escalate-%s"),
        "reply_form": forms.ReplyForm(initial={"public": True}),
        "conclude_form": forms.ConcludeForm(),
        "link_form": forms.LinkForm(programs=programs, initial={"program": complaint.program_id}),
        "finding_form": forms.LinkFindingForm(
            findings=selectors.linkable_findings(user, complaint),
            initial={"finding": complaint.finding_id},
        ),
        "inspection_form": forms.LinkInspectionForm(
            inspections=selectors.linkable_inspections(user, complaint),
            initial={"inspection": complaint.inspection_id},
        ),
        "question_form": forms.QuestionForm(),
    }
    return render(request, "complaints/manage_detail.html", ctx, status=status)


@login_required
def manage_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _detail(request, access.get_complaint_for_user(request.user, complaint_id))


@require_POST
@login_required
def reveal(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The handler reads the reporter's identity, giving a reason that is logged."""
    complaint = access.get_complaint_for_user(request.user, complaint_id, write=True)
    form = forms.ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        identity = services.reveal_identity(complaint=complaint, by=request.user, reason=reason)
    except services.ComplaintError as e:
        messages.error(request, e.message)
        return redirect("complaints:detail", complaint.pk)
    return _detail(request, complaint, identity=identity)


Step = tuple[Any, Callable[..., Any]]
STEPS: dict[str, Step] = {
    "accept": (None, lambda c, by, d: services.accept_complaint(complaint=c, by=by)),
    "reject": (
        forms.ReasonForm,
        lambda c, by, d: services.reject_complaint(complaint=c, by=by, reason=d["reason"]),
    ),
    "release": (None, lambda c, by, d: services.release_from_moderation(complaint=c, by=by)),
    "take": (None, lambda c, by, d: services.take_complaint(complaint=c, by=by)),
    "verify": (None, lambda c, by, d: services.start_verifying(complaint=c, by=by)),
    "conclude": (
        forms.ConcludeForm,
        lambda c, by, d: services.conclude_complaint(
            complaint=c, by=by, outcome=d["outcome"], conclusion=d["conclusion"]
        ),
    ),
    "close": (None, lambda c, by, d: services.close_complaint(complaint=c, by=by)),
    "escalate": (
        forms.ReasonForm,
        lambda c, by, d: services.escalate_complaint(complaint=c, by=by, reason=d["reason"]),
    ),
    "reply": (
        forms.ReplyForm,
        lambda c, by, d: services.reply_to_complaint(
            complaint=c, by=by, body=d["body"], public=d["public"]
        ),
    ),
    "explain": (
        forms.QuestionForm,
        lambda c, by, d: services.request_explanation(complaint=c, by=by, question=d["question"]),
    ),
}


@require_POST
@login_required
def step(request: HttpRequest, complaint_id: int, action: str) -> HttpResponse:
    if action not in STEPS and action not in ("link", "link_finding", "link_inspection"):
        raise Http404
    complaint = access.get_complaint_for_user(request.user, complaint_id, write=True)
    if action == "link":
        from oversight.programs.models import Program

        programs = Program.objects.filter(institution=complaint.institution_id)
        form: Any = forms.LinkForm(request.POST, programs=programs)

        def run(c, by, d):
            return services.link_program(complaint=c, by=by, program_id=d["program"])

    elif action == "link_finding":
        form = forms.LinkFindingForm(
            request.POST, findings=selectors.linkable_findings(request.user, complaint)
        )

        def run(c, by, d):
            return services.link_finding(complaint=c, by=by, finding_id=d["finding"])

    elif action == "link_inspection":
        form = forms.LinkInspectionForm(
            request.POST, inspections=selectors.linkable_inspections(request.user, complaint)
        )

        def run(c, by, d):
            return services.link_inspection(complaint=c, by=by, inspection_id=d["inspection"])

    else:
        form_class, run = STEPS[action]
        form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(
            request,
            _("Thiếu hoặc sai nội dung: ")
            + "; ".join(str(e) for errs in form.errors.values() for e in errs),
        )
        return redirect("complaints:detail", complaint.pk)
    try:
        run(complaint, request.user, form.cleaned_data if form is not None else {})
    except services.ComplaintError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Đã lưu."))
    return redirect("complaints:detail", complaint.pk)


@login_required
def attachment(request: HttpRequest, complaint_id: int, attachment_id: int) -> HttpResponse:
    complaint = access.get_complaint_for_user(request.user, complaint_id)
    a = complaint.attachments.filter(pk=attachment_id).first()
    if a is None:
        raise Http404
    return FileResponse(a.file.open("rb"), content_type=a.content_type)


@login_required
def log_new(request: HttpRequest) -> HttpResponse:
    """Staff record a hotline, press or inspection complaint: find the school, then the form."""
    user = request.user
    school_id = request.GET.get("school", "")
    school = (
        access.institutions_visible_to(user).filter(pk=school_id).first()
        if school_id.isdigit()
        else None
    )
    if school is None or not access.can_log_complaint(user, school):
        q = request.GET.get("q", "")
        schools = (
            access.institutions_visible_to(user).search(q).select_related("unit")[:20]
            if q.strip()
            else []
        )
        return render(request, "complaints/manage_log_find.html", {"q": q, "schools": schools})
    form = forms.LogComplaintForm(request.POST or None, initial={"institution": school.pk})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            sub = services.log_complaint(
                by=user,
                institution=school,
                source=d["source"],
                category=d["category"],
                description=d["description"],
                anonymous=d["anonymous"] == "yes",
                name=d["name"],
                phone=d["phone"],
                names_principal=d["names_principal"],
            )
        except services.ComplaintError as e:
            _add_error(form, e)
        else:
            messages.success(
                request,
                _(
                    "Đã ghi nhận. Mã theo dõi %(code)s, mã bí mật %(secret)s "
                    "(báo cho người phản ánh)."
                )
                % {"code": sub.complaint.display_code, "secret": sub.secret},
            )
            if access.complaints_visible_to(user).filter(pk=sub.complaint.pk).exists():
                return redirect("complaints:detail", sub.complaint.pk)
            return redirect("complaints:manage")
    return render(request, "complaints/manage_log.html", {"school": school, "form": form})


@login_required
def explanations(request: HttpRequest) -> HttpResponse:
    """The school's questions to explain: the question only, never the complaint."""
    reqs = access.explanation_requests_for_user(request.user).select_related(
        "complaint__institution"
    )
    return render(
        request,
        "complaints/explanations.html",
        {"requests": reqs, "form": forms.AnswerForm()},
    )


@require_POST
@login_required
def answer(request: HttpRequest, request_id: int) -> HttpResponse:
    req = access.explanation_requests_for_user(request.user).filter(pk=request_id).first()
    if req is None:
        raise Http404
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_explanation(
                request=req, by=request.user, answer=form.cleaned_data["answer"]
            )
        except services.ComplaintError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("Đã gửi giải trình."))
    else:
        messages.error(request, _("Cần nội dung giải trình."))
    return redirect("complaints:explanations")


@login_required
def hotspots(request: HttpRequest) -> HttpResponse:
    qs = access.hotspots_visible_to(request.user).select_related("institution", "unit")
    state = request.GET.get("state")
    qs = qs.filter(state=state) if state in Hotspot.State.values else qs.exclude(state="resolved")
    return render(
        request,
        "complaints/hotspots.html",
        {
            "page": paginate(request, qs.order_by("-weight", "-id")),
            "state": state,
            "states": Hotspot.State.choices,
            "query": query_without_page(request),
        },
    )


@login_required
def hotspot_detail(request: HttpRequest, hotspot_id: int) -> HttpResponse:
    h = (
        access.hotspots_visible_to(request.user)
        .select_related("institution", "unit")
        .filter(pk=hotspot_id)
        .first()
    )
    if h is None:
        raise Http404
    if request.method == "POST":
        form = forms.NoteForm(request.POST)
        try:
            services.resolve_hotspot(hotspot=h, by=request.user, note=form.data.get("note", ""))
        except services.ComplaintError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("Đã đánh dấu đã xử lý."))
        return redirect("complaints:hotspot", h.pk)
    evidence = selectors.hotspot_evidence(h).filter(
        pk__in=access.complaints_visible_to(request.user).values("pk")
    )
    return render(
        request,
        "complaints/hotspot.html",
        {
            "h": h,
            "evidence": evidence,
            "can_resolve": access.can_resolve_hotspot(request.user, h),
            "form": forms.NoteForm(),
            "back": reverse("complaints:hotspots"),
        },
    )
