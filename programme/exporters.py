"""The accountant's workbook of a designation: budget against actual by category, spending by month, and the ledger
itself line by line (streamed, so memory stays flat however long the ledger is)."""

from django.utils.translation import gettext as _

from meister.exporting import Exporter, Sheet
from programme import selectors
from programme.models import FISCAL_MONTHS


class LedgerWorkbook(Exporter):
    def __init__(self, *, designation, user):
        self.designation = designation
        self.user = user
        self.title = _("予算執行状況")
        self.filename = f"ledger_{designation.consortium_id}_{designation.fiscal_year}"

    def sheets(self, progress=None) -> list[Sheet]:
        summary = selectors.budget_vs_actual(designation=self.designation)
        totals = [
            [
                line.category.name,
                line.budget,
                line.actual,
                line.remaining,
                line.rate,
                _("超過 %(yen)s円") % {"yen": f"{line.over_by:,}"} if line.over_by else "",
            ]
            for line in summary.lines
        ]
        totals.append([_("合計"), summary.budget, summary.actual, summary.remaining, "", ""])
        months = [[line.category.name, *line.months, line.actual] for line in summary.lines]
        months.append([_("合計"), *summary.month_totals, summary.actual])
        return [
            Sheet(
                self.title,
                [_("費目"), _("所要経費（円）"), _("支出済額（円）"), _("残額（円）"), _("執行率"), _("超過")],
                totals,
                widths=[16, 16, 16, 16, 10, 20],
            ),
            Sheet(
                _("月別支出"),
                [_("費目"), *[_("%(month)d月") % {"month": month} for month in FISCAL_MONTHS], _("計")],
                months,
                widths=[16] + [12] * 13,
            ),
            Sheet(
                _("支出明細"),
                [_("支出日"), _("費目"), _("支払先"), _("内容"), _("金額（円）"), _("証拠書類")],
                self._ledger_rows(),
                widths=[12, 14, 24, 36, 14, 10],
            ),
        ]

    def _ledger_rows(self):
        entries = selectors.ledger_for(user=self.user, designation=self.designation).order_by("spent_on", "pk")
        for entry in entries.iterator(chunk_size=2000):
            yield [
                entry.spent_on,
                entry.category.name,
                entry.payee,
                entry.description,
                entry.amount_yen,
                _("あり") if entry.evidence else _("なし"),
            ]
