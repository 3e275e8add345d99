"""What every report shares: its scope, the sheet a table becomes, the mark for a hidden figure, number formatting,
the heading figures and the closing notes."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from meister import clock
from meister.exporting import Sheet
from meister.fiscal import fiscal_year_label, wareki_date
from meister.scoping import ScopeKind, owned_within_scope
from partners.models import Consortium, Prefecture, School
from reports.disclosure import rule_text

HIDDEN = "x"  # the mark for a suppressed figure, as in Japanese official statistics
# Who issues the national reports; a prefecture's annual report names the prefecture beside it.
ISSUER = "文部科学省 初等中等教育局 参事官（高等学校担当）付 産業教育振興室"


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


def school_labels(schools) -> dict:
    """{school id: name}, the name followed by the school's code where two schools share it."""
    rows = list(schools.values_list("pk", "name", "code"))
    seen: dict = {}
    for _pk, name, _code in rows:
        seen[name] = seen.get(name, 0) + 1
    return {pk: f"{name}（{code}）" if seen[name] > 1 else name for pk, name, code in rows}


def rounded(value, digits: int) -> float | None:
    """The one rounding rule of the PDF and the workbook: half away from zero, on the decimal value."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def format_number(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{rounded(value, digits):,.{digits}f}"


def common_context(fy: int, scope: ReportScope, title: str) -> dict:
    return {
        "title": title,
        "fiscal_year": fy,
        "fiscal_year_label": fiscal_year_label(fy, "ja"),
        "scope_label": scope.label,
        "generated_on": wareki_date(clock.today()),
        "threshold": threshold(),
        "hidden_mark": HIDDEN,
        "suppression_note": "注：" + rule_text() + "生徒の氏名は含みません。",
        "definitions": DEFINITIONS,
    }


# How each figure is counted, as the notes print it: one fiscal-year rule per kind of record.
DEFINITIONS = [
    "年度（4月1日〜翌年3月31日）への帰属：連携活動は開始日、産業界との授業は実施日、実習時間は記録日、"
    "企業実習は期間がその年度に一日でも重なる実習（年度をまたぐ実習は両方の年度に数えます）、"
    "卒業後の進路は卒業年度、事業指定・共同研究・産業実務家教員・調査はそれぞれの登録年度です。",
    "地元就職率＝県内就職者÷就職者（文部科学省の用法）。就職者は受入れ企業・県内・県外への就職の合計で、"
    "進学・起業・その他は分母に含めません（起業は就職者に含めません）。"
    "受入れ企業への就職は、企業の所在地にかかわらず別の数値として示します。",
    "連携企業・参加生徒数（デュアルシステム、インターンシップ）・産業実務家教員（人）は重複を除いた実数です。"
    "学校の行を合計すると、複数の学校と連携した企業や教員の分だけ合計欄より大きくなります。",
    "確認済み時間は教員が確認した記録の合計です。未確認（確認待ち・差戻し）の時間は別に示します。",
    "定員充足率＝在籍者数÷定員（学科の年度の値の合計）。",
    "3か年の推移：前年度・前々年度の数値は、それぞれの年度の報告書と同じ規則で現在の記録から集計し、"
    "その年度の報告書で秘匿される値は秘匿しています。",
    "KPIの目標と実績：目標を定めた管理機関ごとに、その管理機関のPDCA報告書の実績（秘匿された実績は判定しません）を"
    "目標と比べ、実績が目標以上の管理機関を「達成」と数えます。目標の計・実績の計は合計できる指標（件数・人数・時間）で、"
    "すべての管理機関の実績が公表されている場合にだけ示します。",
    "地域別の表と地図の表には、値のある都道府県（秘匿を含む）だけを載せます。載っていない都道府県の値は0（率は該当なし）で、"
    "ブロック計・合計には含まれています。ブロックは文部科学省の地域ブロックの順（北から南へ）に並べます。",
]


def notes_sheet(context) -> Sheet:
    return Sheet(
        "注記",
        ["注記"],
        [
            [
                f"{context['title']}　{context['fiscal_year_label']}　"
                f"対象：{context['scope_label']}　作成日：{context['generated_on']}"
            ],
            [rule_text()],
            *[[definition] for definition in DEFINITIONS],
            [
                "生徒の変容は、同じ年度に事前と事後の両方を回答した生徒の対応のある変化（事後−事前）です。人数が秘匿された集団は秘匿しています。"
            ],
            ["生徒の氏名は含みません。"],
        ],
        [120],
    )
