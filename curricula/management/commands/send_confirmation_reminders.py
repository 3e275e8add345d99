from django.core.management.base import BaseCommand

from curricula.links import default_base_url
from curricula.services import confirmation_reminders_send


class Command(BaseCommand):
    help = "確認待ちの実習日がある指導担当者に、確認用リンクをメールで送ります。"

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="リンクの先頭（例: https://meister.example.jp）")
        parser.add_argument("--older-than-days", type=int, default=2, help="この日数より前の実習日だけを対象にする")

    def handle(self, *args, base_url, older_than_days, **options):
        sent = confirmation_reminders_send(base_url=base_url or default_base_url(), older_than_days=older_than_days)
        self.stdout.write(f"{sent} mentor(s) reminded.")
