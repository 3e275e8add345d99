"""Bar charts as SVG for the printed reports: WeasyPrint keeps them as vector graphics in the PDF."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

BAR = 16
GAP = 6
LABEL = 110
PLOT = 330
VALUE = 70


def bar_chart(
    rows, *, title: str, unit: str = "", digits: int = 0, hidden_mark: str | None = None, compact: bool = False
) -> str:
    """One horizontal bar per (label, value); a value of None (missing) is drawn as no bar with "—", a value equal to
    `hidden_mark` (suppressed) as no bar with the mark. `compact`: a narrower plot, for charts side by side."""
    label_width, plot_width = (LABEL * 2 // 3, PLOT // 2) if compact else (LABEL, PLOT)
    rows = [(label, value) for label, value in rows]
    if not rows:
        return ""
    marks = {label: value for label, value in rows if hidden_mark is not None and value == hidden_mark}
    rows = [(label, None if label in marks else value) for label, value in rows]
    top = max((value for _label, value in rows if value is not None), default=0) or 1
    height = 24 + len(rows) * (BAR + GAP)
    width = label_width + plot_width + VALUE

    def shown(label, value):
        if label in marks:
            return hidden_mark
        if value is None:
            return "—"
        return f"{value:,.{digits}f}{unit}"

    bars = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="9" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#3b6ea5"/>'
        '<text x="{}" y="{}" font-size="9">{}</text>',
        (
            (
                label_width - 6,
                24 + index * (BAR + GAP) + BAR - 4,
                label,
                label_width,
                24 + index * (BAR + GAP),
                round(plot_width * float(value or 0) / float(top), 1),
                BAR,
                label_width + round(plot_width * float(value or 0) / float(top), 1) + 4,
                24 + index * (BAR + GAP) + BAR - 4,
                shown(label, value),
            )
            for index, (label, value) in enumerate(rows)
        ),
    )
    return (
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" width="{}" height="{}" '
            'role="img" font-family="IPAexGothic, sans-serif">'
            '<text x="0" y="12" font-size="10" font-weight="bold">{}</text>{}'
            '<line x1="{}" y1="20" x2="{}" y2="{}" stroke="#555" stroke-width="0.5"/></svg>',
            width,
            height,
            width,
            height,
            title,
            bars,
            label_width,
            label_width,
            height,
        )
        if rows
        else mark_safe("")
    )
