"""One notifier for every channel: render a Vietnamese template, keep it in the outbox, and
deliver it once the transaction that caused it has committed (a rolled-back decision tells
nobody anything).

Delivery is per channel: SMS through `oversight.lib.sms`, e-mail through Django's mail
backend, and the message-app channel (Zalo-style) through settings.MESSAGE_APP_SENDER when a
provider is configured; by default such messages stay in the outbox as delivered locally.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from oversight.lib.rows import insert
from oversight.lib.sms import SmsError, sms_sender
from oversight.notifications.models import Notification


def notify(*, channel: str, to: str, template: str, context: dict, about: str = "") -> None:
    """Queue a message for after the current transaction commits; nothing if `to` is empty."""
    if not to:
        return
    body = render_to_string(f"notifications/{template}.txt", context).strip()
    subject = body.splitlines()[0][:200] if body else ""

    def deliver() -> None:
        n = Notification(
            channel=channel,
            recipient=to,
            template=template,
            subject=subject,
            body=body,
            about=about,
        )
        _send(n)
        insert(n)

    transaction.on_commit(deliver)


def _send(n: Notification) -> None:
    """Deliver, and set the outcome on `n` (the caller saves it once)."""
    try:
        if n.channel == Notification.Channel.SMS:
            sms_sender().send(n.recipient, n.body)
        elif n.channel == Notification.Channel.EMAIL:
            send_mail(n.subject, n.body, settings.DEFAULT_FROM_EMAIL, [n.recipient])
        elif settings.MESSAGE_APP_SENDER:
            import_string(settings.MESSAGE_APP_SENDER)().send(n.recipient, n.body)
    except (SmsError, OSError) as e:
        n.status, n.error = Notification.Status.FAILED, str(e)[:300]
        return
    n.status, n.sent_at = Notification.Status.SENT, timezone.now()
