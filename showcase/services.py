"""Writing: publishing and withdrawing pages, profiles and materials; storing an uploaded material."""

import io
import uuid
from collections.abc import Iterable

import pypdfium2
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from meister.scoping import OutsideScope, saving_in_scope
from meister.sniffing import PDF, Sniffed, is_webvtt, sniff_upload
from meister.uploads import replacing_files
from showcase.models import Material, MaterialKind, PublicationStatus

PREVIEW_WIDTH = 800
# A tall or wide page is drawn smaller, never larger than this a side (at most 800 × 2,000 pixels, about 6 MB).
PREVIEW_MAX_SIDE = 2_000
# PDF's own limit (ISO 32000, annex C): 14,400 units, 200 inches, a side.
PDF_MAX_PAGE_POINTS = 14_400
# Captions for an hour of video are some tens of kilobytes; a megabyte is far more than any needs.
CAPTIONS_MAX_BYTES = 1024 * 1024


def publication_set(*, user, obj, published: bool) -> None:
    """Publish or withdraw a page, profile or material; the history keeps who did it and when."""
    obj.status = PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT
    if published:
        obj.published_at = timezone.now()
    obj._history_user = user
    obj.full_clean()
    obj.save()


def record_save(*, user, obj, projects: Iterable | None = None, engagements: Iterable | None = None):
    """Save a page or profile as edited (its publication state unchanged), with its author in the history.

    A consortium's page shows the joint projects and engagements given, in place of those it showed.
    """
    obj._history_user = user
    obj.full_clean()
    with saving_in_scope(user, obj):
        obj.save()
        if projects is not None:
            obj.projects.set(projects)
        if engagements is not None:
            obj.engagements.set(engagements)
    return obj


def check_upload(upload) -> tuple[Sniffed, bytes | None]:
    """The sniffed kind of an upload and, for a PDF, its preview image; a ValidationError in the user's language."""
    limit = settings.LIBRARY_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("ファイルが大きすぎます（%(size)s）。%(limit)s以下のファイルを選んでください。"),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    sniffed = sniff_upload(upload)
    if sniffed is None:
        raise ValidationError(
            _(
                "このファイルの形式は登録できません。PDF、スライド（.pptx / .odp）、画像（PNG / JPEG / GIF / WebP）、"
                "動画（WebM / Ogg / MP4）のいずれかを選んでください。"
            ),
            code="bad_type",
        )
    preview = None
    if sniffed == PDF:
        upload.seek(0)
        try:
            preview = render_first_page(upload.read())
        finally:
            upload.seek(0)
    return sniffed, preview


def check_captions(upload) -> None:
    """A captions file is WebVTT by its bytes (not its name) and small; a ValidationError in the user's language."""
    if upload.size > CAPTIONS_MAX_BYTES:
        raise ValidationError(
            _("字幕ファイルが大きすぎます（%(size)s）。%(limit)s以下にしてください。"),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(CAPTIONS_MAX_BYTES)},
            code="captions_too_large",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not is_webvtt(data):
        raise ValidationError(
            _("字幕ファイルは WebVTT 形式（1行目が「WEBVTT」の UTF-8 テキスト、拡張子 .vtt）にしてください。"),
            code="captions_bad_type",
        )


def preview_scale(width: float, height: float) -> float:
    """The scale that draws a page PREVIEW_WIDTH wide, but never more than PREVIEW_MAX_SIDE pixels a side.

    The page size is checked in points before anything is drawn: a 331-byte PDF can declare a page that, drawn
    800 pixels wide, needs hundreds of megabytes. A page past PDF's own limit is no page a reader would show.
    """
    if not (0 < width <= PDF_MAX_PAGE_POINTS and 0 < height <= PDF_MAX_PAGE_POINTS):
        raise ValidationError(
            _(
                "PDFのページの大きさ（%(width)s × %(height)s ポイント）が扱える範囲を超えています。"
                "1辺 %(limit)s ポイント（約5メートル）までのページにしてください。"
            ),
            params={"width": f"{width:,.0f}", "height": f"{height:,.0f}", "limit": f"{PDF_MAX_PAGE_POINTS:,}"},
            code="page_size",
        )
    return min(PREVIEW_WIDTH / width, PREVIEW_MAX_SIDE / width, PREVIEW_MAX_SIDE / height, 4)


def render_first_page(data: bytes) -> bytes:
    """The first page of a PDF as a PNG image, about PREVIEW_WIDTH pixels wide; any failure is a ValidationError."""
    unreadable = ValidationError(
        _("PDFファイルを読み込めませんでした。壊れていないか確かめてください。"), code="bad_pdf"
    )
    try:
        document = pypdfium2.PdfDocument(data)
    except Exception as error:
        raise unreadable from error
    try:
        if len(document) == 0:
            raise unreadable
        page = document[0]
        try:
            scale = preview_scale(*page.get_size())
            image = page.render(scale=scale).to_pil()
        finally:
            page.close()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    except ValidationError:
        raise
    except Exception as error:
        # pdfium's own errors, a bitmap it cannot allocate (MemoryError), Pillow's: all one answer to the user.
        raise unreadable from error
    finally:
        document.close()


def material_save(*, user, material: Material, upload=None, captions=None) -> Material:
    """Store a material with its file (checked by content) or its link, and a video's captions; all or nothing.

    A file is written only once it has been checked, and its preview drawn, once; a replaced file and preview
    leave storage when the change is saved, and the new ones when it is not. What is wrong with the file (or its
    absence) is refused under the name `upload`, the file as it came, and what is wrong with the captions under
    `captions_upload`; a refusal out of scope keeps its own field.
    """
    try:
        return _material_store(user=user, material=material, upload=upload, captions=captions)
    except OutsideScope:
        raise
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise ValidationError({"upload": error.error_list}) from error
        renamed = {"file": "upload", "captions": "captions_upload"}
        named = {renamed.get(field, field): errors for field, errors in error.error_dict.items()}
        raise ValidationError(named) from error


def _material_store(*, user, material: Material, upload, captions=None) -> Material:
    preview = None
    if upload is not None:
        sniffed, preview = check_upload(upload)
        material.kind = MaterialKind(sniffed.kind)
        material.content_type = sniffed.content_type
        material.size = upload.size
    elif material.link and not material.file:
        material.kind = MaterialKind.LINK
    if upload is None and not material.file and not material.link:
        raise ValidationError({"file": _("ファイルを選ぶか、リンクを入力してください。")})
    if captions is not None:
        if material.kind != MaterialKind.VIDEO:
            raise ValidationError({"captions": _("字幕ファイルは動画の教材にだけ付けられます。")})
        try:
            check_captions(captions)
        except ValidationError as error:
            raise ValidationError({"captions": error.error_list}) from error
    elif material.kind != MaterialKind.VIDEO:
        material.captions = ""
    if material.contributed_by_id is None:
        material.contributed_by = user
    material._history_user = user
    with replacing_files(material, "file", "preview", "captions"):
        if captions is not None:
            captions.seek(0)
            material.captions.save(f"{uuid.uuid4().hex}.vtt", captions, save=False)
        if upload is not None:
            upload.seek(0)
            material.file.save(f"{uuid.uuid4().hex}.{sniffed.extension}", upload, save=False)
            if preview is not None:
                material.preview.save(f"{uuid.uuid4().hex}.png", ContentFile(preview), save=False)
            else:
                material.preview = ""
            material.link = ""
        material.full_clean()
        with saving_in_scope(user, material):
            material.save()
    return material


def download_recorded(*, material: Material) -> None:
    """Count one download, in the database so that simultaneous downloads are all counted."""
    Material.objects.filter(pk=material.pk).update(download_count=F("download_count") + 1)
