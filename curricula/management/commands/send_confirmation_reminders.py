from django.core.management.base import BaseCommand

from curricula.services import confirmation_reminders_send


class Command(BaseCommand):
    help = "確認待ちの実習日がある指導担当者に、確認用リンクをメールで送ります。"

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, default=2, help="この日数より前の実習日だけを対象にする")

    def handle(self, *args, older_than_days, **options):
        # Links in the emails start with SITE_URL.
        sent = confirmation_reminders_send(older_than_days=older_than_days)
        self.stdout.write(f"{sent} mentor(s) reminded.")
