"""Password reset with Django's own views: the same answer whether or not an address is known, a link that works
once and expires (PASSWORD_RESET_TIMEOUT), and a limit per address and per IP address on how often one asks."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

WINDOW_SECONDS = 3600


def _over_limit(key: str) -> bool:
    """Count one request under `key` for the hour; True once the hour's allowance is spent."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > settings.PASSWORD_RESETS_PER_HOUR


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self):
        # The link is built from the portal's own address, never from the Host header the request came with.
        return {"site_url": settings.SITE_URL.rstrip("/")}

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        by_address = _over_limit(f"password-reset:email:{email}")
        by_client = _over_limit(f"password-reset:ip:{_client_address(self.request)}")
        if by_address or by_client:
            form.add_error(
                None,
                _("パスワード再設定の申し込みが続いています。1時間ほどおいてから、もう一度お試しください。"),
            )
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
