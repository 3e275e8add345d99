"""The one exporter interface, and the one workbook writer every download and report goes through.

An exporter is a small class with a `title`, a `filename` and its sheets. A list exporter (`ListExporter`) is one
sheet of `columns` over the rows of a list page and can also be CSV; a report hands `write_workbook` several sheets.
`render` writes the file and reports its progress (0–100) to a callback; `response` is the download for a view.

Rows are streamed (openpyxl's write-only mode for Excel, a generator for CSV) so memory does not grow with the
number of rows. Cells that a spreadsheet would run as a formula are escaped, headers included. Every sheet with a
header row opens ready to read: columns as wide as the header and the first rows need (full-width characters
count double), the header row frozen and an autofilter over the table. Numbers stay numbers: a sheet names a
number format per column (`formats`: `COUNT`, `HOURS`, `PERCENT_1`, `DECIMAL_2`) or a cell carries its own
(`Number`); text in such a column, such as the mark of a hidden figure, stays text.
"""

import csv
import io
import itertools
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.functional import Promise

from meister import clock
from meister.replica import on_replica, replica_reads

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")

Progress = Callable[[int], None]

# Excel number formats: counts with thousands separators, hours to one decimal, rates (stored as fractions) as
# percentages to one decimal, means to two decimals.
COUNT = "#,##0"
HOURS = "#,##0.0"
PERCENT_1 = "0.0%"
DECIMAL_2 = "0.00"

WIDTH_SAMPLE_ROWS = 200  # the rows read ahead to size the columns: memory stays bounded however long the list
MIN_WIDTH, MAX_WIDTH = 6, 60  # in characters of a half-width font


def escape_cell(value: Any) -> Any:
    """Text that a spreadsheet would evaluate gets a leading apostrophe; numbers and dates stay as they are."""
    if value is None:
        return ""
    if isinstance(value, Promise):  # a lazily translated label
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Number:
    """A number with its own Excel number format, for a column that holds figures of several kinds."""

    value: float | int | None
    format: str = COUNT


@dataclass
class Sheet:
    """One table of a workbook: a header row, then rows of values; `widths` in characters, per column (fitted to the
    header and the first rows when not given); `freeze_header`: the header stays in view and filters the table."""

    title: str
    header: list[str]
    rows: Iterable = field(default_factory=list)
    widths: list[int] = field(default_factory=list)
    freeze_header: bool = True
    formats: list = field(default_factory=list)  # an Excel number format per column (None: as it comes)


def display_width(value: Any) -> int:
    """How many half-width characters a value takes in a cell: full-width (Japanese) ones count two."""
    if isinstance(value, Number):
        value = value.value
    text = value if isinstance(value, str) else "" if value is None else str(value)
    lines = text.splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in lines)


def fitting_widths(header: list, rows: list[list]) -> list[int]:
    """Column widths for the header and the sampled rows, within MIN_WIDTH..MAX_WIDTH, with a little air."""
    widths = [display_width(str(text)) for text in header]
    for row in rows:
        for index, value in enumerate(row):
            if index < len(widths):
                widths[index] = max(widths[index], display_width(escape_cell(value)))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 2)) for width in widths]


def write_workbook(sheets: Iterable[Sheet], target: str | IO[bytes]) -> None:
    """The workbook writer: write-only, so memory stays flat however many rows there are; every cell escaped."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=str(sheet.title)[:31])
        rows = iter(sheet.rows)
        widths = sheet.widths
        if not widths:
            # Widths go before the rows in write-only mode: size them from the first rows, then write those too.
            ahead = [list(row) for row in itertools.islice(rows, WIDTH_SAMPLE_ROWS)]
            widths = fitting_widths(sheet.header, ahead)
            rows = itertools.chain(ahead, rows)
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        if sheet.freeze_header:
            worksheet.freeze_panes = "A2"
        header = []
        for text in sheet.header:
            cell = WriteOnlyCell(worksheet, value=escape_cell(str(text)))
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        count = 0
        formats = list(sheet.formats)
        for row in rows:
            worksheet.append(
                [
                    _cell(worksheet, WriteOnlyCell, value, formats[index] if index < len(formats) else None)
                    for index, value in enumerate(row)
                ]
            )
            count += 1
        if sheet.freeze_header and sheet.header:
            worksheet.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{count + 1}"
    workbook.save(target)


def _cell(worksheet, make, value, number_format):
    """The value as written: a number in a formatted column, or a `Number`, as a cell carrying its format."""
    if isinstance(value, Number):
        value, number_format = value.value, value.format
    value = escape_cell(value)
    if number_format is None or isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    cell = make(worksheet, value=value)
    cell.number_format = number_format
    return cell


class Exporter:
    """A download: `title` (the first sheet's name), `filename` (without date or extension) and `sheets()`."""

    title: str = ""
    filename: str = "export"
    formats: tuple[str, ...] = ("xlsx",)

    def sheets(self, progress: Progress | None = None) -> list[Sheet]:
        raise NotImplementedError

    def stamped(self, extension: str) -> str:
        return f"{self.filename}_{clock.today():%Y%m%d}.{extension}"

    def render(self, fmt: str = "xlsx", progress: Progress | None = None) -> tuple[str, str, IO[bytes]]:
        """(file name, MIME type, a temporary file at its start) for the format; `progress` hears 0–100."""
        if fmt not in self.formats:
            raise ValueError(f"{type(self).__name__} writes {', '.join(self.formats)}, not {fmt}")
        handle = tempfile.TemporaryFile()
        if fmt == "csv":
            for chunk in self.csv_chunks(progress):
                handle.write(chunk.encode("utf-8"))
        else:
            write_workbook(self.sheets(progress), handle)
        if progress:
            progress(100)
        handle.seek(0)
        return self.stamped(fmt), CSV_MIME if fmt == "csv" else XLSX_MIME, handle

    def csv_chunks(self, progress: Progress | None = None) -> Iterator[str]:
        raise NotImplementedError

    def response(self, fmt: str):
        """The download a view returns: CSV streamed as it is written, Excel from a temporary file."""
        if fmt == "csv":
            response = StreamingHttpResponse(on_replica(self.csv_chunks()), content_type=CSV_MIME)
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(self.stamped('csv'))}"
            return response
        with replica_reads():  # a download reads what a replica has, when there is one
            filename, mime, handle = self.render(fmt)
        return FileResponse(handle, as_attachment=True, filename=filename, content_type=mime)


class ListExporter(Exporter):
    """Columns over the rows of a list page (a queryset is read in chunks), as .xlsx or .csv."""

    formats = FORMATS

    def __init__(self, rows: Iterable[Any]):
        self.rows = rows

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def values(self, progress: Progress | None = None) -> Iterator[list]:
        """Each row's cells, as the columns read them; `progress` hears how far through the rows the writing is."""
        columns = self.columns()
        # A queryset is read in chunks rather than cached whole, so memory stays flat however many rows there are.
        if isinstance(self.rows, QuerySet):
            total = self.rows.count() if progress else 0
            rows = self.rows.iterator(chunk_size=2000)
        else:
            total = len(self.rows) if progress and hasattr(self.rows, "__len__") else 0
            rows = self.rows
        step = max(1, total // 100)
        for done, row in enumerate(rows, start=1):
            yield [column.value(row) for column in columns]
            if total and done % step == 0:
                progress(min(99, done * 100 // total))

    def sheets(self, progress: Progress | None = None) -> list[Sheet]:
        header = [column.header for column in self.columns()]
        return [Sheet(self.title, header, self.values(progress))]

    def csv_chunks(self, progress: Progress | None = None) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        # A BOM so that Excel opens the UTF-8 file with Japanese intact.
        buffer.write("\ufeff")
        writer.writerow([escape_cell(str(column.header)) for column in self.columns()])
        for values in self.values(progress):
            writer.writerow([escape_cell(value) for value in values])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()
