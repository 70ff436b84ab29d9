from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "oversight.audit"
    label = "audit"
