"""The one exporter interface: a list of columns over a queryset, written as .xlsx or .csv.

Exporters stream rows (openpyxl's write-only mode for Excel, a generator for CSV) so memory does
not grow with the number of rows. Cells that a spreadsheet would run as a formula are escaped.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse

from meister import clock

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_cell(value: Any) -> Any:
    """Text that a spreadsheet would evaluate gets a leading apostrophe; numbers and dates stay as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


class ListExporter:
    """Columns over the rows of a list page; `filename` without extension."""

    def __init__(self, *, title: str, columns: list[Column], rows: Iterable[Any], filename: str):
        self.title = title
        self.columns = columns
        self.rows = rows
        self.filename = filename

    def _values(self):
        # A queryset is read in chunks rather than cached whole, so memory stays flat however many rows there are.
        rows = self.rows.iterator(chunk_size=2000) if isinstance(self.rows, QuerySet) else self.rows
        for row in rows:
            yield [escape_cell(column.value(row)) for column in self.columns]

    def _stamped(self, extension: str) -> str:
        return f"{self.filename}_{clock.today():%Y%m%d}.{extension}"

    def csv_response(self) -> StreamingHttpResponse:
        def lines():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            # A BOM so that Excel opens the UTF-8 file with Japanese intact.
            buffer.write("\ufeff")
            writer.writerow([str(column.header) for column in self.columns])
            for values in self._values():
                writer.writerow(values)
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
            yield buffer.getvalue()

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _attachment(self._stamped("csv"))
        return response

    def xlsx_response(self) -> FileResponse:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(self.title)[:31])
        bold = Font(bold=True)
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(sheet, value=str(column.header))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for values in self._values():
            sheet.append(values)
        handle = tempfile.TemporaryFile()
        workbook.save(handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=self._stamped("xlsx"), content_type=XLSX_MIME)

    def response(self, fmt: str):
        return self.xlsx_response() if fmt == "xlsx" else self.csv_response()


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"
