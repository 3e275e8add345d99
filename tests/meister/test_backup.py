"""Backup and restore: a dump restored into an empty database holds every row of every table."""

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from meister.backup import database_restore


def _counts(cursor):
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_finds_every_row(demo, tmp_path):
    dump = tmp_path / "meister.dump"
    call_command("backup_db", str(dump))
    assert dump.stat().st_mode & 0o077 == 0  # the owner's alone
    with connection.cursor() as cursor:
        original = _counts(cursor)
        target = f"restore_{uuid.uuid4().hex[:8]}"
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        call_command("restore_db", str(dump), "--database-name", target)
        with pytest.raises(CommandError, match="空ではありません"):
            database_restore(str(dump), name=target)  # never over data already there
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"],
            user=settings["USER"],
            password=settings["PASSWORD"] or None,
            dbname=target,
        ) as restored:
            restored_counts = _counts(restored.cursor())
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    assert original["partners_school"] > 0 and original["curricula_daylog"] > 0
    assert restored_counts == original
