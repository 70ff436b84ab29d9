from django.conf import settings
from django.contrib.auth import authenticate
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Router, Schema
from ninja.errors import HttpError

from oversight.accounts.access import needs_two_factor
from oversight.accounts.services import AccountError, issue_token, verify_second_factor

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response={200: TokenOut}, summary="Lấy mã truy cập")
def token(request, payload: Credentials):
    """Exchange a username and password for a bearer token. Lockout applies as on the sign-in
    page, and an account that owes a second factor must send its current code as `otp`."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise HttpError(
            429, "Tài khoản tạm bị khóa do nhập sai mật khẩu nhiều lần. Hãy thử lại sau."
        )
    if user is None or not user.is_active:
        raise HttpError(401, "Tên đăng nhập hoặc mật khẩu không đúng.")
    has_device = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
    if has_device or (settings.REQUIRE_2FA and needs_two_factor(user)):
        if not payload.otp:
            raise HttpError(401, "Tài khoản này cần mã xác thực hai bước: gửi kèm trường otp.")
        try:
            verify_second_factor(user=user, code=payload.otp)
        except AccountError as e:
            raise HttpError(401, str(e)) from e
    _, key = issue_token(user=user, name="API", by=user)
    return {"token": key}
