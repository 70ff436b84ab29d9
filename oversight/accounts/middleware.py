from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from oversight.accounts.access import needs_two_factor

# Paths a signed-in official may reach before passing the second factor.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/api/")


class RequireTwoFactorMiddleware:
    """When REQUIRE_2FA is on, department and inspector roles pass TOTP before anything else.

    The API is exempt here because it authenticates with bearer tokens that only a verified
    session can create.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_2FA
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not user.is_verified()
            and needs_two_factor(user)
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
        return self.get_response(request)
