"""Writes to accounts: passwords, two-factor devices, role assignments and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts.access import needs_two_factor
from oversight.accounts.models import ApiToken, Role, RoleAssignment, User
from oversight.audit.services import record_event
from oversight.registry.models import Agency, Institution, Unit

TOKEN_PREFIX = "hpo_"


class AccountError(Exception):
    """An account rule forbids this change; the message is safe to show to the user."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_token(*, user: User, name: str, by: Any) -> tuple[ApiToken, str]:
    """Create a bearer token for `user`; the clear key is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise AccountError(_("Hãy đặt tên cho mã truy cập (ví dụ: tên hệ thống sẽ dùng nó)."))
    if not user.is_active:
        raise AccountError(_("Tài khoản đã bị khóa."))
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=key[:12], key_hash=_hash(key)
    )
    record_event(actor=by, action="api_token.created", target=token, data={"user": user.username})
    return token, key


@transaction.atomic
def revoke_token(*, token: ApiToken, by: Any) -> ApiToken:
    """Revoke a token at once; later requests carrying it are refused."""
    if token.user_id != getattr(by, "pk", None) and not getattr(by, "is_superuser", False):
        raise AccountError(_("Bạn chỉ có thể thu hồi mã truy cập của chính mình."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(actor=by, action="api_token.revoked", target=token)
    return token


def user_for_token(key: str) -> User | None:
    """The active user a live token belongs to, or None."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write the last-use time at most once a minute, not on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def assign_role(
    *,
    user: User,
    role: str,
    by: Any,
    unit: Unit | None = None,
    agency: Agency | None = None,
    institution: Institution | None = None,
) -> RoleAssignment:
    """Give `user` a role over exactly one scope (a unit, an agency or an institution)."""
    if role not in Role.values:
        raise AccountError(_("Vai trò không hợp lệ: %(role)s.") % {"role": role})
    if sum(x is not None for x in (unit, agency, institution)) != 1:
        raise AccountError(
            _("Mỗi phân quyền gắn với đúng một phạm vi: địa bàn, cơ quan hoặc trường.")
        )
    existing = (
        RoleAssignment.objects.active()
        .filter(user=user, role=role, unit=unit, agency=agency, institution=institution)
        .first()
    )
    if existing:
        return existing
    assignment = RoleAssignment.objects.create(
        user=user, role=role, unit=unit, agency=agency, institution=institution
    )
    record_event(
        actor=by,
        action="role.assigned",
        target=user,
        data={
            "role": role,
            "scope": str(assignment.scope),
        },
    )
    return assignment


@transaction.atomic
def revoke_role(*, assignment: RoleAssignment, by: Any) -> RoleAssignment:
    if assignment.revoked_at is None:
        assignment.revoked_at = timezone.now()
        assignment.save(update_fields=["revoked_at"])
        record_event(
            actor=by, action="role.revoked", target=assignment.user, data={"role": assignment.role}
        )
    return assignment


@transaction.atomic
def save_user(*, user: User, changed: list[str], by: Any) -> User:
    """Save a user edited by an administrator; the trail names the changed fields, never values."""
    created = user.pk is None
    user.save()
    fields = sorted(f for f in changed if "password" not in f)
    action = "user.created" if created else "user.updated"
    record_event(actor=by, action=action, target=user, data={"fields": fields})
    return user


@transaction.atomic
def change_password(*, user: User, new_password: str, by: Any) -> User:
    """Set a new password that passes the configured validators; the old sessions end."""
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as e:
        raise AccountError(" ".join(e.messages)) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_event(actor=by, action="password.changed", target=user)
    return user


def record_password_set(*, user: User, by: Any) -> None:
    """Audit a password an administrator set in the admin (whose own form saved it)."""
    record_event(actor=by, action="password.set_by_admin", target=user)


TOTP_DEVICE_NAME = "Ứng dụng xác thực"


def _clean_code(code: str) -> str:
    return "".join((code or "").split())


def _check_code(device: TOTPDevice, code: str) -> None:
    """Raise AccountError unless `code` is a current, unused code of `device`."""
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        raise AccountError(_("Đã nhập sai quá nhiều lần. Hãy đợi một lát rồi thử lại."))
    if not device.verify_token(_clean_code(code)):
        raise AccountError(_("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã mới nhất."))


def start_totp_setup(*, user: User) -> TOTPDevice:
    """The user's pending authenticator (made on first call); it counts only once confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def confirm_totp_device(*, device: TOTPDevice, code: str, by: Any) -> TOTPDevice:
    """Turn on two-factor sign-in once the user proves the app shows the right codes."""
    if device.confirmed:
        return device
    # Checked outside the transaction below so a wrong code's throttling is kept, not rolled back.
    _check_code(device, code)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per account: a new one replaces any other.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        record_event(actor=by, action="two_factor.enabled", target=device.user)
    return device


def verify_second_factor(*, user: User, code: str) -> TOTPDevice:
    """The user's confirmed authenticator if `code` is current; wrong codes are throttled."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        raise AccountError(_("Tài khoản chưa bật xác thực hai bước."))
    _check_code(device, code)
    return device


def disable_two_factor(*, user: User, code: str, by: Any) -> None:
    """Turn off two-factor sign-in; needs a current code, and is refused where it is required."""
    if settings.REQUIRE_2FA and (needs_two_factor(user) or user.is_superuser):
        raise AccountError(_("Vai trò của bạn bắt buộc xác thực hai bước nên không thể tắt."))
    verify_second_factor(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record_event(actor=by, action="two_factor.disabled", target=user)
