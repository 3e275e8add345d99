from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("new/", views.run_create, name="run_create"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("<int:pk>/download/", views.run_download, name="run_download"),
    path("<int:pk>/download/xlsx/", views.run_download_xlsx, name="run_download_xlsx"),
    path("pdca/", views.pdca_list, name="pdca_list"),
    path("pdca/<int:pk>/<int:fy>/", views.pdca_edit, name="pdca_edit"),
    path("kpis/", views.kpi_list, name="kpi_list"),
    path("kpis/new/", views.kpi_create, name="kpi_create"),
    path("kpis/<int:pk>/edit/", views.kpi_edit, name="kpi_edit"),
    path("kpis/copy/", views.kpi_copy, name="kpi_copy"),
]
