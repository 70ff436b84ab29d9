"""Where the current request came from, so services can audit without being handed the request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip_address: str | None = None
    user_agent: str = ""
    via: str = "web"


_current: ContextVar[Origin | None] = ContextVar("audit_origin", default=None)
_SYSTEM = Origin(via="system")


def current_origin() -> Origin:
    """The origin of the current request; commands and jobs are "system"."""
    return _current.get() or _SYSTEM


def set_origin(origin: Origin):  # type: ignore[no-untyped-def]
    """Set the origin; returns a token to pass to `reset_origin`."""
    return _current.set(origin)


def reset_origin(token) -> None:  # type: ignore[no-untyped-def]
    _current.reset(token)
