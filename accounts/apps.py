from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("利用者と招待")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.services import remember_session

        user_logged_in.connect(remember_session, dispatch_uid="accounts.remember_session")
