from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculaConfig(AppConfig):
    name = "curricula"
    verbose_name = _("教育課程・実習")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from curricula import tallies
        from curricula.models import DayLog, Placement
        from curricula.selectors import ties_with_school
        from curricula.services.student_accounts import student_account_for_sign_in
        from partners.matching import count_ties_with
        from sso.signals import account_wanted

        account_wanted.connect(student_account_for_sign_in, dispatch_uid="curricula.student_account_for_sign_in")
        count_ties_with(ties_with_school)
        # Each placement's expected days without a log follow every write of a log, a placement or a calendar.
        from partners.models import ClosedPeriod

        post_save.connect(tallies.on_day_log_saved, sender=DayLog, dispatch_uid="unlogged.day_log_saved")
        post_delete.connect(tallies.on_day_log_deleted, sender=DayLog, dispatch_uid="unlogged.day_log_deleted")
        post_save.connect(tallies.on_placement_saved, sender=Placement, dispatch_uid="unlogged.placement_saved")
        pre_save.connect(tallies.on_closure_about_to_save, sender=ClosedPeriod, dispatch_uid="unlogged.closure_pre")
        post_save.connect(tallies.on_closure_changed, sender=ClosedPeriod, dispatch_uid="unlogged.closure_saved")
        post_delete.connect(tallies.on_closure_changed, sender=ClosedPeriod, dispatch_uid="unlogged.closure_deleted")
