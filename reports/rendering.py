"""Writing a report's files: the PDF through WeasyPrint from a print template, the workbook row by row."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from meister.exporting import escape_cell
from reports.documents import BUILDERS, ReportScope


def report_html(kind: str, context: dict) -> str:
    with translation.override("ja"):
        return render_to_string(BUILDERS[kind][2], context)


def write_pdf(html: str, path: str) -> None:
    from weasyprint import HTML

    HTML(string=html).write_pdf(path)


def write_workbook(sheets, path: str) -> None:
    """A sheet per table; write-only, so memory stays flat however many detail rows there are."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title[:31])
        for index, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = "A2"
        header = []
        for text in sheet.header:
            cell = WriteOnlyCell(worksheet, value=escape_cell(str(text)))
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in sheet.rows:
            worksheet.append([_cell(value) for value in row])
    workbook.save(path)


def _cell(value):
    if isinstance(value, Promise):
        value = str(value)
    return escape_cell(value)


def build_report_files(kind: str, fy: int, scope: ReportScope, *, pdf_path=None, xlsx_path=None, progress=None):
    """Gather the figures once, then write whichever files are asked for. Returns the gathered context."""
    progress = progress or (lambda percent: None)
    collect, to_sheets, _template = BUILDERS[kind]
    with translation.override("ja"):  # reports for the ministry are in Japanese, whoever asks
        context = collect(fy, scope, progress)
        if pdf_path:
            write_pdf(report_html(kind, context), pdf_path)
            progress(85)
        if xlsx_path:
            write_workbook(to_sheets(context), xlsx_path)
            progress(90)
    return context
