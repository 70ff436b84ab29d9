"""The only writer of the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import models

from oversight.audit.context import current_origin
from oversight.audit.models import AuditEvent
from oversight.lib.rows import insert


def record_event(
    *, actor: Any, action: str, target: models.Model | None = None, data: dict | None = None
) -> AuditEvent:
    """Append one event; `action` is a stable dotted name such as `institution.updated`."""
    return insert(audit_event(actor=actor, action=action, target=target, data=data))


def audit_event(
    *, actor: Any, action: str, target: models.Model | None = None, data: dict | None = None
) -> AuditEvent:
    """The event `record_event` appends, unsaved, for a service that writes it together with
    its other rows (`lib.rows.write_together`); the target must already have its key."""
    origin = current_origin()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=user,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        data=data or {},
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        via=origin.via,
    )
