"""Reading the files of the import pipeline: spreadsheets as Japanese offices produce them, as numbered rows.

A .csv (UTF-8 with or without BOM, or Shift_JIS/CP932) or an .xlsx (cached values, never formulas) becomes
numbered rows as the user sees them in Excel. The work is bounded before anything is parsed whole: the file's type
is read from its bytes, and rows, columns and cells are counted while the file streams past, so a hostile file is
refused in words at the first cap it passes. Also the normalisation every importer shares.
"""

import codecs
import csv
import datetime
import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from pathlib import PurePath
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

# Titles and notes often sit above the header row in office spreadsheets.
HEADER_SEARCH_ROWS = 20
MAX_ROWS = 10_000
# Caps on the work a file may ask for, checked while it streams past: the last row a sheet or CSV may reach
# (titles and blank rows count), the columns a row may have and the cells a file may hold. A million near-empty
# rows cost half a minute of CPU to parse; a file past a cap is refused within a second, one within them is read
# in a few seconds (10,000 rows).
MAX_SHEET_ROWS = 20_000
MAX_COLUMNS = 200
MAX_CELLS = 500_000
# A cell is two to four XML elements; whatever else a sheet holds (merged ranges, links) must stay small beside it.
MAX_XML_ELEMENTS = 8 * MAX_CELLS
# A small .xlsx can inflate enormously; refuse before openpyxl tries.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlam"}
EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
# Our own exports escape text a spreadsheet would run with a leading apostrophe; undo it on the way back in.
FORMULA_STARTS = ("=", "+", "-", "@")


class ImportProblem(Exception):
    """The import as a whole cannot go on; the message is for the user, in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class RowStatus(models.TextChoices):
    NEW = "new", gettext_lazy("新規")
    UPDATE = "update", gettext_lazy("更新")
    UNCHANGED = "unchanged", gettext_lazy("変更なし")
    ERROR = "error", gettext_lazy("エラー")


# --- normalisation ------------------------------------------------------------------------------------------------


def nfkc(value: str) -> str:
    """Full-width digits, letters and spaces and half-width katakana to their plain forms."""
    return unicodedata.normalize("NFKC", value or "").strip()


def keep_text(value: str) -> str:
    # Names and addresses keep their characters: NFKC would rewrite ㈱, ① and full-width brackets in official
    # names. Only spacing is made plain, so 湖東　精一 typed with a full-width space is the registered 湖東 精一.
    return re.sub(r"\s+", " ", value or "").strip()


def normalise_code(value: str) -> str:
    """School codes and 法人番号 as typed in offices: full-width, with hyphens or spaces between the groups."""
    return re.sub(r"[\s\-‐‑–—−ー]", "", nfkc(value)).upper()


def name_key(value: str) -> str:
    """How names are compared for duplicates: width, case and spacing do not count."""
    return re.sub(r"\s+", "", nfkc(value)).casefold()


def header_key(value: str) -> str:
    key = re.sub(r"[\s*※]", "", nfkc(value))
    key = re.sub(r"[(\[【<〈](必須|任意)[)\]】>〉]", "", key)
    return key.casefold()


# --- reading files ------------------------------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def too_large_message(size: int, limit: int) -> str:
    return _("ファイルが大きすぎます（%(size)s）。%(limit)s 以下のファイルにしてください。") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def upload_format(filename: str, data: bytes) -> str:
    """'csv' or 'xlsx', decided by the content as well as the name; ImportProblem for anything else."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise ImportProblem(too_large_message(len(data), limit))
    if not data.strip():
        raise ImportProblem(_("ファイルが空です。"))
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise ImportProblem(_("マクロ付きのブック（.xlsm）は受け付けません。.xlsx で保存し直してください。"))
    if suffix == ".xls" or data.startswith(OLE2_MAGIC):
        raise ImportProblem(
            _(
                "古い形式の Excel ファイル（.xls）やパスワード付きのファイルは読み込めません。"
                "パスワードを外し、.xlsx で保存し直してください。"
            )
        )
    if suffix not in {".csv", ".xlsx"}:
        raise ImportProblem(_("CSV ファイル（.csv）か Excel ブック（.xlsx）を選んでください。"))
    if suffix == ".csv":
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ImportProblem(
                _("UTF-16 の CSV は読み込めません。UTF-8 か Shift_JIS（CP932）で保存し直してください。")
            )
        # A NUL byte anywhere, not only near the start: PostgreSQL cannot store one in text.
        if data.startswith(ZIP_MAGIC) or b"\x00" in data:
            raise ImportProblem(_("拡張子は .csv ですが、中身が CSV（テキスト）ではありません。"))
        return "csv"
    if not data.startswith(ZIP_MAGIC):
        raise ImportProblem(_("拡張子は .xlsx ですが、中身が Excel ブックではありません。"))
    _check_workbook_archive(data)
    return "xlsx"


def _check_workbook_archive(data: bytes) -> None:
    broken = _("Excel ファイルが壊れているため読み込めません。Excel で開いて保存し直してください。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            if "xl/vbaProject.bin" in names or b"macroEnabled" in content_types:
                raise ImportProblem(_("マクロ付きのブック（.xlsm）は受け付けません。.xlsx で保存し直してください。"))
            if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
                raise ImportProblem(_("拡張子は .xlsx ですが、中身が Excel ブックではありません。"))
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ImportProblem(_("Excel ブックの中身が大きすぎます。ファイルを分けてください。"))
            if archive.testzip() is not None:
                raise ImportProblem(broken)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError):
        raise ImportProblem(broken) from None


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", data)]
    else:
        # Valid UTF-8 is almost never valid-looking CP932 by accident; the other way round it often is.
        candidates = [("utf-8", data), ("cp932", data)]
    for encoding, raw in candidates:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportProblem(_("文字コードを判別できません。UTF-8 か Shift_JIS（CP932）で保存し直してください。"))


def _unescape(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _sheet_rows_problem(last_row: int | None = None) -> ImportProblem:
    if last_row is not None:
        return ImportProblem(
            _(
                "行が多すぎます（シートが %(last)s 行目まで使われています）。%(limit)s 行目までにしてください。"
                "空に見える行が続いている場合は、その行を削除して保存し直してください。"
            )
            % {"last": f"{last_row:,}", "limit": f"{MAX_SHEET_ROWS:,}"}
        )
    return ImportProblem(
        _(
            "行が多すぎます（%(limit)s 行を超えています）。%(limit)s 行目までにしてください。"
            "空に見える行が続いている場合は、その行を削除して保存し直してください。"
        )
        % {"limit": f"{MAX_SHEET_ROWS:,}"}
    )


def _columns_problem(count: int) -> ImportProblem:
    return ImportProblem(
        _("列が多すぎます（%(count)s 列目まであります）。%(limit)s 列までにしてください。")
        % {"count": f"{count:,}", "limit": f"{MAX_COLUMNS:,}"}
    )


def _cells_problem() -> ImportProblem:
    return ImportProblem(
        _("セルが多すぎます（%(limit)s 個を超えています）。ファイルを分けてください。") % {"limit": f"{MAX_CELLS:,}"}
    )


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    number = cells = 0
    try:
        # One record is one Excel row, even when a quoted cell holds line breaks.
        for number, record in enumerate(reader, start=1):
            if number > MAX_SHEET_ROWS:
                raise _sheet_rows_problem()
            if len(record) > MAX_COLUMNS:
                raise _columns_problem(len(record))
            cells += len(record)
            if cells > MAX_CELLS:
                raise _cells_problem()
            rows.append((number, [_unescape(cell) for cell in record]))
    except csv.Error as error:
        raise ImportProblem(
            _("CSV の %(row)s 行目を読み込めません（%(error)s）。") % {"row": number + 1, "error": error}
        ) from None
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        # Excel keeps every number as a float: 法人番号 7123456789012 must not become 7.123456789012e+12.
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return _unescape(str(value))


def too_many_rows(count: int) -> ImportProblem:
    return ImportProblem(
        _("行が多すぎます（%(count)s 行以上）。%(limit)s 行以下に分けてください。")
        % {"count": count, "limit": MAX_ROWS}
    )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _parse_streaming(source, start) -> None:
    """Feed an XML part to expat, calling `start(name, attributes)` per element; nothing is kept in memory."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.ParseFile(source)


def _shared_strings_path(archive: zipfile.ZipFile) -> str | None:
    wanted = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    found = []

    def start(name, attributes):
        if _local(name) == "Override" and attributes.get("ContentType") == wanted:
            found.append(attributes.get("PartName", "").lstrip("/"))

    with archive.open("[Content_Types].xml") as source:
        _parse_streaming(source, start)
    return found[0] if found else None


def _scan_shared_strings(archive: zipfile.ZipFile) -> None:
    """openpyxl reads the whole shared-string table on opening: count it first, since no sheet we take needs more
    strings than it may have cells."""
    path = _shared_strings_path(archive)
    if not path or path not in archive.namelist():
        return
    count = 0

    def start(name, attributes):
        nonlocal count
        if _local(name) == "si":
            count += 1
            if count > MAX_CELLS:
                raise _cells_problem()

    with archive.open(path) as source:
        _parse_streaming(source, start)


# Spreadsheet XML in its two namespaces (transitional, as Excel writes it, and strict).
SHEET_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)


def _column_of(ref: str) -> int:
    try:
        return column_index_from_string(ref.rstrip("0123456789$").lstrip("$"))
    except ValueError:
        return 0


class _SheetScan:
    """One streaming pass over a sheet's XML before openpyxl parses it, refusing at the first cap it passes.

    The declared size (<dimension>) refuses a sheet at once; the rows and cells actually there are counted too, since
    a program may declare too little, and so is every element (merged ranges, links…). Nothing is kept (expat calls
    back per element), so memory stays flat whatever the sheet holds. The same pass finds formulas saved without
    their value, so the workbook is then parsed for values only, and only once.
    """

    def __init__(self):
        self.row = self.column = self.row_cells = self.cells = self.elements = 0
        self.cell = ""
        self.has_formula = self.has_value = self.in_value = False
        self.starts, self.ends = {}, {}
        for namespace in SHEET_NAMESPACES:
            for tag in ("c", "f", "v", "row", "dimension"):
                self.starts[f"{namespace}}}{tag}"] = getattr(self, f"start_{tag}")
            self.ends[f"{namespace}}}c"] = self.end_c
            self.ends[f"{namespace}}}v"] = self.end_v

    def scan(self, source) -> None:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True  # one call per run of text, not one per chunk
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        parser.ParseFile(source)

    def start(self, name, attributes):
        self.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise _cells_problem()
        handler = self.starts.get(name)
        if handler is not None:
            handler(attributes)

    def end(self, name):
        handler = self.ends.get(name)
        if handler is not None:
            handler()

    def text(self, data):
        if self.in_value:
            self.has_value = True

    def start_c(self, attributes):
        ref = attributes.get("r")
        self.column = _column_of(ref) if ref else self.column + 1
        self.row_cells += 1
        self.cells += 1
        if self.column > MAX_COLUMNS or self.row_cells > MAX_COLUMNS:
            raise _columns_problem(max(self.column, self.row_cells))
        if self.cells > MAX_CELLS:
            raise _cells_problem()
        self.cell = ref
        self.has_formula = self.has_value = False

    def start_f(self, attributes):
        self.has_formula = True

    def start_v(self, attributes):
        self.in_value = True

    def end_v(self):
        self.in_value = False

    def end_c(self):
        if self.has_formula and not self.has_value:
            cell = self.cell or f"{get_column_letter(max(self.column, 1))}{self.row}"
            raise ImportProblem(
                _(
                    "セル %(cell)s の数式に計算結果が保存されていません。"
                    "Excel で開いて保存し直すか、値として貼り付けてから取り込んでください。"
                )
                % {"cell": cell}
            )

    def start_row(self, attributes):
        ref = attributes.get("r", "")
        self.row = int(ref) if ref.isdigit() else self.row + 1
        self.column = self.row_cells = 0
        if self.row > MAX_SHEET_ROWS:
            raise _sheet_rows_problem()

    def start_dimension(self, attributes):
        last = attributes.get("ref", "").rpartition(":")[2]
        last_row, last_column = int("0" + "".join(filter(str.isdigit, last))), _column_of(last)
        if last_row > MAX_SHEET_ROWS:
            raise _sheet_rows_problem(last_row)
        if last_column > MAX_COLUMNS:
            raise _columns_problem(last_column)


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    broken = _("Excel ファイルが壊れているため読み込めません。Excel で開いて保存し直してください。")
    with warnings.catch_warnings():
        # openpyxl warns about features it skips (data validation, conditional formats); values are unaffected.
        warnings.simplefilter("ignore")
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            _scan_shared_strings(archive)
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except ImportProblem:
            raise
        except Exception:
            raise ImportProblem(broken) from None
        try:
            sheet = next((sheet for sheet in book.worksheets if sheet.sheet_state == "visible"), None)
            if sheet is None:
                raise ImportProblem(_("Excel ブックに表示されているシートがありません。"))
            with archive.open(sheet._worksheet_path) as source:
                _SheetScan().scan(source)
            # Some programs write a wrong sheet size; without resetting it openpyxl would stop early.
            sheet.reset_dimensions()
            rows = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_SHEET_ROWS:
                    raise _sheet_rows_problem()
                cells = []
                for column, value in enumerate(values, start=1):
                    if isinstance(value, str) and value in EXCEL_ERRORS:
                        raise ImportProblem(
                            _("セル %(cell)s がエラー値（%(value)s）です。正しい値にしてから取り込んでください。")
                            % {"cell": f"{get_column_letter(column)}{number}", "value": value}
                        )
                    cells.append(_cell_text(value))
                if any(cells):
                    rows.append((number, cells))
                    if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                        raise too_many_rows(len(rows))
        except ImportProblem:
            raise
        except Exception:
            raise ImportProblem(broken) from None
        finally:
            book.close()
            archive.close()
    return rows


def read_table(data: bytes, file_format: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows of the first visible sheet, each with the row number Excel shows."""
    rows = _read_csv(data) if file_format == "csv" else _read_xlsx(data)
    return [(number, cells) for number, cells in rows if any(cell.strip() for cell in cells)]
