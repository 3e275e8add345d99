"""The registry in the browser's terms: find, open, edit, log a contact, export."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from meister.exporting import escape_cell
from partners.models import (
    Agreement,
    Company,
    CompanyOffer,
    Consortium,
    ContactLog,
    IndustryDivision,
    OfferKind,
    Person,
    PersonRole,
    Prefecture,
    School,
)


def test_coordinator_finds_facility_practicals_in_manufacturing(client, demo):
    client.force_login(demo.users["coordinator"])
    shiga = Prefecture.objects.get(code="25")
    manufacturing = IndustryDivision.objects.get(code="E")
    response = client.get(
        reverse("partners:company_list"),
        {"prefecture": shiga.pk, "industry": manufacturing.pk, "offer": OfferKind.FACILITY},
    )
    assert {c.name for c in response.context["page"]} == {"株式会社湖東精機", "近江エンジニアリング株式会社"}
    # …opens one and sees its offers and history
    detail = client.get(reverse("partners:company_detail", args=[demo.kotoh.pk])).content.decode()
    assert "施設・設備を使った実習" in detail and "プログレス実習の後期日程の確認" in detail


def test_coordinator_logs_a_contact(client, demo):
    client.force_login(demo.users["coordinator"])
    mentor = Person.objects.get(name="湖東 精一")
    url = reverse("partners:company_contact_create", args=[demo.kotoh.pk])
    response = client.post(
        url,
        {
            "contacted_on": "2026-11-20",
            "channel": "phone",
            "person": mentor.pk,
            "subject": "来年度の受入れ枠の相談",
            "notes": "",
            "next_step": "枠の確定",
            "next_step_on": "2026-12-10",
        },
    )
    assert response.status_code == 302
    log = ContactLog.objects.get(subject="来年度の受入れ枠の相談")
    assert (log.company, log.person, log.recorded_by) == (demo.kotoh, mentor, demo.users["coordinator"])
    detail = client.get(reverse("partners:company_detail", args=[demo.kotoh.pk])).content.decode()
    assert "来年度の受入れ枠の相談" in detail and "令和8年12月10日" in detail


def test_contact_with_bad_dates_keeps_everything_typed(client, demo):
    client.force_login(demo.users["teacher"])
    url = reverse("partners:school_contact_create", args=[demo.hikone.pk])
    response = client.post(
        url,
        {
            "contacted_on": "2026-11-20",
            "channel": "visit",
            "subject": "見学の打合せ",
            "notes": "長い記録の本文",
            "next_step": "日程調整",
            "next_step_on": "2026-11-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "次のアクションの期日は連絡日以降にしてください。" in html
    assert "長い記録の本文" in html and "見学の打合せ" in html
    assert not ContactLog.objects.filter(subject="見学の打合せ").exists()


def test_contact_person_must_belong_to_the_company(client, demo):
    client.force_login(demo.users["coordinator"])
    stranger = Person.objects.get(name="伊吹 健")  # works for another company
    response = client.post(
        reverse("partners:company_contact_create", args=[demo.kotoh.pk]),
        {
            "contacted_on": "2026-11-20",
            "channel": "phone",
            "person": stranger.pk,
            "subject": "確認",
        },
    )
    assert response.status_code == 200 and not ContactLog.objects.filter(subject="確認").exists()


def test_company_edit_with_full_width_corporate_number_and_offers(client, demo):
    client.force_login(demo.users["company"])
    url = reverse("partners:company_edit", args=[demo.kotoh.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"busy_months", "weekdays"}}
    data.update(
        {
            "prefecture": demo.kotoh.prefecture_id,
            "industry": demo.kotoh.industry_id,
            "corporate_number": "６１６０-００１-０１２３４５",
            "busy_months": ["3", "12"],
            "weekdays": ["2"],
            "offers-TOTAL_FORMS": "1",
            "offers-INITIAL_FORMS": "0",
            "offers-MIN_NUM_FORMS": "0",
            "offers-MAX_NUM_FORMS": "1000",
            "offers-0-kind": OfferKind.CAREER_TALK,
            "offers-0-capacity": "",
            "offers-0-description": "技術者のキャリア講話",
        }
    )
    data.pop("latitude", None), data.pop("longitude", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    demo.kotoh.refresh_from_db()
    assert demo.kotoh.corporate_number == "6160001012345"
    assert demo.kotoh.busy_months == [3, 12]
    assert CompanyOffer.objects.filter(company=demo.kotoh, kind=OfferKind.CAREER_TALK).exists()


def test_bad_corporate_number_is_explained_and_nothing_changes(client, demo):
    client.force_login(demo.users["coordinator"])
    response = client.post(
        reverse("partners:company_create"),
        {
            "name": "テスト工業株式会社",
            "corporate_number": "1234567890123",
            "prefecture": demo.hikone.prefecture_id,
            "offers-TOTAL_FORMS": "0",
            "offers-INITIAL_FORMS": "0",
            "offers-MIN_NUM_FORMS": "0",
            "offers-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "法人番号のチェックデジットが一致しません。" in response.content.decode()
    assert not Company.objects.filter(name="テスト工業株式会社").exists()


def test_coordinators_new_company_joins_their_consortium(client, demo):
    client.force_login(demo.users["coordinator"])
    data = {
        "name": "湖北テクノ株式会社",
        "corporate_number": "",
        "offers-TOTAL_FORMS": "0",
        "offers-INITIAL_FORMS": "0",
        "offers-MIN_NUM_FORMS": "0",
        "offers-MAX_NUM_FORMS": "1000",
    }
    # The coordinator registers in the consortium's prefecture, not in a neighbouring one.
    response = client.post(
        reverse("partners:company_create"), {**data, "prefecture": Prefecture.objects.get(code="26").pk}
    )
    assert response.status_code == 200 and "prefecture" in response.context["form"].errors
    assert not Company.objects.filter(name="湖北テクノ株式会社").exists()
    response = client.post(reverse("partners:company_create"), {**data, "prefecture": demo.hikone.prefecture_id})
    company = Company.objects.get(name="湖北テクノ株式会社")
    assert response["Location"] == reverse("partners:company_detail", args=[company.pk])
    assert demo.shiga_consortium in company.consortia.all()
    assert company.lacks_corporate_number


def test_prefecture_registers_schools_only_at_home(client, demo):
    client.force_login(demo.users["prefecture"])
    response = client.post(
        reverse("partners:school_create"),
        {
            "code": "D115210000099",
            "name": "新潟県立どこか高等学校",
            "prefecture": Prefecture.objects.get(code="15").pk,
            "establishment": "2",
        },
    )
    assert response.status_code == 200 and not School.objects.filter(code="D115210000099").exists()
    response = client.post(
        reverse("partners:school_create"),
        {
            "code": "Ｄ１２５２１００００１０３",
            "name": "滋賀県立湖南工業高等学校",
            "prefecture": demo.hikone.prefecture_id,
            "establishment": "2",
        },
    )
    assert response.status_code == 302
    assert School.objects.get(code="D125210000103").name == "滋賀県立湖南工業高等学校"


def test_school_fill_rate(client, demo):
    client.force_login(demo.users["prefecture"])
    page = client.get(reverse("partners:school_list")).context["page"]
    hikone = next(iter(page))
    assert (hikone.capacity_total, hikone.enrolment_total) == (200, 193)
    html = client.get(reverse("partners:school_detail", args=[demo.hikone.pk])).content.decode()
    assert "令和8年度" in html and "90%" in html  # 建設科 36 / 40


def test_fill_rate_by_prefecture(demo):
    from partners.selectors import fill_rate_by_prefecture

    rows = {r["prefecture_name"]: r for r in fill_rate_by_prefecture(user=demo.users["ministry"], fiscal_year=2026)}
    assert (rows["滋賀県"]["capacity"], rows["滋賀県"]["enrolment"]) == (200, 193)
    assert round(float(rows["新潟県"]["rate"]), 4) == round(79 / 80, 4)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+81-3", "'+81-3"),
        ("-1+1", "'-1+1"),
        ("@cmd", "'@cmd"),
        ("株式会社", "株式会社"),
        (12, 12),
        (None, ""),
    ],
)
def test_cells_are_escaped_against_formulas(value, expected):
    assert escape_cell(value) == expected


def test_export_keeps_filters_and_escapes(client, demo):
    Company.objects.create(name='=HYPERLINK("http://x")', prefecture=demo.hikone.prefecture)
    demo.shiga_consortium.companies.add(Company.objects.get(name__startswith="="))
    client.force_login(demo.users["prefecture"])
    response = client.get(reverse("partners:company_list"), {"q": "HYPERLINK", "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["法人番号", "企業名"]
    assert [r[1] for r in rows[1:]] == ['\'=HYPERLINK("http://x")']

    response = client.get(
        reverse("partners:company_list"), {"industry": IndustryDivision.objects.get(code="E").pk, "export": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"株式会社湖東精機", "近江エンジニアリング株式会社"}
    assert response["Content-Disposition"].startswith('attachment; filename="companies_')


def test_agreement_document_must_be_a_pdf(client, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(demo.users["prefecture"])
    data = {
        "title": "新しい協定",
        "prefecture": demo.hikone.prefecture_id,
        "signed_on": "2026-04-01",
        "scope": "人材育成",
    }
    bad = SimpleUploadedFile("協定書.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("partners:agreement_create"), {**data, "document": bad})
    assert "PDFファイルでアップロードしてください" in response.content.decode()
    assert response.context["form"]["title"].value() == "新しい協定"
    good = SimpleUploadedFile("協定書.pdf", b"%PDF-1.7\n%%EOF", content_type="application/pdf")
    response = client.post(reverse("partners:agreement_create"), {**data, "document": good})
    agreement = Agreement.objects.get(title="新しい協定")
    assert response.status_code == 302
    download = client.get(reverse("partners:agreement_document", args=[agreement.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(demo.users["teacher-niigata"])
    assert client.get(reverse("partners:agreement_document", args=[agreement.pk])).status_code == 404


# --- query counts: the same at 1 and at 50 rows -------------------------------------------------


def _add_rows(demo, start, stop):
    """Rows numbered start…stop-1 in Shiga for every list: schools, companies with offers, and so on."""
    shiga = demo.hikone.prefecture
    manufacturing = IndustryDivision.objects.get(code="E")
    numbers = range(start, stop)
    School.objects.bulk_create(
        School(code=f"D12529{i:07d}", name=f"テスト高校{i}", prefecture=shiga, establishment="2") for i in numbers
    )
    companies = Company.objects.bulk_create(
        Company(name=f"テスト企業{i}", prefecture=shiga, industry=manufacturing) for i in numbers
    )
    CompanyOffer.objects.bulk_create(CompanyOffer(company=c, kind=OfferKind.VISIT) for c in companies)
    Consortium.objects.bulk_create(Consortium(name=f"テスト管理機関{i}", prefecture=shiga) for i in numbers)
    Person.objects.bulk_create(
        Person(name=f"担当{i}", role=PersonRole.CONTACT, company=c) for i, c in zip(numbers, companies, strict=True)
    )
    Agreement.objects.bulk_create(
        Agreement(title=f"協定{i}", prefecture=shiga, signed_on="2026-04-01", scope="-") for i in numbers
    )


LISTS = [
    "partners:school_list",
    "partners:company_list",
    "partners:consortium_list",
    "partners:person_list",
    "partners:agreement_list",
]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("persona", ["ministry", "prefecture"])
def test_list_query_count_does_not_grow_with_rows(client, demo, name, persona):
    client.force_login(demo.users[persona])
    url = reverse(name)

    def measure():
        client.get(url)  # the first request of a session sets it up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.context["page"])

    _add_rows(demo, 0, 1)
    few_queries, few_rows = measure()
    _add_rows(demo, 1, 50)
    many_queries, many_rows = measure()
    assert few_rows < many_rows == 50  # a full page
    assert many_queries == few_queries


# --- what a consortium records ----------------------------------------------------------------------------------


def test_coordinator_records_a_meeting_with_action_items(client, demo):
    client.force_login(demo.users["coordinator"])
    url = reverse("partners:meeting_create", args=[demo.shiga_consortium.pk])
    data = {
        "kind": "joint",
        "held_on": "2026-11-18",
        "title": "合同会議（産業界・高専）",
        "minutes": "次年度の連携計画",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-description": "高専との共同実習案",
        "items-0-owner": "近江 匠",
        "items-0-due_on": "2027-01-31",
        "items-1-description": "",
        "items-1-owner": "",
    }
    assert client.post(url, data).status_code == 302
    meeting = demo.shiga_consortium.meetings.get(title="合同会議（産業界・高専）")
    assert [(a.description, a.done) for a in meeting.action_items.all()] == [("高専との共同実習案", False)]
    # …and later marks the item done
    item = meeting.action_items.get()
    edit = {**data, "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1", "items-0-id": item.pk, "items-0-done": "on"}
    assert client.post(reverse("partners:meeting_edit", args=[meeting.pk]), edit).status_code == 302
    item.refresh_from_db()
    assert item.done
    detail = client.get(reverse("partners:consortium_detail", args=[demo.shiga_consortium.pk])).content.decode()
    assert "合同会議（産業界・高専）" in detail


def test_stage_is_recorded_once_per_year(client, demo):
    client.force_login(demo.users["coordinator"])
    url = reverse("partners:stage_record", args=[demo.shiga_consortium.pk])
    assert client.post(url, {"fiscal_year": 2026, "stage": 4, "note": "見直し"}).status_code == 302
    stage = demo.shiga_consortium.stages.get(fiscal_year=2026)
    assert (stage.stage, stage.note) == (4, "見直し")
    assert demo.shiga_consortium.stages.filter(fiscal_year=2026).count() == 1


def test_second_designation_for_a_year_is_refused_in_words(client, demo):
    client.force_login(demo.users["prefecture"])
    url = reverse("partners:designation_create", args=[demo.shiga_consortium.pk])
    response = client.post(
        url, {"fiscal_year": 2026, "type": "advanced_follow_on", "first_fiscal_year": 2025, "budget_yen": "1000"}
    )
    assert response.status_code == 200
    assert "この年度の事業指定は既に登録されています。" in response.content.decode()
    assert demo.shiga_consortium.designations.filter(fiscal_year=2026).count() == 1


def test_teacher_records_practitioner_hours(client, demo):
    client.force_login(demo.users["teacher"])
    ibuki = Person.objects.get(name="伊吹 健")
    url = reverse("partners:teaching_create", args=[demo.hikone.pk])
    response = client.post(url, {"person": ibuki.pk, "fiscal_year": 2024, "subjects": "近江マイスター", "hours": "6"})
    assert response.status_code == 302
    again = client.post(url, {"person": ibuki.pk, "fiscal_year": 2024, "subjects": "重複", "hours": "1"})
    assert "既に記録されています" in again.content.decode()
    # The Niigata practitioner is not offered to a Hikone teacher.
    form = client.get(url).context["form"]
    assert "能水 太郎" not in {p.name for p in form.fields["person"].queryset}


def test_busy_months_follow_the_language(client, demo):
    client.force_login(demo.users["coordinator"])
    url = reverse("partners:company_detail", args=[demo.kotoh.pk])
    assert "3月、12月" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert "Month 3、Month 12" in client.get(url).content.decode()
