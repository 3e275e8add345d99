"""render_report KIND --fy YEAR [--scope national|prefecture:CODE|consortium:ID] --format pdf|xlsx --out PATH"""

import time

from django.core.management.base import BaseCommand, CommandError

from meister.scoping import ScopeKind
from partners.models import Consortium, Prefecture
from reports.documents import ReportScope
from reports.models import KIND_SCOPES, ReportKind
from reports.services import render_report


def parse_scope(value: str) -> ReportScope:
    """national, prefecture:25 (JIS code) or consortium:12 (the consortium's id, as in its page's address)."""
    if value in ("", "national"):
        return ReportScope(ScopeKind.NATIONAL)
    kind, _sep, ident = value.partition(":")
    if kind == "prefecture":
        prefecture = Prefecture.objects.filter(code=ident.zfill(2)).first()
        if prefecture is None:
            raise CommandError(f"都道府県コード {ident!r} はありません。 / No prefecture with code {ident!r}.")
        return ReportScope(ScopeKind.PREFECTURE, prefecture.pk)
    if kind == "consortium" and ident.isdigit() and Consortium.objects.filter(pk=int(ident)).exists():
        return ReportScope(ScopeKind.CONSORTIUM, int(ident))
    raise CommandError(
        f"対象 {value!r} を読めません（national / prefecture:25 / consortium:ID）。"
        f" / Cannot read scope {value!r} (national, prefecture:25 or consortium:ID)."
    )


class Command(BaseCommand):
    help = "報告書をコマンドラインから作成します（画面からの作成と同じ処理）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[value for value, _label in ReportKind.choices])
        parser.add_argument("--fy", type=int, required=True, help="年度（西暦の開始年、例：2024 = 令和6年度）")
        parser.add_argument("--scope", default="national", help="national / prefecture:25 / consortium:ID")
        parser.add_argument("--format", choices=["pdf", "xlsx"], default="pdf")
        parser.add_argument("--out", required=True, help="書き出すファイルのパス")

    def handle(self, *args, kind, fy, scope, format, out, **options):
        report_scope = parse_scope(scope)
        if report_scope.kind not in KIND_SCOPES[kind]:
            raise CommandError(
                f"{kind} はこの対象（{report_scope.kind}）では作成できません。 / {kind} does not cover that scope."
            )
        started = time.perf_counter()
        context = render_report(kind, fy, report_scope, format, out)
        seconds = time.perf_counter() - started
        if context.get("empty"):
            self.stderr.write(
                "この年度・対象には報告書にする記録がありません。 / Nothing to report for that year and scope."
            )
        self.stdout.write(f"{out} ({seconds:.1f} s)")
