"""Responses that honour HTTP Range requests, so that a browser's video player can seek.

Only single ranges are answered with 206 (what media players send); a request for several ranges
gets the whole file, which RFC 9110 allows. An unsatisfiable range gets 416 with the file's size.
"""

import re

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# Past any file's size: a longer run of digits (a Range of 5,000 nines) means "beyond the end", without int()
# refusing to read it.
_BEYOND = 10**18


def _position(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) < 18 else _BEYOND


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """(first, last) byte positions for a single range; None to send everything; False when unsatisfiable."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match:
        return None  # several ranges or another unit: the whole file is a valid answer
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = _position(last)
        if suffix == 0 or size == 0:
            return False
        return max(size - suffix, 0), size - 1
    start = _position(first)
    end = _position(last) if last else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)


def _chunks(opened, start: int, length: int):
    try:
        opened.seek(start)
        remaining = length
        while remaining > 0:
            data = opened.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        opened.close()


def ranged_response(request, opened, *, size: int, content_type: str, filename: str, as_attachment: bool = False):
    """A 200 or 206 response streaming `opened` (a seekable file of `size` bytes), closed when done."""
    wanted = parse_range(request.headers.get("Range"), size) if request.method in ("GET", "HEAD") else None
    if wanted is False:
        opened.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        start, end = wanted if wanted else (0, size - 1)
        length = max(end - start + 1, 0)
        response = StreamingHttpResponse(_chunks(opened, start, length), content_type=content_type)
        response["Content-Length"] = str(length)
        if wanted:
            response.status_code = 206
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
