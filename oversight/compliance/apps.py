from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "oversight.compliance"
    label = "compliance"
