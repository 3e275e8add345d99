from django.core.management.base import BaseCommand

from assessments.services.survey import surveys_remind


class Command(BaseCommand):
    help = "回答期限の1週間前に、未回答の実態調査の依頼先へ一度だけ督促メールを送ります（cron などで毎日実行）。"

    def handle(self, *args, **options):
        count = surveys_remind()
        self.stdout.write(f"{count}")
