"""The download of a cohort's results: the figures of the results page, aggregates only (no student names)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meister.exporting import Column, ListExporter

TIMINGS = ("pre", "mid", "post")


def _round(value):
    return "" if value is None else round(value, 3)


def _rows(results) -> list[dict]:
    """One row per instrument and subscale; suppressed groups stay empty."""
    rows = []
    for result in results:
        for sub in result.subscales:
            row = {"instrument": str(result.instrument), "subscale": sub.name}
            for timing in sub.timings[:3]:
                shown = not timing.suppressed
                row[timing.timing] = (
                    timing.summary.n if shown else "",
                    _round(timing.summary.mean) if shown else "",
                    _round(timing.summary.sd) if shown else "",
                )
            change = sub.change if sub.change is not None and not sub.change_suppressed else None
            row["change"] = (
                (change.n, _round(change.mean_diff), _round(change.ci_low), _round(change.ci_high), _round(change.d_z))
                if change
                else ("", "", "", "", "")
            )
            rows.append(row)
    return rows


class ResultsExporter(ListExporter):
    title = gettext_lazy("アセスメントの結果")

    def __init__(self, results, *, school, entry_year):
        super().__init__(_rows(results))
        self.filename = f"assessment_{school.code}_{entry_year}"

    def columns(self):
        columns = [Column(_("尺度"), lambda r: r["instrument"]), Column(_("下位尺度"), lambda r: r["subscale"])]
        for timing, label in zip(TIMINGS, (_("事前"), _("中間"), _("事後")), strict=True):
            for index, name in enumerate(("n", _("平均"), "SD")):
                columns.append(Column(f"{label} {name}", lambda r, t=timing, i=index: r.get(t, ("", "", ""))[i]))
        for index, name in enumerate(
            (_("対応のある n"), _("変化"), _("95%信頼区間（下限）"), _("95%信頼区間（上限）"), "d_z")
        ):
            columns.append(Column(name, lambda r, i=index: r["change"][i]))
        return columns
