"""The portal's own middleware: the chosen language, the session's time limit, two-factor sign-in, and the pages a
student's account may open.

Japanese by default, English only when the user chooses it with the language switch: Django's
LocaleMiddleware would follow the browser's Accept-Language, so a teacher on an English-language
browser would get an English portal they never asked for. Here only the language cookie set by the
switch (django.views.i18n.set_language) changes the language.
"""

import time
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from meister.scoping import must_confirm_second_factor, sees_own_world_only, student_page_refused

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in SUPPORTED else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


LOGIN_STAMP = "meister_signed_in_at"
RENEWED_STAMP = "meister_renewed_at"
# Set on a session signed in through a school's identity provider (single sign-on), which confirms the second factor.
SIGNED_IN_WITH_PROVIDER = "meister_signed_in_with_provider"


def stamp_login(sender, request, user, **kwargs):
    """Remember when this session signed in (connected to user_logged_in in MeisterConfig.ready); signing in saves
    the session with a fresh idle limit, so it counts as its first renewal."""
    request.session[LOGIN_STAMP] = request.session[RENEWED_STAMP] = int(time.time())


def sign_in_name(request, credentials) -> str:
    """The account name a sign-in attempt is counted under (django-axes), cut to the longest name an account can
    have: a pasted page as the name is still counted, never an error page."""
    if credentials and credentials.get("username") is not None:
        name = credentials["username"]
    else:
        name = request.POST.get("username", "") if request is not None else ""
    return str(name)[:150]


class SessionLimitMiddleware:
    """Ends a session 12 hours (SESSION_MAX_HOURS) after sign-in, however active it has been, and renews the idle
    limit (SESSION_COOKIE_AGE) as people go on using the portal.

    The idle limit is renewed by saving the session, which is a database write: once a minute at most
    (SESSION_RENEW_SECONDS), not on every request, so a page read costs no write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(LOGIN_STAMP)
            if started is None:
                request.session[LOGIN_STAMP] = now
            elif now - started > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.info(request, _("安全のため、長時間のご利用の後はもう一度ログインしてください。"))
                return redirect_to_login(request.get_full_path())
            if now - request.session.get(RENEWED_STAMP, 0) >= settings.SESSION_RENEW_SECONDS:
                request.session[RENEWED_STAMP] = now  # saved with a new expiry when the response goes out
        return self.get_response(request)


@cache
def _device_models() -> tuple:
    """The installed kinds of authenticator (django-otp's device models): fixed once the apps have loaded."""
    from django_otp import device_classes

    return tuple(device_classes())


def has_confirmed_device(user) -> bool:
    """django-otp's `user_has_device(user, confirmed=True)`, asked as one EXISTS per kind of device: it is asked on
    every request of a signed-in user who has not confirmed a code."""
    return any(model.objects.devices_for_user(user, confirmed=True).exists() for model in _device_models())


def two_factor_required(user) -> bool:
    """Whether the user's role must confirm a one-time code (the roles are a setting)."""
    return must_confirm_second_factor(user, settings.TWO_FACTOR_REQUIRED_ROLES)


class TwoFactorMiddleware:
    """Users who must (by role) or chose to (by registering an authenticator) confirm a one-time code
    reach nothing but the code pages, sign-out and language switch until they have.

    A sign-in through a school's identity provider leaves the second factor to that provider."""

    ALLOWED_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/i18n/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.session.get(SIGNED_IN_WITH_PROVIDER)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            if has_confirmed_device(user):
                return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
            if two_factor_required(user):
                return redirect("two_factor_setup")
        return self.get_response(request)


def for_students(view):
    """Mark a view as one of the pages a student's account may open (their home, their diary, the class code)."""
    view.for_students = True
    return view


class StudentPagesMiddleware:
    """A student's account opens the pages made for students and nothing else: any other page answers 404, as an
    object outside one's scope does, so that a page a view forgot to narrow cannot show a student the school's lists.

    Besides the views marked `for_students`, a student signs out, switches the language and reaches the sign-in pages.
    The other way round, the pages about students answer 404 to the programme's contractors
    (`meister.scoping.student_page_refused`), whatever their view would say.
    """

    EVERYONES_PAGES = frozenset({"login", "logout", "set_language", "healthz"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match and student_page_refused(user, match.view_name):
            raise Http404
        if not sees_own_world_only(user):
            return None
        if getattr(view_func, "for_students", False) or (match and match.view_name in self.EVERYONES_PAGES):
            return None
        raise Http404
