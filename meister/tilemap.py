"""A map of Japan as 47 equal tiles, one per prefecture, drawn as SVG on the server for reports and dashboards.

Each tile carries the prefecture's short name and its value printed, so the shade is never the only carrier of
meaning; a value hidden by disclosure control is drawn hatched with its mark. `tile_rows` gives the same figures as
a table, the alternative for readers who cannot use the picture.
"""

from django.utils.html import format_html, format_html_join

# Prefecture code (JIS X 0401) → (column, row) on the grid, north-east to south-west as on a map.
TILES = {
    "01": (11, 0),
    "02": (11, 1),
    "05": (10, 2),
    "03": (11, 2),
    "06": (10, 3),
    "04": (11, 3),
    "17": (7, 4),
    "16": (8, 4),
    "15": (9, 4),
    "07": (10, 4),
    "18": (6, 5),
    "21": (7, 5),
    "20": (8, 5),
    "10": (9, 5),
    "09": (10, 5),
    "08": (11, 5),
    "32": (2, 6),
    "31": (3, 6),
    "28": (4, 6),
    "26": (5, 6),
    "25": (6, 6),
    "23": (7, 6),
    "19": (8, 6),
    "11": (9, 6),
    "13": (10, 6),
    "12": (11, 6),
    "35": (1, 7),
    "34": (2, 7),
    "33": (3, 7),
    "27": (4, 7),
    "29": (5, 7),
    "24": (6, 7),
    "22": (7, 7),
    "14": (9, 7),
    "38": (2, 8),
    "37": (3, 8),
    "30": (5, 8),
    "39": (2, 9),
    "36": (3, 9),
    "41": (0, 9),
    "40": (1, 9),
    "42": (0, 10),
    "43": (1, 10),
    "44": (2, 10),
    "46": (1, 11),
    "45": (2, 11),
    "47": (0, 12),
}
SHADES = ["#f1f5fb", "#c9d8ec", "#93b3d9", "#5b88bf", "#2f5f99"]  # light to dark; text turns white on the two darkest
TILE = 40
GAP = 3


def shade(value, top) -> int:
    """The shade's index, 0 for no activity, 1–4 in quarters of the largest value."""
    if not value or not top:
        return 0
    return min(4, 1 + int(4 * float(value) / float(top) - 1e-9))


def short(name: str) -> str:
    """The name as a tile holds it: 滋賀県 whole, a romanised name cut to six letters (Shiga, Shizuo, Shiman)."""
    return name[:6] if name.isascii() else name[:3]


def tile_map(values: dict, names: dict, *, title: str, hidden_mark: str = "x", digits: int = 0) -> str:
    """SVG of the 47 tiles: `values` and `names` by prefecture code; a value equal to `hidden_mark` is hatched."""
    numbers = [float(v) for v in values.values() if v not in (None, hidden_mark)]
    top = max(numbers, default=0)
    width = 12 * (TILE + GAP)
    height = 13 * (TILE + GAP) + 16

    def text(value):
        if value == hidden_mark:
            return hidden_mark
        return "—" if value is None else f"{float(value):,.{digits}f}"

    def tile(code):
        column, row = TILES[code]
        value = values.get(code)
        level = 0 if value in (None, hidden_mark) else shade(value, top)
        fill = "url(#hidden)" if value == hidden_mark else SHADES[level]
        ink = "#fff" if level >= 3 else "#111"
        x, y = column * (TILE + GAP), 16 + row * (TILE + GAP)
        label = short(names.get(code, code))
        return (x, y, TILE, TILE, fill, x + TILE / 2, y + 15, ink, label, x + TILE / 2, y + 31, ink)

    tiles = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#555" stroke-width="0.5"/>'
        '<text x="{}" y="{}" font-size="9" text-anchor="middle" fill="{}">{}</text>'
        '<text x="{}" y="{}" font-size="9" text-anchor="middle" fill="{}" font-weight="bold">{}</text>',
        (tile(code) + (text(values.get(code)),) for code in sorted(TILES)),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="tilemap" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-label="{}" font-family="IPAexGothic, sans-serif">'
        '<defs><pattern id="hidden" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="2"/>'
        "</pattern></defs>"
        '<text x="0" y="11" font-size="10" font-weight="bold">{}</text>{}</svg>',
        width,
        height,
        width,
        height,
        title,
        title,
        tiles,
    )


def tile_rows(values: dict, names: dict, *, hidden_mark: str = "x") -> list[tuple[str, object]]:
    """The map's figures as (prefecture, value) rows in code order: the table beside the picture."""
    return [(names.get(code, code), values.get(code)) for code in sorted(TILES) if values.get(code) is not None]
