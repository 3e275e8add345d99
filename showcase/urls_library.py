from django.urls import path

from showcase import views_library

app_name = "library"
urlpatterns = [
    path("", views_library.material_list, name="list"),
    path("new/", views_library.material_create, name="create"),
    path("<int:pk>/", views_library.material_detail, name="detail"),
    path("<int:pk>/edit/", views_library.material_edit, name="edit"),
    path("<int:pk>/publish/", views_library.material_publish, name="publish"),
    path("<int:pk>/file", views_library.material_file, name="file"),
    path("<int:pk>/download", views_library.material_download, name="download"),
    path("<int:pk>/preview.png", views_library.material_preview, name="preview"),
    path("<int:pk>/captions.vtt", views_library.material_captions, name="captions"),
]
