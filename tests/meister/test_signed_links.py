"""The portal's signed links (mentor confirmation, proposal answer, survey answer) on the one helper.

Each kind opens with a good token, answers 404 with the refusal page for a token the portal did not make or
that names nothing, and 410 with whom to ask once its age has passed; no module but the helper signs links.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from assessments.models import Survey
from assessments.services import survey as services_survey
from curricula import links
from curricula.models import Placement
from meister.signed_links import BadLink, ExpiredLink
from partners.models import Proposal, SchoolNeed
from partners.services import matching as services_matching

pytestmark = pytest.mark.django_db

BAD = "リンクが正しくありません"
EXPIRED = "リンクの有効期限が切れています"


def _mentor_id(demo):
    return Placement.objects.filter(student__school=demo.hikone).order_by("pk")[0].mentor_id


def _proposal_id(demo):
    need = SchoolNeed.objects.get(school=demo.hikone, title__startswith="制御技術")
    return Proposal.objects.get_or_create(need=need, company=demo.kotoh, defaults={"message": "ご相談"})[0].pk


def _recipient_id(demo):
    return Survey.objects.order_by("pk")[0].recipients.order_by("pk")[0].pk


KINDS = {
    "mentor confirmation": (links.CONFIRMATION, _mentor_id, "学校の担当教員に新しいリンクを依頼してください。"),
    "proposal answer": (
        services_matching.ANSWER_LINK,
        _proposal_id,
        "お手数ですが、コーディネーターにご連絡ください。新しいリンクをお送りします。",
    ),
    "survey answer": (services_survey.ANSWER_LINK, _recipient_id, "お手数ですが、調査の担当者にご連絡ください。"),
}


@pytest.fixture(params=KINDS.values(), ids=KINDS.keys())
def kind(request, demo):
    link_kind, row_id, ask = request.param
    return link_kind, row_id(demo), ask


def test_a_good_link_opens_its_page(client, kind):
    link_kind, pk, _ask = kind
    response = client.get(link_kind.path(pk))
    assert response.status_code == 200
    assert 'data-testid="link-refused"' not in response.content.decode()


@pytest.mark.parametrize("spoil", ["cut", "forged", "other kind", "nothing behind it"])
def test_a_bad_link_is_not_found_with_the_refusal_page(client, kind, spoil):
    link_kind, pk, ask = kind
    token = {
        "cut": lambda: link_kind.token(pk)[:-3],
        "forged": lambda: link_kind.token(pk)[:-1] + ("A" if link_kind.token(pk)[-1] != "A" else "B"),
        "other kind": lambda: next(k for k, _r, _a in KINDS.values() if k != link_kind).token(pk),
        "nothing behind it": lambda: link_kind.token(10**9),
    }[spoil]()
    response = client.get(reverse(link_kind.url_name, args=[token]))
    html = response.content.decode()
    assert response.status_code == 404
    assert BAD in html and "メールに記載されたリンクを" in html and ask in html
    assert EXPIRED not in html


def test_an_expired_link_is_gone_with_whom_to_ask(client, kind, travel):
    link_kind, pk, ask = kind
    day = timezone.localdate()
    travel(day)
    token = link_kind.token(pk)
    travel(day + link_kind.age() - datetime.timedelta(days=1))
    assert client.get(reverse(link_kind.url_name, args=[token])).status_code == 200
    travel(day + link_kind.age() + datetime.timedelta(days=1))
    response = client.get(reverse(link_kind.url_name, args=[token]))
    html = response.content.decode()
    assert response.status_code == 410
    assert EXPIRED in html and ask in html and BAD not in html


def test_the_refusal_page_speaks_english(client, kind):
    link_kind, pk, _ask = kind
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse(link_kind.url_name, args=["not-a-token"]))
    html = response.content.decode()
    assert response.status_code == 404
    with translation.override("en"):
        assert translation.gettext(BAD) != BAD
        assert escape(translation.gettext(BAD)) in html and escape(str(link_kind.ask)) in html
    assert BAD not in html


def test_the_confirmation_link_lasts_the_configured_days(demo, settings, travel):
    settings.CURRICULA_CONFIRM_LINK_DAYS = 3
    mentor = _mentor_id(demo)
    day = timezone.localdate()
    travel(day)
    token = links.CONFIRMATION.token(mentor)
    travel(day + datetime.timedelta(days=2))
    assert links.mentor_for_token(token).pk == mentor
    travel(day + datetime.timedelta(days=4))
    with pytest.raises(ExpiredLink):
        links.mentor_for_token(token)
    with pytest.raises(BadLink):
        links.mentor_for_token(links.CONFIRMATION.token(10**9))


def test_no_module_but_the_helper_signs_links():
    base = Path(settings.BASE_DIR)
    helper = Path("meister/signed_links.py")
    signing = re.compile(r"\bdjango\.core\.signing\b|from django\.core import[^\n]*\bsigning\b|\bsigning\.")
    offenders = [
        str(path.relative_to(base))
        for package in ("meister", "partners", "curricula", "assessments", "showcase", "reports", "portal")
        for path in sorted((base / package).rglob("*.py"))
        if path.relative_to(base) != helper and signing.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
