"""What an uploaded file really is, read from its bytes: the name and the browser's word are never trusted.

Used by every upload: teaching materials, agreement documents and signed scans. Only the kinds the portal
accepts are recognised; anything else (HTML, programs, archives…) is None.
"""

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    kind: str  # the family: pdf, image, video or slides (the library's material kinds use the same words)
    extension: str


PDF = Sniffed("application/pdf", "pdf", "pdf")
PNG = Sniffed("image/png", "image", "png")
JPEG = Sniffed("image/jpeg", "image", "jpg")
GIF = Sniffed("image/gif", "image", "gif")
WEBP = Sniffed("image/webp", "image", "webp")
WEBM = Sniffed("video/webm", "video", "webm")
OGG = Sniffed("video/ogg", "video", "ogv")
MP4 = Sniffed("video/mp4", "video", "mp4")
PPTX = Sniffed("application/vnd.openxmlformats-officedocument.presentationml.presentation", "slides", "pptx")
ODP = Sniffed("application/vnd.oasis.opendocument.presentation", "slides", "odp")
WEBVTT = Sniffed("text/vtt", "captions", "vtt")

_EBML = b"\x1a\x45\xdf\xa3"
_MP4_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"dash", b"M4V ", b"f4v "}


def sniff(head: bytes, opened=None) -> Sniffed | None:
    """The kind of a file from its first bytes; `opened` (a seekable file) lets zip-based slides be looked into."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(_EBML) and b"webm" in head[:64]:
        return WEBM
    if head.startswith(b"OggS"):
        return OGG
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return MP4
    if head.startswith(b"PK\x03\x04") and opened is not None:
        return _sniff_zip(opened)
    return None


def _sniff_zip(opened) -> Sniffed | None:
    opened.seek(0)
    try:
        with zipfile.ZipFile(opened) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and "ppt/presentation.xml" in names:
                return PPTX
            if "mimetype" in names and archive.read("mimetype").strip() == ODP.content_type.encode():
                return ODP
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        opened.seek(0)
    return None


def sniff_upload(upload) -> Sniffed | None:
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if not head.startswith(b"PK\x03\x04"):
        return sniff(head)
    # Django's in-memory and temporary uploads are both seekable files.
    source = upload.file if hasattr(upload, "file") else io.BytesIO(upload.read())
    return sniff(head, source)


def is_webvtt(data: bytes) -> bool:
    """A WebVTT captions file: UTF-8 text whose first line is "WEBVTT", alone or followed by a space or tab
    (the W3C WebVTT file signature), and no NUL bytes, so that no binary file passes for captions."""
    text = data.removeprefix(b"\xef\xbb\xbf")
    if not text.startswith(b"WEBVTT") or b"\x00" in text:
        return False
    if text[6:7] not in (b"", b" ", b"\t", b"\n", b"\r"):
        return False
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
