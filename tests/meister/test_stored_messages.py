"""An import's problems and the fields a row would change are kept as codes with parameters and shown in the
reader's language, whichever language the uploader read them in."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from meister.stored_messages import coded, render, render_list
from tests.meister.test_imports import COMPANY_HEADERS, csv_bytes


def test_a_coded_message_reads_in_each_language_and_text_stays_as_written():
    with translation.override("ja"):
        message = coded(gettext_lazy("「%(field)s」が空です。"), field=gettext_lazy("住所"))
        assert message == "「住所」が空です。"
    kept = message.stored()
    assert kept == {"code": "「%(field)s」が空です。", "params": {"field": {"code": "住所"}}}
    with translation.override("en"):
        assert render(kept) == "“Address” is empty."
        assert render("株式会社湖東精機の担当者が入力した文") == "株式会社湖東精機の担当者が入力した文"
        assert render_list([{"code": "住所"}, {"code": "企業規模"}]) == "Address, Company size"
    with translation.override("ja"):
        assert render_list([{"code": "住所"}, {"code": "企業規模"}]) == "住所、企業規模"


def test_a_field_label_and_django_own_messages_are_kept_as_codes(demo):
    from django.core.exceptions import ValidationError

    from meister.importing import Problems
    from partners.models import Company

    problems = Problems()
    with translation.override("ja"):
        problems.add_validation(
            ValidationError(
                {"name": ValidationError(Company._meta.get_field("name").error_messages["blank"], code="blank")}
            ),
            Company,
        )
    (message,) = problems.messages
    with translation.override("en"):
        assert render(message.stored()) == "Company name: This field cannot be blank."
    with translation.override("ja"):
        assert render(message.stored()).startswith("企業名: ")


def test_the_preview_of_an_upload_reads_in_the_language_of_whoever_opens_it(client, demo):
    client.force_login(demo.users["prefecture"])
    data = csv_bytes(
        [
            COMPANY_HEADERS,
            [demo.kotoh.corporate_number, demo.kotoh.name, "", "滋賀県", "", "", "350人"],
            ["", "株式会社どこか", "", "ムー大陸", "", "", ""],
        ]
    )
    upload = SimpleUploadedFile("企業.csv", data, content_type="text/csv")
    response = client.post(reverse("partners:import_upload", args=["companies"]), {"file": upload})
    assert response.status_code == 302
    preview = response["Location"]

    japanese = client.get(preview).content.decode()
    assert "都道府県「ムー大陸」が見つかりません" in japanese and "変わる項目: 企業規模" in japanese

    client.cookies["django_language"] = "en"
    english = client.get(preview).content.decode()
    assert "ムー大陸" in english and "見つかりません" not in english
    assert "Changed fields: Company size" in english and "企業規模" not in english


def test_text_given_with_parameters_is_kept_filled_in():
    with translation.override("en"):
        message = coded("%(count)s 行目", count=3)
    assert message == "3 行目" and message.stored() == "3 行目"
