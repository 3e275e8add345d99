"""The teaching-content library: content sniffing, size limits, kept input, ranges, visibility, downloads."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from meister.sniffing import sniff_upload
from showcase.models import Material, MaterialKind, PublicationStatus, UsageTerms
from showcase.ranges import parse_range, ranged_response
from showcase.selectors import materials_for_user

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parent.parent.parent / "devtools" / "demo" / "files"
PDF_BYTES = (DEMO / "gyosho-tebiki.pdf").read_bytes()
WEBM_BYTES = (DEMO / "suisan-shokuhin-kakou.webm").read_bytes()
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
    b"\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _pptx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return out.getvalue()


def _video(demo):
    return Material.objects.get(kind=MaterialKind.VIDEO, company=demo.nosui)


def _consortium_pdf(demo):
    return Material.objects.get(kind=MaterialKind.PDF, consortium=demo.niigata_consortium, usage="consortium")


# --- sniffing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, kind",
    [
        ("手引き.pdf", PDF_BYTES, "pdf"),
        ("movie.webm", WEBM_BYTES, "video"),
        ("photo.png", PNG_BYTES, "image"),
        ("slides.pptx", _pptx(), "slides"),
        ("renamed.bin", PDF_BYTES, "pdf"),
    ],
)
def test_sniffing_reads_the_bytes(name, data, kind):
    assert sniff_upload(SimpleUploadedFile(name, data, content_type="application/octet-stream")).kind == kind


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,  # a Windows program
        b"<!doctype html><html><script>alert(1)</script></html>",
        b"PK\x03\x04not really a zip",
        b"",
    ],
)
def test_sniffing_refuses_what_is_not_a_material(data):
    assert sniff_upload(SimpleUploadedFile("教材.pdf", data, content_type="application/pdf")) is None


# --- uploading ----------------------------------------------------------------------------------


def _form(**overrides):
    data = {
        "title": "水産加工の安全教育",
        "description": "加工場での安全の基本",
        "category": "fisheries",
        "subject": "水産加工実習",
        "grade": "2",
        "usage": "schools",
        "link": "",
    }
    return {**data, **overrides}


def test_teacher_uploads_a_pdf_and_gets_a_first_page_preview(client, demo):
    client.force_login(demo.users["teacher-niigata"])
    upload = SimpleUploadedFile("x.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("library:create"),
        {**_form(), "consortium": demo.niigata_consortium.pk, "school": demo.kaiyo.pk, "upload": upload},
    )
    assert response.status_code == 302
    material = Material.objects.get(title="水産加工の安全教育")
    assert material.kind == "pdf" and material.content_type == "application/pdf"
    assert material.status == PublicationStatus.DRAFT and material.school == demo.kaiyo
    assert material.contributed_by == demo.users["teacher-niigata"]
    assert material.file.name.startswith(f"library/{demo.niigata_consortium.pk}/")
    preview = client.get(reverse("library:preview", args=[material.pk]))
    assert preview.status_code == 200 and b"".join(preview.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "このファイルの形式は登録できません"),
        (b"<html><body>not a pdf</body></html>", "このファイルの形式は登録できません"),
        (b"%PDF-1.7\nthis is not really a pdf", "PDFファイルを読み込めませんでした"),
    ],
)
def test_a_disguised_file_is_refused_and_everything_typed_is_kept(client, demo, data, message):
    client.force_login(demo.users["teacher-niigata"])
    before = Material.objects.count()
    upload = SimpleUploadedFile("教材.pdf", data, content_type="application/pdf")
    response = client.post(
        reverse("library:create"),
        {**_form(), "consortium": demo.niigata_consortium.pk, "school": demo.kaiyo.pk, "upload": upload},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "ファイルはもう一度選んでください" in html
    assert 'value="水産加工の安全教育"' in html and "加工場での安全の基本" in html and 'value="水産加工実習"' in html
    assert Material.objects.count() == before


@override_settings(LIBRARY_MAX_UPLOAD_BYTES=1024)
def test_an_oversize_file_is_refused(client, demo):
    client.force_login(demo.users["company-niigata"])
    upload = SimpleUploadedFile("movie.webm", WEBM_BYTES, content_type="video/webm")
    response = client.post(
        reverse("library:create"),
        {**_form(), "consortium": demo.niigata_consortium.pk, "company": demo.nosui.pk, "upload": upload},
    )
    assert response.status_code == 400
    assert "ファイルが大きすぎます" in response.content.decode()
    assert not Material.objects.filter(title="水産加工の安全教育").exists()


def test_a_file_or_a_link_is_needed_and_english_messages(client, demo):
    client.force_login(demo.users["teacher-niigata"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(
        reverse("library:create"), {**_form(), "consortium": demo.niigata_consortium.pk, "school": demo.kaiyo.pk}
    )
    assert response.status_code == 400
    assert "Choose a file or enter a link." in response.content.decode()


def test_a_teacher_cannot_contribute_for_another_consortium(client, demo):
    client.force_login(demo.users["teacher"])
    upload = SimpleUploadedFile("x.png", PNG_BYTES, content_type="image/png")
    response = client.post(
        reverse("library:create"),
        {**_form(), "consortium": demo.niigata_consortium.pk, "school": demo.kaiyo.pk, "upload": upload},
    )
    assert response.status_code == 400
    assert not Material.objects.filter(title="水産加工の安全教育").exists()


# --- ranges -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, expected",
    [
        (None, None),
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=990-2000", (990, 999)),
        ("bytes=1000-", False),
        ("bytes=5-1", False),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 1000) == expected


def _body(response):
    return b"".join(response.streaming_content)


def test_ranged_response_serves_the_asked_bytes():
    data = bytes(range(256)) * 4
    request = RequestFactory().get("/", HTTP_RANGE="bytes=10-19")
    response = ranged_response(request, io.BytesIO(data), size=len(data), content_type="video/webm", filename="v.webm")
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 10-19/1024" and response["Content-Length"] == "10"
    assert _body(response) == data[10:20]
    whole = ranged_response(RequestFactory().get("/"), io.BytesIO(data), size=1024, content_type="x/y", filename="f")
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes" and _body(whole) == data
    refused = ranged_response(
        RequestFactory().get("/", HTTP_RANGE="bytes=2000-"),
        io.BytesIO(data),
        size=1024,
        content_type="x/y",
        filename="f",
    )
    assert refused.status_code == 416 and refused["Content-Range"] == "bytes */1024"


def test_video_file_answers_range_requests(client, demo):
    client.force_login(demo.users["teacher"])
    url = reverse("library:file", args=[_video(demo).pk])
    response = client.get(url, HTTP_RANGE="bytes=0-3")
    assert response.status_code == 206 and _body(response) == WEBM_BYTES[:4]
    assert response["Content-Type"] == "video/webm"
    assert response["Content-Range"] == f"bytes 0-3/{len(WEBM_BYTES)}"
    tail = client.get(url, HTTP_RANGE="bytes=-16")
    assert _body(tail) == WEBM_BYTES[-16:]


# --- visibility -------------------------------------------------------------------------------------


def test_visibility_follows_usage_terms_and_scope(demo):
    pdf = _consortium_pdf(demo)
    video = _video(demo)
    schools_only = Material.objects.create(
        title="学校向け",
        description="d",
        category="fisheries",
        consortium=demo.niigata_consortium,
        school=demo.kaiyo,
        usage=UsageTerms.SCHOOLS,
        kind="link",
        link="https://example.jp/",
        status=PublicationStatus.PUBLISHED,
    )
    draft = Material.objects.create(
        title="下書き",
        description="d",
        category="fisheries",
        consortium=demo.niigata_consortium,
        school=demo.kaiyo,
        usage=UsageTerms.PUBLIC,
        kind="link",
        link="https://example.jp/",
    )
    from django.contrib.auth.models import AnonymousUser

    def seen(user):
        return set(materials_for_user(user).filter(pk__in=[pdf.pk, video.pk, schools_only.pk, draft.pk]))

    users = demo.users
    assert seen(AnonymousUser()) == {video}
    assert seen(users["teacher"]) == {video, schools_only}
    assert seen(users["company"]) == {video, schools_only}
    assert seen(users["prefecture"]) == {video, schools_only}
    assert seen(users["teacher-niigata"]) == {video, schools_only, pdf, draft}
    # The company sees the consortium's published material, not a school's draft.
    assert seen(users["company-niigata"]) == {video, schools_only, pdf}
    assert seen(users["prefecture-niigata"]) == {video, schools_only, pdf}
    assert seen(users["ministry"]) == {video, schools_only, pdf}
    assert seen(users["admin"]) == {video, schools_only, pdf, draft}


def test_consortium_only_pdf_is_404_to_outsiders_and_visitors(client, demo):
    pdf = _consortium_pdf(demo)
    for name in ("library:detail", "library:file", "library:download", "library:preview"):
        url = reverse(name, args=[pdf.pk])
        assert client.get(url).status_code == 404
        client.force_login(demo.users["teacher"])
        response = client.get(url)
        assert response.status_code == 404 and pdf.title not in response.content.decode()
        client.logout()
    client.force_login(demo.users["teacher"])
    assert pdf.title not in client.get(reverse("library:list"), {"q": "魚醤"}).content.decode()


def test_unpublishing_hides_a_public_material_and_is_audited(client, demo):
    video = _video(demo)
    client.force_login(demo.users["company-niigata"])
    client.post(reverse("library:publish", args=[video.pk]), {"action": "unpublish"})
    client.logout()
    assert client.get(reverse("library:detail", args=[video.pk])).status_code == 404
    client.force_login(demo.users["teacher-niigata"])
    html = client.get(reverse("library:detail", args=[video.pk]))
    assert html.status_code == 404  # a draft is for those who may change it
    client.force_login(demo.users["company-niigata"])
    html = client.get(reverse("library:detail", args=[video.pk])).content.decode()
    assert 'data-testid="publication-events"' in html and "公開を取り下げ" in html
    # A teacher of the consortium (in scope) may not change a company's material: a draft they cannot see is 404
    # on its edit and publish pages as on its own page.
    client.force_login(demo.users["teacher-niigata"])
    assert client.post(reverse("library:publish", args=[video.pk]), {"action": "publish"}).status_code == 404
    assert client.get(reverse("library:edit", args=[video.pk])).status_code == 404
    video.refresh_from_db()
    assert video.status == PublicationStatus.DRAFT


def test_search_and_filters(client, demo):
    client.force_login(demo.users["teacher"])
    url = reverse("library:list")
    found = list(client.get(url, {"category": "fisheries", "kind": "video"}).context["page"])
    assert found == [_video(demo)]
    assert list(client.get(url, {"q": "鮭 一次加工"}).context["page"]) == [_video(demo)]
    assert list(client.get(url, {"category": "industry"}).context["page"]) == []


def test_downloads_are_counted(client, demo):
    video = _video(demo)
    before = video.download_count
    response = client.get(reverse("library:download", args=[video.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert _body(response) == WEBM_BYTES
    client.get(reverse("library:download", args=[video.pk]))
    client.get(reverse("library:file", args=[video.pk]))  # playing in the page is not a download
    video.refresh_from_db()
    assert video.download_count == before + 2


def test_list_runs_the_same_queries_for_one_and_many_materials(client, demo):
    client.force_login(demo.users["teacher-niigata"])
    url = reverse("library:list")

    def add(count):
        for n in range(count):
            Material.objects.create(
                title=f"教材{n}",
                description="d",
                category="fisheries",
                consortium=demo.niigata_consortium,
                school=demo.kaiyo,
                usage=UsageTerms.SCHOOLS,
                kind="link",
                link="https://example.jp/",
                status=PublicationStatus.PUBLISHED,
            )

    def measure():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), response.content.decode().count('data-testid="material-row"')

    Material.objects.all().delete()
    add(1)
    few_queries, few_rows = measure()
    add(20)
    many_queries, many_rows = measure()
    assert (few_rows, many_rows) == (1, 21)
    assert many_queries == few_queries


def test_editing_keeps_the_file_unless_a_new_one_is_chosen(client, demo):
    pdf = _consortium_pdf(demo)
    name = pdf.file.name
    client.force_login(demo.users["teacher-niigata"])
    url = reverse("library:edit", args=[pdf.pk])
    response = client.post(
        url,
        _form(title="魚醤の手引き（改訂）", usage="consortium")
        | {"consortium": demo.niigata_consortium.pk, "school": demo.kaiyo.pk},
    )
    assert response.status_code == 302
    pdf.refresh_from_db()
    assert pdf.title == "魚醤の手引き（改訂）" and pdf.file.name == name and pdf.kind == "pdf"
    image = SimpleUploadedFile("new.pdf", PNG_BYTES, content_type="application/pdf")
    client.post(
        url,
        _form(usage="consortium")
        | {"consortium": demo.niigata_consortium.pk, "school": demo.kaiyo.pk, "upload": image},
    )
    pdf.refresh_from_db()
    # The bytes were a PNG whatever the name said: the material is now an image, without a PDF preview.
    assert pdf.kind == "image" and pdf.content_type == "image/png" and not pdf.preview


@given(data=st.binary(min_size=1, max_size=300), first=st.integers(0, 400), length=st.integers(0, 400))
@settings(max_examples=200, deadline=None)
def test_any_satisfiable_range_returns_exactly_those_bytes(data, first, length):
    last = first + length
    request = RequestFactory().get("/", HTTP_RANGE=f"bytes={first}-{last}")
    response = ranged_response(request, io.BytesIO(data), size=len(data), content_type="x/y", filename="f")
    if first >= len(data):
        assert response.status_code == 416
    else:
        assert response.status_code == 206
        body = _body(response)
        assert body == data[first : last + 1] and int(response["Content-Length"]) == len(body)
