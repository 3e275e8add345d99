from django.urls import path

from accounts import views, views_import

app_name = "accounts"
urlpatterns = [
    path("", views.people, name="people"),
    path("invite/<slug:role>/", views.invite, name="invite"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("join/<str:token>/", views.accept, name="accept"),
    path("<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("import/", views_import.bulk_upload, name="bulk_upload"),
    path("import/<int:pk>/", views_import.bulk_preview, name="bulk_preview"),
    path("import/<int:pk>/commit/", views_import.bulk_commit, name="bulk_commit"),
]
