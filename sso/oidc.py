"""The OpenID Connect client: discovery, the token exchange and the ID token's checks, per sign-in configuration.

mozilla-django-oidc does the protocol's work (the token request, the provider's signing keys, the signature and
nonce checks, PKCE and the state kept in the session); its backend normally reads one provider from the settings,
here it is built for one configuration at a time. Every way a sign-in can fail ends in `Refused` with a reason that
the refusal page puts into words.
"""

import jwt
import requests
from django.core.exceptions import SuspiciousOperation
from django.db import models
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from meister.models import User

TIMEOUT = 10  # seconds for each request to the provider
# Clocks of the portal and the provider may differ a little.
LEEWAY = 60
SIGNING_ALGORITHMS = ("RS256", "ES256", "PS256")


class Refusal(models.TextChoices):
    STATE_MISMATCH = (
        "state",
        _("サインインの手続きが途中で入れ替わったか、期限が切れました。最初からやり直してください。"),
    )
    DISABLED = "disabled", _("この学校・都道府県のアカウントでのサインインは、現在止められています。")
    WRONG_ISSUER = "issuer", _("アカウントの発行元が、登録されている発行者と一致しません。")
    WRONG_AUDIENCE = "audience", _("アカウントの発行元からの証明が、このポータル宛てではありません。")
    EXPIRED = "expired", _("アカウントの発行元からの証明の有効期限が切れています。もう一度サインインしてください。")
    BAD_TOKEN = "token", _("アカウントの発行元からの証明を確認できませんでした。")
    UNVERIFIED_EMAIL = "unverified", _("このアカウントのメールアドレスは、発行元で確認済みになっていません。")
    OUTSIDE_DOMAIN = "domain", _("このアカウントのメールアドレスは、この設定で認められたドメインのものではありません。")
    UNKNOWN_EMAIL = (
        "unknown",
        _(
            "このメールアドレスの利用者はポータルに登録されていません。学校のアカウントでサインインするには、"
            "同じメールアドレスでポータルの利用者として登録されている必要があります。"
        ),
    )
    DECLINED = "declined", _("アカウントの発行元でサインインが取り消されました。")
    PROVIDER_ERROR = "provider", _("アカウントの発行元がサインインを受け付けませんでした。")
    UNREACHABLE = "unreachable", _("アカウントの発行元に接続できませんでした。しばらくしてからもう一度お試しください。")


class Refused(Exception):
    def __init__(self, reason: Refusal, detail: str = ""):
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()
    except (requests.ConnectionError, requests.Timeout) as error:
        raise Refused(Refusal.UNREACHABLE, str(error)) from error
    except (requests.RequestException, ValueError) as error:
        raise Refused(Refusal.PROVIDER_ERROR, str(error)) from error


def discover(configuration) -> dict:
    """The provider's endpoints from `<issuer>/.well-known/openid-configuration`, whose issuer must be the one set."""
    document = _get_json(f"{configuration.issuer}/.well-known/openid-configuration")
    if document.get("issuer") != configuration.issuer:
        raise Refused(Refusal.WRONG_ISSUER, f"discovery names {document.get('issuer')!r}")
    try:
        return {
            "authorization_endpoint": document["authorization_endpoint"],
            "token_endpoint": document["token_endpoint"],
            "jwks_uri": document["jwks_uri"],
            "userinfo_endpoint": document.get("userinfo_endpoint"),
        }
    except KeyError as missing:
        raise Refused(Refusal.PROVIDER_ERROR, f"discovery lacks {missing}") from None


class ConfigurationBackend(OIDCAuthenticationBackend):
    """The library's backend for one configuration and the endpoints found by `discover`."""

    def __init__(self, configuration, endpoints: dict):
        # Not the library's __init__: that reads a single provider from the settings.
        self.configuration = configuration
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = endpoints.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = endpoints["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = configuration.client_id
        self.OIDC_RP_CLIENT_SECRET = configuration.client_secret
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = User

    def _verify_jws(self, payload, key):
        """The signature, and the claims the library leaves alone: issuer, audience, expiry."""
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
        except jwt.InvalidTokenError as error:
            raise Refused(Refusal.BAD_TOKEN, str(error)) from error
        if algorithm not in SIGNING_ALGORITHMS:
            raise Refused(Refusal.BAD_TOKEN, f"algorithm {algorithm!r}")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.configuration.issuer,
                leeway=LEEWAY,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Refused(Refusal.EXPIRED, str(error)) from error
        except jwt.InvalidAudienceError as error:
            raise Refused(Refusal.WRONG_AUDIENCE, str(error)) from error
        except jwt.InvalidIssuerError as error:
            raise Refused(Refusal.WRONG_ISSUER, str(error)) from error
        except jwt.InvalidTokenError as error:
            raise Refused(Refusal.BAD_TOKEN, str(error)) from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise Refused(Refusal.WRONG_AUDIENCE, f"authorised party {claims.get('azp')!r}")
        return claims

    def retrieve_matching_jwk(self, token):
        self.OIDC_RP_SIGN_ALGO = jwt.get_unverified_header(token).get("alg", "RS256")
        try:
            return super().retrieve_matching_jwk(token)
        except (requests.ConnectionError, requests.Timeout) as error:
            raise Refused(Refusal.UNREACHABLE, str(error)) from error
        except (requests.RequestException, ValueError) as error:
            raise Refused(Refusal.PROVIDER_ERROR, str(error)) from error
        except (KeyError, jwt.PyJWKError) as error:
            raise Refused(Refusal.BAD_TOKEN, str(error)) from error

    def verify_id_token(self, id_token: str, *, nonce: str) -> dict:
        try:
            return self.verify_token(id_token, nonce=nonce)
        except SuspiciousOperation as error:  # the nonce, or no key for the token
            raise Refused(Refusal.BAD_TOKEN, str(error)) from error

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> dict:
        try:
            tokens = self.get_token(
                {
                    "client_id": self.OIDC_RP_CLIENT_ID,
                    "client_secret": self.OIDC_RP_CLIENT_SECRET,
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "code_verifier": code_verifier,
                }
            )
        except (requests.ConnectionError, requests.Timeout) as error:
            raise Refused(Refusal.UNREACHABLE, str(error)) from error
        except (requests.RequestException, ValueError) as error:
            raise Refused(Refusal.PROVIDER_ERROR, str(error)) from error
        if not tokens.get("id_token"):
            raise Refused(Refusal.PROVIDER_ERROR, "no ID token")
        return tokens

    def claims_with_email(self, tokens: dict, claims: dict) -> dict:
        """The ID token's claims, with the e-mail claims from the userinfo endpoint when the token has none."""
        if "email" in claims or not self.OIDC_OP_USER_ENDPOINT or not tokens.get("access_token"):
            return claims
        try:
            extra = self.get_userinfo(tokens["access_token"], tokens["id_token"], claims)
        except (requests.RequestException, ValueError) as error:
            raise Refused(Refusal.PROVIDER_ERROR, str(error)) from error
        if extra.get("sub") != claims["sub"]:
            raise Refused(Refusal.BAD_TOKEN, "userinfo is about someone else")
        return {**claims, **{k: extra[k] for k in ("email", "email_verified") if k in extra}}


def email_verified(claims: dict) -> bool:
    """Whether the provider vouches for the e-mail address.

    `email_verified` is the standard claim (Google sends it); Microsoft Entra ID instead sends `xms_edov` (the e-mail
    domain's owner verified it) when that optional claim is turned on.
    """
    for name in ("email_verified", "xms_edov"):
        value = claims.get(name)
        if value is True or (isinstance(value, str) and value.lower() == "true"):
            return True
    return False
