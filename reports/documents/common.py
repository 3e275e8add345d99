"""What every report shares: its scope, the sheet a table becomes, the mark for a hidden figure, number formatting,
the heading figures and the closing notes."""

from dataclasses import dataclass

from django.conf import settings

from meister import clock
from meister.exporting import Sheet
from meister.fiscal import fiscal_year_label, wareki_date
from meister.scoping import ScopeKind, owned_within_scope
from partners.models import Consortium, Prefecture, School

HIDDEN = "x"  # the mark for a suppressed figure, as in Japanese official statistics


def threshold() -> int:
    return settings.ASSESSMENTS_SUPPRESSION_THRESHOLD


@dataclass
class ReportScope:
    kind: str
    ident: int | None = None

    @classmethod
    def of(cls, run) -> "ReportScope":
        return cls(*run.scope)

    @property
    def obj(self):
        if self.kind == ScopeKind.PREFECTURE:
            return Prefecture.objects.get(pk=self.ident)
        if self.kind == ScopeKind.CONSORTIUM:
            return Consortium.objects.select_related("prefecture").get(pk=self.ident)
        return None

    @property
    def label(self) -> str:
        return "全国" if self.kind == ScopeKind.NATIONAL else str(self.obj)

    def schools(self):
        """The schools the scope holds as its own, as a subquery, or None for the whole country: a prefecture counts
        the schools it runs, a consortium its member schools (the scoping module's `owned_within_scope`)."""
        if self.kind == ScopeKind.NATIONAL:
            return None
        return owned_within_scope(School.objects.all(), self.kind, self.ident).values("pk")

    def prefectures(self):
        """The prefectures a report's area tables list: all, the one, or those the consortium's schools lie in."""
        prefectures = Prefecture.objects.order_by("code")
        if self.kind == ScopeKind.NATIONAL:
            return prefectures
        if self.kind == ScopeKind.PREFECTURE:
            return prefectures.filter(pk=self.ident)
        return prefectures.filter(pk__in=School.objects.filter(pk__in=self.schools()).values("prefecture_id"))


def format_number(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value:,.{digits}f}"


def common_context(fy: int, scope: ReportScope, title: str) -> dict:
    return {
        "title": title,
        "fiscal_year": fy,
        "fiscal_year_label": fiscal_year_label(fy, "ja"),
        "scope_label": scope.label,
        "generated_on": wareki_date(clock.today()),
        "threshold": threshold(),
        "hidden_mark": HIDDEN,
        "suppression_note": (
            f"注：{threshold()}未満の人数・件数（生徒数、小さな集団の統計、少数の回答）は「{HIDDEN}」で秘匿し、"
            "合計から逆算できないよう他の値も併せて秘匿しています。生徒の氏名は含みません。"
        ),
    }


def notes_sheet(context) -> Sheet:
    return Sheet(
        "注記",
        ["注記"],
        [
            [
                f"{context['title']}　{context['fiscal_year_label']}　"
                f"対象：{context['scope_label']}　作成日：{context['generated_on']}"
            ],
            [
                f"生徒数に関わる値が{context['threshold']}未満のときは「{HIDDEN}」で秘匿しています。合計から逆算できないよう、ほかの値も併せて秘匿しています（二次秘匿）。"
            ],
            [
                "生徒の変容は、同じ年度に事前と事後の両方を回答した生徒の対応のある変化（事後−事前）です。人数が基準未満の集団は秘匿しています。"
            ],
            ["生徒の氏名は含みません。"],
        ],
        [120],
    )
