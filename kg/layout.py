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
GRAVITY = 0.02  # pulls disconnected pieces towards the centre instead of drifting off
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def spring_layout(
    ids: Sequence[str], links: Iterable[tuple[str, str]], *, spacing: float = SPACING
) -> dict[str, tuple[float, float]]:
    """Positions (x, y) for ``ids``, joined by ``links`` (pairs of ids; others are ignored)."""
    n = len(ids)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(ids)}
    pairs = sorted(
        {
            (min(index[a], index[b]), max(index[a], index[b]))
            for a, b in links
            if a in index and b in index and a != b
        }
    )
    xs, ys = _spiral(_bfs_order(n, pairs), spacing)
    steps = _steps(n)
    temperature = spacing * 2.0
    cooling = (0.05 / 2.0) ** (1.0 / steps)
    for _ in range(steps):
        dx = [0.0] * n
        dy = [0.0] * n
        if n <= EXACT_REPULSION_MAX_NODES:
            _repel_all(xs, ys, dx, dy, spacing)
        else:
            _repel_near(xs, ys, dx, dy, spacing)
        _attract(pairs, xs, ys, dx, dy, spacing)
        _move(xs, ys, dx, dy, temperature)
        temperature *= cooling
    return {node: (round(xs[i], 1), round(ys[i], 1)) for node, i in index.items()}


def _steps(n: int) -> int:
    # A good start needs fewer steps; big graphs trade polish for build time.
    if n <= 300:
        return 150
    return 60 if n <= 2000 else 35


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
        radius = spacing * 0.6 * math.sqrt(rank + 0.5)
        angle = rank * GOLDEN_ANGLE
        xs[node] = radius * math.cos(angle)
        ys[node] = radius * math.sin(angle)
    return xs, ys


def _push(i: int, j: int, xs: list[float], ys: list[float], dx: list[float], dy: list[float], k2: float) -> None:
    ddx = xs[i] - xs[j]
    ddy = ys[i] - ys[j]
    d2 = ddx * ddx + ddy * ddy
    if d2 < 1e-6:
        # Coincident nodes: separate them along a fixed, index-dependent direction.
        ddx, ddy, d2 = 0.1 * ((i - j) % 7 + 1), 0.1 * ((i + j) % 5 + 1), 0.05
    f = k2 / d2
    dx[i] += ddx * f
    dy[i] += ddy * f
    dx[j] -= ddx * f
    dy[j] -= ddy * f


def _repel_all(xs: list[float], ys: list[float], dx: list[float], dy: list[float], k: float) -> None:
    k2 = k * k
    n = len(xs)
    for i in range(n):
        for j in range(i + 1, n):
            _push(i, j, xs, ys, dx, dy, k2)


# Half of the eight neighbouring cells, so each pair of cells is visited once.
_HALF_NEIGHBOURHOOD = ((1, -1), (1, 0), (1, 1), (0, 1))


def _repel_near(xs: list[float], ys: list[float], dx: list[float], dy: list[float], k: float) -> None:
    cell = 2.0 * k
    reach2 = cell * cell
    k2 = k * k
    grid: dict[tuple[int, int], list[int]] = {}
    for i in range(len(xs)):
        grid.setdefault((math.floor(xs[i] / cell), math.floor(ys[i] / cell)), []).append(i)
    for (cx, cy), members in grid.items():
        for a, i in enumerate(members):
            for j in members[a + 1 :]:
                _push(i, j, xs, ys, dx, dy, k2)
        for ox, oy in _HALF_NEIGHBOURHOOD:
            others = grid.get((cx + ox, cy + oy))
            if not others:
                continue
            for i in members:
                for j in others:
                    ddx = xs[i] - xs[j]
                    ddy = ys[i] - ys[j]
                    if ddx * ddx + ddy * ddy < reach2:
                        _push(i, j, xs, ys, dx, dy, k2)


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
