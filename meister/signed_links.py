"""Signed links: the one way a link in an e-mail lets someone act without signing in, or accept an invitation.

A link kind (`LinkKind`) names what its links are for. Its token is a value (usually a row's id) signed with the
site's secret, a salt of the kind's own and the time it was made, so a token made for one kind never opens
another, cannot be forged and expires after the kind's `max_age`. Whether a link was already used is the row's
business (an answered proposal, an accepted invitation): `read` says only what the token names.

Every bad link gets the same friendly page (`refused`): 404 for a link the portal did not make or that names
nothing, 410 for one that was good but has expired or was already used, each with whom to ask for a new one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from meister.links import absolute_url


class BadLink(Exception):
    """The link was not made by the portal, was cut short, or names nothing any more."""

    status = 404


class ExpiredLink(BadLink):
    """The link was good but is past its kind's age."""

    status = 410


class UsedLink(BadLink):
    """The link was good but has done its work once (a single-use link)."""

    status = 410


@dataclass(frozen=True)
class LinkKind:
    """One kind of signed link: `salt` keeps kinds apart, `url_name` is the view that takes the token."""

    salt: str
    url_name: str
    max_age: timedelta | Callable[[], timedelta]
    ask: str = ""  # whom to ask for a new link, shown on the refusal page

    def age(self) -> timedelta:
        return self.max_age() if callable(self.max_age) else self.max_age

    def token(self, value) -> str:
        return signing.TimestampSigner(salt=self.salt).sign(str(value))

    def path(self, value) -> str:
        return reverse(self.url_name, args=[self.token(value)])

    def url(self, value) -> str:
        """The full address for an e-mail or a PDF."""
        return absolute_url(self.path(value))

    def read(self, token: str) -> str:
        """The value a token carries; raises ExpiredLink or BadLink."""
        try:
            return signing.TimestampSigner(salt=self.salt).unsign(str(token), max_age=self.age())
        except signing.SignatureExpired:
            raise ExpiredLink from None
        except signing.BadSignature:
            raise BadLink from None

    def read_id(self, token: str) -> int:
        """The row id a token carries; raises ExpiredLink or BadLink."""
        value = self.read(token)
        if not value.isascii() or not value.isdigit():
            raise BadLink
        return int(value)


def refused(request, error: BadLink, kind: LinkKind | None = None) -> HttpResponse:
    """The one page for a link that cannot be used, in the reader's language, with the status that says why."""
    context = {
        "expired": isinstance(error, ExpiredLink),
        "used": isinstance(error, UsedLink),
        "ask": kind.ask if kind else "",
    }
    return render(request, "link_refused.html", context, status=error.status)
