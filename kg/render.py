"""Built graph -> ``graph.html``: one self-contained pyvis page that works with no network.

Nodes are actors, places, supply lines and, while the page stays under ``max_nodes``, the
events themselves (linked to their agent, target, location and affected supply line); past that
events fold into actor -> place edges, and past it again only the best-connected nodes stay
(the page says so). Positions are computed here (``kg.layout``) and physics is off, so the
page draws at once even with thousands of nodes.

Report text is data: it reaches the page only inside a ``<script type="application/json">``
element with ``<``, ``>`` and ``&`` escaped, and the page's script shows it through
``textContent`` and vis-network's string tooltips, which vis renders as text.
pyvis links Bootstrap from a CDN even in ``in_line`` mode; those links are removed, and the
page is checked to reference no outside resource at all.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pyvis.network import Network
from rdflib import Graph

from kg.analysis import Analysis
from kg.errors import KGError
from kg.fsutil import atomic_write_text
from kg.graphdata import ControlRow, EventRow, GraphData, provinces_of, read_graph
from kg.layout import spring_layout
from kg.resources import data_file
from kg.vocab import INST

DEFAULT_MAX_NODES = 1500
# Past this many edges, curved edges and edge labels cost more than they help.
SMOOTH_EDGES_MAX = 1500


@dataclass(frozen=True)
class NodeStyle:
    color: str
    shape: str
    legend: str


@dataclass(frozen=True)
class EdgeStyle:
    color: str
    dashes: bool = False
    arrow: bool = True


# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
NODE_STYLES: Mapping[str, NodeStyle] = {
    "Actor": NodeStyle("#D55E00", "dot", "Actors"),
    "Place": NodeStyle("#0072B2", "square", "Places"),
    "SupplyLine": NodeStyle("#E69F00", "diamond", "Supply lines"),
    "Event": NodeStyle("#009E73", "triangle", "Events"),
}
EDGE_STYLES: Mapping[str, EdgeStyle] = {
    "agent": EdgeStyle("#D55E00"),
    "target": EdgeStyle("#CC79A7"),
    "location": EdgeStyle("#56B4E9"),
    "affects": EdgeStyle("#E69F00"),
    "connects": EdgeStyle("#8C6D1F", arrow=False),
    "passesThrough": EdgeStyle("#8C6D1F", dashes=True, arrow=False),
    "controlledBy": EdgeStyle("#009E73", dashes=True),
}


FONT_SIZES: Mapping[str, int] = {"Actor": 18, "Place": 14, "SupplyLine": 13, "Event": 11}


@dataclass
class PageNode:
    id: str
    cls: str
    label: str
    sub: str
    ev: list[int] = field(default_factory=list)  # indices into the page's events
    cr: list[int] = field(default_factory=list)  # indices into the page's control statements
    ei: int | None = None  # for an event node, its own index


@dataclass
class PageEdge:
    source: str
    target: str
    relation: str
    ev: list[int] = field(default_factory=list)
    cr: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return max(len(self.ev), len(self.cr), 1)


@dataclass
class Page:
    """What the page shows, before it becomes HTML."""

    nodes: dict[str, PageNode]
    edges: list[PageEdge]
    events: list[EventRow]
    controls: list[ControlRow]
    total_nodes: int
    collapsed: bool
    positions: Mapping[str, tuple[float, float]] = field(default_factory=dict)


# ---------------------------------------------------------------- entry point


def write_graph_page(
    graph: Graph,
    analysis: Analysis,
    path: Path,
    max_nodes: int = DEFAULT_MAX_NODES,
    data: GraphData | None = None,
) -> None:
    """Write the interactive graph page for ``graph`` to ``path`` (atomically). ``data`` is
    ``read_graph(graph)`` when the caller has it already."""
    data = data or read_graph(graph)
    page = build_page(data, analysis, max_nodes)
    atomic_write_text(Path(path), render_html(page, data, analysis))


@lru_cache(maxsize=1 << 16)  # the same few thousand entities, named once per event
def node_id(iri: str) -> str:
    """Short, stable ids for the page: "place/aleppo" for the project's own IRIs."""
    base = str(INST)
    return iri[len(base) :] if iri.startswith(base) else iri


def node_iri(ident: str) -> str:
    """The IRI behind a page id (the inverse of ``node_id``)."""
    return ident if "://" in ident else str(INST) + ident


# ---------------------------------------------------------------- what to show


def build_page(data: GraphData, analysis: Analysis, max_nodes: int = DEFAULT_MAX_NODES) -> Page:
    events, controls = page_rows(data)
    nodes = entity_nodes(data, analysis, events, controls)
    collapsed = len(nodes) + len(events) > max_nodes
    if collapsed:
        edges = _collapsed_edges(events)
    else:
        nodes.update(_event_nodes(events))
        edges = _event_edges(events)
    edges.extend(_structure_edges(data, controls))
    total = len(nodes)
    nodes, edges = _keep_most_connected(nodes, edges, max_nodes)
    positions = spring_layout(sorted(nodes), ((e.source, e.target) for e in edges))
    return Page(nodes, edges, events, controls, total, collapsed, positions)


def page_rows(data: GraphData) -> tuple[list[EventRow], list[ControlRow]]:
    """Events by date (undated last) and the skg:TerritorialControl statements: the lists the
    pages' nodes and edges refer to by index."""
    events = sorted(data.events, key=lambda e: (e.start is None, e.start or 0, e.type, e.iri))
    return events, [c for c in data.controls if c.kind == "control"]


def entity_nodes(
    data: GraphData, analysis: Analysis, events: Sequence[EventRow], controls: Sequence[ControlRow]
) -> dict[str, PageNode]:
    """A node for every actor, place and supply line that an event, a control statement or a
    supply line involves, with the indices of its events and control statements."""
    related: dict[str, list[int]] = defaultdict(list)
    for i, event in enumerate(events):
        for iri in {*event.actors, *event.locations, *event.affects}:
            related[iri].append(i)
    held: dict[str, list[int]] = defaultdict(list)
    for i, control in enumerate(controls):
        for iri in {control.place, *control.controllers}:
            held[iri].append(i)
    lines = set(data.supply_lines)
    stops = {
        p for line in data.supply_lines.values() for p in (*line.connects, *line.passes_through)
    }
    describe = _Describer(data, analysis)
    nodes: dict[str, PageNode] = {}
    for iri in sorted(set(related) | set(held) | lines | stops):
        cls = _entity_class(iri, data)
        nodes[node_id(iri)] = PageNode(
            id=node_id(iri),
            cls=cls,
            label=data.label(iri),
            sub=describe.sub(iri, cls, related[iri]),
            ev=related[iri],
            cr=held[iri],
        )
    return nodes


def _entity_class(iri: str, data: GraphData) -> str:
    if iri in data.supply_lines:
        return "SupplyLine"
    if iri in data.places:
        return "Place"
    if iri in data.actors:
        return "Actor"
    # Untyped IRIs fall back on the contract's IRI shapes.
    return "Place" if "/place/" in iri else "SupplyLine" if "/supply-line/" in iri else "Actor"


def _event_nodes(events: Sequence[EventRow]) -> dict[str, PageNode]:
    nodes = {}
    for i, event in enumerate(events):
        ident = node_id(event.iri)
        nodes[ident] = PageNode(
            id=ident,
            cls="Event",
            label=f"{event.type}\n{event.start:%b %d}" if event.start else event.type,
            sub=f"{event.type} · {_day(event)} · {event.certainty}",
            ev=[i],
            ei=i,
        )
    return nodes


def _event_edges(events: Sequence[EventRow]) -> list[PageEdge]:
    edges = []
    for i, event in enumerate(events):
        source = node_id(event.iri)
        for relation, iris in (
            ("agent", event.agents),
            ("target", event.targets),
            ("location", event.locations),
            ("affects", event.affects),
        ):
            edges.extend(PageEdge(source, node_id(iri), relation, ev=[i]) for iri in iris)
    return edges


def _collapsed_edges(events: Sequence[EventRow]) -> list[PageEdge]:
    """Events folded into actor -> place ("agent"/"target"), agent -> target and agent ->
    supply line edges, each carrying the events it stands for."""
    grouped: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, event in enumerate(events):
        for agent in event.agents:
            for place in event.locations:
                grouped[(agent, place, "agent")].append(i)
            for target in event.targets:
                grouped[(agent, target, "target")].append(i)
            for line in event.affects:
                grouped[(agent, line, "affects")].append(i)
        for target in event.targets:
            for place in event.locations:
                grouped[(target, place, "target")].append(i)
    return [
        PageEdge(node_id(source), node_id(target), relation, ev=indices)
        for (source, target, relation), indices in sorted(grouped.items())
        if source != target
    ]


def _structure_edges(data: GraphData, controls: Sequence[ControlRow]) -> list[PageEdge]:
    edges = []
    for line in data.supply_lines.values():
        for relation, places in (
            ("connects", line.connects),
            ("passesThrough", line.passes_through),
        ):
            edges.extend(PageEdge(node_id(line.iri), node_id(p), relation) for p in places)
    held: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, control in enumerate(controls):
        for actor in control.controllers:
            held[(control.place, actor)].append(i)
    edges.extend(
        PageEdge(node_id(place), node_id(actor), "controlledBy", cr=indices)
        for (place, actor), indices in sorted(held.items())
    )
    return edges


def _keep_most_connected(
    nodes: dict[str, PageNode], edges: list[PageEdge], max_nodes: int
) -> tuple[dict[str, PageNode], list[PageEdge]]:
    edges = [e for e in edges if e.source in nodes and e.target in nodes]
    if len(nodes) <= max_nodes:
        return nodes, edges
    degree: Counter[str] = Counter()
    for edge in edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    kept = sorted(nodes, key=lambda n: (-degree[n], n))[:max_nodes]
    kept_nodes = {n: nodes[n] for n in sorted(kept)}
    return kept_nodes, [e for e in edges if e.source in kept_nodes and e.target in kept_nodes]


# ---------------------------------------------------------------- tooltips and descriptions


def _day(event: EventRow) -> str:
    if event.start is None:
        return "undated"
    day = event.start.isoformat()
    if event.end and event.end != event.start:
        day += f" to {event.end.isoformat()}"
    return day if event.dated else f"{day} (report period)"


class _Describer:
    """One-line descriptions of actors, places and supply lines."""

    def __init__(self, data: GraphData, analysis: Analysis) -> None:
        self.data = data
        self.actors = {a.iri: a for a in analysis.actors}
        self.places = {p.iri: p for p in analysis.places}

    def sub(self, iri: str, cls: str, related: Sequence[int]) -> str:
        if cls == "Actor":
            return self._actor_sub(iri, related)
        if cls == "Place":
            return self._place_sub(iri, related)
        return self._line_sub(iri, related)

    def _actor_sub(self, iri: str, related: Sequence[int]) -> str:
        activity = self.actors.get(iri)
        text = f"actor · {len(related)} events"
        if activity:
            text += f" ({activity.as_agent} as agent, {activity.as_target} as target)"
            if activity.community is not None:
                text += f" · community {activity.community + 1}"
        return text

    def _place_sub(self, iri: str, related: Sequence[int]) -> str:
        row = self.data.places.get(iri)
        parts = [row.place_type if row and row.place_type else "place"]
        provinces = [self.data.label(p) for p in provinces_of(iri, self.data) if p != iri]
        parts.extend(provinces)
        parts.append(f"{len(related)} events")
        score = self.places.get(iri)
        if score and score.betweenness:
            parts.append(f"betweenness {score.betweenness:.3f}")
        return " · ".join(parts)

    def _line_sub(self, iri: str, related: Sequence[int]) -> str:
        line = self.data.supply_lines.get(iri)
        ends = " – ".join(self.data.label(p) for p in line.connects) if line else ""
        return f"supply line · {ends} · {len(related)} events affect it"


# ---------------------------------------------------------------- HTML


def render_html(page: Page, data: GraphData, analysis: Analysis) -> str:
    net = _network(page)
    markup = _strip_external(net.generate_html())
    markup = _inject(markup, page, data, analysis)
    leftovers = external_references(markup)
    if leftovers:
        raise KGError(f"the graph page still loads outside resources: {', '.join(leftovers)}")
    return markup


def _network(page: Page) -> Network:
    # Do not use cdn_resources="local": it copies lib/ into the current directory.
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    degree: Counter[str] = Counter()
    for edge in page.edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    for ident in sorted(page.nodes):
        node = page.nodes[ident]
        style = NODE_STYLES[node.cls]
        x, y = page.positions.get(ident, (0.0, 0.0))
        net.add_node(
            ident,
            label=node.label,
            shape=style.shape,
            color=style.color,
            value=degree[ident] + 1,
            x=x,
            y=y,
            font={"size": FONT_SIZES[node.cls]},
        )
    # Thousands of edge labels cost seconds to lay out and are unreadable anyway; big pages
    # name the relation in the edge's tooltip only.
    labelled = len(page.edges) <= SMOOTH_EDGES_MAX
    for i, edge in enumerate(page.edges):
        style = EDGE_STYLES[edge.relation]
        extra = {"label": _edge_label(edge)} if labelled else {}
        net.add_edge(
            edge.source,
            edge.target,
            id=f"e{i}",
            **extra,
            color=style.color,
            dashes=style.dashes,
            arrows={"to": {"enabled": style.arrow, "scaleFactor": 0.5}},
            width=min(6.0, 1.0 + math.log2(edge.count)),
        )
    net.set_options(json.dumps(_vis_options(len(page.edges))))
    return net


def _edge_label(edge: PageEdge) -> str:
    return edge.relation if edge.count == 1 else f"{edge.relation} ×{edge.count}"


def _vis_options(edge_count: int) -> dict[str, Any]:
    small = edge_count <= SMOOTH_EDGES_MAX
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": not small,
            "hideEdgesOnZoom": not small,
        },
        "nodes": {
            "borderWidth": 1,
            "font": {"face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {
                "min": 8,
                "max": 34,
                # Fixed label sizes per class: scaled labels leave the many small places unreadable.
                "label": {"enabled": False},
            },
        },
        "edges": {
            "smooth": {"enabled": True, "type": "continuous"} if small else False,
            "font": {"size": 8, "color": "#6e7781", "strokeWidth": 3, "align": "horizontal"},
            # Labels keep one size: scaling them by edge weight makes heavy edges shout.
            "scaling": {"label": {"enabled": False}},
            "selectionWidth": 2,
        },
    }


_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I)
_EXTERNAL_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I
)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.I)
# pyvis's template keeps a commented-out <link>/<script src> pair to node_modules.
_COMMENTED_RESOURCES = re.compile(r"<!--\s*<(?:link|script)\b.*?-->", re.I | re.S)


def _strip_external(markup: str) -> str:
    markup = _EXTERNAL_LINK.sub("", markup)
    markup = _EXTERNAL_SCRIPT.sub("", markup)
    markup = _COMMENTED_RESOURCES.sub("", markup)
    return _EMPTY_HEADING.sub("", markup)


class _ResourceFinder(HTMLParser):
    ATTRIBUTES = frozenset({"src", "href", "srcset", "poster", "data", "action", "formaction"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in self.ATTRIBUTES and value and re.match(r"\s*(https?:)?//", value, re.I):
                self.found.append(value)


def external_references(markup: str) -> list[str]:
    """Every src/href-like attribute in ``markup`` that points off the page's own file."""
    finder = _ResourceFinder()
    finder.feed(markup)
    finder.close()
    found = finder.found
    found.extend(re.findall(r"@import\s+url\(\s*[\"']?((?:https?:)?//[^\"')]+)", markup, re.I))
    return found


def _inject(markup: str, page: Page, data: GraphData, analysis: Analysis) -> str:
    css = data_file("page.css").read_text(encoding="utf-8")
    script = page_script("graph-page.js")
    head = f"<title>sitrep-kg graph</title>\n<style>\n{css}</style>\n"
    payload = script_json(page_data(page, data, analysis))
    tail = (
        f'<script type="application/json" id="kg-data">{payload}</script>\n'
        f"<script>\n{script}</script>\n"
    )
    markup = _insert_before(markup, "</head>", head)
    markup = _insert_after(markup, "<body>", _controls_html(page, analysis))
    return _insert_before(markup, "</body>", tail, last=True)


def page_script(name: str) -> str:
    """The pages' shared script followed by the page's own (both kg/data files)."""
    common = data_file("page-common.js").read_text(encoding="utf-8")
    return common + "\n" + data_file(name).read_text(encoding="utf-8")


def _insert_before(markup: str, marker: str, text: str, *, last: bool = False) -> str:
    at = markup.rfind(marker) if last else markup.find(marker)
    if at < 0:
        raise KGError(f"the pyvis page has no {marker}; cannot add the page's controls")
    return markup[:at] + text + markup[at:]


def _insert_after(markup: str, marker: str, text: str) -> str:
    at = markup.find(marker)
    if at < 0:
        raise KGError(f"the pyvis page has no {marker}; cannot add the page's controls")
    at += len(marker)
    return markup[:at] + "\n" + text + markup[at:]


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no ``<``, ``>`` or ``&`` survives, so
    ``</script>`` or ``<!--`` in report text cannot end or confuse the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def page_data(page: Page, data: GraphData, analysis: Analysis) -> dict[str, Any]:
    """Everything the page's script needs, as plain JSON data."""
    sentences = _Table()
    reports = _Table()
    event_node = {i: ident for ident, n in page.nodes.items() if n.ei is not None for i in [n.ei]}
    return {
        "meta": {
            "collapsed": page.collapsed,
            "first_day": analysis.summary.first_day,
            "last_day": analysis.summary.last_day,
            "shown_nodes": len(page.nodes),
            "total_nodes": page.total_nodes,
        },
        "classes": _class_counts(page),
        "types": sorted(Counter(e.type for e in page.events).items()),
        "certainties": _certainty_counts(page),
        "actors": _actor_choices(page, data),
        "labels": _labels(page, data),
        "nodes": {ident: _node_json(node) for ident, node in page.nodes.items()},
        "edges": {f"e{i}": _edge_json(edge) for i, edge in enumerate(page.edges)},
        "events": [
            _event_json(e, event_node.get(i), sentences, reports, data)
            for i, e in enumerate(page.events)
        ],
        "controls": [_control_json(c, sentences, reports, data) for c in page.controls],
        "sentences": sentences.values,
        "reports": reports.values,
    }


class _Table:
    """Strings stored once and referred to by index (many events share one sentence)."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, value: str | None) -> int:
        if not value:
            return -1
        if value not in self._index:
            self._index[value] = len(self.values)
            self.values.append(value)
        return self._index[value]


def _class_counts(page: Page) -> list[tuple[str, str, int]]:
    counts = Counter(n.cls for n in page.nodes.values())
    return [(cls, style.legend, counts[cls]) for cls, style in NODE_STYLES.items() if counts[cls]]


def _certainty_counts(page: Page) -> list[tuple[str, int]]:
    counts = Counter(e.certainty for e in page.events)
    counts.update(c.certainty for c in page.controls)
    order = ["Confirmed", "Reported", "Claimed", "Assessed"]
    return sorted(
        counts.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 9, kv[0])
    )


def _actor_choices(page: Page, data: GraphData) -> list[tuple[str, str, int]]:
    counts = Counter(a for e in page.events for a in e.actors)
    rows = [(node_id(a), data.label(a), n) for a, n in counts.items()]
    return sorted(rows, key=lambda r: (-r[2], r[1].lower(), r[0]))


def _labels(page: Page, data: GraphData) -> dict[str, str]:
    iris = {i for e in page.events for i in (*e.actors, *e.locations, *e.affects)}
    iris.update(i for c in page.controls for i in (c.place, *c.controllers))
    return {node_id(i): data.label(i) for i in sorted(iris)}


def _node_json(node: PageNode) -> dict[str, Any]:
    out: dict[str, Any] = {
        "c": node.cls,
        "l": node.label,
        "sub": node.sub,
        "ev": [] if node.ei is not None else node.ev,
        "cr": node.cr,
    }
    if node.ei is not None:
        out["ei"] = node.ei
    return out


def _edge_json(edge: PageEdge) -> dict[str, Any]:
    # An event node's own edges need no event list: the event node's visibility decides.
    return {"f": edge.source, "o": edge.target, "k": edge.relation, "ev": edge.ev, "cr": edge.cr}


def _event_json(
    event: EventRow, node: str | None, sentences: _Table, reports: _Table, data: GraphData
) -> dict[str, Any]:
    return {
        "n": node,
        "type": event.type,
        "cert": event.certainty,
        "s": event.start.isoformat() if event.start else None,
        "p": not event.dated,  # the date is the report's period, not the sentence's
        "e": event.end.isoformat() if event.end else None,
        "a": [node_id(a) for a in event.actors],
        "ag": [node_id(a) for a in event.agents],
        "tg": [node_id(t) for t in event.targets],
        "lo": [node_id(p) for p in event.locations],
        "x": sentences.add(event.evidence),
        "r": reports.add(data.report_title(event.report)),
        "k": event.fatalities,
    }


def _control_json(
    control: ControlRow, sentences: _Table, reports: _Table, data: GraphData
) -> dict[str, Any]:
    return {
        "p": node_id(control.place),
        "a": [node_id(a) for a in control.controllers],
        "d": control.day.isoformat(),
        "cert": control.certainty,
        "x": sentences.add(control.evidence),
        "r": reports.add(data.report_title(control.report)),
    }


# ---------------------------------------------------------------- the page's own markup


def _controls_html(page: Page, analysis: Analysis) -> str:
    return controls_html(analysis, _notice(page), _legend_html(page), "Find a node by name")


def controls_html(analysis: Analysis, notice: str, legend: str, search_hint: str) -> str:
    """The header, the filter column and the evidence panel that page-common.js drives.

    ``legend`` is trusted markup built from the page's fixed styles; the rest is escaped."""
    s = analysis.summary
    period = f" · {s.first_day} to {s.last_day}" if s.first_day else ""
    stats = (
        f"{s.reports} reports · {s.events} events · {s.actors} actors · {s.places} places · "
        f"{s.supply_lines} supply lines{period}"
    )
    notice_html = (
        f'<div class="kg-notice" id="kg-notice">{html.escape(notice)}</div>' if notice else ""
    )
    hint = html.escape(search_hint, quote=True)
    return f"""<div id="kg-header"><h1>sitrep-kg</h1><div class="kg-stats">{html.escape(stats)}</div>{notice_html}</div>
<div id="kg-controls">
<h2>Search</h2><input type="search" id="kg-search" placeholder="{hint}" autocomplete="off">
<div id="kg-search-info"></div>
<h2>Show</h2><div id="kg-class"></div>
<h2>Event type</h2><div id="kg-type"></div>
<h2>Actor</h2><select id="kg-actor"><option value="">any actor</option></select>
<h2>Certainty</h2><div id="kg-certainty"></div>
<h2>Dates</h2><div class="kg-dates"><span>from</span><input type="date" id="kg-from"><span>to</span><input type="date" id="kg-to"></div>
<div class="kg-buttons"><button type="button" id="kg-reset">Reset</button><button type="button" id="kg-fit">Fit view</button></div>
<h2>Legend</h2><div id="kg-legend">{legend}</div>
</div>
<div id="kg-panel"><h2>Evidence</h2><div id="kg-panel-body"><div class="kg-empty">Click a node to read the sentences behind it, with their reports.</div></div></div>
"""


def _notice(page: Page) -> str:
    parts = []
    if page.collapsed:
        parts.append(f"{len(page.events):,} events shown as actor–place edges")
    if len(page.nodes) < page.total_nodes:
        parts.append(
            f"showing the {len(page.nodes):,} best-connected of {page.total_nodes:,} nodes"
        )
    return "; ".join(parts)


_SHAPES = {
    "dot": '<circle cx="8" cy="8" r="6"/>',
    "square": '<rect x="2" y="2" width="12" height="12"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
    "triangle": '<polygon points="8,2 15,14 1,14"/>',
}


def _legend_html(page: Page) -> str:
    present = {n.cls for n in page.nodes.values()}
    rows = [
        f'<div><svg width="16" height="16" fill="{s.color}" stroke="#333" stroke-width=".6">'
        f"{_SHAPES[s.shape]}</svg>{html.escape(s.legend)}</div>"
        for cls, s in NODE_STYLES.items()
        if cls in present
    ]
    relations = _present_relations(page.edges)
    for relation, s in EDGE_STYLES.items():
        if relation not in relations:
            continue
        dashes = ' stroke-dasharray="4 3"' if s.dashes else ""
        rows.append(
            f'<div><svg width="28" height="10"><line x1="1" y1="5" x2="27" y2="5" '
            f'stroke="{s.color}" stroke-width="2"{dashes}/></svg>{html.escape(relation)}</div>'
        )
    rows.append('<div class="kg-meta">Size: how many links a node has.</div>')
    return "\n".join(rows)


def _present_relations(edges: Iterable[PageEdge]) -> set[str]:
    return {e.relation for e in edges}
