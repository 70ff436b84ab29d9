from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "oversight.enrollment"
    label = "enrollment"
