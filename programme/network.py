"""The network as a picture: ① consortia in a column on the left, those they lead and advise on the right, an arrow
for each link. Laid out and drawn here as inline SVG shapes (no script, nothing from elsewhere); the page's template
holds the picture's frame, title and legend."""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import mark_safe

ROW = 44
TOP = 30
LEFT_X = 20
RIGHT_X = 440
BOX_WIDTH = 300
BOX_HEIGHT = 30
LABEL_CHARS = 24  # a longer name is cut, ending in "…", and shown whole in the table below the picture


@dataclass(frozen=True)
class Node:
    label: str
    x: int
    y: int
    kind: str  # "leader" or "supported"

    @property
    def text_x(self) -> int:
        return self.x + 10

    @property
    def text_y(self) -> int:
        return self.y + 20


@dataclass(frozen=True)
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    title: str


@dataclass(frozen=True)
class Picture:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int
    box_width: int = BOX_WIDTH
    box_height: int = BOX_HEIGHT

    def shapes(self) -> str:
        """An arrow per link, then a box per consortium or prefecture: solid and blue for those who lead, dashed and
        yellow for those they advise (the legend says so in words). Written in one pass, the names escaped, rather
        than by a template loop with a dozen lookups a box, which cost more than the rest of the page."""
        parts = [
            f'<line x1="{e.x1}" y1="{e.y1}" x2="{e.x2}" y2="{e.y2}" stroke="#333" stroke-width="2" '
            f'marker-end="url(#arrow)"><title>{escape(e.title)}</title></line>'
            for e in self.edges
        ]
        for n in self.nodes:
            look = 'fill="#dbe8ff"' if n.kind == "leader" else 'fill="#fff4d6" stroke-dasharray="5 3"'
            parts.append(
                f'<g><rect x="{n.x}" y="{n.y}" width="{self.box_width}" height="{self.box_height}" rx="6" {look} '
                f'stroke="#333"/><text x="{n.text_x}" y="{n.text_y}" font-size="13" fill="#000">'
                f"{escape(_shortened(n.label))}</text></g>"
            )
        return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped names only


def _shortened(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def layout(links) -> Picture:
    """Place each leader and each supported consortium or prefecture once, in the order first met."""
    leaders: dict[str, Node] = {}
    supported: dict[str, Node] = {}
    edges = []
    for link in links:
        leader_key = f"c{link.leader_id}"
        if leader_key not in leaders:
            leaders[leader_key] = Node(str(link.leader), LEFT_X, TOP + ROW * len(leaders), "leader")
        target_key = f"c{link.supported_id}" if link.supported_id else f"p{link.supported_prefecture_id}"
        if target_key not in supported:
            supported[target_key] = Node(link.supported_label, RIGHT_X, TOP + ROW * len(supported), "supported")
        source, target = leaders[leader_key], supported[target_key]
        edges.append(
            Edge(
                source.x + BOX_WIDTH,
                source.y + BOX_HEIGHT // 2,
                target.x - 6,
                target.y + BOX_HEIGHT // 2,
                f"{source.label} → {target.label}",
            )
        )
    rows = max(len(leaders), len(supported), 1)
    return Picture(
        nodes=[*leaders.values(), *supported.values()],
        edges=edges,
        width=RIGHT_X + BOX_WIDTH + LEFT_X,
        height=TOP * 2 + ROW * rows,
    )
