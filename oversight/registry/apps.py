from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "oversight.registry"
    label = "registry"
