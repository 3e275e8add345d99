from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "portal"  # no models: never shown
