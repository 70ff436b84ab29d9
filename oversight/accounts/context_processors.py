from oversight.accounts.access import can_import_anything, roles_of


def roles(request):
    """The signed-in user's roles, and what the navigation offers them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": set(), "nav_import": False}
    return {"user_roles": roles_of(user), "nav_import": can_import_anything(user)}
