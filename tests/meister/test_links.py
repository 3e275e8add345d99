"""Every absolute link in an email is built one way, from SITE_URL, whichever address the portal serves on."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Recipient, Survey
from curricula.models import Placement
from curricula.services import placement_day_reminders_send
from meister.links import absolute_url
from partners.models import Company, SchoolNeed

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8201"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE + "/"  # a trailing slash as people type it
    return SITE


def links(message) -> list[str]:
    return re.findall(r"https?://[^\s)>」]+", message.body)


def test_absolute_url_joins_site_and_path(site):
    assert absolute_url("/curricula/confirm/abc/") == "http://127.0.0.1:8201/curricula/confirm/abc/"


def test_every_email_links_to_the_served_address(client, demo, site, django_capture_on_commit_callbacks):
    # Proposals to companies (the coordinator's screen).
    need = SchoolNeed.objects.get(title="水産加工の施設実習（サケの一次加工）")
    client.force_login(demo.users["coordinator-niigata"])
    page = client.get(reverse("partners:need_candidates", args=[need.pk]))
    message = page.context["proposal_form"].initial["message"]
    nosui = Company.objects.get(name="株式会社能水商店")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partners:need_propose", args=[need.pk]), {"company": [nosui.pk], "message": message}
        )
    assert response.status_code == 302
    # Confirmation requests to mentors (the reminder command) and the day-before notice.
    call_command("send_confirmation_reminders", "--older-than-days", "0", verbosity=0)
    placement = Placement.objects.filter(student__school=demo.hikone).exclude(mentor=None).first()
    next_day = demo.today + datetime.timedelta(days=(int(placement.weekdays[0]) - demo.today.weekday()) % 7 or 7)
    assert placement_day_reminders_send(day=next_day) >= 1
    # The fact-finding survey (the ministry's screen).
    survey = Survey.objects.order_by("pk")[0]
    Recipient.objects.filter(survey=survey).update(email="")
    Recipient.objects.filter(survey=survey, name="株式会社能水商店").update(email="info@example.jp")
    client.force_login(demo.users["ministry"])
    client.post(reverse("assessments:survey_send", args=[survey.pk]))

    kinds = {
        "proposal": "連携のお願い",
        "confirmation": "実習日の確認のお願い",
        "day before": "明日の実習のお知らせ",
        "survey": "",
    }
    by_kind = {kind: [m for m in mail.outbox if words and words in m.subject] for kind, words in kinds.items()}
    by_kind["survey"] = [m for m in mail.outbox if "/assessments/surveys/answer/" in m.body]
    assert all(by_kind.values()), {kind: len(found) for kind, found in by_kind.items()}
    for message in mail.outbox:
        found = links(message)
        assert found, message.subject
        assert all(link.startswith(SITE + "/") and "//" not in link[len("http://") :] for link in found), found
