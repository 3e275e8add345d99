"""The comparison chart of a placement's evaluations, drawn on the server as inline SVG.

One row per rubric line, the level scale across; the mentor's level is a filled circle and the student's own a hollow
square, so the chart reads without colour; the table beside it says the same in words.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

ROW = 28
LABEL_WIDTH = 170
PLOT_WIDTH = 180
TOP = 40


def comparison_chart(rows, scale, *, title: str, mentor_label: str, self_label: str) -> str:
    """`rows` are (label, mentor level or None, self level or None); `scale` the rubric's (value, mark, words)."""
    if not rows:
        return ""
    values = sorted(value for value, _mark, _words in scale)
    low, high = values[0], values[-1]
    width = LABEL_WIDTH + PLOT_WIDTH + 30
    height = TOP + ROW * len(rows) + 10

    def x(value) -> float:
        span = (high - low) or 1
        return round(LABEL_WIDTH + 10 + (value - low) / span * (PLOT_WIDTH - 20), 1)

    parts = [
        format_html('<text x="{}" y="14" font-size="11">{}</text>', LABEL_WIDTH, title),
        format_html(
            '<circle cx="{}" cy="26" r="5" fill="#0d6efd"/><text x="{}" y="30" font-size="10">{}</text>',
            8,
            18,
            mentor_label,
        ),
        format_html(
            '<rect x="{}" y="21" width="10" height="10" fill="none" stroke="#6f42c1" stroke-width="2"/>'
            '<text x="{}" y="30" font-size="10">{}</text>',
            100,
            116,
            self_label,
        ),
    ]
    for value, mark, _words in scale:
        parts.append(
            format_html(
                '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#ced4da"/>'
                '<text x="{0}" y="{3}" font-size="10" text-anchor="middle">{4}</text>',
                x(value),
                TOP - 4,
                TOP + ROW * len(rows),
                height - 1,
                mark,
            )
        )
    for n, (label, mentor, own) in enumerate(rows):
        y = TOP + ROW * n + ROW / 2
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>',
                LABEL_WIDTH - 4,
                y + 3,
                label[:14],
            )
        )
        if mentor is not None:
            parts.append(format_html('<circle cx="{}" cy="{}" r="6" fill="#0d6efd"/>', x(mentor), y - 4))
        if own is not None:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="11" height="11" fill="none" stroke="#6f42c1" stroke-width="2"/>',
                    x(own) - 5.5,
                    y + 1,
                )
            )
    body = format_html_join("", "{}", ((p,) for p in parts))
    return mark_safe(
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" viewBox="0 0 {} {}" '
            'width="100%" style="max-width:{}px" data-testid="evaluation-chart">{}</svg>',
            title,
            width,
            height + 4,
            width,
            body,
        )
    )
