"""python manage.py backup_db FILE — a full pg_dump of the portal's database (custom format)."""

from django.core.management.base import BaseCommand

from meister.backup import database_backup


class Command(BaseCommand):
    help = "データベース全体をバックアップします（pg_dump のカスタム形式）。復元は restore_db で行います。"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        database_backup(file)
        self.stdout.write(self.style.SUCCESS(f"バックアップを作成しました: {file}"))
