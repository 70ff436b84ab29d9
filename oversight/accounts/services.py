"""Writes to accounts: role assignments and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=key[:12], key_hash=_hash(key))
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
    *, user: User, role: str, by: Any, unit: Unit | None = None, agency: Agency | None = None,
    institution: Institution | None = None,
) -> RoleAssignment:
    """Give `user` a role over exactly one scope (a unit, an agency or an institution)."""
    if role not in Role.values:
        raise AccountError(_("Vai trò không hợp lệ: %(role)s.") % {"role": role})
    if sum(x is not None for x in (unit, agency, institution)) != 1:
        raise AccountError(_("Mỗi phân quyền gắn với đúng một phạm vi: địa bàn, cơ quan hoặc trường."))
    existing = RoleAssignment.objects.active().filter(
        user=user, role=role, unit=unit, agency=agency, institution=institution
    ).first()
    if existing:
        return existing
    assignment = RoleAssignment.objects.create(
        user=user, role=role, unit=unit, agency=agency, institution=institution
    )
    record_event(actor=by, action="role.assigned", target=user, data={
        "role": role, "scope": str(assignment.scope),
    })
    return assignment


@transaction.atomic
def revoke_role(*, assignment: RoleAssignment, by: Any) -> RoleAssignment:
    if assignment.revoked_at is None:
        assignment.revoked_at = timezone.now()
        assignment.save(update_fields=["revoked_at"])
        record_event(actor=by, action="role.revoked", target=assignment.user, data={"role": assignment.role})
    return assignment
