"""Anonymise students STUDENT_RETENTION_YEARS (or --years) after their graduation year."""

from django.conf import settings
from django.core.management.base import BaseCommand

from curricula.services.retention import students_anonymise, students_due_for_anonymising


class Command(BaseCommand):
    help = "卒業から一定年数を過ぎた生徒の個人情報を匿名化します（統計に必要な数値は残します）。"

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=settings.STUDENT_RETENTION_YEARS)
        parser.add_argument("--dry-run", action="store_true", help="対象の人数だけを表示し、変更しません。")

    def handle(self, *args, years, dry_run, **options):
        if years < 1:
            self.stderr.write("--years は1以上にしてください。")
            raise SystemExit(2)
        if dry_run:
            count = students_due_for_anonymising(years=years).count()
            self.stdout.write(f"匿名化の対象: {count}人（卒業から{years}年を過ぎた生徒）。変更はしていません。")
            return
        count = students_anonymise(years=years)
        self.stdout.write(self.style.SUCCESS(f"{count}人を匿名化しました（卒業から{years}年を過ぎた生徒）。"))
