"""Sending SMS through a pluggable sender, chosen by settings.SMS_SENDER.

`console` prints to the server log, `file` appends to settings.SMS_FILE, `memory` keeps the
messages in `MemorySmsSender.sent` (tests), and a dotted path names a class for a real
provider: anything with `send(phone, text)` that raises `SmsError` when the provider refuses.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger("oversight.sms")


class SmsError(Exception):
    pass


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsSender:
    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


class FileSmsSender:
    """One line per message, for a demo machine without a provider."""

    def send(self, phone: str, text: str) -> None:
        path = Path(settings.SMS_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(f"{timezone.now().isoformat()}\t{phone}\t{text}\n")


class MemorySmsSender:
    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


_BUILTIN: dict[str, type[SmsSender]] = {
    "console": ConsoleSmsSender,
    "file": FileSmsSender,
    "memory": MemorySmsSender,
}


def sms_sender() -> SmsSender:
    name = settings.SMS_SENDER
    builtin = _BUILTIN.get(name)
    sender: SmsSender = builtin() if builtin else import_string(name)()
    return sender


def normalise_phone(raw: str) -> str:
    """Vietnamese mobile numbers as 0xxxxxxxxx; "" when it is not one."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if raw.strip().startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        digits = "0" + digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        return digits
    return ""
