"""Signed, expiring links that let a company mentor confirm days without an account.

The token carries only the mentor's id (see `meister.signed_links`); it lasts CURRICULA_CONFIRM_LINK_DAYS days,
read when the link is made or opened so that the setting can change without a restart.
"""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy

from meister.signed_links import BadLink, LinkKind
from partners.models import Person

DEFAULT_MAX_AGE_DAYS = 14


def max_age() -> timedelta:
    return timedelta(days=getattr(settings, "CURRICULA_CONFIRM_LINK_DAYS", DEFAULT_MAX_AGE_DAYS))


CONFIRMATION = LinkKind(
    salt="curricula.mentor-confirmation",
    url_name="curricula:confirm_link",
    max_age=max_age,
    ask=gettext_lazy("学校の担当教員に新しいリンクを依頼してください。"),
)


def mentor_for_token(token: str) -> Person:
    """The mentor a token was made for; raises ExpiredLink or BadLink."""
    try:
        return Person.objects.select_related("company").get(pk=CONFIRMATION.read_id(token), company__isnull=False)
    except Person.DoesNotExist:
        raise BadLink from None


EVALUATION_LINK_DAYS = 45


def evaluation_max_age() -> timedelta:
    return timedelta(days=getattr(settings, "CURRICULA_EVALUATION_LINK_DAYS", EVALUATION_LINK_DAYS))


# The mentor's evaluation of one placement at one stage: the token carries the evaluation's id.
EVALUATION = LinkKind(
    salt="curricula.mentor-evaluation",
    url_name="curricula:evaluation_link",
    max_age=evaluation_max_age,
    ask=gettext_lazy("学校の担当教員に新しいリンクを依頼してください。"),
)
