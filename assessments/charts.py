"""Charts drawn on the server as inline SVG: no script, no library, nothing fetched from elsewhere."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

ROW = 34
LABEL_WIDTH = 150
PLOT_WIDTH = 360
MARGIN = 24


def change_chart(rows, *, title: str) -> str:
    """A forest plot: one row per subscale, the mean change as a dot and its confidence interval as a line.

    `rows` are (label, mean change, low, high); the axis is symmetric around zero so "no change" sits in the middle.
    """
    rows = [r for r in rows if r[1] is not None and r[2] is not None]
    if not rows:
        return ""
    reach = max(max(abs(r[2]), abs(r[3])) for r in rows) or 1.0
    reach = _nice(reach * 1.1)
    height = MARGIN * 2 + ROW * len(rows) + 20
    width = LABEL_WIDTH + PLOT_WIDTH + MARGIN

    def x(value: float) -> float:
        return round(LABEL_WIDTH + (value + reach) / (2 * reach) * PLOT_WIDTH, 1)

    bottom = MARGIN + ROW * len(rows)
    ticks = [-reach, -reach / 2, 0.0, reach / 2, reach]
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#6c757d" stroke-dasharray="4 3"/>',
            x(0),
            MARGIN - 8,
            x(0),
            bottom,
        ),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#adb5bd"/>',
            LABEL_WIDTH,
            bottom,
            LABEL_WIDTH + PLOT_WIDTH,
            bottom,
        ),
        format_html_join(
            "",
            '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#495057">{}</text>',
            ((x(t), bottom + 16, f"{t:+.2g}" if t else "0") for t in ticks),
        ),
    ]
    for index, (label, mean, low, high) in enumerate(rows):
        y = MARGIN + ROW * index + ROW / 2
        colour = "#198754" if low > 0 else "#dc3545" if high < 0 else "#0d6efd"
        parts.append(
            format_html(
                '<g data-testid="chart-row">'
                '<text x="{}" y="{}" font-size="13" text-anchor="end" fill="#212529">{}</text>'
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>'
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>'
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>'
                '<circle cx="{}" cy="{}" r="5" fill="{}"><title>{} {} [{}, {}]</title></circle></g>',
                LABEL_WIDTH - 10,
                y + 4,
                label,
                x(low),
                y,
                x(high),
                y,
                colour,
                x(low),
                y - 6,
                x(low),
                y + 6,
                colour,
                x(high),
                y - 6,
                x(high),
                y + 6,
                colour,
                x(mean),
                y,
                colour,
                label,
                f"{mean:+.2f}",
                f"{low:+.2f}",
                f"{high:+.2f}",
            )
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
        'class="change-chart" data-testid="change-chart"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        title,
        mark_safe("".join(parts)),
    )


def _nice(value: float) -> float:
    """A round axis end at or above `value`: 0.37 → 0.4, 1.3 → 1.5."""
    for step in (0.1, 0.2, 0.25, 0.5, 1, 1.5, 2, 2.5, 5, 10, 20, 50, 100):
        if value <= step:
            return float(step)
    return float(round(value + 0.5))
