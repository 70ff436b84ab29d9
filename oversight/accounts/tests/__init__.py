from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts.models import User


def make_totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=confirmed)


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows right now."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"
