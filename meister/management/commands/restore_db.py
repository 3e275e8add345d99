"""python manage.py restore_db FILE [--database-name NAME] — restore a backup_db file into an empty database."""

from django.core.management.base import BaseCommand

from meister.backup import database_restore


class Command(BaseCommand):
    help = "backup_db で作成したファイルを空のデータベースに復元します。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database-name", help="復元先（省略時は DATABASE_URL のデータベース）")

    def handle(self, *args, file, database_name, **options):
        database_restore(file, name=database_name)
        self.stdout.write(self.style.SUCCESS("復元しました。"))
