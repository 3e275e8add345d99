"""The one import pipeline: spreadsheets as Japanese offices produce them, checked row by row, then written at once.

Reading turns a .csv (UTF-8 with or without BOM, or Shift_JIS/CP932) or an .xlsx (cached values, never formulas)
into numbered rows as the user sees them in Excel. The work is bounded before anything is parsed whole: the file's
type is read from its bytes, and rows, columns and cells are counted while the file streams past, so a hostile file
is refused in words at the first cap it passes. An `Importer` maps the headers it knows, turns each row into a
model instance, validates it with the model's own `full_clean()` and the user's scope, and says what would happen.
`import_preview` writes nothing; `import_commit` runs the same checks inside one transaction and writes only when no
row has an error, so a second run of the same file finds every row unchanged. In the browser the rows read at the
preview are kept with the import batch: the commit checks them again but never reads the file again, and the
uploaded file itself is never stored.
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
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from xml.parsers import expat

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from meister.models import ImportBatch, ImportStatus, Role
from meister.scoping import ScopeKind, may_change, visible_to

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


def _too_many_rows(count: int) -> ImportProblem:
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
                        raise _too_many_rows(len(rows))
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


# --- importers ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportField:
    """A column an importer knows: its key in a row's values, its label, and the other names offices give it."""

    name: str
    label: Any
    aliases: tuple[str, ...] = ()
    required: bool = False
    normalise: Callable[[str], str] = nfkc

    def header_keys(self) -> set[str]:
        return {header_key(str(self.label)), header_key(self.name), *(header_key(alias) for alias in self.aliases)}


@dataclass
class Row:
    number: int
    values: dict[str, str]

    def get(self, name: str) -> str:
        """The cell's text; empty both when the cell is blank and when the file has no such column."""
        return self.values.get(name) or ""


@dataclass
class ParsedFile:
    rows: list[Row]
    header_row: int
    ignored_columns: list[str]


@dataclass
class ImportContext:
    user: Any
    cache: dict = field(default_factory=dict)

    def cached(self, key: Hashable, build: Callable[[], Any]):
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]


class Problems:
    """A row's problems, each with the field it concerns (None for the row as a whole)."""

    def __init__(self):
        self.items: list[tuple[str | None, str]] = []

    def __bool__(self):
        return bool(self.items)

    def add(self, field_name: str | None, message) -> None:
        self.items.append((field_name, str(message)))

    def add_validation(self, error: ValidationError, model) -> None:
        for name, messages in error.message_dict.items():
            label = None if name == NON_FIELD_ERRORS else _field_label(model, name)
            for message in messages:
                self.add(None if name == NON_FIELD_ERRORS else name, f"{label}: {message}" if label else message)

    @property
    def fields(self) -> set[str | None]:
        return {name for name, _message in self.items}

    @property
    def messages(self) -> list[str]:
        return [message for _name, message in self.items]


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


@dataclass
class Planned:
    """What a row would do: the instance as it would be saved, and the labels of the fields that change."""

    instance: models.Model
    existing: bool
    changes: list[str]


class Importer:
    """One kind of import. Subclasses give `fields`, `clean_values`, `find_existing` and `key`."""

    kind: str = ""
    model: type[models.Model]
    fields: tuple[ImportField, ...] = ()
    # Roles that may import; by default those that may both add and change the model (`create_roles`, `change_roles`).
    import_roles: frozenset | None = None
    # Fields compared as names: 株式会社　能水商店 is the registered 株式会社能水商店, not a rename.
    name_fields: frozenset = frozenset({"name"})
    # Row fields that are not model relations but decide them (a contact's 所属), besides the relations themselves.
    scope_fields: frozenset = frozenset()
    # Unique fields that prepare() loads the existing records by, so that find_existing() already matched them.
    unique_in_prepare: frozenset = frozenset()

    def may_import(self, user) -> bool:
        if user is None:
            # The command line without --user: whoever runs it holds the database already.
            return True
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if self.import_roles is not None:
            roles = self.import_roles
        else:
            roles = set(getattr(self.model, "create_roles", self.model.change_roles)) & set(self.model.change_roles)
        return user.is_superuser or user.role in roles

    def prepare(self, rows: list[Row], context: ImportContext) -> None:
        """Load in bulk what the rows will look up, so a long file does not cost queries per row."""

    def clean_values(self, row: Row, context: ImportContext, problems: Problems) -> dict[str, Any]:
        """The model values the row sets; a blank cell sets nothing, so it never erases what is registered."""
        raise NotImplementedError

    def find_existing(self, values: dict, context: ImportContext, problems: Problems) -> models.Model | None:
        raise NotImplementedError

    def key(self, instance: models.Model) -> Hashable | None:
        """What makes two rows of one file the same record."""
        raise NotImplementedError

    def new_instance(self, values: dict, context: ImportContext) -> models.Model:
        return self.model()

    def in_scope(self, instance: models.Model, existing: bool, context: ImportContext) -> bool:
        user = context.user
        if user is None:
            return True
        if existing and not (
            visible_to(self.model._default_manager.filter(pk=instance.pk), user).exists() and may_change(user, instance)
        ):
            return False
        return instance_in_scope(user, instance)

    def after_save(self, instance: models.Model, *, created: bool, context: ImportContext) -> None:
        pass

    def label(self, row: Row, instance: models.Model | None) -> str:
        # A row without its name is still recognisable by whatever it does hold (a code, a number).
        return row.get("name") or next((value for value in row.values.values() if value), "")

    def validate_row(self, row: Row, context: ImportContext) -> tuple[Planned, list[str]]:
        problems = Problems()
        for spec in self.fields:
            if spec.required and not row.get(spec.name):
                problems.add(spec.name, _("「%(field)s」が空です。") % {"field": spec.label})
        values = self.clean_values(row, context, problems)
        existing = self.find_existing(values, context, problems)
        instance = existing if existing is not None else self.new_instance(values, context)
        changes = _apply(instance, values, self.name_fields)
        unresolved = any(self._decides_scope(name) for name in problems.fields if name)
        failed = {name for name in problems.fields if name}
        # A relation the importer found in the database exists, and prepare() settled the uniqueness of the fields
        # it looks records up by: neither is asked of the database again for every row of a long file.
        found = {name for name, value in values.items() if isinstance(value, models.Model) and value.pk is not None}
        try:
            errors: dict = {}
            for check in (
                lambda: instance.full_clean(exclude=failed | found, validate_unique=False),
                lambda: instance.validate_unique(exclude=failed | found | self.unique_in_prepare),
            ):
                try:
                    check()
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
            if errors:
                raise ValidationError(errors)
        except ValidationError as error:
            if unresolved:
                # The model's cross-field checks over a relation that was not found only restate that problem.
                error = ValidationError({k: v for k, v in error.error_dict.items() if k != NON_FIELD_ERRORS})
            problems.add_validation(error, self.model)
        # Scope follows the row's relations (prefecture, affiliation): without them it cannot be decided.
        unresolved = unresolved or None in problems.fields
        if not unresolved and not self.in_scope(instance, existing is not None, context):
            problems.add(None, _("担当範囲外のため取り込めません。"))
        return Planned(instance=instance, existing=existing is not None, changes=changes), problems.messages

    def _decides_scope(self, name: str) -> bool:
        if name in self.scope_fields:
            return True
        try:
            return self.model._meta.get_field(name).is_relation
        except Exception:
            return False

    # headers

    def header_mapping(self, cells: list[str]) -> tuple[dict[int, ImportField], list[str]]:
        """Which column holds which field, and the headers this importer does not know."""
        exact: dict[str, ImportField] = {}
        for spec in self.fields:
            for key in spec.header_keys():
                exact.setdefault(key, spec)
        mapping: dict[int, ImportField] = {}
        ignored = []
        taken: dict[str, str] = {}
        for index, cell in enumerate(cells):
            if not cell.strip():
                continue
            key = header_key(cell)
            spec = exact.get(key) or exact.get(re.sub(r"[(\[【<〈][^)\]】>〉]*[)\]】>〉]$", "", key))
            if spec is None:
                ignored.append(cell.strip())
                continue
            if spec.name in taken:
                raise ImportProblem(
                    _(
                        "列「%(first)s」と「%(second)s」が同じ項目（%(field)s）を指しています。どちらかを消してください。"
                    )
                    % {"first": taken[spec.name], "second": cell.strip(), "field": spec.label}
                )
            taken[spec.name] = cell.strip()
            mapping[index] = spec
        return mapping, ignored


def _apply(instance: models.Model, values: dict[str, Any], name_fields: frozenset) -> list[str]:
    changes = []
    for name, value in values.items():
        model_field = instance._meta.get_field(name)
        if name in name_fields and not instance._state.adding and name_key(getattr(instance, name)) == name_key(value):
            continue
        if model_field.is_relation:
            current = getattr(instance, model_field.attname)
            changed = current != (value.pk if value is not None else None)
            # Always set the object, so the model's clean() can read it without another query.
            setattr(instance, name, value)
        else:
            changed = getattr(instance, name) != value
            setattr(instance, name, value)
        if changed and not instance._state.adding:
            changes.append(str(model_field.verbose_name))
    return changes


def instance_in_scope(user, instance: models.Model) -> bool:
    """Whether `instance`, saved or not, lies where the user may change it: the model's scope paths, read from it.

    The narrower `change_scope_paths` count where the model declares them. A row that is not saved yet cannot be
    found with `visible_to`; its forward relations are followed in Python, and a many-valued relation (a consortium's
    members) is asked of the database for the saved object it starts from.
    """
    kind, ident = user.scope
    if kind == ScopeKind.NATIONAL:
        return True
    model = type(instance)
    paths = getattr(model, "change_scope_paths", {}).get(kind) or getattr(model, "scope_paths", {}).get(kind, ())
    return ident is not None and any(_path_matches(instance, path, ident) for path in paths)


def _path_matches(obj: models.Model, path: str, ident: int) -> bool:
    parts = path.split("__")
    for index, part in enumerate(parts):
        if part == "pk":
            return obj.pk is not None and obj.pk == ident
        model_field = obj._meta.get_field(part)
        if model_field.many_to_many or model_field.one_to_many:
            if obj.pk is None:
                return False
            rest = "__".join(parts[index:])
            return type(obj)._base_manager.filter(pk=obj.pk, **{rest: ident}).exists()
        related_id = getattr(obj, model_field.attname)
        if related_id is None:
            return False
        if index == len(parts) - 1:
            return related_id == ident
        obj = getattr(obj, part)
    return False


def map_rows(*, importer: Importer, table: list[tuple[int, list[str]]]) -> ParsedFile:
    """The data rows under the header row, each as field name → normalised text."""
    wanted = min(2, len(importer.fields))
    header = None
    for number, cells in table[:HEADER_SEARCH_ROWS]:
        mapping, ignored = importer.header_mapping(cells)
        if len(mapping) >= wanted:
            header = (number, mapping, ignored)
            break
    required = [spec for spec in importer.fields if spec.required]
    if header is None:
        raise ImportProblem(
            _("見出しの行が見つかりません。1行目に「%(columns)s」などの列名を入れてください。")
            % {"columns": "」「".join(str(spec.label) for spec in required or importer.fields)}
        )
    header_row, mapping, ignored = header
    present = {spec.name for spec in mapping.values()}
    missing = [str(spec.label) for spec in required if spec.name not in present]
    if missing:
        raise ImportProblem(
            _("必要な列がありません: 「%(columns)s」（見出しは %(row)s 行目）。")
            % {"columns": "」「".join(missing), "row": header_row}
        )
    rows = []
    for number, cells in table:
        if number <= header_row:
            continue
        values = {
            spec.name: spec.normalise(cells[index] if index < len(cells) else "") for index, spec in mapping.items()
        }
        if any(values.values()):
            rows.append(Row(number=number, values=values))
    if len(rows) > MAX_ROWS:
        raise _too_many_rows(len(rows))
    return ParsedFile(rows=rows, header_row=header_row, ignored_columns=ignored)


def parse_upload(*, importer: Importer, data: bytes, filename: str) -> ParsedFile:
    return map_rows(importer=importer, table=read_table(data, upload_format(filename, data)))


# --- preview and commit -------------------------------------------------------------------------------------------


@dataclass
class RowResult:
    number: int
    status: str
    label: str
    errors: list[str]
    changes: list[str]
    planned: Planned | None = None

    def as_dict(self) -> dict:
        return {
            "row": self.number,
            "status": self.status,
            "label": self.label,
            "errors": self.errors,
            "changes": self.changes,
        }


@dataclass
class ImportResult:
    rows: list[RowResult]
    context: ImportContext
    committed: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in RowStatus}
        for row in self.rows:
            counts[row.status] += 1
        return {"rows": len(self.rows), **counts}

    @property
    def has_errors(self) -> bool:
        return any(row.status == RowStatus.ERROR for row in self.rows)


def import_preview(*, importer: Importer, rows: list[Row], user) -> ImportResult:
    """What every row would do, with every problem; nothing is written."""
    context = ImportContext(user=user)
    importer.prepare(rows, context)
    seen: dict[Hashable, int] = {}
    results = []
    for row in rows:
        planned, errors = importer.validate_row(row, context)
        key = importer.key(planned.instance)
        if key is not None:
            if key in seen:
                errors.append(_("このファイルの %(row)s 行目と同じものです（重複）。") % {"row": seen[key]})
            else:
                seen[key] = row.number
        if errors:
            status = RowStatus.ERROR
        elif not planned.existing:
            status = RowStatus.NEW
        else:
            status = RowStatus.UPDATE if planned.changes else RowStatus.UNCHANGED
        results.append(
            RowResult(
                number=row.number,
                status=status.value,
                label=importer.label(row, planned.instance),
                errors=errors,
                changes=planned.changes if status == RowStatus.UPDATE else [],
                planned=planned,
            )
        )
    return ImportResult(rows=results, context=context)


def import_commit(*, importer: Importer, rows: list[Row], user) -> ImportResult:
    """Check every row again and write them all in one transaction, or nothing when any row has an error."""
    with transaction.atomic():
        result = import_preview(importer=importer, rows=rows, user=user)
        if result.has_errors:
            return result
        for row in result.rows:
            if row.status in (RowStatus.NEW, RowStatus.UPDATE):
                row.planned.instance.save()
                importer.after_save(row.planned.instance, created=row.status == RowStatus.NEW, context=result.context)
        result.committed = True
    return result


# --- import batches: the uploaded file kept between preview and commit ---------------------------------------------


def import_batches_for_user(*, user):
    """An import is its uploader's own work; admins see all of them."""
    batches = ImportBatch.objects.select_related("created_by")
    if user.is_superuser or user.role == Role.ADMIN:
        return batches
    return batches.filter(created_by=user)


def get_import_batch_for_user(user, pk) -> ImportBatch:
    try:
        return import_batches_for_user(user=user).get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _record(batch: ImportBatch, result: ImportResult, status: str) -> None:
    batch.status = status
    batch.error = ""
    batch.summary = {**batch.summary, **result.counts}
    batch.results = [row.as_dict() for row in result.rows]
    batch.save()


def import_batch_create(*, user, importer: Importer, filename: str, table: list[tuple[int, list[str]]]) -> ImportBatch:
    """Check the rows read from an upload and keep them on a new import record, for the commit to take.

    The file itself is not stored: what the user saw checked is what the commit writes, and nothing of the
    upload stays on disk whether it is taken in, refused or never committed.
    """
    batch = ImportBatch(kind=importer.kind, original_filename=PurePath(filename).name[:255], created_by=user)
    try:
        parsed = map_rows(importer=importer, table=table)
    except ImportProblem as problem:
        batch.status = ImportStatus.FAILED
        batch.error = problem.message
        batch.save()
        return batch
    batch.rows = [{"number": row.number, "values": row.values} for row in parsed.rows]
    batch.summary = {"header_row": parsed.header_row, "ignored_columns": parsed.ignored_columns}
    _record(batch, import_preview(importer=importer, rows=parsed.rows, user=user), ImportStatus.PREVIEWED)
    return batch


def import_batch_commit(*, batch: ImportBatch, importer: Importer, user) -> ImportResult:
    """Write the batch's rows, all or none; the batch records what happened either way."""
    with transaction.atomic():
        # A second click on 取り込む waits here and then finds the batch already committed.
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportStatus.COMMITTED:
            raise ImportProblem(_("このファイルはすでに取り込み済みです。"))
        if batch.status == ImportStatus.FAILED:
            raise ImportProblem(batch.error or _("このファイルは読み込めませんでした。"))
        rows = [Row(number=row["number"], values=row["values"]) for row in batch.rows]
        # Checked again against the registry as it is now; the file is not read again.
        result = import_commit(importer=importer, rows=rows, user=user)
        if result.committed:
            batch.committed_at = timezone.now()
            batch.rows = []  # taken in: the registry holds them now
        _record(batch, result, ImportStatus.COMMITTED if result.committed else ImportStatus.PREVIEWED)
    return result


class ImportUploadForm(forms.Form):
    """An upload typed by its bytes and read within the caps; `table` holds its rows once the form is valid."""

    file = forms.FileField(
        label=gettext_lazy("ファイル"),
        help_text=gettext_lazy("CSV（UTF-8 または Shift_JIS）か Excel ブック（.xlsx）"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        # Refuse by the declared size before reading a byte of it.
        if upload.size > limit:
            raise ValidationError(too_large_message(upload.size, limit), code="too_large")
        content = upload.read()
        try:
            self.table = read_table(content, upload_format(upload.name, content))
        except ImportProblem as problem:
            raise ValidationError(problem.message, code="format") from None
        return upload
