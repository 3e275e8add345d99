"""Password reset with Django's own views: the same answer for any address, a link that works once and expires,
Japanese and English mail, and a limit per address and per IP address."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from meister.models import User


@pytest.fixture
def teacher(demo):
    cache.clear()  # the per-hour counts live in the shared cache
    user = demo.users["teacher"]
    User.objects.filter(pk=user.pk).update(email="teacher@example.jp")
    user.refresh_from_db()
    yield user
    cache.clear()


def _reset_path(message) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/[^\s]+/)", message.body).group(1)


def test_the_login_page_links_to_reset(client, demo):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    assert "パスワードを忘れた方" in client.get(reverse("login")).content.decode()


def test_the_same_answer_whether_or_not_the_address_exists(client, teacher):
    known = client.post(reverse("password_reset"), {"email": "teacher@example.jp"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.jp"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == reverse("password_reset_done")
    assert [m.to for m in mail.outbox] == [["teacher@example.jp"]]
    assert "パスワードの再設定" in mail.outbox[0].subject and "teacher" in mail.outbox[0].body


def test_the_mail_is_in_english_for_an_english_reader(client, teacher):
    client.cookies["django_language"] = "en"
    client.post(reverse("password_reset"), {"email": "teacher@example.jp"})
    assert mail.outbox[0].subject == "[Meister High School Portal] Password reset"
    assert "choose a new password" in mail.outbox[0].body


def test_the_link_works_once(client, teacher):
    client.post(reverse("password_reset"), {"email": "teacher@example.jp"})
    path = _reset_path(mail.outbox[0])
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    new = "Hikone-Reset-2026!"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    teacher.refresh_from_db()
    assert teacher.check_password(new)
    again = client.get(path, follow=True)
    assert not again.context["validlink"]


def test_the_link_expires(client, demo, teacher, settings, travel):
    travel(demo.today)
    client.post(reverse("password_reset"), {"email": "teacher@example.jp"})
    path = _reset_path(mail.outbox[0])
    travel(demo.today, hour=9 + settings.PASSWORD_RESET_TIMEOUT // 3600 + 1)
    assert not client.get(path, follow=True).context["validlink"]


def test_requests_are_limited_per_address_and_per_ip(client, teacher, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("password_reset"), {"email": "teacher@example.jp"}).status_code == 302
    refused = client.post(reverse("password_reset"), {"email": "teacher@example.jp"})
    assert refused.status_code == 200 and "1時間ほどおいて" in refused.content.decode()
    assert len(mail.outbox) == 2
    # Another address from the same IP address is refused too; the answer is the same for an unknown one.
    assert client.post(reverse("password_reset"), {"email": "nobody@example.jp"}).status_code == 200
