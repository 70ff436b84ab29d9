from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from oversight.accounts.access import needs_two_factor

# Set at sign-in when the account has a confirmed authenticator, so a password alone never
# opens the session even for roles that may go without two-factor.
TWO_FACTOR_PENDING = "accounts_two_factor_pending"

# Paths a signed-in user may reach before passing the second factor. Not the rest of
# /accounts/: changing the password or issuing an API token must wait for the code.
_OPEN_URL_NAMES = (
    "accounts:login",
    "accounts:logout",
    "accounts:two_factor",
    "accounts:two_factor_setup",
)
_OPEN_PREFIXES = ("/i18n/", "/static/", "/api/")


def two_factor_required(request) -> bool:
    """True if this signed-in user must pass TOTP before going on."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if request.session.get(TWO_FACTOR_PENDING):
        return True
    # Superusers hold every power, so they are held to the same rule as the department.
    return settings.REQUIRE_2FA and needs_two_factor(user)


class RequireTwoFactorMiddleware:
    """Officials who must use two-factor pass TOTP before anything else.

    That is department and inspector roles (and superusers) when REQUIRE_2FA is on, and
    anyone who signed in to an account with a confirmed authenticator. The API is exempt
    here because it authenticates with bearer tokens that only a verified session can create.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if two_factor_required(request) and not _is_open(request.path):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)


def _is_open(path: str) -> bool:
    return path.startswith(_OPEN_PREFIXES) or path in {reverse(name) for name in _OPEN_URL_NAMES}
