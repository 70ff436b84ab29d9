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
