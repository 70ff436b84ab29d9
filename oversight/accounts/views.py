from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts import services
from oversight.accounts.access import needs_two_factor
from oversight.accounts.forms import ChangePasswordForm, CodeForm, SignInForm, TokenForm
from oversight.accounts.middleware import TWO_FACTOR_PENDING
from oversight.accounts.models import RoleAssignment


def _next_url(request, default: str = "") -> str:
    """The `next` parameter if it points into this site, else `default` (no open redirect)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if ok else (default or reverse(settings.LOGIN_REDIRECT_URL))


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


class SignInView(LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"

    def form_valid(self, form):
        user = form.get_user()
        has_device = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
        response = super().form_valid(form)
        if has_device:
            self.request.session[TWO_FACTOR_PENDING] = True
        if has_device or (settings.REQUIRE_2FA and (user.is_superuser or needs_two_factor(user))):
            return redirect(_with_next("accounts:two_factor", self.get_success_url()))
        return response


@login_required
def profile(request):
    assignments = (
        RoleAssignment.objects.active()
        .filter(user=request.user)
        .select_related("unit", "agency", "institution")
        .order_by("role", "pk")
    )
    ctx = {
        "assignments": assignments,
        "has_two_factor": TOTPDevice.objects.devices_for_user(
            request.user, confirmed=True
        ).exists(),
        "token_count": request.user.api_tokens.filter(revoked_at__isnull=True).count(),
    }
    return render(request, "accounts/profile.html", ctx)


@login_required
def password_change(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if form.is_valid():
        try:
            services.change_password(
                user=request.user, new_password=form.cleaned_data["new_password1"], by=request.user
            )
        except services.AccountError as e:
            form.add_error("new_password1", str(e))
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@never_cache
@login_required
def two_factor(request):
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return redirect(_with_next("accounts:two_factor_setup", next_url))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = services.verify_second_factor(
                user=request.user, code=form.cleaned_data["code"]
            )
        except services.AccountError as e:
            form.add_error("code", str(e))
        else:
            django_otp.login(request, device)
            request.session.pop(TWO_FACTOR_PENDING, None)
            return redirect(next_url)
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


@never_cache
@login_required
def two_factor_setup(request):
    next_url = _next_url(request, reverse("accounts:profile"))
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return render(request, "accounts/two_factor_enabled.html", {"form": CodeForm()})
    device = services.start_totp_setup(user=request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            services.confirm_totp_device(
                device=device, code=form.cleaned_data["code"], by=request.user
            )
        except services.AccountError as e:
            form.add_error("code", str(e))
        else:
            django_otp.login(request, device)
            request.session.pop(TWO_FACTOR_PENDING, None)
            messages.success(request, _("Đã bật xác thực hai bước."))
            return redirect(next_url)
    ctx = {
        "form": form,
        "next": next_url,
        "qr": _qr_svg(device.config_url),
        "secret": _grouped(b32encode(device.bin_key).decode()),
    }
    return render(request, "accounts/two_factor_setup.html", ctx)


def _qr_svg(data: str) -> str:
    # segno draws the SVG from the otpauth URL itself; nothing the user typed goes in raw.
    # No fixed size: it fills its box, which the template caps, so it fits a phone screen.
    svg = segno.make(data, error="m").svg_inline(border=2, omitsize=True)
    return mark_safe(svg.replace("<svg ", '<svg width="100%" ', 1))


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_POST
@login_required
def two_factor_disable(request):
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.disable_two_factor(
                user=request.user, code=form.cleaned_data["code"], by=request.user
            )
        except services.AccountError as e:
            form.add_error("code", str(e))
        else:
            request.session.pop(TWO_FACTOR_PENDING, None)
            messages.success(request, _("Đã tắt xác thực hai bước."))
            return redirect("accounts:profile")
    return render(request, "accounts/two_factor_enabled.html", {"form": form}, status=400)


@never_cache
@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    if form.is_valid():
        try:
            token, key = services.issue_token(
                user=request.user, name=form.cleaned_data["name"], by=request.user
            )
        except services.AccountError as e:
            form.add_error("name", str(e))
        else:
            # Rendered, not redirected: the clear key exists only in this one response.
            return render(request, "accounts/token_created.html", {"token": token, "key": key})
    ctx = {"form": form, "tokens": request.user.api_tokens.all()}
    return render(request, "accounts/tokens.html", ctx)


@require_POST
@login_required
def token_revoke(request, token_id: int):
    token = get_object_or_404(request.user.api_tokens, pk=token_id)
    services.revoke_token(token=token, by=request.user)
    messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    return redirect("accounts:tokens")
