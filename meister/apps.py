from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeisterConfig(AppConfig):
    name = "meister"
    verbose_name = _("基盤（利用者・権限）")

    def ready(self):
        from meister import checks  # noqa: F401  (registers the system checks)
