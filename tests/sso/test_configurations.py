"""The school-account configurations in the browser: kept within the keeper's scope, the client secret write-only."""

import pytest
from django.urls import reverse

from partners.models import Prefecture
from sso.models import SignInConfiguration

pytestmark = pytest.mark.django_db

SECRET = "kept-secret-3f9a0c"


def form_data(prefecture, **fields) -> dict:
    return {
        "name": "滋賀県立学校（Google Workspace）",
        "prefecture": str(prefecture.pk),
        "school": "",
        "issuer": "https://accounts.google.com",
        "client_id": "1234.apps.googleusercontent.com",
        "client_secret": SECRET,
        "email_domains": "shiga-ed.example.jp, @Hikone.Example.jp",
        "enabled": "on",
    } | fields


@pytest.fixture
def shiga():
    return Prefecture.objects.get(code="25")


def test_a_prefecture_registers_its_configuration_and_the_secret_is_never_shown_back(client, demo, shiga):
    client.force_login(demo.users["prefecture"])
    response = client.post(reverse("sso:configuration_create"), form_data(shiga))
    assert response.status_code == 302
    configuration = SignInConfiguration.objects.get()
    assert configuration.client_secret == SECRET
    assert configuration.domains == ["shiga-ed.example.jp", "hikone.example.jp"]

    edit_url = reverse("sso:configuration_edit", args=[configuration.pk])
    page = client.get(edit_url).content.decode()
    assert SECRET not in page
    assert "保存済みです" in page
    assert SECRET not in client.get(reverse("sso:configuration_list")).content.decode()

    # Saved again without a secret: the stored one stays; with one, it is replaced.
    assert client.post(edit_url, form_data(shiga, client_secret="", name="滋賀県")).status_code == 302
    configuration.refresh_from_db()
    assert (configuration.name, configuration.client_secret) == ("滋賀県", SECRET)
    assert client.post(edit_url, form_data(shiga, client_secret="rotated")).status_code == 302
    configuration.refresh_from_db()
    assert configuration.client_secret == "rotated"

    # The change history names who changed what, but never holds the secret.
    history = configuration.history.all()
    assert history.count() == 3
    assert "client_secret" not in {field.name for field in history.model._meta.fields}


def test_a_new_configuration_needs_a_secret(client, demo, shiga):
    client.force_login(demo.users["admin"])
    response = client.post(reverse("sso:configuration_create"), form_data(shiga, client_secret=""))
    assert response.status_code == 200
    assert response.context["form"].errors["client_secret"]
    assert not SignInConfiguration.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("email_domains", "学校, not a domain", "ドメインとして読めません"),
        ("email_domains", " , ", "ドメインを1つ以上入力してください。"),
        ("issuer", "http://accounts.example.com", "https:// で始まるもの"),
        ("issuer", "http://127.0.0.1:6379", "https:// で始まるもの"),
    ],
)
def test_bad_values_are_refused_in_words(client, demo, shiga, field, value, words):
    client.force_login(demo.users["prefecture"])
    response = client.post(reverse("sso:configuration_create"), form_data(shiga, **{field: value}))
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert not SignInConfiguration.objects.exists()


def test_a_school_of_another_prefecture_is_refused(client, demo, shiga):
    client.force_login(demo.users["admin"])
    response = client.post(reverse("sso:configuration_create"), form_data(shiga, school=str(demo.kaiyo.pk)))
    assert response.status_code == 200
    assert "選んだ都道府県の学校を選んでください。" in response.context["form"].errors["school"]


def test_each_prefecture_sees_and_keeps_only_its_own(client, demo, shiga):
    client.force_login(demo.users["prefecture"])
    client.post(reverse("sso:configuration_create"), form_data(shiga))
    configuration = SignInConfiguration.objects.get()

    client.force_login(demo.users["prefecture-niigata"])
    assert client.get(reverse("sso:configuration_edit", args=[configuration.pk])).status_code == 404
    assert configuration.name not in client.get(reverse("sso:configuration_list")).content.decode()
    offered = client.get(reverse("sso:configuration_create")).context["form"].fields["prefecture"].queryset
    assert list(offered.values_list("code", flat=True)) == ["15"]
    response = client.post(reverse("sso:configuration_create"), form_data(shiga))
    assert response.status_code == 200 and response.context["form"].errors["prefecture"]
    assert SignInConfiguration.objects.count() == 1

    client.force_login(demo.users["teacher"])
    assert client.get(reverse("sso:configuration_list")).status_code == 403
