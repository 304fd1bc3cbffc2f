"""Built graph -> ``map.html``: places, event activity and supply lines at their coordinates.

One offline file like the graph page, with the same filters, search and evidence panel
(``kg/data/page-common.js``); the map itself is drawn on a <canvas> by ``map-page.js`` in an
equirectangular projection with a graticule, so no tile server is needed. Places without
coordinates cannot be placed and are counted in the header instead.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.analysis import Analysis
from kg.errors import KGError
from kg.fsutil import atomic_write_text
from kg.graphdata import GraphData, line_stops, read_graph
from kg.render import (
    EDGE_STYLES,
    NODE_STYLES,
    Page,
    PageNode,
    controls_html,
    entity_nodes,
    external_references,
    node_id,
    node_iri,
    page_data,
    page_rows,
    page_script,
    script_json,
)
from kg.resources import data_file

EVENT_COLOR = NODE_STYLES["Event"].color


def write_map_page(
    graph: Graph, analysis: Analysis, path: Path, data: GraphData | None = None
) -> None:
    """Write the map page for ``graph`` to ``path`` (atomically). ``data`` is
    ``read_graph(graph)`` when the caller has it already."""
    data = data or read_graph(graph)
    atomic_write_text(Path(path), render_map_html(data, analysis))


def map_page(data: GraphData, analysis: Analysis) -> Page:
    """The places that have coordinates and the supply lines with two such stops."""
    events, controls = page_rows(data)
    nodes = entity_nodes(data, analysis, events, controls)
    kept = {ident: node for ident, node in nodes.items() if _mappable(node, data)}
    return Page(kept, [], events, controls, total_nodes=len(nodes), collapsed=False)


def _mappable(node: PageNode, data: GraphData) -> bool:
    if node.cls == "Place":
        return _coordinates(node.id, data) is not None
    if node.cls == "SupplyLine":
        return len(_stops(node.id, data)) >= 2
    return False


def _coordinates(ident: str, data: GraphData) -> tuple[float, float] | None:
    row = data.places.get(node_iri(ident))
    if row is None or row.lat is None or row.long is None:
        return None
    return (row.lat, row.long)


def _stops(ident: str, data: GraphData) -> list[str]:
    line = data.supply_lines.get(node_iri(ident))
    if line is None:
        return []
    return [node_id(p) for p in line_stops(line, data) if _coordinates(node_id(p), data)]


def map_data(page: Page, data: GraphData, analysis: Analysis) -> dict[str, Any]:
    """The graph page's data plus coordinates and the supply lines' stops in order."""
    payload = page_data(page, data, analysis)
    payload["geo"] = {
        ident: _coordinates(ident, data) for ident, n in page.nodes.items() if n.cls == "Place"
    }
    payload["stops"] = {
        ident: _stops(ident, data) for ident, n in page.nodes.items() if n.cls == "SupplyLine"
    }
    # Event activity is drawn as circles at places: a class of its own for the filter.
    payload["classes"].append(("Event", "Event activity", len(page.events)))
    return payload


def render_map_html(data: GraphData, analysis: Analysis) -> str:
    page = map_page(data, analysis)
    css = data_file("page.css").read_text(encoding="utf-8")
    body = controls_html(analysis, _notice(page, data), _legend_html(), "Find a place by name")
    markup = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sitrep-kg map</title>
<style>
{css}</style>
</head>
<body>
{body}<canvas id="kg-map" aria-label="map of places, event activity and supply lines"></canvas>
<div id="kg-tip" role="tooltip"></div>
<script type="application/json" id="kg-data">{script_json(map_data(page, data, analysis))}</script>
<script>
{page_script("map-page.js")}</script>
</body>
</html>
"""
    leftovers = external_references(markup)
    if leftovers:
        raise KGError(f"the map page still loads outside resources: {', '.join(leftovers)}")
    return markup


def _notice(page: Page, data: GraphData) -> str:
    places = [n for n in page.nodes.values() if n.cls == "Place"]
    located = {p for e in data.events for p in e.locations}
    missing = sum(1 for p in located if node_id(p) not in page.nodes)
    return (
        f"{missing} places without coordinates are not on the map"
        if missing
        else ("" if places else "no place has coordinates")
    )


def _legend_html() -> str:
    place, line = NODE_STYLES["Place"], EDGE_STYLES["connects"]
    rows = [
        f'<div><svg width="16" height="16"><rect x="4" y="4" width="8" height="8" fill="{place.color}" '
        f'stroke="#fff"/></svg>{html.escape(place.legend)}</div>',
        f'<div><svg width="16" height="16"><circle cx="8" cy="8" r="7" fill="{EVENT_COLOR}" '
        f'fill-opacity=".35" stroke="{EVENT_COLOR}"/></svg>Event activity (area: events)</div>',
        f'<div><svg width="28" height="10"><line x1="1" y1="5" x2="27" y2="5" stroke="{line.color}" '
        f'stroke-width="3"/></svg>Supply lines</div>',
        '<div class="kg-meta">Grid: 1° of latitude and longitude (finer when zoomed).</div>',
        '<div class="kg-meta">Scroll to zoom, drag to pan.</div>',
    ]
    return "\n".join(rows)
