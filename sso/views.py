"""Pages of single sign-on: choosing the school account, the way to the provider and back, and the configurations."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from meister.middleware import for_students
from meister.scoping import OutsideScope, get_for_user, may_create, visible_to
from sso import services
from sso.forms import ChooseForm, ConfigurationForm
from sso.models import SignInConfiguration
from sso.oidc import Refusal, Refused

logger = logging.getLogger(__name__)


def _safe_next(request, value: str) -> str:
    return value if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}) else ""


def refused(request, refusal: Refused):
    logger.warning("single sign-on refused: %s", refusal)
    status = 502 if refusal.reason in (Refusal.UNREACHABLE, Refusal.PROVIDER_ERROR) else 403
    return render(request, "sso/refused.html", {"reason": refusal.reason}, status=status)


@for_students
def choose(request):
    """Which school account: the configurations for the e-mail address's domain, or all of them, as links.

    Links, not a form: the page's Content-Security-Policy lets forms go to the portal only (form-action 'self'),
    and the way to a provider is a redirect to another site.
    """
    form = ChooseForm(request.GET if "email" in request.GET else None)
    next_url = _safe_next(request, request.GET.get("next", ""))
    configurations = SignInConfiguration.objects.filter(enabled=True).select_related("prefecture", "school")
    email = ""
    if form.is_bound:
        if form.is_valid():
            email = form.cleaned_data["email"]
            configurations = services.configurations_for_email(email).select_related("prefecture", "school")
            if not configurations:
                form.add_error("email", _("このメールアドレスのドメインで使える学校のアカウントの設定はありません。"))
        else:
            configurations = configurations.none()
    query = urlencode({k: v for k, v in (("login_hint", email), ("next", next_url)) if v})
    choices = [
        (configuration, reverse("sso:start", args=[configuration.pk]) + (f"?{query}" if query else ""))
        for configuration in configurations
    ]
    return render(request, "sso/choose.html", {"form": form, "next": next_url, "choices": choices, "email": email})


@for_students
def start(request, pk):
    configuration = get_object_or_404(SignInConfiguration, pk=pk)
    try:
        url = services.sign_in_start(
            request=request,
            configuration=configuration,
            login_hint=request.GET.get("login_hint", "")[:254],
            next_url=_safe_next(request, request.GET.get("next", "")),
        )
    except Refused as refusal:
        return refused(request, refusal)
    return redirect(url)


@for_students
def callback(request):
    try:
        user, configuration, next_url = services.sign_in_complete(request=request)
    except Refused as refusal:
        return refused(request, refusal)
    services.sign_in(request=request, user=user, configuration=configuration)
    return redirect(_safe_next(request, next_url) or "portal:dashboard")


# --- the configurations, kept by the ministry, the back office and each prefecture -------------------------------


@login_required
def configuration_list(request):
    if not may_create(request.user, SignInConfiguration):
        raise PermissionDenied
    configurations = visible_to(SignInConfiguration.objects.select_related("prefecture", "school"), request.user)
    return render(
        request,
        "sso/configuration_list.html",
        {"configurations": configurations, "callback_url": services.callback_url()},
    )


@login_required
def configuration_create(request):
    if not may_create(request.user, SignInConfiguration):
        raise PermissionDenied
    return _configuration_form(request, SignInConfiguration())


@login_required
def configuration_edit(request, pk):
    return _configuration_form(request, get_for_user(request.user, SignInConfiguration, change=True, pk=pk))


def _configuration_form(request, configuration):
    form = ConfigurationForm(request.POST or None, instance=configuration, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.configuration_save(
                user=request.user,
                configuration=form.save(commit=False),
                client_secret=form.cleaned_data["client_secret"],
            )
        except OutsideScope as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("学校のアカウントの設定を保存しました。"))
            return redirect("sso:configuration_list")
    return render(
        request,
        "sso/configuration_form.html",
        {"form": form, "object": configuration if configuration.pk else None, "callback_url": services.callback_url()},
    )
