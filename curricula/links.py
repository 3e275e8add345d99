"""Signed, expiring links that let a company mentor confirm days without an account.

The token carries only the mentor's id and is signed with the site's secret and a salt of its own,
so it cannot be forged or reused for anything else; TimestampSigner makes it expire.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from meister.links import absolute_url
from partners.models import Person

SALT = "curricula.mentor-confirmation"
DEFAULT_MAX_AGE_DAYS = 14


def max_age_seconds() -> int:
    return getattr(settings, "CURRICULA_CONFIRM_LINK_DAYS", DEFAULT_MAX_AGE_DAYS) * 24 * 60 * 60


def confirmation_token(mentor: Person) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(mentor.pk))


def mentor_for_token(token: str) -> Person:
    """The mentor a token was made for; raises signing.SignatureExpired or BadSignature, or Person.DoesNotExist."""
    pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age_seconds())
    return Person.objects.select_related("company").get(pk=int(pk), company__isnull=False)


def confirmation_path(mentor: Person) -> str:
    return reverse("curricula:confirm_link", args=[confirmation_token(mentor)])


def confirmation_url(mentor: Person) -> str:
    return absolute_url(confirmation_path(mentor))
