"""The mentor's page: an error stands at the card it concerns, and "confirm all" can be taken back for a few
minutes — exactly the days it confirmed, nothing else."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from curricula import links
from curricula.models import DayLog, LogStatus
from meister import clock
from tests.curricula.test_logging import hikone_placements, last_wednesday, row_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_wednesday(client, demo, django_capture_on_commit_callbacks):
    """The teacher has logged last Wednesday for the whole Hikone class; the mentors have their emails."""
    client.force_login(demo.users["teacher"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("curricula:log_day", args=[last_wednesday()]), row_data(hikone_placements(demo)))
    client.logout()


def _mentor_path():
    message = next(m for m in mail.outbox if "kotoh.mentor@example.jp" in m.to)
    return re.search(r"https?://[^/\s]+(/curricula/confirm/\S+/)", message.body).group(1)


def test_a_rejection_without_reason_is_reported_at_the_card_clicked(client, demo, logged_wednesday):
    log = DayLog.objects.filter(placement=hikone_placements(demo)[0], day=last_wednesday()).get()
    path = links.CONFIRMATION.path(log.placement.mentor_id)
    response = client.post(path, {"log": log.pk, "decision": "reject", "comment": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    card = html[html.index(f'id="review-{log.pk}"') :]
    card = card[: card.index("</form>")]
    assert 'data-testid="card-error"' in card and "差し戻しの理由を入力してください。" in card
    assert f'aria-describedby="comment-{log.pk}-error"' in card
    assert 'class="alert alert-danger"' not in html  # not at the top of the page, far from the card
    assert html.count('data-testid="card-error"') == 1
    log.refresh_from_db()
    assert log.status == LogStatus.PENDING


def test_confirm_all_is_undone_exactly_within_the_time_limit(client, demo, logged_wednesday):
    path = _mentor_path()
    pending = list(client.get(path).context["logs"])
    earlier = pending[0]
    client.post(path, {"log": earlier.pk, "decision": "confirm", "comment": "良好"})  # one by one, before
    client.post(path, {"all": "1"})
    rest = [log.pk for log in pending[1:]]
    assert set(DayLog.objects.filter(pk__in=rest).values_list("status", flat=True)) == {LogStatus.CONFIRMED}
    page = client.get(path).content.decode()
    assert 'data-testid="undo-confirm-all"' in page

    response = client.post(path, {"undo": "1"}, follow=True)
    assert f"{len(rest)}件の確認を取り消し" in response.content.decode()
    assert set(DayLog.objects.filter(pk__in=rest).values_list("status", flat=True)) == {LogStatus.PENDING}
    earlier.refresh_from_db()
    assert earlier.status == LogStatus.CONFIRMED and earlier.feedback == "良好"  # not part of "confirm all"
    undone = DayLog.objects.get(pk=rest[0])
    assert list(undone.events.values_list("action", flat=True)) == ["logged", "confirmed", "undone"]
    assert 'data-testid="undo-confirm-all"' not in response.content.decode()  # once only
    assert "取り消せる" in client.post(path, {"undo": "1"}, follow=True).content.decode()


def test_confirm_all_cannot_be_undone_after_the_time_limit(client, demo, logged_wednesday, settings):
    path = _mentor_path()
    client.post(path, {"all": "1"})
    confirmed = list(
        DayLog.objects.filter(status=LogStatus.CONFIRMED, placement__mentor__email="kotoh.mentor@example.jp")
    )
    later = clock.now() + datetime.timedelta(minutes=settings.CONFIRM_ALL_UNDO_MINUTES, seconds=5)
    with time_machine.travel(later, tick=False):
        assert 'data-testid="undo-confirm-all"' not in client.get(path).content.decode()
        client.post(path, {"undo": "1"})
    assert confirmed and all(DayLog.objects.get(pk=log.pk).status == LogStatus.CONFIRMED for log in confirmed)


def test_a_company_user_undoes_confirm_all_on_the_signed_in_page(client, demo, logged_wednesday):
    client.force_login(demo.users["company"])
    url = reverse("curricula:confirmations")
    pks = [log.pk for log in client.get(url).context["logs"]]
    client.post(url, {"all": "1"})
    assert set(DayLog.objects.filter(pk__in=pks).values_list("status", flat=True)) == {LogStatus.CONFIRMED}
    client.post(url, {"undo": "1"})
    assert set(DayLog.objects.filter(pk__in=pks).values_list("status", flat=True)) == {LogStatus.PENDING}
