from django.urls import path

from sso import views

app_name = "sso"
urlpatterns = [
    path("accounts/sso/", views.choose, name="choose"),
    path("accounts/sso/<int:pk>/start/", views.start, name="start"),
    path("accounts/sso/callback/", views.callback, name="callback"),
    path("sso/configurations/", views.configuration_list, name="configuration_list"),
    path("sso/configurations/new/", views.configuration_create, name="configuration_create"),
    path("sso/configurations/<int:pk>/edit/", views.configuration_edit, name="configuration_edit"),
]
