from django.urls import path

from partners import views
from partners.views import agreements, calendar, consortium, imports, matching

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
    path("consortia/<int:pk>/meetings/new/", consortium.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", consortium.meeting_edit, name="meeting_edit"),
    path("consortia/<int:pk>/consultations/new/", consortium.consultation_create, name="consultation_create"),
    path("consultations/<int:pk>/edit/", consortium.consultation_edit, name="consultation_edit"),
    path("consortia/<int:pk>/stages/new/", consortium.stage_record, name="stage_record"),
    path("consortia/<int:pk>/designations/new/", consortium.designation_create, name="designation_create"),
    path("schools/<int:pk>/teaching/new/", consortium.teaching_create, name="teaching_create"),
    path("needs/", matching.need_list, name="need_list"),
    path("needs/new/", matching.need_create, name="need_create"),
    path("needs/<int:pk>/", matching.need_detail, name="need_detail"),
    path("needs/<int:pk>/candidates/", matching.need_candidates, name="need_candidates"),
    path("needs/<int:pk>/propose/", matching.need_propose, name="need_propose"),
    path("proposals/", matching.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/", matching.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/answer/", matching.proposal_answer, name="proposal_answer"),
    path("answer/<str:token>/", matching.proposal_answer_link, name="proposal_answer_link"),
    path("engagements/", matching.engagement_list, name="engagement_list"),
    path("engagements/<int:pk>/", matching.engagement_detail, name="engagement_detail"),
    path("people/", views.person_list, name="person_list"),
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", agreements.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/document/", agreements.agreement_document, name="agreement_document"),
    path("import/<slug:kind>/", imports.import_upload, name="import_upload"),
    path("import/batch/<int:pk>/", imports.import_preview, name="import_preview"),
    path("import/batch/<int:pk>/commit/", imports.import_commit, name="import_commit"),
]
# School and company calendars (views.calendar).
urlpatterns += [
    path("calendars/", calendar.calendar_list, name="calendar_list"),
    path("calendars/new/", calendar.closure_create, name="closure_create"),
    path("calendars/copy/", calendar.calendar_copy, name="calendar_copy"),
    path("calendars/<int:pk>/edit/", calendar.closure_edit, name="closure_edit"),
    path("calendars/<int:pk>/delete/", calendar.closure_delete, name="closure_delete"),
]
