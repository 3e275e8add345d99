"""Backup and restore of the PostgreSQL database with pg_dump / pg_restore (custom format)."""

import os
import shutil
import subprocess

from django.conf import settings
from django.core.management.base import CommandError


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        versions = sorted(os.listdir("/usr/lib/postgresql")) if os.path.isdir("/usr/lib/postgresql") else []
        for version in reversed(versions):
            candidate = f"/usr/lib/postgresql/{version}/bin/{name}"
            if os.path.exists(candidate):
                return candidate
        raise CommandError(f"{name} が見つかりません（PostgreSQL のクライアントをインストールしてください）。")
    return found


def _connection(alias: str = "default", name: str | None = None) -> tuple[list[str], dict]:
    db = settings.DATABASES[alias]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("バックアップと復元は PostgreSQL（DATABASE_URL）でのみ使えます。")
    args = [
        "--host",
        db.get("HOST") or "localhost",
        "--port",
        str(db.get("PORT") or 5432),
        "--username",
        db.get("USER") or "postgres",
        "--dbname",
        name or db["NAME"],
        "--no-password",
    ]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def database_backup(path: str, *, alias: str = "default") -> None:
    args, env = _connection(alias)
    result = subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", path, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise CommandError(f"pg_dump に失敗しました: {result.stderr.strip()}")
    os.chmod(path, 0o600)  # it holds every student's data: readable by its owner only


def database_restore(path: str, *, alias: str = "default", name: str | None = None) -> None:
    """Restore into an empty database (the configured one, or `name`); refuses one that has tables."""
    args, env = _connection(alias, name)
    check = subprocess.run(
        [
            _tool("psql"),
            *args,
            "--tuples-only",
            "--command",
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode:
        raise CommandError(f"復元先のデータベースに接続できません: {check.stderr.strip()}")
    if int(check.stdout.strip() or 0):
        raise CommandError("復元先のデータベースが空ではありません。空のデータベースを指定してください。")
    result = subprocess.run(
        [_tool("pg_restore"), "--no-owner", "--exit-on-error", *args, path],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise CommandError(f"pg_restore に失敗しました: {result.stderr.strip()}")
