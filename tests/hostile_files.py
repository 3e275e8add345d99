"""Hostile files, built small and fast in the tests: each is a file a person could send to take a worker down
(hostile values for forms are in tests/hostile.py).

- `million_row_workbook()`: an .xlsx whose sheet has 1,048,576 near-empty rows (Excel's last row), 5.5 MB
  zipped as the report's file was; `lying_workbook()` is the same kind of sheet that declares itself one cell big.
- `wide_row_workbook()`: one row as wide as Excel allows (16,384 cells, A to XFD).
- `long_csv()`, `csv_with_nul_after()`: a CSV with too many lines; a CSV whose NUL byte hides past the first 8 KB.
- `pdf_with_page()`: a one-page PDF of any page size in points, a few hundred bytes written by hand
  (200 × 5,000,000 points would be a 800 × 20,000,000-pixel preview at the library's width).
- `HTML_NAMED_PDF`: a web page, to be uploaded under a .pdf name.
"""

import functools
import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{dimension}"/><sheetData>'
)
SHEET_END = "</sheetData></worksheet>"
EXCEL_LAST_ROW = 1_048_576


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def workbook(sheet_rows, *, dimension: str) -> bytes:
    """A minimal .xlsx with the parts Excel writes, its one sheet made of `sheet_rows` (XML strings)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_START.format(dimension=dimension).encode())
            chunk = []
            for row in sheet_rows:
                chunk.append(row)
                if len(chunk) == 50_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write("".join(chunk).encode())
            sheet.write(SHEET_END.encode())
    return buffer.getvalue()


def _near_empty_rows(count: int):
    # A header the importer knows, then rows each holding one empty text cell: nothing to import, all to parse.
    yield f'<row r="1">{_inline("A1", "学校コード")}{_inline("B1", "学校名")}</row>'
    for number in range(2, count + 1):
        yield f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t></t></is></c></row>'


@functools.cache
def million_row_workbook() -> bytes:
    """1,048,576 rows, honestly declared as A1:B1048576."""
    return workbook(_near_empty_rows(EXCEL_LAST_ROW), dimension=f"A1:B{EXCEL_LAST_ROW}")


@functools.cache
def lying_workbook(rows: int = 60_000) -> bytes:
    """Many near-empty rows in a sheet that says it is one cell big, so only counting while reading finds out."""
    return workbook(_near_empty_rows(rows), dimension="A1")


@functools.cache
def wide_row_workbook(cells: int = 16_384) -> bytes:
    """A header, then one row of `cells` cells (XFD is Excel's last column), declared as one cell."""
    from openpyxl.utils import get_column_letter

    row = "".join(_inline(f"{get_column_letter(column)}2", "x") for column in range(1, cells + 1))
    header = f'<row r="1">{_inline("A1", "学校コード")}{_inline("B1", "学校名")}</row>'
    return workbook([header, f'<row r="2">{row}</row>'], dimension="A1")


def long_csv(lines: int = 100_000) -> bytes:
    return ("学校コード,学校名\r\n" + ",\r\n" * lines).encode()


def csv_with_nul_after(offset: int = 8192) -> bytes:
    """A good header and rows, with one NUL byte placed after `offset` bytes, inside a school's name."""
    header = "学校コード,学校名,都道府県\r\n".encode()
    filler = "D125210000023,滋賀県立長浜工業高等学校,滋賀県\r\n".encode()
    rows = header
    while len(rows) < offset:
        rows += filler
    return rows + b"D125310000018,\x00\xe8\xbf\x91\xe6\xb1\x9f,\xe6\xbb\x8b\xe8\xb3\x80\xe7\x9c\x8c\r\n"


def _number(value: float) -> str:
    # PDF has no exponents: 5e+06 would be read as 5 followed by garbage.
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}"


def pdf_with_page(width: float, height: float) -> bytes:
    """A valid one-page PDF whose page is `width` × `height` points, with a correct cross-reference table."""
    content = b"0 0 1 rg 0 0 10 10 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_number(width)} {_number(height)}] /Contents 4 0 R >>".encode(),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


HTML_NAMED_PDF = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
