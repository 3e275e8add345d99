from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeisterConfig(AppConfig):
    name = "meister"
    verbose_name = _("基盤（利用者・権限）")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from meister import checks  # noqa: F401  (registers the system checks)
        from meister.middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="meister.stamp_login")
