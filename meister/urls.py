"""The root URLconf: the one module of `meister` that names the apps. Every view is covered by
tests/access/test_permission_matrix.py."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from meister import views_2fa
from portal import views

urlpatterns = [
    path("", include("portal.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", include("accounts.urls_reset")),
    path("accounts/2fa/setup/", views_2fa.two_factor_setup, name="two_factor_setup"),
    path("accounts/2fa/verify/", views_2fa.two_factor_verify, name="two_factor_verify"),
    path("", include("sso.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("partners/", include("partners.urls")),
    path("people/", include("accounts.urls")),
    path("reports/", include("reports.urls")),
    path("curricula/", include("curricula.urls")),
    path("programme/", include("programme.urls")),
    path("assessments/", include("assessments.urls")),
    path("public/", include("showcase.urls_public")),
    path("library/", include("showcase.urls_library")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Meister Portal"
admin.site.site_title = "Meister Portal"
