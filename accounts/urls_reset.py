"""Password reset, under Django's own URL names (the reset e-mail links to `password_reset_confirm`)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views_reset

urlpatterns = [
    path("", views_reset.PasswordResetView.as_view(), name="password_reset"),
    path("sent/", views_reset.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("<uidb64>/<token>/", views_reset.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
