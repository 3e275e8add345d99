from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("schools/", views.school_list, name="school_list"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("companies/", views.company_list, name="company_list"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("consortia/", views.consortium_list, name="consortium_list"),
    path("consortia/<int:pk>/", views.consortium_detail, name="consortium_detail"),
]
