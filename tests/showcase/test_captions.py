"""Captions for library videos: a WebVTT file checked by its bytes, played in the video's track, seen by whoever
may see the video."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meister.sniffing import is_webvtt
from showcase.models import Material, MaterialKind
from tests.showcase.test_library import PDF_BYTES, WEBM_BYTES, _form

pytestmark = pytest.mark.django_db

VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\n鮭の頭を落とします。\n".encode()


@pytest.mark.parametrize(
    "data, expected",
    [
        (VTT, True),
        (b"\xef\xbb\xbf" + VTT, True),
        (b"WEBVTT - Kaiyo fisheries\n\n", True),
        (b"WEBVTT", True),
        (b"WEBVTTX\n", False),
        (b"1\n00:00:00,000 --> 00:00:02,000\nSubRip, not WebVTT\n", False),
        (b"<html>WEBVTT</html>", False),
        (b"WEBVTT\n\x00\x01binary", False),
        (b"WEBVTT\n\n\xff\xfe not UTF-8", False),
        (b"", False),
    ],
)
def test_webvtt_is_known_by_its_bytes(data, expected):
    assert is_webvtt(data) is expected


def _post_video(client, demo, captions):
    client.force_login(demo.users["company-niigata"])
    video = SimpleUploadedFile("movie.webm", WEBM_BYTES, content_type="video/webm")
    return client.post(
        reverse("library:create"),
        {
            **_form(),
            "consortium": demo.niigata_consortium.pk,
            "company": demo.nosui.pk,
            "upload": video,
            "captions_upload": captions,
        },
    )


def test_a_video_with_captions_plays_them_in_its_track(client, demo):
    response = _post_video(client, demo, SimpleUploadedFile("字幕.vtt", VTT, content_type="application/octet-stream"))
    assert response.status_code == 302
    material = Material.objects.get(title="水産加工の安全教育")
    assert material.kind == MaterialKind.VIDEO and material.captions.name.endswith(".vtt")

    page = client.get(material.get_absolute_url()).content.decode()
    captions_url = reverse("library:captions", args=[material.pk])
    assert f'<track kind="captions" src="{captions_url}" srclang="ja"' in page

    served = client.get(captions_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"".join(served.streaming_content) == VTT


@pytest.mark.parametrize(
    "data",
    [
        b"1\n00:00:00,000 --> 00:00:02,000\nSubRip\n",
        b"<!doctype html><script>alert(1)</script>",
        WEBM_BYTES,
    ],
)
def test_what_is_not_webvtt_is_refused_next_to_the_captions_field(client, demo, data):
    before = Material.objects.count()
    response = _post_video(client, demo, SimpleUploadedFile("captions.vtt", data, content_type="text/vtt"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "字幕ファイルは WebVTT 形式" in html
    assert 'id="error_1_id_captions_upload"' in html  # the message stands under the captions field
    assert Material.objects.count() == before


def test_captions_belong_to_videos_only(client, demo):
    client.force_login(demo.users["teacher-niigata"])
    response = client.post(
        reverse("library:create"),
        {
            **_form(),
            "consortium": demo.niigata_consortium.pk,
            "school": demo.kaiyo.pk,
            "upload": SimpleUploadedFile("x.pdf", PDF_BYTES, content_type="application/pdf"),
            "captions_upload": SimpleUploadedFile("x.vtt", VTT, content_type="text/vtt"),
        },
    )
    assert response.status_code == 400
    assert "字幕ファイルは動画の教材にだけ付けられます" in response.content.decode()
    assert not Material.objects.filter(title="水産加工の安全教育").exists()


def test_the_demo_video_has_captions_and_a_video_without_says_so(client, demo):
    video = Material.objects.get(kind=MaterialKind.VIDEO, company=demo.nosui)
    assert client.get(reverse("library:captions", args=[video.pk])).status_code == 200
    Material.objects.filter(pk=video.pk).update(captions="")
    page = client.get(video.get_absolute_url()).content.decode()
    assert "<track" not in page and "この動画には字幕がありません" in page
    assert client.get(reverse("library:captions", args=[video.pk])).status_code == 404
