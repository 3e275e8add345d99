"""Students sign in with their school accounts through the real provider: by the roster's address, or by a class
code when the roster does not hold it; never by an address the provider does not vouch for."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from curricula.models import Student
from curricula.services import student_accounts
from curricula.services.student_accounts import CLASS_CODE
from meister.models import Role, User
from sso.oidc import Refusal
from tests.oidc_provider import ACCOUNTS, provider_sign_in, real_clock, running_provider
from tests.sso.test_sso import CALLBACK, assert_refused, configuration_for, sign_in


@pytest.fixture
def oidc_provider():
    with running_provider(redirect_uris=[CALLBACK]) as provider:
        yield provider


def _row(demo, kana: str, email: str = "") -> Student:
    row = Student.objects.get(school=demo.hikone, kana_name=kana)
    row.email = email
    row.save(update_fields=["email"])
    return row


def test_a_student_whose_address_is_on_the_roster_is_linked_at_the_first_sign_in(client, demo, oidc_provider):
    row = _row(demo, "いのうえ さくら", ACCOUNTS["inoue"]["email"].upper())
    configuration = configuration_for(oidc_provider, school=demo.hikone)
    # On the provider's clock until the home page: the session starts at the real time.
    with real_clock():
        response = sign_in(client, configuration, "inoue")
        assert response.status_code == 302
        home = client.get(client.get(response["Location"])["Location"])
    assert home.status_code == 200 and home.context["student"] == row
    row.refresh_from_db()
    assert row.account.role == Role.STUDENT and row.account.email == ACCOUNTS["inoue"]["email"]
    # The second sign-in finds the same account.
    client.logout()
    with real_clock():
        assert sign_in(client, configuration, "inoue").status_code == 302
    assert User.objects.filter(email__iexact=ACCOUNTS["inoue"]["email"]).count() == 1


def test_an_unverified_student_address_links_nothing(client, demo, oidc_provider):
    row = _row(demo, "うえだ れん", ACCOUNTS["ueda"]["email"])
    users = User.objects.count()
    with real_clock():
        response = sign_in(client, configuration_for(oidc_provider), "ueda")
    assert_refused(response, Refusal.UNVERIFIED_EMAIL)
    row.refresh_from_db()
    assert row.account is None and User.objects.count() == users


def test_a_student_signs_in_through_a_class_code_and_picks_their_row(client, demo, oidc_provider):
    configuration_for(oidc_provider)
    row = _row(demo, "うえだ れん")
    # The whole way on the provider's (real) clock: the code is made, opened and used within minutes.
    with real_clock():
        code = student_accounts.class_code_create(
            user=demo.users["teacher"], school=demo.hikone, entry_year=row.entry_year, class_name=row.class_name
        )
        path = CLASS_CODE.path(code.pk)
        [(_offered, start)] = client.get(path).context["choices"]
        authorization = client.get(start)["Location"]
        back = urlsplit(provider_sign_in(authorization, "newcomer"))
        answer = client.get(f"{back.path}?{back.query}")
        assert answer.status_code == 302 and answer["Location"] == path
        account = User.objects.get(email=ACCOUNTS["newcomer"]["email"])
        assert (account.role, account.school) == (Role.STUDENT, demo.hikone)
        picked = client.post(answer["Location"], {"student": row.pk})
    assert picked.status_code == 302 and picked["Location"] == reverse("curricula:student_home")
    row.refresh_from_db()
    assert row.account == account


def test_without_a_class_code_an_unknown_student_address_is_refused(client, demo, oidc_provider):
    users = User.objects.count()
    with real_clock():
        response = sign_in(client, configuration_for(oidc_provider), "newcomer")
    assert_refused(response, Refusal.UNKNOWN_EMAIL)
    assert User.objects.count() == users


def test_a_class_code_of_a_school_the_configuration_does_not_serve_makes_no_account(client, demo, oidc_provider):
    kaiyo = Student.objects.filter(school=demo.kaiyo).first()
    users = User.objects.count()
    with real_clock():
        code = student_accounts.class_code_create(
            user=demo.users["teacher-niigata"],
            school=demo.kaiyo,
            entry_year=kaiyo.entry_year,
            class_name=kaiyo.class_name,
        )
        assert client.get(CLASS_CODE.path(code.pk)).status_code == 200
        response = sign_in(client, configuration_for(oidc_provider, school=demo.hikone), "newcomer")
    assert_refused(response, Refusal.UNKNOWN_EMAIL)
    assert User.objects.count() == users
