"""A diary photo made safe to keep: its type read from its bytes, its size capped, and re-encoded with Pillow so that
no EXIF (the phone's location, its serial number, the time) survives; the orientation the phone recorded is applied
to the pixels first, so the picture still stands the right way up."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from meister.sniffing import JPEG, PNG, WEBP, sniff_upload

DEFAULT_MAX_MB = 8
LONGEST_SIDE = 1600
ACCEPTED = (JPEG, PNG, WEBP)


def max_bytes() -> int:
    return int(getattr(settings, "DIARY_PHOTO_MAX_MB", DEFAULT_MAX_MB) * 1024 * 1024)


def cleaned_photo(upload) -> ContentFile:
    """The photo as a new JPEG or PNG without metadata; a ValidationError in the user's language otherwise."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size > max_bytes():
        raise ValidationError(
            _("写真は%(mb)sMB以下にしてください。") % {"mb": max_bytes() // (1024 * 1024)}, code="too_large"
        )
    if sniff_upload(upload) not in ACCEPTED:
        raise ValidationError(_("写真はJPEG・PNG・WebPの画像を選んでください。"), code="type")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > 40_000_000:
                raise ValidationError(_("写真の画素数が大きすぎます。"), code="too_large")
            image = ImageOps.exif_transpose(image)
            image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            keep_png = image.mode in ("RGBA", "LA", "P")
            out = io.BytesIO()
            if keep_png:
                image.save(out, format="PNG", optimize=True)
            else:
                image.convert("RGB").save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("写真を読み取れませんでした。別の画像を選んでください。"), code="unreadable") from None
    return ContentFile(out.getvalue(), name="photo.png" if keep_png else "photo.jpg")
