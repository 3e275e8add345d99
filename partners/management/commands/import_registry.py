"""Import schools, companies or contacts from a .csv / .xlsx file: the browser's pipeline on the command line.

Every row's problems are printed with the row number Excel shows. With any error nothing is written and the
command exits with status 1, so a script can stop there; --dry-run checks without writing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from meister.importing import ImportProblem, RowStatus, import_commit, import_preview, parse_upload
from meister.models import ImportKind, User
from partners.importers import importer_for


class Command(BaseCommand):
    help = (
        "学校・企業・担当者を CSV（UTF-8 / Shift_JIS）か Excel ブック（.xlsx）から取り込みます。"
        "1行でもエラーがあれば何も書き込まず、終了コード 1 で終わります。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[kind.value for kind in ImportKind], help="schools, companies, contacts")
        parser.add_argument("file", help=".csv / .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="確認だけして、何も書き込みません。")
        parser.add_argument(
            "--user",
            help="この利用者の担当範囲と権限で取り込みます（省略時は範囲の制限なし）。",
        )

    def handle(self, *args, kind, file, dry_run, user, **options):
        importer = importer_for(kind)
        account = None
        if user:
            account = User.objects.filter(username=user).first()
            if account is None:
                raise CommandError(_("利用者「%(name)s」は登録されていません。") % {"name": user})
            if not importer.may_import(account):
                raise CommandError(_("利用者「%(name)s」にはこの取り込みの権限がありません。") % {"name": user})
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(_("ファイルを開けません: %(error)s") % {"error": error}) from None
        try:
            parsed = parse_upload(importer=importer, data=data, filename=path.name)
        except ImportProblem as problem:
            raise CommandError(problem.message) from None

        run = import_preview if dry_run else import_commit
        result = run(importer=importer, rows=parsed.rows, user=account)
        labels = dict(RowStatus.choices)
        for row in result.rows:
            if row.errors:
                for error in row.errors:
                    self.stderr.write(
                        _("%(row)s行目 %(label)s: %(error)s") % {"row": row.number, "label": row.label, "error": error}
                    )
            elif options["verbosity"] >= 2 or row.status != RowStatus.UNCHANGED:
                self.stdout.write(f"{row.number}: {labels[row.status]} {row.label}")
        if parsed.ignored_columns:
            self.stdout.write(_("取り込まない列: %(columns)s") % {"columns": "、".join(parsed.ignored_columns)})
        counts = result.counts
        self.stdout.write(
            _("全 %(rows)s 行: 新規 %(new)s、更新 %(update)s、変更なし %(unchanged)s、エラー %(error)s") % counts
        )
        if result.has_errors:
            raise CommandError(_("エラーのある行があるため、何も取り込んでいません。"), returncode=1)
        if dry_run:
            self.stdout.write(_("確認のみのため、何も書き込んでいません（--dry-run）。"))
        else:
            self.stdout.write(self.style.SUCCESS(_("取り込みました。")))
