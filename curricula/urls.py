import datetime

from django.urls import path, register_converter

from curricula import views
from curricula.views import (
    allocation,
    class_codes,
    confirmations,
    diaries,
    evaluations,
    rosters,
    sessions,
    student_home,
)


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        day = datetime.date.fromisoformat(value)  # a ValueError makes the URL not match: 404
        if not 2000 <= day.year <= 2100:
            raise ValueError(value)
        return day

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


register_converter(IsoDateConverter, "isodate")

app_name = "curricula"
urlpatterns = [
    path("allocations/", allocation.allocation_list, name="allocation_list"),
    path("allocations/new/", allocation.allocation_create, name="allocation_create"),
    path("allocations/<int:pk>/", allocation.allocation_detail, name="allocation_detail"),
    path("", views.subject_list, name="subject_list"),
    path("me/", student_home.student_home, name="student_home"),
    path("class-codes/", class_codes.class_code_list, name="class_code_list"),
    path("class-codes/new/", class_codes.class_code_create, name="class_code_create"),
    path("students/<int:pk>/unlink/", class_codes.student_unlink, name="student_unlink"),
    path("class-codes/<int:pk>/sheet.pdf", class_codes.class_code_sheet, name="class_code_sheet"),
    path("join/<str:token>/", class_codes.class_code_link, name="class_code_link"),
    path("log/", views.log_start, name="log_start"),
    path("log/<isodate:day>/", views.log_day, name="log_day"),
    path("logs/", views.day_log_list, name="day_log_list"),
    path("logs/<int:pk>/edit/", views.day_log_edit, name="day_log_edit"),
    path("confirmations/", confirmations.confirmations, name="confirmations"),
    path("confirm/<str:token>/", confirmations.confirm_link, name="confirm_link"),
    path("placements/", views.placement_list, name="placement_list"),
    path("placements/new/", views.placement_create, name="placement_create"),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/agreement/", views.placement_agreement, name="placement_agreement"),
    path("placements/<int:pk>/agreement.pdf", views.placement_agreement_pdf, name="placement_agreement_pdf"),
    path("placements/<int:pk>/agreement/signed/", views.placement_agreement_scan, name="placement_agreement_scan"),
    path("students/", views.student_list, name="student_list"),
    path("students/new/", views.student_create, name="student_create"),
    path("graduates/", views.destination_summary, name="destination_summary"),
    path("students/<int:pk>/record.pdf", views.student_record_pdf, name="student_record_pdf"),
]
# Class sessions with industry and joint projects (views.sessions).
urlpatterns += [
    path("sessions/", sessions.class_session_list, name="class_session_list"),
    path("sessions/new/", sessions.class_session_create, name="class_session_create"),
    path("sessions/<int:pk>/edit/", sessions.class_session_edit, name="class_session_edit"),
    path("sessions/<int:pk>/delete/", sessions.class_session_delete, name="class_session_delete"),
    path("projects/", sessions.joint_project_list, name="joint_project_list"),
    path("projects/new/", sessions.joint_project_create, name="joint_project_create"),
    path("projects/<int:pk>/edit/", sessions.joint_project_edit, name="joint_project_edit"),
]
# The school's roster: its import and the April rollover (views.rosters).
urlpatterns += [
    path("students/roster/", rosters.roster_import, name="roster_import"),
    path("students/roster/template/<slug:fmt>/", rosters.roster_template_download, name="roster_template_download"),
    path("students/rollover/<int:school_pk>/", rosters.rollover, name="rollover"),
]
# Evaluations of placements and the rubrics they use (views.evaluations).
urlpatterns += [
    path("placements/<int:pk>/evaluations/<slug:stage>/", evaluations.evaluation_compare, name="evaluation_compare"),
    path(
        "placements/<int:pk>/evaluations/<slug:stage>/mentor/", evaluations.evaluation_mentor, name="evaluation_mentor"
    ),
    path(
        "placements/<int:pk>/evaluations/<slug:stage>/remind/", evaluations.evaluation_remind, name="evaluation_remind"
    ),
    path("placements/<int:pk>/evaluations/<slug:stage>/self/", evaluations.evaluation_self, name="evaluation_self"),
    path("evaluate/<str:token>/", evaluations.evaluation_link, name="evaluation_link"),
    path("rubrics/", evaluations.rubric_list, name="rubric_list"),
    path("rubrics/<int:pk>/", evaluations.rubric_detail, name="rubric_detail"),
    path("rubrics/<int:pk>/copy/", evaluations.rubric_copy, name="rubric_copy"),
]
# The practice diary (views.diaries).
urlpatterns += [
    path("diary/", diaries.diary_home, name="diary_home"),
    path("diary/<int:pk>/<str:day>/", diaries.diary_write, name="diary_write"),
    path("diaries/<int:pk>/", diaries.diary_detail, name="diary_detail"),
    path("diaries/<int:pk>/photo/", diaries.diary_photo, name="diary_photo"),
    path("confirm/<str:token>/photo/<int:pk>/", diaries.diary_link_photo, name="diary_link_photo"),
]
