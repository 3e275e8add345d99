"""The one PDF printer: a print template's HTML to PDF through WeasyPrint, in the IPAex fonts.

Print templates are complete documents of their own (no Bootstrap, sizes in points and millimetres); the printer
adds only the house typeface, so a template that names none still prints in Japanese. Used in the request for the
one- or two-page documents of a placement or student, and by the report runs, whole or part by part
(`reports.render_part`, a plain subprocess: nothing here needs Django's settings).
"""

from pathlib import Path

FONT_FAMILY = '"IPAexGothic", "IPAGothic", "Noto Sans CJK JP", sans-serif'
# Margin boxes (page numbers) take their font from the page, not the body, so this leaves them as they are.
HOUSE_CSS = f"body {{ font-family: {FONT_FAMILY}; }}"


def _document(html: str | None = None, source: str | Path | None = None):
    from weasyprint import HTML

    return HTML(string=html) if source is None else HTML(filename=str(source))


def _stylesheets():
    from weasyprint import CSS

    return [CSS(string=HOUSE_CSS)]


def pdf_bytes(html: str) -> bytes:
    """The PDF of a complete HTML document."""
    return _document(html).write_pdf(stylesheets=_stylesheets())


def write_pdf(target: str | Path, *, html: str | None = None, source: str | Path | None = None) -> None:
    """The PDF of `html`, or of the HTML file `source`, written to the file `target`."""
    _document(html, source).write_pdf(str(target), stylesheets=_stylesheets())


def pdf_response(html: str, filename: str):
    """A PDF for the browser to show (inline), named `filename` when saved."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(pdf_bytes(html), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
