"""The network as a picture: ① consortia in a column on the left, those they lead and advise on the right, an arrow
for each link. Laid out here and drawn by the template as inline SVG (no script, nothing from elsewhere)."""

from dataclasses import dataclass

ROW = 44
TOP = 30
LEFT_X = 20
RIGHT_X = 440
BOX_WIDTH = 300
BOX_HEIGHT = 30


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
