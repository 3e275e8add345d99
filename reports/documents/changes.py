"""Students' change per instrument and subscale, for the whole scope and by area, with small groups hidden."""

from assessments.models import Instrument
from partners.models import Block
from reports.documents.common import HIDDEN, ReportScope, rounded, threshold
from reports.metrics import TOTAL, add_moments, change_from_moments, change_moments, paired_changes


def change_rows(fy: int, scope: ReportScope, groups=("block",), release=None) -> list[dict]:
    """Students' change per instrument and subscale: the whole scope first, then by area; a group is hidden where
    the release hides its count (`reports.release`)."""
    from reports.release import release_for

    release = release or release_for(fy)
    whole_key = {"national": ("total", None)}.get(scope.kind, (scope.kind, scope.ident))

    schools = scope.schools()
    labels = dict(Block.choices)
    instruments = Instrument.objects.filter(administrations__fiscal_year=fy)
    if schools is not None:
        instruments = instruments.filter(administrations__school__in=schools)
    rows = []
    for instrument in instruments.distinct().prefetch_related("subscales").order_by("name"):
        subscales = list(instrument.subscales.all())
        codes = [s.code for s in subscales]
        if groups:
            # The finest grouping from the database; the whole scope is the sum of its areas' moments.
            moments = {
                group: release.changes[(instrument.pk, group)]
                if schools is None and (instrument.pk, group) in release.changes  # gathered once for the year
                else change_moments(fy, group, schools, instrument, codes)
                for group in groups
            }
            finest = moments[groups[0]]
            overall = {}
            for code in codes:
                parts = [values for (_key, c), values in finest.items() if c == code]
                if parts:
                    overall[(None, code)] = change_from_moments(*add_moments(parts))
            by_group = {
                group: {key: change_from_moments(*values) for key, values in found.items()}
                for group, found in moments.items()
            }
        else:
            overall, by_group = paired_changes(fy, TOTAL, schools, instrument, codes), {}
        for subscale in subscales:
            change = overall.get((None, subscale.code))
            if change is None:
                continue
            hide = release.hidden(("change", instrument.pk, subscale.code, *whole_key, "n"))
            row = {
                "instrument": instrument.name,
                "subscale": subscale.name,
                **_change_cells(change, hide=hide),
                "areas": [],
            }
            for group in groups:
                areas = sorted(
                    ((key, area) for (key, code), area in by_group[group].items() if code == subscale.code),
                    key=lambda pair: _area_order(group, pair[0]),
                )
                hidden = {
                    key
                    for key, _area in areas
                    if release.hidden(("change", instrument.pk, subscale.code, group, key, "n"))
                }
                for key, area in areas:
                    name = labels.get(key, key) if group == "block" else key
                    row["areas"].append({"label": str(name), **_change_cells(area, hide=key in hidden)})
            rows.append(row)
    return rows


BLOCK_ORDER = {value: index for index, (value, _label) in enumerate(Block.choices)}  # 北海道 → 九州・沖縄


def _area_order(group: str, key):
    """Blocks in the ministry's order (北海道, 東北, 関東, 中部, 近畿, 中国, 四国, 九州・沖縄), other areas by key."""
    if group == "block":
        return (BLOCK_ORDER.get(key, len(BLOCK_ORDER)), "")
    return (0, str(key).zfill(12))


def _change_cells(change, hide: bool | None = None) -> dict:
    hide = change.n < threshold() if hide is None else hide
    figures = {
        "pre": change.pre,
        "post": change.post,
        "mean": change.mean,
        "low": change.low,
        "high": change.high,
        "d": change.d,
    }
    return {
        "n": HIDDEN if hide else change.n,
        "suppressed": hide,
        **{name: (HIDDEN if hide else value) for name, value in figures.items()},
        **{f"{name}_text": HIDDEN if hide else _signed(name, value) for name, value in figures.items()},
    }


def _signed(name, value) -> str:
    if value is None:
        return "—"
    value = rounded(value, 2)
    return f"{value:+.2f}" if name in {"mean", "low", "high", "d"} else f"{value:.2f}"


def change_values(change):
    return [
        HIDDEN if change["suppressed"] else rounded(change[name], 2)
        for name in ("pre", "post", "mean", "low", "high", "d")
    ]
