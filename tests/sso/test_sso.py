"""Signing in with a school account through a real OpenID Connect provider, and every way it is refused in words."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from meister.models import User
from partners.models import Prefecture
from sso.models import SignInConfiguration
from sso.oidc import ConfigurationBackend, Refusal, Refused
from tests.oidc_provider import (
    ACCOUNTS,
    CLIENT_ID,
    CLIENT_SECRET,
    DOMAIN,
    provider_sign_in,
    real_clock,
    running_provider,
)

pytestmark = pytest.mark.django_db
CALLBACK = "http://testserver/accounts/sso/callback/"


@pytest.fixture
def oidc_provider():
    """The provider, sending the browser back to the test client's portal (SITE_URL http://testserver)."""
    with running_provider(redirect_uris=[CALLBACK]) as provider:
        yield provider


def configuration_for(provider, **fields) -> SignInConfiguration:
    """Stored as the back office would; the test provider answers over plain http on loopback, which the form
    (https only) would not take."""
    values = {
        "name": "滋賀県立学校（Google Workspace）",
        "prefecture": Prefecture.objects.get(code="25"),
        "issuer": provider.issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "email_domains": DOMAIN,
    } | fields
    return SignInConfiguration.objects.create(**values)


@pytest.fixture
def yamada(demo):
    """The Hikone teacher, whose school account is yamada@…: the one the provider marks verified."""
    teacher = demo.users["teacher"]
    teacher.email = ACCOUNTS["yamada"]["email"]
    teacher.save(update_fields=["email"])
    return teacher


def to_provider(client, configuration, **query) -> str:
    response = client.get(reverse("sso:start", args=[configuration.pk]), query)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def sign_in(client, configuration, login: str, *, ahead=datetime.timedelta(0)):
    """The whole way: portal → provider's sign-in page → back to the portal's callback (with the clock `ahead`)."""
    back = provider_sign_in(to_provider(client, configuration), login)
    parts = urlsplit(back)
    with real_clock(ahead):
        return client.get(f"{parts.path}?{parts.query}")


def assert_refused(response, reason: Refusal, status: int = 403):
    assert response.status_code == status
    page = response.content.decode()
    assert "学校のアカウントでサインインできませんでした" in page
    assert str(reason.label) in page
    assert f'data-reason="{reason.value}"' in page


def test_a_teacher_signs_in_with_a_verified_school_account(client, yamada, oidc_provider, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["teacher"]  # left to the provider: no code asked of a school sign-in
    configuration_for(oidc_provider)
    with real_clock():
        chosen = client.get(reverse("sso:choose"), {"email": yamada.email})
        [(_configuration, start_url)] = chosen.context["choices"]
        assert f'href="{start_url.replace("&", "&amp;")}"' in chosen.content.decode()
        authorization = client.get(start_url)["Location"]
    assert authorization.startswith(f"{oidc_provider.issuer}/auth?")
    assert f"login_hint={yamada.email.replace('@', '%40')}" in authorization
    back = urlsplit(provider_sign_in(authorization, "yamada"))
    with real_clock():
        response = client.get(f"{back.path}?{back.query}")
        assert response.status_code == 302 and response["Location"] == reverse("portal:dashboard")
        dashboard = client.get(reverse("portal:dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user == yamada
    assert User.objects.filter(email__iexact=yamada.email).count() == 1


def test_a_prefecture_wide_configuration_serves_the_board_of_education_without_a_portal_code(
    client, demo, oidc_provider, settings
):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["prefecture"]
    officer = demo.users["prefecture"]
    officer.email = ACCOUNTS["yamada"]["email"].upper()  # e-mail addresses match whatever their case
    officer.save(update_fields=["email"])
    configuration = configuration_for(oidc_provider)
    with real_clock():
        assert sign_in(client, configuration, "yamada").status_code == 302
        assert client.get(reverse("portal:dashboard")).status_code == 200


def test_a_school_configuration_serves_only_that_school(client, demo, oidc_provider):
    outsider = demo.users["teacher-niigata"]
    outsider.email = ACCOUNTS["stranger"]["email"]
    outsider.save(update_fields=["email"])
    configuration = configuration_for(oidc_provider, school=demo.hikone)
    with real_clock():
        response = sign_in(client, configuration, "stranger")
    # A portal user with that address exists, but in Niigata: outside the configuration's scope.
    assert_refused(response, Refusal.UNKNOWN_EMAIL)
    assert "_auth_user_id" not in client.session


def test_an_unverified_email_is_refused(client, demo, oidc_provider):
    teacher = demo.users["teacher"]
    teacher.email = ACCOUNTS["mori"]["email"]
    teacher.save(update_fields=["email"])
    with real_clock():
        response = sign_in(client, configuration_for(oidc_provider), "mori")
    assert_refused(response, Refusal.UNVERIFIED_EMAIL)
    assert "_auth_user_id" not in client.session


def test_an_email_outside_the_allowed_domains_is_refused(client, demo, oidc_provider):
    teacher = demo.users["teacher"]
    teacher.email = ACCOUNTS["outsider"]["email"]
    teacher.save(update_fields=["email"])
    with real_clock():
        response = sign_in(client, configuration_for(oidc_provider), "outsider")
    assert_refused(response, Refusal.OUTSIDE_DOMAIN)


def test_an_unknown_email_creates_nobody(client, yamada, oidc_provider):
    users = User.objects.count()
    with real_clock():
        response = sign_in(client, configuration_for(oidc_provider), "stranger")
    assert_refused(response, Refusal.UNKNOWN_EMAIL)
    assert User.objects.count() == users


def test_an_inactive_user_is_not_signed_in(client, yamada, oidc_provider):
    yamada.is_active = False
    yamada.save(update_fields=["is_active"])
    with real_clock():
        assert_refused(sign_in(client, configuration_for(oidc_provider), "yamada"), Refusal.UNKNOWN_EMAIL)


def test_a_state_that_is_not_this_browsers_is_refused(client, yamada, oidc_provider):
    configuration = configuration_for(oidc_provider)
    with real_clock():
        back = urlsplit(provider_sign_in(to_provider(client, configuration), "yamada"))
        # Another browser (no sign-in started there) is handed the answer.
        from django.test import Client

        assert_refused(Client().get(f"{back.path}?{back.query}"), Refusal.STATE_MISMATCH)
        # A state that was never issued.
        forged = back.query.replace("state=", "state=x")
        assert_refused(client.get(f"{back.path}?{forged}"), Refusal.STATE_MISMATCH)
        # The right answer signs in once; the same answer again is refused.
        assert client.get(f"{back.path}?{back.query}").status_code == 302
        assert_refused(client.get(f"{back.path}?{back.query}"), Refusal.STATE_MISMATCH)


def test_a_disabled_configuration_is_refused(client, yamada, oidc_provider):
    configuration = configuration_for(oidc_provider, enabled=False)
    with real_clock():
        assert_refused(client.get(reverse("sso:start", args=[configuration.pk])), Refusal.DISABLED)
        # Turned off while a teacher is at the provider's page.
        configuration.enabled = True
        configuration.save()
        authorization = to_provider(client, configuration)
        SignInConfiguration.objects.filter(pk=configuration.pk).update(enabled=False)
        back = urlsplit(provider_sign_in(authorization, "yamada"))
        assert_refused(client.get(f"{back.path}?{back.query}"), Refusal.DISABLED)
    # Nor is it offered on the chooser.
    assert configuration.name not in client.get(reverse("sso:choose")).content.decode()


def test_an_issuer_that_is_not_the_configured_one_is_refused(client, yamada, oidc_provider):
    # The same provider under another name: its discovery document names the issuer it really is.
    other_name = oidc_provider.issuer.replace("127.0.0.1", "localhost")
    configuration = configuration_for(oidc_provider, issuer=other_name)
    with real_clock():
        assert_refused(client.get(reverse("sso:start", args=[configuration.pk])), Refusal.WRONG_ISSUER)


def test_an_expired_id_token_is_refused(client, yamada):
    with running_provider(redirect_uris=[CALLBACK], id_token_ttl=60) as provider:
        with real_clock():
            # The answer reaches the portal ten minutes after the provider wrote a token good for one.
            response = sign_in(client, configuration_for(provider), "yamada", ahead=datetime.timedelta(minutes=10))
    assert_refused(response, Refusal.EXPIRED)


def _tokens(client, configuration, login: str):
    """A real ID token for the configuration's client, and what the session kept for its check."""
    back = urlsplit(provider_sign_in(to_provider(client, configuration), login))
    state = dict(part.split("=", 1) for part in back.query.split("&"))["state"]
    entry = client.session["oidc_states"][state]
    code = dict(part.split("=", 1) for part in back.query.split("&"))["code"]
    backend = ConfigurationBackend(configuration, entry["endpoints"])
    tokens = backend.exchange_code(code=code, redirect_uri=CALLBACK, code_verifier=entry["code_verifier"])
    return tokens, entry


def test_token_checks_audience_issuer_and_nonce(client, yamada, oidc_provider):
    configuration = configuration_for(oidc_provider)
    with real_clock():
        tokens, entry = _tokens(client, configuration, "yamada")
        own = ConfigurationBackend(configuration, entry["endpoints"])
        assert own.verify_id_token(tokens["id_token"], nonce=entry["nonce"])["email"] == ACCOUNTS["yamada"]["email"]

        # The same token presented to a portal registered under another client id: not meant for it.
        other_client = configuration_for(oidc_provider, client_id="another-portal")
        with pytest.raises(Refused) as refusal:
            ConfigurationBackend(other_client, entry["endpoints"]).verify_id_token(
                tokens["id_token"], nonce=entry["nonce"]
            )
        assert refusal.value.reason == Refusal.WRONG_AUDIENCE

        other_issuer = configuration_for(oidc_provider, issuer=oidc_provider.issuer.replace("127.0.0.1", "localhost"))
        with pytest.raises(Refused) as refusal:
            ConfigurationBackend(other_issuer, entry["endpoints"]).verify_id_token(
                tokens["id_token"], nonce=entry["nonce"]
            )
        assert refusal.value.reason == Refusal.WRONG_ISSUER

        with pytest.raises(Refused) as refusal:
            own.verify_id_token(tokens["id_token"], nonce="not-the-one-sent")
        assert refusal.value.reason == Refusal.BAD_TOKEN


def test_an_unreachable_provider_is_refused_in_words(client, yamada):
    with running_provider(redirect_uris=[CALLBACK]) as provider:
        configuration = configuration_for(provider)
    # The provider has stopped.
    assert_refused(client.get(reverse("sso:start", args=[configuration.pk])), Refusal.UNREACHABLE, status=502)


def test_the_chooser_finds_the_configuration_by_domain(client, demo, oidc_provider):
    first = configuration_for(oidc_provider)
    second = configuration_for(oidc_provider, name="彦根工業高校（Microsoft 365）", school=demo.hikone)
    niigata = Prefecture.objects.get(code="15")
    configuration_for(oidc_provider, name="新潟県立学校", prefecture=niigata, email_domains="niigata.example.jp")
    configuration_for(oidc_provider, name="停止中の設定", enabled=False)

    everything = client.get(reverse("sso:choose"))
    assert {c.name for c, _url in everything.context["choices"]} == {first.name, second.name, "新潟県立学校"}
    assert "停止中の設定" not in everything.content.decode()

    page = client.get(reverse("sso:choose"), {"email": "someone@unknown.example.org"})
    assert page.status_code == 200 and page.context["choices"] == []
    assert "このメールアドレスのドメインで使える学校のアカウントの設定はありません。" in page.content.decode()

    found = client.get(reverse("sso:choose"), {"email": f"someone@{DOMAIN.upper()}", "next": "/curricula/"})
    assert {c.name for c, _url in found.context["choices"]} == {first.name, second.name}
    url = dict((c.name, url) for c, url in found.context["choices"])[first.name]
    assert url.startswith(reverse("sso:start", args=[first.pk]) + "?login_hint=someone%40")
    assert url.endswith("&next=%2Fcurricula%2F")

    # A next address on another site is dropped.
    elsewhere = client.get(reverse("sso:choose"), {"email": f"someone@{DOMAIN}", "next": "https://evil.example/"})
    assert all("evil" not in url for _c, url in elsewhere.context["choices"])


def test_the_login_page_offers_the_school_account(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "学校のアカウントでサインイン" in page
    assert reverse("sso:choose") in page
