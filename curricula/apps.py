from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculaConfig(AppConfig):
    name = "curricula"
    verbose_name = _("教育課程・実習")

    def ready(self):
        from curricula.selectors import ties_with_school
        from partners.matching import count_ties_with

        count_ties_with(ties_with_school)
