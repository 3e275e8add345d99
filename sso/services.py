"""Signing in with a school account: the start (to the provider) and the return (the callback), and the link to a
portal user.

A portal user is found only by an e-mail address that the provider marks verified, that lies in one of the
configuration's domains, and that belongs to exactly one active portal user inside the configuration's scope.
Nobody is created here: staff accounts come by invitation, and a student's account is made by the roster
(`signals.account_wanted`) for a verified address it holds, or for a student who opened a class code.
"""

from urllib.parse import urlencode

from django.contrib.auth import login
from django.urls import reverse
from django.utils.crypto import get_random_string
from mozilla_django_oidc.utils import add_state_and_verifier_and_nonce_to_session, generate_code_challenge

from meister.links import absolute_url
from meister.middleware import SIGNED_IN_WITH_PROVIDER
from meister.models import User
from meister.scoping import saving_in_scope
from sso.models import SignInConfiguration, split_domains
from sso.oidc import ConfigurationBackend, Refusal, Refused, discover, email_verified
from sso.signals import account_wanted

# Where mozilla-django-oidc keeps each sign-in in progress (state → nonce, PKCE verifier); we add ours to each entry.
STATES = "oidc_states"
SCOPES = "openid email profile"


def callback_url() -> str:
    """The redirect URI to register with the provider: the same for every configuration."""
    return absolute_url(reverse("sso:callback"))


def configurations_for_email(email: str):
    """Enabled configurations that accept the e-mail address's domain."""
    domain = email.strip().rpartition("@")[2].lower()
    if not domain:
        return SignInConfiguration.objects.none()
    ids = [c.pk for c in SignInConfiguration.objects.filter(enabled=True) if domain in c.domains]
    return SignInConfiguration.objects.filter(pk__in=ids)


def sign_in_start(*, request, configuration: SignInConfiguration, login_hint: str = "", next_url: str = "") -> str:
    """Remember a new sign-in in the session and return the provider's address to send the browser to."""
    if not configuration.enabled:
        raise Refused(Refusal.DISABLED)
    endpoints = discover(configuration)
    state, nonce, verifier = get_random_string(32), get_random_string(32), get_random_string(64)
    params = {
        "response_type": "code",
        "client_id": configuration.client_id,
        "scope": SCOPES,
        "redirect_uri": callback_url(),
        "state": state,
        "nonce": nonce,
        "code_challenge": generate_code_challenge(verifier, "S256"),
        "code_challenge_method": "S256",
    }
    if login_hint:
        params["login_hint"] = login_hint
    add_state_and_verifier_and_nonce_to_session(request, state, params, verifier)
    request.session[STATES][state].update(configuration=configuration.pk, endpoints=endpoints, next=next_url)
    request.session.modified = True
    joiner = "&" if "?" in endpoints["authorization_endpoint"] else "?"
    return f"{endpoints['authorization_endpoint']}{joiner}{urlencode(params)}"


def _pending(request) -> dict:
    """The sign-in this callback answers, taken out of the session (each state is good once)."""
    state = request.GET.get("state", "")
    pending = request.session.get(STATES)
    entry = pending.pop(state, None) if state and isinstance(pending, dict) else None
    request.session.modified = True
    if not isinstance(entry, dict) or "configuration" not in entry:
        raise Refused(Refusal.STATE_MISMATCH)
    return entry


def sign_in_complete(*, request) -> tuple[User, SignInConfiguration, str]:
    """Check the provider's answer and find the portal user it is about; (user, configuration, next URL)."""
    entry = _pending(request)
    configuration = SignInConfiguration.objects.filter(pk=entry["configuration"]).first()
    if configuration is None or not configuration.enabled:
        raise Refused(Refusal.DISABLED)
    error = request.GET.get("error", "")
    if error:
        raise Refused(Refusal.DECLINED if error == "access_denied" else Refusal.PROVIDER_ERROR, error)
    # A provider that names itself in the answer (RFC 9207) must name the configured issuer.
    if request.GET.get("iss") and request.GET["iss"] != configuration.issuer:
        raise Refused(Refusal.WRONG_ISSUER, request.GET["iss"])
    code = request.GET.get("code", "")
    if not code:
        raise Refused(Refusal.PROVIDER_ERROR, "no code")
    backend = ConfigurationBackend(configuration, entry["endpoints"])
    tokens = backend.exchange_code(code=code, redirect_uri=callback_url(), code_verifier=entry["code_verifier"])
    claims = backend.verify_id_token(tokens["id_token"], nonce=entry["nonce"])
    claims = backend.claims_with_email(tokens, claims)
    return linked_user(configuration, claims, request=request), configuration, entry.get("next") or ""


def linked_user(configuration: SignInConfiguration, claims: dict, *, request=None) -> User:
    """The one active portal user, inside the configuration's scope, with the verified e-mail of the claims; for an
    address no portal user has yet, the account a receiver of `account_wanted` gives it (a student's)."""
    email = str(claims.get("email") or "").strip()
    if not email_verified(claims):
        raise Refused(Refusal.UNVERIFIED_EMAIL, email)
    local, at, domain = email.rpartition("@")
    if not (local and at) or domain.lower() not in split_domains(configuration.email_domains):
        raise Refused(Refusal.OUTSIDE_DOMAIN, email)
    users = list(configuration.portal_users().filter(email__iexact=email)[:2])
    if not users:
        answers = account_wanted.send(
            sender=SignInConfiguration, configuration=configuration, email=email, request=request
        )
        users = [user for _receiver, user in answers if user is not None]
    if len(users) != 1:
        raise Refused(Refusal.UNKNOWN_EMAIL, email)
    return users[0]


def sign_in(*, request, user: User, configuration: SignInConfiguration) -> None:
    """Sign the user in; two-factor confirmation is the provider's, so the portal does not ask for a code."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SIGNED_IN_WITH_PROVIDER] = configuration.pk


def configuration_save(*, user, configuration: SignInConfiguration, client_secret: str = "") -> SignInConfiguration:
    if client_secret:
        configuration.client_secret = client_secret
    configuration.full_clean()
    with saving_in_scope(user, configuration):
        configuration.save()
    return configuration
