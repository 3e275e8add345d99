"""Uploaded files in storage: a file replaced or cleared on a record leaves storage with it.

Files are named per upload, so a new scan or document never overwrites the old one; without this, every
replaced agreement, signed scan or teaching material would stay on disk (or in the bucket) for good, holding
names and signatures nobody can reach or delete any more.
"""

from contextlib import contextmanager

from django.db import transaction


def _stored_names(instance, fields) -> dict[str, str]:
    if instance.pk is None:
        return dict.fromkeys(fields, "")
    row = type(instance)._base_manager.filter(pk=instance.pk).values(*fields).first() or {}
    return {name: row.get(name) or "" for name in fields}


@contextmanager
def replacing_files(instance, *fields: str):
    """Wrap the save of `instance`: afterwards, the files its row named in `fields` and names no more are deleted
    once the transaction commits; if the save fails, the files it had just written are deleted instead."""
    before = _stored_names(instance, fields)
    try:
        yield instance
    except BaseException:
        for name in fields:
            field_file = getattr(instance, name)
            if field_file and field_file.name != before[name] and field_file._committed:
                field_file.storage.delete(field_file.name)
        raise
    for name in fields:
        field_file = getattr(instance, name)
        old = before[name]
        if old and old != (field_file.name or ""):
            storage = field_file.storage
            # robust: a storage hiccup while tidying up must not turn a saved change into an error page.
            transaction.on_commit(lambda storage=storage, old=old: storage.delete(old), robust=True)
