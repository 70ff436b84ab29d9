from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.accounts.access import (
    AUTHORITY_ROLES,
    guardian_children,
    institutions_visible_to,
    reported_plans_visible_to,
    roles_of,
)
from oversight.accounts.models import Role, RoleAssignment
from oversight.lib.public_cache import public_page
from oversight.portal.selectors import worklist
from oversight.registry.selectors import figures_for


def home(request):
    """The public landing page, or the signed-in user's figures for their scope."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/landing.html")
    roles = roles_of(user)
    ctx = {
        "assignments": RoleAssignment.objects.active()
        .filter(user=user)
        .select_related("unit", "agency", "institution"),
        "children": guardian_children(user).select_related("institution")
        if Role.GUARDIAN in roles
        else [],
    }
    if user.is_superuser or roles - {Role.GUARDIAN}:
        visible = institutions_visible_to(user)
        ctx["figures"] = figures_for(visible)
        if (
            len(roles & {Role.PRINCIPAL, Role.SCHOOL_STAFF, Role.TEACHER, Role.PARTNER_STAFF})
            and ctx["figures"]["institutions"] <= 5
        ):
            ctx["own_institutions"] = visible.select_related("unit")
    if user.is_superuser or roles & AUTHORITY_ROLES:
        # The managing authority is told of every in-school plan its principals approve.
        reported = reported_plans_visible_to(user).select_related("program__institution", "agency")
        ctx["reported_plans"], ctx["reported_count"] = reported[:5], reported.count()
    ctx["worklist"] = worklist(user, timezone.localdate())
    return render(request, "portal/home.html", ctx)


def health(request):
    """For load balancers and uptime checks: the process answers (no database, no session)."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def not_found(request, exception=None):
    """404 for every door: the API's error shape under /api/, a Vietnamese page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error(404, "not_found", "Không có địa chỉ này trong API.")
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_error(403, "forbidden", "Bạn không có quyền thực hiện thao tác này.")
    return render(request, "403.html", status=403)


@public_page
def public_program(request, program_id: int):
    """The public disclosure of a published programme: no sign-in, no personal data."""
    from oversight.programs.models import Program

    program = (
        Program.objects.published()
        .select_related("institution__unit", "facility__unit", "partner", "subject", "school_year")
        .prefetch_related("sessions", "staff")
        .filter(pk=program_id)
        .first()
    )
    if program is None:
        raise Http404
    version = program.versions.order_by("-number").first()
    return render(request, "portal/program.html", {"program": program, "version": version})


def _published():
    from oversight.programs.models import Program

    return Program.objects.filter(status=Program.Status.APPROVED).select_related(
        "institution__unit", "facility__unit", "subject"
    )


@public_page
def public_programs(request):
    """City-wide search of published programmes (accent-insensitive); no sign-in."""
    from oversight.lib.pagination import paginate, query_without_page
    from oversight.programs.models import Program
    from oversight.registry.models import Institution, Subject, Unit
    from oversight.registry.services import COMMUNE_KINDS

    g = request.GET
    qs = _published().search(g.get("q"))
    if g.get("unit", "").isdigit():
        qs = qs.filter(Q(institution__unit_id=g["unit"]) | Q(facility__unit_id=g["unit"]))
    if g.get("level") in Institution.Level.values:
        qs = qs.filter(institution__level=g["level"])
    if g.get("kind") in Program.Kind.values:
        qs = qs.filter(kind=g["kind"])
    if g.get("category") in Program.Category.values:
        qs = qs.filter(category=g["category"])
    if g.get("subject", "").isdigit():
        qs = qs.filter(subject_id=g["subject"])
    for name, lookup in (("fee_min", "fee_amount__gte"), ("fee_max", "fee_amount__lte")):
        if g.get(name, "").isdigit():
            qs = qs.filter(**{lookup: int(g[name])})
    ctx = {
        "page": paginate(request, qs.order_by("sort_key", "id")),
        "query": query_without_page(request),
        "f": g,
        "kinds": Program.Kind.choices,
        "categories": Program.Category.choices,
        "levels": Institution.Level.choices,
        "subjects": Subject.objects.order_by("name"),
        "units": Unit.objects.filter(kind__in=COMMUNE_KINDS, valid_to__isnull=True),
    }
    return render(request, "portal/programs.html", ctx)


@public_page
def public_school(request, institution_id: int):
    """A school's public page: every programme it runs that has been published."""
    from oversight.registry.models import Institution

    school = Institution.objects.select_related("unit").filter(pk=institution_id).first()
    if school is None:
        raise Http404
    programs = _published().filter(institution=school).order_by("sort_key")
    return render(request, "portal/school.html", {"school": school, "programs": programs})


def program_notice(request, program_id: int):
    """The A4 PDF notice of a published programme."""
    from django.http import HttpResponse
    from django.urls import reverse

    from oversight.programs.models import Program
    from oversight.programs.notice import notice_pdf

    program = (
        Program.objects.published()
        .select_related("institution__unit", "facility", "partner", "subject")
        .filter(pk=program_id)
        .first()
    )
    if program is None:
        raise Http404
    url = request.build_absolute_uri(reverse("portal:program", args=[program.pk]))
    response = HttpResponse(
        notice_pdf(program=program, public_url=url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="thong-bao-{program.pk}.pdf"'
    return response
