from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "oversight.directives"
    label = "directives"
