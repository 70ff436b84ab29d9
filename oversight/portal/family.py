"""The guardian's side: sign in by phone, see each child's programmes, register, decline or
leave, keep the receipts, download what is held about the child."""

from __future__ import annotations

import json
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from oversight.accounts.access import get_program_for_user, guardian_children
from oversight.accounts.phone import PhoneSignInError, send_sign_in_code, verify_sign_in_code
from oversight.audit.services import record_event
from oversight.enrollment import selectors
from oversight.enrollment.models import Channel, ConsentEntry, Decision
from oversight.enrollment.receipts import check_receipt, normalise_code, qr_svg
from oversight.enrollment.services import EnrollmentError, format_receipt, record_consent


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Số điện thoại đã đăng ký với nhà trường"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã gồm 6 chữ số trong tin nhắn"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def guardian_required(view):
    """Signed-in guardians only; others go to the phone sign-in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('portal:family_login')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapper


def _child(request, student_id: int):
    student = guardian_children(request.user).select_related("institution").filter(pk=student_id)
    found = student.first()
    if found is None:
        raise Http404
    return found


def family_login(request):
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone = send_sign_in_code(phone=form.cleaned_data["phone"])
        except PhoneSignInError as e:
            form.add_error("phone", e.message)
        else:
            request.session["family_phone"] = phone
            request.session["family_next"] = request.GET.get("next", "")
            messages.info(
                request,
                _("Nếu số này có trong hồ sơ của trường, mã đăng nhập đã được gửi bằng tin nhắn."),
            )
            return redirect("portal:family_code")
    return render(request, "portal/family/login.html", {"form": form})


def family_code(request):
    phone = request.session.get("family_phone")
    if not phone:
        return redirect("portal:family_login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = verify_sign_in_code(phone=phone, code=form.cleaned_data["code"])
        except PhoneSignInError as e:
            form.add_error("code", e.message)
        else:
            nxt = request.session.get("family_next", "")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
                return redirect(nxt)
            return redirect("portal:family")
    masked = f"{phone[:3]}****{phone[-3:]}"
    return render(request, "portal/family/code.html", {"form": form, "masked": masked})


@guardian_required
def family_home(request):
    children = guardian_children(request.user).select_related("institution").order_by("sort_key")
    return render(request, "portal/family/home.html", {"children": children})


@guardian_required
def family_child(request, student_id: int):
    student = _child(request, student_id)
    programs = list(selectors.offered_programs(student).prefetch_related("sessions"))
    states = selectors.states_for(student, programs)
    rows = []
    for p in programs:
        state = states[p.pk]
        latest = selectors.latest_disclosure(p)
        en = state["enrollment"]
        rows.append(
            {
                "program": p,
                "decision": state["decision"],
                "enrollment": en,
                "outdated": en is not None
                and latest is not None
                and en.grant.disclosure_id != latest.pk,
                "problems": selectors.eligibility_problems(student, p)
                if p.status == p.Status.APPROVED
                else [],
            }
        )
    return render(
        request,
        "portal/family/child.html",
        {"student": student, "rows": rows, "asks_child": student.age_on(timezone.localdate()) >= 7},
    )


@guardian_required
@require_POST
def family_decide(request, student_id: int, program_id: int):
    student = _child(request, student_id)
    program = get_program_for_user(request.user, program_id)
    decision = request.POST.get("decision", "")
    child = request.POST.get("child_confirmed")
    child_confirmed = {"yes": True, "no": False}.get(child or "")
    if (
        decision == Decision.GRANTED
        and student.age_on(timezone.localdate()) >= 7
        and child_confirmed is None
    ):
        messages.error(request, _("Hãy hỏi ý kiến con và chọn con có đồng ý tham gia hay không."))
        return redirect("portal:family_child", student_id=student.pk)
    confirms = None
    if request.POST.get("confirms"):
        confirms = ConsentEntry.objects.filter(
            receipt_code=normalise_code(request.POST["confirms"]), student=student, program=program
        ).first()
    try:
        entry = record_consent(
            program=program,
            student=student,
            decision=decision,
            by=request.user,
            child_confirmed=child_confirmed,
            confirms=confirms,
        )
    except EnrollmentError as e:
        messages.error(request, e.message)
        return redirect("portal:family_child", student_id=student.pk)
    messages.success(
        request,
        _("Đã ghi nhận. Mã biên nhận: %(code)s.") % {"code": format_receipt(entry.receipt_code)},
    )
    return redirect("portal:receipt", code=entry.receipt_code)


@guardian_required
def family_decisions(request, student_id: int):
    student = _child(request, student_id)
    entries = selectors.decisions_for_student(student)
    return render(request, "portal/family/decisions.html", {"student": student, "entries": entries})


@guardian_required
def family_data(request, student_id: int):
    student = _child(request, student_id)
    record_event(actor=request.user, action="student.data_exported", target=student)
    body = json.dumps(selectors.child_data(student), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="du-lieu-hoc-sinh-{student.pk}.json"'
    return response


@guardian_required
def family_confirm(request, code: str):
    """A paper application entered by the school, shown to the family to confirm or undo."""
    entry = get_object_or_404(
        ConsentEntry.objects.select_related("program", "student"),
        receipt_code=normalise_code(code),
        channel=Channel.PAPER,
    )
    if not guardian_children(request.user).filter(pk=entry.student_id).exists():
        raise Http404
    latest = selectors.latest_decision(entry.student, entry.program)
    return render(
        request,
        "portal/family/confirm.html",
        {
            "entry": entry,
            "pending": latest is not None and latest.pk == entry.pk,
            "asks_child": entry.student.age_on(timezone.localdate()) >= 7,
        },
    )


def receipt(request, code: str):
    """Public: anyone holding a receipt checks it is genuine; no personal data is shown."""
    result = check_receipt(code)
    url = request.build_absolute_uri(reverse("portal:receipt", args=[result["code"] or "-"]))
    return render(
        request,
        "portal/receipt.html",
        {
            "r": result,
            "display_code": format_receipt(result["code"]) if result["code"] else "",
            "qr": qr_svg(url) if result["valid"] else "",
        },
        status=200 if result["valid"] else 404,
    )


def receipt_lookup(request):
    code = normalise_code(request.GET.get("code", ""))
    if code:
        return redirect("portal:receipt", code=code)
    return render(request, "portal/receipt_lookup.html")
