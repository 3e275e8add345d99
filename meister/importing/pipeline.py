"""The import pipeline's checks and writes: an `Importer` per kind of row, preview, commit and import batches.

An `Importer` maps the headers it knows, turns each row into a model instance, validates it with the model's own
`full_clean()` and the user's scope, and says what would happen. `import_preview` writes nothing; `import_commit`
runs the same checks inside one transaction and writes only when no row has an error, so a second run of the same
file finds every row unchanged. In the browser the rows read at the preview are kept with the import batch: the
commit checks them again but never reads the file again, and the uploaded file itself is never stored.
"""

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meister.importing.reading import (
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    ImportProblem,
    RowStatus,
    header_key,
    max_upload_bytes,
    name_key,
    nfkc,
    read_table,
    too_large_message,
    too_many_rows,
    upload_format,
)
from meister.models import ImportBatch, ImportStatus
from meister.scoping import lies_in_change_scope, may_change, may_import, own_work_visible_to, visible_to
from meister.stored_messages import StoredMessage, coded, stored_form

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
        self.items: list[tuple[str | None, StoredMessage]] = []

    def __bool__(self):
        return bool(self.items)

    def add(self, field_name: str | None, message, /, **params) -> None:
        """`message` is kept as its code with `params` when it is a gettext_lazy text, else as the text given."""
        self.items.append((field_name, coded(message, **params)))

    def add_validation(self, error: ValidationError, model) -> None:
        for name, errors in error.error_dict.items():
            label = None if name == NON_FIELD_ERRORS else _field_label(model, name)
            for item in errors:
                field_name = None if name == NON_FIELD_ERRORS else name
                self.items.append((field_name, coded(item.message, label, **(item.params or {}))))

    @property
    def fields(self) -> set[str | None]:
        return {name for name, _message in self.items}

    @property
    def messages(self) -> list[StoredMessage]:
        return [message for _name, message in self.items]


def _field_label(model, name: str):
    try:
        return model._meta.get_field(name).verbose_name
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
        return may_import(user, self.model, roles=self.import_roles)

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
        return lies_in_change_scope(user, instance)

    def after_save(self, instance: models.Model, *, created: bool, context: ImportContext) -> None:
        pass

    def label(self, row: Row, instance: models.Model | None) -> str:
        # A row without its name is still recognisable by whatever it does hold (a code, a number).
        return row.get("name") or next((value for value in row.values.values() if value), "")

    def validate_row(self, row: Row, context: ImportContext) -> tuple[Planned, list[StoredMessage]]:
        problems = Problems()
        for spec in self.fields:
            if spec.required and not row.get(spec.name):
                problems.add(spec.name, gettext_lazy("「%(field)s」が空です。"), field=spec.label)
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
            self.model_checks(instance, exclude=failed | found)
        except ValidationError as error:
            if unresolved:
                # The model's cross-field checks over a relation that was not found only restate that problem.
                error = ValidationError({k: v for k, v in error.error_dict.items() if k != NON_FIELD_ERRORS})
            problems.add_validation(error, self.model)
        # Scope follows the row's relations (prefecture, affiliation): without them it cannot be decided.
        unresolved = unresolved or None in problems.fields
        if not unresolved and not self.in_scope(instance, existing is not None, context):
            problems.add(None, gettext_lazy("担当範囲外のため取り込めません。"))
        return Planned(instance=instance, existing=existing is not None, changes=changes), problems.messages

    def model_checks(self, instance: models.Model, *, exclude: set) -> None:
        """The model's own validation of the row's instance; ValidationError with every problem found."""
        errors: dict = {}
        for check in (
            lambda: instance.full_clean(exclude=exclude, validate_unique=False),
            lambda: instance.validate_unique(exclude=exclude | self.unique_in_prepare),
        ):
            try:
                check()
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_planned(self, rows: list["RowResult"], context: ImportContext) -> None:
        """Write the new and changed rows of a file that passed every check (inside the commit's transaction)."""
        for row in rows:
            row.planned.instance.save()
            self.after_save(row.planned.instance, created=row.status == RowStatus.NEW, context=context)

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
            changes.append(coded(model_field.verbose_name))
    return changes


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
        raise too_many_rows(len(rows))
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
            # Kept as codes with parameters: the page shows them in its reader's language.
            "errors": [stored_form(error) for error in self.errors],
            "changes": [stored_form(change) for change in self.changes],
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
                errors.append(coded(gettext_lazy("このファイルの %(row)s 行目と同じものです（重複）。"), row=seen[key]))
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
        writes = [row for row in result.rows if row.status in (RowStatus.NEW, RowStatus.UPDATE)]
        importer.save_planned(writes, result.context)
        result.committed = True
    return result


# --- import batches: the uploaded file kept between preview and commit ---------------------------------------------


def import_batches_for_user(*, user):
    """An import is its uploader's own work; admins see all of them."""
    return own_work_visible_to(ImportBatch.objects.select_related("created_by"), user, owner="created_by")


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
