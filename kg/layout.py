"""Force-directed node positions in plain Python, so pages open already laid out.

networkx's spring layouts need numpy, which the project does not ship; this is
Fruchterman-Reingold with the grid variant of its repulsion (only nodes closer than two ideal
edge lengths push each other), which keeps each step linear in the graph. Nodes start on a
sunflower spiral in breadth-first order, so neighbours start close and few steps are needed.
The same input always gives the same positions.

    >>> positions = spring_layout(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(positions)
    ['a', 'b', 'c']
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence

SPACING = 110.0  # the ideal edge length, in vis-network canvas pixels
EXACT_REPULSION_MAX_NODES = 150  # below this every pair repels: nicer, and still cheap
GRAVITY = 0.02  # a slight pull to the centre keeps a piece round and compact
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def spring_layout(
    ids: Sequence[str], links: Iterable[tuple[str, str]], *, spacing: float = SPACING
) -> dict[str, tuple[float, float]]:
    """Positions (x, y) for ``ids``, joined by ``links`` (pairs of ids; others are ignored).

    Each connected piece is laid out alone, then the pieces are packed in rows, biggest first:
    a lone pair would otherwise drift far from the rest and shrink everything when fitted.
    """
    index = {node: i for i, node in enumerate(ids)}
    pairs = sorted(
        {
            (min(index[a], index[b]), max(index[a], index[b]))
            for a, b in links
            if a in index and b in index and a != b
        }
    )
    pieces = [_layout_piece(piece, pairs, spacing) for piece in _components(len(ids), pairs)]
    xs = [0.0] * len(ids)
    ys = [0.0] * len(ids)
    for members, px, py in _pack(pieces, spacing):
        for i, x, y in zip(members, px, py, strict=True):
            xs[i] = x
            ys[i] = y
    return {node: (round(xs[i], 1), round(ys[i], 1)) for node, i in index.items()}


def _components(n: int, pairs: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Connected pieces as lists of node indices, biggest first."""
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for i, j in pairs:
        neighbours[i].append(j)
        neighbours[j].append(i)
    seen = [False] * n
    pieces = []
    for root in range(n):
        if seen[root]:
            continue
        seen[root] = True
        piece, stack = [], [root]
        while stack:
            node = stack.pop()
            piece.append(node)
            for other in neighbours[node]:
                if not seen[other]:
                    seen[other] = True
                    stack.append(other)
        pieces.append(sorted(piece))
    return sorted(pieces, key=lambda p: (-len(p), p[0]))


def _layout_piece(
    members: list[int], pairs: Sequence[tuple[int, int]], spacing: float
) -> tuple[list[int], list[float], list[float]]:
    """Fruchterman-Reingold on one connected piece, in its own coordinates."""
    local = {node: i for i, node in enumerate(members)}
    inner = [(local[i], local[j]) for i, j in pairs if i in local and j in local]
    n = len(members)
    xs, ys = _spiral(_bfs_order(n, inner), spacing)
    steps = _steps(n) if n > 1 else 0
    temperature = spacing * 2.0
    cooling = (0.05 / 2.0) ** (1.0 / max(steps, 1))
    for _ in range(steps):
        dx = [0.0] * n
        dy = [0.0] * n
        if n <= EXACT_REPULSION_MAX_NODES:
            _repel_all(xs, ys, dx, dy, spacing)
        else:
            _repel_near(xs, ys, dx, dy, spacing)
        _attract(inner, xs, ys, dx, dy, spacing)
        _move(xs, ys, dx, dy, temperature)
        temperature *= cooling
    return members, xs, ys


def _pack(
    pieces: Sequence[tuple[list[int], list[float], list[float]]], spacing: float
) -> list[tuple[list[int], list[float], list[float]]]:
    """Shelf packing: pieces left to right in rows about as wide as the whole is tall."""
    boxes = [(min(xs), min(ys), max(xs), max(ys)) for _, xs, ys in pieces]
    area = sum((x1 - x0 + spacing) * (y1 - y0 + spacing) for x0, y0, x1, y1 in boxes)
    row_width = max([math.sqrt(area) * 1.2] + [x1 - x0 for x0, _, x1, _ in boxes[:1]])
    placed = []
    cursor_x = cursor_y = row_height = 0.0
    for (members, xs, ys), (x0, y0, x1, y1) in zip(pieces, boxes, strict=True):
        width, height = x1 - x0, y1 - y0
        if cursor_x > 0 and cursor_x + width > row_width:
            cursor_x, cursor_y, row_height = 0.0, cursor_y + row_height + spacing, 0.0
        placed.append((members, [x - x0 + cursor_x for x in xs], [y - y0 + cursor_y for y in ys]))
        cursor_x += width + spacing
        row_height = max(row_height, height)
    return placed


def _steps(n: int) -> int:
    # A good start needs fewer steps; big graphs trade polish for build time.
    if n <= 300:
        return 150
    return 50 if n <= 2000 else 30


def _bfs_order(n: int, pairs: Sequence[tuple[int, int]]) -> list[int]:
    """Breadth-first from the best-connected node of each component, biggest hubs first."""
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for i, j in pairs:
        neighbours[i].append(j)
        neighbours[j].append(i)
    seen = [False] * n
    order: list[int] = []
    for root in sorted(range(n), key=lambda i: (-len(neighbours[i]), i)):
        if seen[root]:
            continue
        seen[root] = True
        queue = deque([root])
        while queue:
            node = queue.popleft()
            order.append(node)
            for other in sorted(neighbours[node], key=lambda i: (-len(neighbours[i]), i)):
                if not seen[other]:
                    seen[other] = True
                    queue.append(other)
    return order


def _spiral(order: Sequence[int], spacing: float) -> tuple[list[float], list[float]]:
    xs = [0.0] * len(order)
    ys = [0.0] * len(order)
    for rank, node in enumerate(order):
        radius = spacing * 0.8 * math.sqrt(rank + 0.5)
        angle = rank * GOLDEN_ANGLE
        xs[node] = radius * math.cos(angle)
        ys[node] = radius * math.sin(angle)
    return xs, ys


def _repel_all(
    xs: list[float], ys: list[float], dx: list[float], dy: list[float], k: float
) -> None:
    everyone = list(range(len(xs)))
    _repel_groups(everyone, everyone, xs, ys, dx, dy, k * k, math.inf, same=True)


# Half of the eight neighbouring cells, so each pair of cells is visited once.
_HALF_NEIGHBOURHOOD = ((1, -1), (1, 0), (1, 1), (0, 1))
# The cells two steps away: what lies there pushes as one mass at its centre.
_RING = tuple((x, y) for x in range(-2, 3) for y in range(-2, 3) if max(abs(x), abs(y)) == 2)


def _repel_near(
    xs: list[float], ys: list[float], dx: list[float], dy: list[float], k: float
) -> None:
    """Repulsion from nodes closer than 2k, on a grid of cells k wide: pair by pair from the
    nodes of the same and the adjacent cells, as one mass from each cell two steps away.
    Dense graphs put a few hundred nodes within 2k of each node; pair by pair that was most
    of the build's page time."""
    grid: dict[tuple[int, int], list[int]] = {}
    for i in range(len(xs)):
        grid.setdefault((math.floor(xs[i] / k), math.floor(ys[i] / k)), []).append(i)
    masses = {
        key: (len(members), sum(xs[i] for i in members) / len(members),
              sum(ys[i] for i in members) / len(members))
        for key, members in grid.items()
    }  # fmt: skip
    k2 = k * k
    reach2 = 4.0 * k2
    for (cx, cy), members in grid.items():
        _repel_groups(members, members, xs, ys, dx, dy, k2, reach2, same=True)
        for ox, oy in _HALF_NEIGHBOURHOOD:
            others = grid.get((cx + ox, cy + oy))
            if others:
                _repel_groups(members, others, xs, ys, dx, dy, k2, reach2, same=False)
        far = [masses[c] for c in ((cx + ox, cy + oy) for ox, oy in _RING) if c in masses]
        if far:
            _repel_masses(members, far, xs, ys, dx, dy, k2, reach2)


def _repel_masses(
    group: list[int],
    masses: list[tuple[int, float, float]],
    xs: list[float],
    ys: list[float],
    dx: list[float],
    dy: list[float],
    k2: float,
    reach2: float,
) -> None:
    """Repulsion on each node of ``group`` from (count, x, y) masses at least k away (each
    mass's own nodes get the opposite push when their cell's turn comes)."""
    for i in group:
        xi = xs[i]
        yi = ys[i]
        fx = 0.0
        fy = 0.0
        for m, mx, my in masses:
            ddx = xi - mx
            ddy = yi - my
            d2 = ddx * ddx + ddy * ddy
            if d2 >= reach2:
                continue
            f = m * k2 / d2
            fx += ddx * f
            fy += ddy * f
        dx[i] += fx
        dy[i] += fy


def _repel_groups(
    group: list[int],
    others: list[int],
    xs: list[float],
    ys: list[float],
    dx: list[float],
    dy: list[float],
    k2: float,
    reach2: float,
    *,
    same: bool,
) -> None:
    """Fruchterman-Reingold repulsion k^2/d between each node of ``group`` and of ``others``
    closer than sqrt(reach2); with ``same`` the two are one list and each pair counts once.
    The hot loop of the layout, hence the inlined arithmetic."""
    for a, i in enumerate(group):
        xi = xs[i]
        yi = ys[i]
        fx = 0.0
        fy = 0.0
        for j in others[a + 1 :] if same else others:
            ddx = xi - xs[j]
            ddy = yi - ys[j]
            d2 = ddx * ddx + ddy * ddy
            if d2 >= reach2:
                continue
            if d2 < 1e-6:
                # Coincident nodes: part them along a fixed, index-dependent direction.
                ddx = 0.1 * ((i - j) % 7 + 1)
                ddy = 0.1 * ((i + j) % 5 + 1)
                d2 = 0.05
            f = k2 / d2
            fx += ddx * f
            fy += ddy * f
            dx[j] -= ddx * f
            dy[j] -= ddy * f
        dx[i] += fx
        dy[i] += fy


def _attract(
    pairs: Iterable[tuple[int, int]],
    xs: list[float],
    ys: list[float],
    dx: list[float],
    dy: list[float],
    k: float,
) -> None:
    for i, j in pairs:
        ddx = xs[i] - xs[j]
        ddy = ys[i] - ys[j]
        f = math.hypot(ddx, ddy) / k
        dx[i] -= ddx * f
        dy[i] -= ddy * f
        dx[j] += ddx * f
        dy[j] += ddy * f


def _move(xs: list[float], ys: list[float], dx: list[float], dy: list[float], limit: float) -> None:
    for i in range(len(xs)):
        fx = dx[i] - xs[i] * GRAVITY
        fy = dy[i] - ys[i] * GRAVITY
        length = math.hypot(fx, fy)
        if length > 0:
            scale = min(length, limit) / length
            xs[i] += fx * scale
            ys[i] += fy * scale
