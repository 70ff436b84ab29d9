from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "oversight.lib"
    label = "lib"
