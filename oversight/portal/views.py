from django.http import Http404, JsonResponse
from django.shortcuts import render

from oversight.accounts.access import guardian_children, institutions_visible_to, roles_of
from oversight.accounts.models import Role, RoleAssignment
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
    return render(request, "portal/home.html", ctx)


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
