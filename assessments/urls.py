from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.index, name="index"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("administrations/new/", views.administration_create, name="administration_create"),
    path("administrations/<int:pk>/grid/", views.administration_grid, name="administration_grid"),
    path("administrations/<int:pk>/import/", views.administration_import, name="administration_import"),
    path("results/<int:school_pk>/<int:entry_year>/", views.cohort_results, name="cohort_results"),
    path("summary/", views.summary, name="summary"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/send/", views.survey_send, name="survey_send"),
    path("surveys/<int:pk>/tabulation/", views.survey_tabulation, name="survey_tabulation"),
    path(
        "surveys/<int:pk>/answers/<int:answer_pk>/practice/",
        views.survey_answer_to_practice,
        name="survey_answer_to_practice",
    ),
    path("surveys/answer/<str:token>/", views.survey_answer_link, name="survey_answer_link"),
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/new/", views.practice_create, name="practice_create"),
    path("practices/<int:pk>/", views.practice_detail, name="practice_detail"),
]
