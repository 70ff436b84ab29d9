from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.accounts.access import (
    can_read_audit,
    classes_for_user,
    get_institution_for_user,
    get_student_for_user,
    get_unit_for_user,
    institutions_visible_to,
    students_for_user,
    teachers_for_user,
    units_visible_to,
)
from oversight.audit.services import record_event
from oversight.lib.pagination import paginate, query_without_page
from oversight.registry.forms import ManagingAgencyForm
from oversight.registry.models import Institution, Unit
from oversight.registry.selectors import current_school_year
from oversight.registry.services import RegistryError, set_managing_agency

UNIT_KINDS = [(k, v) for k, v in Unit.Kind.choices]


def _partial(request, full: str, fragment: str) -> str:
    return fragment if request.htmx and not request.htmx.boosted else full


@login_required
def units(request):
    qs = units_visible_to(request.user).search(request.GET.get("q")).select_related("parent")
    kind = request.GET.get("kind", "")
    if kind in Unit.Kind.values:
        qs = qs.filter(kind=kind)
    page = paginate(request, qs, per_page=60)
    ctx = {
        "page": page,
        "q": request.GET.get("q", ""),
        "kind": kind,
        "kinds": UNIT_KINDS,
        "query": query_without_page(request),
    }
    return render(
        request, _partial(request, "registry/units.html", "registry/_unit_rows.html"), ctx
    )


@login_required
def unit_detail(request, unit_id: int):
    unit = get_unit_for_user(request.user, unit_id)
    institutions = institutions_visible_to(request.user).filter(unit__path__startswith=unit.path)
    ctx = {
        "unit": unit,
        "names": unit.names.all(),
        "successors": unit.successors.all() if unit.kind == Unit.Kind.DISTRICT else [],
        "replaced": unit.replaced.all(),
        "page": paginate(request, institutions.select_related("unit"), per_page=50),
        "query": query_without_page(request),
    }
    return render(request, "registry/unit.html", ctx)


@login_required
def institutions(request):
    qs = institutions_visible_to(request.user).search(request.GET.get("q")).select_related("unit")
    filters = {k: request.GET.get(k, "") for k in ("level", "ownership", "unit")}
    if filters["level"] in Institution.Level.values:
        qs = qs.filter(level=filters["level"])
    if filters["ownership"] in Institution.Ownership.values:
        qs = qs.filter(ownership=filters["ownership"])
    if filters["unit"].isdigit():
        unit = Unit.objects.filter(pk=filters["unit"]).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    ctx = {
        "page": paginate(request, qs, per_page=50),
        "q": request.GET.get("q", ""),
        **filters,
        "levels": Institution.Level.choices,
        "ownerships": Institution.Ownership.choices,
        "query": query_without_page(request),
    }
    template = _partial(request, "registry/institutions.html", "registry/_institution_rows.html")
    return render(request, template, ctx)


TABS = ("overview", "classes", "teachers", "students")


@login_required
def institution_detail(request, institution_id: int, tab: str = "overview"):
    if tab not in TABS:
        raise Http404
    institution = get_institution_for_user(request.user, institution_id)
    rights = institution.rights
    year = current_school_year()
    ctx = {
        "institution": institution,
        "rights": rights,
        "tab": tab,
        "year": year,
        "query": query_without_page(request),
        "can_audit": can_read_audit(request.user),
    }
    if rights.set_managing_agency:
        ctx["agency_form"] = ManagingAgencyForm(
            institution=institution,
            initial={
                "agency": institution.managing_agency
                if institution.managing_override_reason
                else None
            },
        )
    if tab == "classes":
        ctx["page"] = paginate(
            request, classes_for_user(request.user, institution).filter(school_year=year)
        )
    elif tab == "teachers":
        qs = teachers_for_user(request.user, institution).prefetch_related("subjects")
        ctx["page"] = paginate(request, qs.search(request.GET.get("q")))
    elif tab == "students":
        qs = students_for_user(request.user, institution).search(request.GET.get("q"))
        ctx["page"] = paginate(request, _with_class(qs, year))
        ctx["q"] = request.GET.get("q", "")
        # A list of children is personal data: log who read it (RULES.md, "Personal data").
        record_event(
            actor=request.user,
            action="students.listed",
            target=institution,
            data={"page": ctx["page"].number, "q": ctx["q"]},
        )
    return render(request, "registry/institution.html", ctx)


def _with_class(students, year):
    from django.db.models import Prefetch

    from oversight.registry.models import ClassMembership

    return students.prefetch_related(
        Prefetch(
            "memberships",
            queryset=ClassMembership.objects.filter(school_year=year).select_related(
                "homeroom_class"
            ),
            to_attr="current_memberships",
        )
    )


@login_required
def student_detail(request, student_id: int):
    student = get_student_for_user(request.user, student_id)
    record_event(actor=request.user, action="student.viewed", target=student)
    ctx = {
        "student": student,
        "memberships": student.memberships.select_related("homeroom_class", "school_year"),
        "guardianships": student.guardianships.select_related("guardian"),
    }
    return render(request, "registry/student.html", ctx)


@require_POST
@login_required
def set_institution_agency(request, institution_id: int):
    institution = get_institution_for_user(request.user, institution_id)
    if not institution.rights.set_managing_agency:
        raise PermissionDenied
    form = ManagingAgencyForm(request.POST, institution=institution)
    if form.is_valid():
        try:
            set_managing_agency(
                institution=institution,
                agency=form.cleaned_data["agency"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except RegistryError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Đã cập nhật cơ quan quản lý."))
    else:
        messages.error(request, _("Lựa chọn không hợp lệ."))
    return redirect("registry:institution", institution.pk)
