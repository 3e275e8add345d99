from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculaConfig(AppConfig):
    name = "curricula"
    verbose_name = _("教育課程・実習")

    def ready(self):
        from curricula.services.student_accounts import student_account_for_sign_in
        from sso.signals import account_wanted

        account_wanted.connect(student_account_for_sign_in, dispatch_uid="curricula.student_account_for_sign_in")
