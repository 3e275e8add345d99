"""Writing a report's files: the PDF by the house printer from a print template, the workbook by the house writer."""

import io
import os
import re
import subprocess
import sys
import tempfile

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from meister import printing
from meister.exporting import write_workbook
from meister.replica import data_as_of, replica_reads
from reports.documents import BUILDERS, ReportScope


def report_html(kind: str, context: dict) -> str:
    with translation.override("ja"):
        return render_to_string(BUILDERS[kind][2], context)


PART_MARK = "<!--part-->"
NUMBERS_STYLE = re.compile(r'<style id="page-numbers">.*?</style>', re.S)
CONTENTS_COUNTER = "target-counter(attr(href), page)"
CONTENTS_LINK = re.compile(r'<a href="#([\w-]+)"')


def write_pdf(html: str, path: str, processes: int | None = None) -> None:
    """The whole document at once, or, with `processes` > 1 and a template marked in parts, the parts side by side.

    Parts are laid out by subprocesses (`reports.render_part`), joined in order, and numbered "n / N" afterwards,
    since no part knows how many pages come before it. For the same reason a contents page (links whose page
    numbers CSS's `target-counter` fills in) cannot find its targets in other parts: its part is laid out once more
    at the end, with each target's page read from the named destinations WeasyPrint wrote into the parts' PDFs.
    """
    processes = settings.REPORT_RENDER_PROCESSES if processes is None else processes
    if processes <= 1 or PART_MARK not in html:
        printing.write_pdf(path, html=html)
        return
    with tempfile.TemporaryDirectory(prefix="report-parts-") as folder:
        sources = []
        for index, part in enumerate(split_parts(html, processes)):
            source = os.path.join(folder, f"part{index:02d}.html")
            with open(source, "w", encoding="utf-8") as handle:
                handle.write(part)
            sources.append(source)
        targets = [source.removesuffix(".html") + ".pdf" for source in sources]
        _render_parts(list(zip(sources, targets, strict=True)), processes)
        if CONTENTS_COUNTER in html:
            _resolve_contents(sources, targets)
        _join_and_number(targets, html, path)


def split_parts(html: str, pieces: int | None = None) -> list[str]:
    """Each part is a document of its own: the same head (without page numbers) and one stretch of the body.

    With `pieces`, neighbouring sections are put together into that many parts of about the same length, so each
    process starts once.
    """
    head, body = html.split("<body>", 1)
    body, _tail = body.rsplit("</body>", 1)
    head = NUMBERS_STYLE.sub("", head)
    sections = [part for part in body.split(PART_MARK) if part.strip()]
    if pieces and pieces < len(sections):
        share = sum(len(section) for section in sections) / pieces
        grouped, current, done = [], "", 0
        for section in sections:
            current += section
            done += len(section)
            if len(grouped) < pieces - 1 and done >= share * (len(grouped) + 1):
                grouped.append(current)
                current = ""
        if current:
            grouped.append(current)
        sections = grouped
    return [f"{head}<body>{section}</body></html>" for section in sections]


def _render_parts(jobs, processes: int) -> None:
    waiting, running = list(jobs), []
    while waiting or running:
        while waiting and len(running) < processes:
            source, target = waiting.pop(0)
            command = [sys.executable, "-m", "reports.render_part", source, target]
            running.append(
                subprocess.Popen(command, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            )
        process = running.pop(0)
        _out, error = process.communicate()
        if process.returncode:
            for other in running:
                other.kill()
            raise RuntimeError(f"a report part failed: {error.decode(errors='replace')[-500:]}")


def _resolve_contents(sources: list[str], targets: list[str]) -> None:
    """Lay the parts holding contents links out again, each link's page number taken from where its target landed
    in the joined document; the page count of a contents part does not change, only the numbers in it."""
    from pypdf import PdfReader

    pages, offset = {}, 0
    for target in targets:
        reader = PdfReader(target)
        for name, destination in reader.named_destinations.items():
            pages.setdefault(str(name).lstrip("/"), offset + reader.get_destination_page_number(destination) + 1)
        offset += len(reader.pages)
    for source, target in zip(sources, targets, strict=True):
        with open(source, encoding="utf-8") as handle:
            part = handle.read()
        if CONTENTS_COUNTER not in part:
            continue
        numbers = "".join(
            f'a[href="#{anchor}"][href]::after {{ content: leader(".") "{pages[anchor]}"; }}'
            for anchor in dict.fromkeys(CONTENTS_LINK.findall(part))
            if anchor in pages
        )
        printing.write_pdf(target, html=part.replace("</head>", f"<style>{numbers}</style></head>", 1))


def _join_and_number(parts: list[str], html: str, path: str) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(part))
    total = len(writer.pages)
    # One blank page per page of the report, carrying only its number, laid over the report's pages.
    numbers_style = NUMBERS_STYLE.search(html).group(0)
    blank_pages = '<div style="break-after: page"></div>' * (total - 1)
    numbers = printing.pdf_bytes(
        f'<html><head><meta charset="utf-8">{numbers_style}</head><body>{blank_pages}<div></div></body></html>'
    )
    for page, number in zip(writer.pages, PdfReader(io.BytesIO(numbers)).pages, strict=True):
        page.merge_page(number)
    with open(path, "wb") as handle:
        writer.write(handle)


def build_report_files(kind: str, fy: int, scope: ReportScope, *, pdf_path=None, xlsx_path=None, progress=None):
    """Gather the figures once, then write whichever files are asked for. Returns the gathered context."""
    progress = progress or (lambda percent: None)
    collect, to_sheets, _template = BUILDERS[kind]
    with translation.override("ja"):  # reports for the ministry are in Japanese, whoever asks
        with replica_reads():  # the figures may come from a replica; the report says as of when
            context = collect(fy, scope, progress)
            context["data_as_of"] = data_as_of()
        if pdf_path:
            write_pdf(report_html(kind, context), pdf_path)
            progress(85)
        if xlsx_path:
            write_workbook(to_sheets(context), xlsx_path)
            progress(90)
    return context
