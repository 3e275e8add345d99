"""Sign-in protection: lockout after repeated failures, session limits, two-factor codes, CSP, password rules."""

import datetime
import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from meister.middleware import LOGIN_STAMP


def sign_in(client, username, password="meister-demo"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_lockout_after_repeated_failures(client, demo):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "teacher", "wrong-password").status_code == 200
    locked = sign_in(client, "teacher", "wrong-password")
    assert locked.status_code == 429
    assert "ログインを15分間停止しています" in locked.content.decode()
    # Even the right password waits for the cool-off…
    assert sign_in(client, "teacher").status_code == 429
    assert "_auth_user_id" not in client.session
    # …while other accounts from the same school network are not affected.
    assert sign_in(client, "coordinator").status_code == 302


def test_a_success_resets_the_count(client, demo):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "company", "wrong-password")
    assert sign_in(client, "company").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "company", "wrong-password").status_code == 200


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_sessions_end_when_idle_and_are_renewed_once_a_minute(client, demo):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert sign_in(client, "teacher").status_code == 302
        assert client.get(reverse("portal:dashboard")).status_code == 200
    renewed = _expiry(client)
    assert renewed == start + datetime.timedelta(minutes=30)
    with time_machine.travel(start + datetime.timedelta(seconds=40), tick=False):
        with CaptureQueriesContext(connection) as reading:
            assert client.get(reverse("portal:dashboard")).status_code == 200
    assert _expiry(client) == renewed, "a page read within the minute writes nothing"
    assert not [q for q in reading.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    later = start + datetime.timedelta(seconds=70)
    with time_machine.travel(later, tick=False):
        assert client.get(reverse("portal:dashboard")).status_code == 200
    assert _expiry(client) == later + datetime.timedelta(minutes=30), "renewed a minute on"
    with time_machine.travel(later + datetime.timedelta(minutes=29), tick=False):
        assert client.get(reverse("portal:dashboard")).status_code == 200, "still within the idle limit"
    idle = later + datetime.timedelta(minutes=29) + datetime.timedelta(minutes=30, seconds=1)
    with time_machine.travel(idle, tick=False):
        response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_sessions_end_twelve_hours_after_sign_in(client, demo):
    assert sign_in(client, "ministry").status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200
    session = client.session
    session[LOGIN_STAMP] = int(time.time()) - 12 * 3600 - 1
    session.save()
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("portal:dashboard")).status_code == 302


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@override_settings(TWO_FACTOR_REQUIRED_ROLES=["ministry", "prefecture"])
def test_required_roles_register_and_then_confirm_a_code(client, demo):
    sign_in(client, "prefecture")
    response = client.get(reverse("partners:school_list"))
    assert response["Location"] == reverse("two_factor_setup")
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200 and 'data-testid="totp-secret"' in page.content.decode()
    device = TOTPDevice.objects.get(user=demo.users["prefecture"], confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "確認コードが正しくありません" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a second; the test does not sleep
    assert client.post(reverse("two_factor_setup"), {"code": _code(device)}).status_code == 302
    assert client.get(reverse("partners:school_list")).status_code == 200

    client.logout()
    sign_in(client, "prefecture")
    response = client.get(reverse("partners:school_list"))
    assert response["Location"] == reverse("two_factor_verify") + "?next=%2Fpartners%2Fschools%2F"
    device.refresh_from_db()
    device.last_t = -1  # the same 30-second code may be entered once only
    device.save()
    response = client.post(reverse("two_factor_verify"), {"code": _code(device), "next": "/partners/schools/"})
    assert response["Location"] == "/partners/schools/"


@override_settings(TWO_FACTOR_REQUIRED_ROLES=[])
def test_teachers_may_choose_two_factor(client, demo):
    sign_in(client, "teacher")
    assert client.get(reverse("portal:dashboard")).status_code == 200
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=demo.users["teacher"])
    client.post(reverse("two_factor_setup"), {"code": _code(device)})
    client.logout()
    sign_in(client, "teacher")
    assert client.get(reverse("portal:dashboard"))["Location"].startswith(reverse("two_factor_verify"))


def test_verify_never_redirects_off_site(client, demo):
    sign_in(client, "teacher")
    device = TOTPDevice.objects.create(user=demo.users["teacher"], confirmed=True)
    response = client.post(reverse("two_factor_verify"), {"code": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("portal:dashboard")


def test_demo_requires_two_factor_of_no_one():
    assert settings.DEMO_ENABLED and settings.TWO_FACTOR_REQUIRED_ROLES == []


def test_content_security_policy(client, demo):
    client.force_login(demo.users["ministry"])
    response = client.get(reverse("portal:dashboard"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "<script>" not in response.content.decode()  # no inline scripts for the policy to allow


@pytest.mark.parametrize("password, message", [("short-1", "短すぎ"), ("1234567890123", "数字しか")])
def test_password_rules_in_japanese(client, demo, password, message):
    client.force_login(demo.users["teacher"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "meister-demo",
            "new_password1": password,
            "new_password2": password,
        },
    )
    assert response.status_code == 200 and message in response.content.decode()


@override_settings(TWO_FACTOR_REQUIRED_ROLES=["prefecture"])
def test_the_password_alone_cannot_replace_an_authenticator(client, demo):
    device = TOTPDevice.objects.create(user=demo.users["prefecture"], name="認証アプリ", confirmed=True)
    sign_in(client, "prefecture")
    response = client.get(reverse("two_factor_setup"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.post(reverse("two_factor_setup"), {"code": "123456"})["Location"].startswith(
        reverse("two_factor_verify")
    )
    assert list(TOTPDevice.objects.filter(user=demo.users["prefecture"])) == [device]
    assert client.get(reverse("partners:school_list")).status_code == 302


# --- issue 15, finding 7: two-factor for every role that can change other people's data -------------------------


def test_the_default_list_names_every_role_that_changes_other_peoples_data():
    from meister.models import Role

    assert settings.TWO_FACTOR_DEFAULT_ROLES == ["admin", "ministry", "prefecture", "coordinator"]
    assert set(settings.TWO_FACTOR_DEFAULT_ROLES) <= set(Role.values) == set(settings.ROLE_NAMES)
    # Teachers and company staff change their own school's or company's records only; they may turn it on.
    assert not {"teacher", "company"} & set(settings.TWO_FACTOR_DEFAULT_ROLES)


def test_production_requires_two_factor_of_admins_and_coordinators():
    from tests.meister.test_settings_deploy import PRODUCTION, manage

    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(','.join(settings.TWO_FACTOR_REQUIRED_ROLES))",
        **PRODUCTION,
    )
    assert result.stdout.strip() == "admin,ministry,prefecture,coordinator", result.stderr


def test_an_unknown_role_name_stops_start_up():
    from tests.meister.test_settings_deploy import PRODUCTION, manage

    result = manage("check", **PRODUCTION, TWO_FACTOR_REQUIRED_ROLES="admin,admn")
    assert result.returncode != 0 and "TWO_FACTOR_REQUIRED_ROLES" in result.stderr and "admn" in result.stderr


@pytest.mark.parametrize("username", ["admin", "coordinator"])
def test_a_password_alone_does_not_open_an_admin_or_coordinator_account(client, demo, username):
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=settings.TWO_FACTOR_DEFAULT_ROLES):
        assert sign_in(client, username).status_code == 302
        for path in (reverse("portal:dashboard"), reverse("partners:school_list"), "/admin/"):
            assert client.get(path)["Location"] == reverse("two_factor_setup"), path


def test_a_superuser_counts_as_an_admin(client, demo):
    from meister.models import User

    root = User.objects.create_superuser("root", "root@example.jp", "a-long-enough-password-9")
    root.role = ""
    root.save()
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=["admin"]):
        assert sign_in(client, "root", "a-long-enough-password-9").status_code == 302
        assert client.get("/admin/")["Location"] == reverse("two_factor_setup")


@pytest.mark.django_db
def test_a_sign_in_with_a_name_longer_than_any_account_is_refused_in_words(client):
    for name in ("x" * 5000, "㍻" * 150, "9" * 300):
        response = client.post(reverse("login"), {"username": name, "password": "p" * 500})
        assert response.status_code == 200
        assert "errorlist" in response.content.decode() or "alert" in response.content.decode()


@override_settings(TWO_FACTOR_REQUIRED_ROLES=[])
def test_only_the_users_own_confirmed_authenticator_asks_for_a_code(client, demo):
    sign_in(client, "teacher")
    dashboard = reverse("portal:dashboard")
    TOTPDevice.objects.create(user=demo.users["teacher"], confirmed=False)
    TOTPDevice.objects.create(user=demo.users["coordinator"], confirmed=True)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(dashboard).status_code == 200
    asked = [q["sql"] for q in queries.captured_queries if "otp_totp_totpdevice" in q["sql"]]
    assert len(asked) == 1 and asked[0].startswith("SELECT 1 AS") and "LIMIT 1" in asked[0]
    TOTPDevice.objects.create(user=demo.users["teacher"], confirmed=True)
    assert client.get(dashboard)["Location"].startswith(reverse("two_factor_verify"))
