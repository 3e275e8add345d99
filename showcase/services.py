"""Writing: publishing and withdrawing pages, profiles and materials; storing an uploaded material."""

import io
import uuid

import pypdfium2
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from showcase.models import Material, MaterialKind, PublicationStatus
from showcase.sniffing import PDF, sniff_upload

PREVIEW_WIDTH = 800


def publication_set(*, user, obj, published: bool) -> None:
    """Publish or withdraw a page, profile or material; the history keeps who did it and when."""
    obj.status = PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT
    if published:
        obj.published_at = timezone.now()
    obj._history_user = user
    obj.full_clean()
    obj.save()


def record_save(*, user, obj, m2m_form=None) -> None:
    """Save a page or profile as edited (its publication state unchanged), with its author in the history."""
    obj._history_user = user
    obj.full_clean()
    with transaction.atomic():
        obj.save()
        if m2m_form is not None:
            m2m_form.save_m2m()


def check_upload(upload):
    """The sniffed kind of an upload, or a ValidationError in the user's language."""
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
    if sniffed == PDF:
        upload.seek(0)
        try:
            render_first_page(upload.read())
        except pypdfium2.PdfiumError as error:
            raise ValidationError(
                _("PDFファイルを読み込めませんでした。壊れていないか確かめてください。"), code="bad_pdf"
            ) from error
        finally:
            upload.seek(0)
    return sniffed


def render_first_page(data: bytes) -> bytes:
    """The first page of a PDF as a PNG image, about PREVIEW_WIDTH pixels wide."""
    document = pypdfium2.PdfDocument(data)
    try:
        if len(document) == 0:
            raise pypdfium2.PdfiumError("no pages")
        page = document[0]
        scale = PREVIEW_WIDTH / max(page.get_width(), 1)
        image = page.render(scale=min(scale, 4)).to_pil()
        page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def material_save(*, user, material: Material, upload=None) -> Material:
    """Store a material with its file (checked by content) or its link; all or nothing."""
    if upload is not None:
        sniffed = check_upload(upload)
        material.kind = sniffed.kind
        material.content_type = sniffed.content_type
        material.size = upload.size
        name = f"{uuid.uuid4().hex}.{sniffed.extension}"
        upload.seek(0)
        material.file.save(name, upload, save=False)
        if sniffed == PDF:
            material.file.open("rb")
            try:
                png = render_first_page(material.file.read())
            finally:
                material.file.close()
            material.preview.save(f"{uuid.uuid4().hex}.png", ContentFile(png), save=False)
        elif material.preview:
            material.preview = ""
        material.link = ""
    elif material.link and not material.file:
        material.kind = MaterialKind.LINK
    if not material.file and not material.link:
        raise ValidationError({"file": _("ファイルを選ぶか、リンクを入力してください。")})
    if material.contributed_by_id is None:
        material.contributed_by = user
    material._history_user = user
    try:
        material.full_clean()
        material.save()
    except Exception:
        if upload is not None and material.file:
            material.file.delete(save=False)
            if material.preview:
                material.preview.delete(save=False)
        raise
    return material


def download_recorded(*, material: Material) -> None:
    """Count one download, in the database so that simultaneous downloads are all counted."""
    Material.objects.filter(pk=material.pk).update(download_count=F("download_count") + 1)
