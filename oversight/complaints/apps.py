from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "oversight.complaints"
    label = "complaints"
