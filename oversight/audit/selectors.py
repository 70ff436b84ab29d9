from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from oversight.audit.models import AuditEvent


def trail_of(target: models.Model) -> QuerySet[AuditEvent]:
    """Every event about one object, newest first."""
    return AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")
