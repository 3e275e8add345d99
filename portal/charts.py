"""Small server-drawn SVG charts for the dashboards: each carries a title and a description for screen readers,
prints its values as text (colour never carries meaning alone), and the page shows the same figures as a table."""

from django.utils.html import format_html, format_html_join

WIDTH = 240
HEIGHT = 150
TOP = 34
BASE = 124
BAR = 44


def trend_chart(rows, *, key: str, title: str, description: str, digits: int = 0) -> str:
    """Vertical bars, one per (label, value) — three fiscal years side by side — with each value written above."""
    rows = list(rows)
    top = max((float(value or 0) for _label, value in rows), default=0) or 1
    step = WIDTH / max(len(rows), 1)

    def bar(index, label, value):
        height = round((BASE - TOP) * float(value or 0) / top, 1)
        x = round(index * step + (step - BAR) / 2, 1)
        middle = round(index * step + step / 2, 1)
        shown = f"{float(value or 0):,.{digits}f}"
        return (x, BASE - height, BAR, height, middle, BASE - height - 4, shown, middle, BASE + 14, label)

    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#2f5f99"/>'
        '<text x="{}" y="{}" font-size="11" text-anchor="middle" font-weight="bold">{}</text>'
        '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
        (bar(index, label, value) for index, (label, value) in enumerate(rows)),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {} {}" width="100%" '
        'style="max-width:{}px" role="img" aria-labelledby="{}-title {}-desc" data-testid="trend-{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<text x="0" y="14" font-size="12" font-weight="bold">{}</text>{}'
        '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="#555" stroke-width="1"/></svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        key,
        key,
        key,
        key,
        title,
        key,
        description,
        title,
        bars,
        BASE,
        WIDTH,
        BASE,
    )
