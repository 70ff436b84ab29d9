from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "oversight.programs"
    label = "programs"
