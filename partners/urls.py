from django.urls import path

from partners import views, views_agreements, views_calendar, views_consortium, views_import, views_matching

app_name = "partners"
urlpatterns = [
    path("schools/", views.school_list, name="school_list"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/new/", views.school_create, name="school_create"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("schools/<int:pk>/contacts/new/", views.school_contact_create, name="school_contact_create"),
    path("companies/", views.company_list, name="company_list"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    path("companies/new/", views.company_create, name="company_create"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("companies/<int:pk>/contacts/new/", views.company_contact_create, name="company_contact_create"),
    path("companies/<int:pk>/people/new/", views.company_person_create, name="company_person_create"),
    path("consortia/", views.consortium_list, name="consortium_list"),
    path("consortia/<int:pk>/", views.consortium_detail, name="consortium_detail"),
    path("consortia/<int:pk>/meetings/new/", views_consortium.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", views_consortium.meeting_edit, name="meeting_edit"),
    path("consortia/<int:pk>/consultations/new/", views_consortium.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/edit/", views_consortium.consultation_edit, name="consultation_edit"),
    path("consortia/<int:pk>/stages/new/", views_consortium.stage_record, name="stage_record"),
    path("consortia/<int:pk>/designations/new/", views_consortium.designation_create, name="designation_create"),
    path("schools/<int:pk>/teaching/new/", views_consortium.teaching_create, name="teaching_create"),
    path("needs/", views_matching.need_list, name="need_list"),
    path("needs/new/", views_matching.need_create, name="need_create"),
    path("needs/<int:pk>/", views_matching.need_detail, name="need_detail"),
    path("needs/<int:pk>/candidates/", views_matching.need_candidates, name="need_candidates"),
    path("needs/<int:pk>/propose/", views_matching.need_propose, name="need_propose"),
    path("proposals/", views_matching.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/answer/", views_matching.proposal_answer, name="proposal_answer"),
    path("answer/<str:token>/", views_matching.proposal_answer_link, name="proposal_answer_link"),
    path("engagements/", views_matching.engagement_list, name="engagement_list"),
    path("engagements/<int:pk>/", views_matching.engagement_detail, name="engagement_detail"),
    path("people/", views.person_list, name="person_list"),
    path("agreements/", views_agreements.agreement_list, name="agreement_list"),
    path("agreements/new/", views_agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views_agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views_agreements.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/document/", views_agreements.agreement_document, name="agreement_document"),
    path("import/<slug:kind>/", views_import.import_upload, name="import_upload"),
    path("import/batch/<int:pk>/", views_import.import_preview, name="import_preview"),
    path("import/batch/<int:pk>/commit/", views_import.import_commit, name="import_commit"),
]
# School and company calendars (views_calendar).
urlpatterns += [
    path("calendars/", views_calendar.calendar_list, name="calendar_list"),
    path("calendars/new/", views_calendar.closure_create, name="closure_create"),
    path("calendars/copy/", views_calendar.calendar_copy, name="calendar_copy"),
    path("calendars/<int:pk>/edit/", views_calendar.closure_edit, name="closure_edit"),
    path("calendars/<int:pk>/delete/", views_calendar.closure_delete, name="closure_delete"),
]
