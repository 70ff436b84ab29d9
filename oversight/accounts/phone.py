"""Guardians sign in with their phone number and a one-time code sent by SMS.

Limits (settings): PHONE_CODE_PER_PHONE codes per phone and PHONE_CODE_PER_ORIGIN per network
within PHONE_CODE_WINDOW_MINUTES; a code lives PHONE_CODE_TTL_MINUTES and allows
PHONE_CODE_MAX_ATTEMPTS guesses. A number the schools do not know gets the same answer as a
known one, so the form cannot be used to find out who is a parent.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.accounts.models import PhoneCode, Role, User
from oversight.audit.context import current_origin
from oversight.audit.services import record_event
from oversight.lib.sms import normalise_phone, sms_sender
from oversight.registry.models import Guardian


class PhoneSignInError(Exception):
    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message, self.code = message, code


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def origin_hash() -> str:
    """A keyed hash of the caller's network and browser: lets us count and compare without
    keeping the address."""
    o = current_origin()
    return _digest(f"{o.ip_address or ''}|{o.user_agent}") if o.ip_address else ""


def send_sign_in_code(*, phone: str) -> str:
    """Send a code to `phone` if a school knows it as a guardian's; returns the normalised
    number. Raises PhoneSignInError when the number is malformed or a limit is reached."""
    number = normalise_phone(phone)
    if not number:
        raise PhoneSignInError(
            _("Số điện thoại không hợp lệ: nhập 10 chữ số, ví dụ 0912345678."), code="invalid"
        )
    now = timezone.now()
    since = now - timedelta(minutes=settings.PHONE_CODE_WINDOW_MINUTES)
    where = origin_hash()
    with transaction.atomic():
        recent = PhoneCode.objects.filter(created_at__gte=since)
        if recent.filter(phone=number).count() >= settings.PHONE_CODE_PER_PHONE or (
            where and recent.filter(origin_hash=where).count() >= settings.PHONE_CODE_PER_ORIGIN
        ):
            raise PhoneSignInError(
                _("Bạn đã yêu cầu quá nhiều mã. Vui lòng thử lại sau %(minutes)s phút.")
                % {"minutes": settings.PHONE_CODE_WINDOW_MINUTES},
                code="too_many_requests",
            )
        code = f"{secrets.randbelow(10**6):06d}"
        PhoneCode.objects.create(
            phone=number,
            code_hash=_digest(f"{number}:{code}"),
            origin_hash=where,
            expires_at=now + timedelta(minutes=settings.PHONE_CODE_TTL_MINUTES),
        )
        if Guardian.objects.filter(phone=number).exists():
            text = _(
                "Mã đăng nhập cổng phụ huynh: %(code)s (hiệu lực %(minutes)s phút). "
                "Không chia sẻ mã này với ai, kể cả nhà trường."
            ) % {"code": code, "minutes": settings.PHONE_CODE_TTL_MINUTES}
            transaction.on_commit(lambda: sms_sender().send(number, text))
    return number


def verify_sign_in_code(*, phone: str, code: str) -> User:
    """The guardian's account for `phone` if `code` is its latest live code. Makes the account
    on first sign-in and gives it the guardian role at each of the children's schools."""
    number = normalise_phone(phone)
    code = "".join(ch for ch in code if ch.isdigit())
    wrong = PhoneSignInError(_("Mã không đúng hoặc đã hết hạn. Hãy yêu cầu mã mới."))
    with transaction.atomic():
        pending = (
            PhoneCode.objects.select_for_update()
            .filter(phone=number, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        if pending is None or not number:
            raise wrong
        if pending.attempts >= settings.PHONE_CODE_MAX_ATTEMPTS:
            raise PhoneSignInError(
                _("Đã nhập sai quá số lần cho phép. Hãy yêu cầu mã mới."),
                code="too_many_requests",
            )
        if not hmac.compare_digest(pending.code_hash, _digest(f"{number}:{code}")):
            pending.attempts += 1
            pending.save(update_fields=["attempts"])
            # Raised after the block commits, so the failed attempt counts.
            guardian = None
        else:
            pending.used_at = timezone.now()
            pending.save(update_fields=["used_at"])
            guardian = Guardian.objects.filter(phone=number).first()
    if guardian is None:
        raise wrong
    return _guardian_account(guardian)


@transaction.atomic
def _guardian_account(guardian: Guardian) -> User:
    from oversight.accounts.services import assign_role

    user = guardian.user
    if user is None:
        username = f"ph{guardian.phone}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=guardian.full_name, phone=guardian.phone)
            user.set_unusable_password()
            user.save()
        guardian.user = user
        guardian.save(update_fields=["user"])
    schools = {g.student.institution for g in guardian.guardianships.select_related("student")}
    for school in schools:
        assign_role(user=user, role=Role.GUARDIAN, by=None, institution=school)
    record_event(actor=user, action="guardian.signed_in_by_phone", target=user)
    return user
