"""Loading generated rows into PostgreSQL with COPY, columns not given filled with each field's default."""

import json
from collections.abc import Iterable

from django.db import models

from devtools.national.vocabulary import STAMP


class Loader:
    """COPY rows into a model's table; columns not given are filled with the field's default."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.counts: dict[str, int] = {}

    def next_id(self, model) -> int:
        self.cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
        return self.cursor.fetchone()[0]

    def copy(self, model, columns: list[str], rows: Iterable[tuple], label: str | None = None) -> int:
        fields = [f for f in model._meta.concrete_fields]
        given = set(columns)
        # Primary keys not given come from the table's identity column.
        rest = [f for f in fields if f.attname not in given and not f.primary_key]
        tail = tuple(default_value(f) for f in rest)
        names = ", ".join(f'"{c}"' for c in [*columns, *(f.column for f in rest)])
        n = 0
        with self.cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row + tail)
                n += 1
        key = label or model._meta.db_table
        self.counts[key] = self.counts.get(key, 0) + n
        return n


def default_value(f: models.Field):
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return STAMP
    if f.has_default():
        value = f.get_default()
        return json.dumps(value) if isinstance(f, models.JSONField) else value
    if f.null:
        return None
    if isinstance(f, (models.CharField, models.TextField, models.FileField)):
        return ""
    raise ValueError(f"{f.model.__name__}.{f.name} needs a value")
