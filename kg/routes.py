"""Supply-line analysis: the route network, its chokepoints, and "what if X falls".

Reports name roads by fragments: "the highway between Khanaser and Ithriya", "the route ... to
Aleppo from Hama and Homs", "the M5". ``ontology/routes.ttl`` ships the region's named major
routes with their stops in road order; each supply line of a built graph is resolved onto it:

- its endpoints and waypoints that are stops of the reference network are joined by the
  cheapest paths along it (a Khanaser-Ithriya line is that segment of the Ithriya-Khanaser
  road); a route the line's words or its events' evidence name ("the M5") costs less, and so
  does a route another line of the same report was resolved onto, which is how "the route to
  Aleppo from Hama" rides the desert road a report just named rather than the M5;
- a province or country endpoint ("Mosul - Syria") becomes the nearest stop inside it;
- places off the reference network are joined to the nearest place of the line;
- when a line lies on one reference route, the whole route joins the network: the road runs on.

Every segment (two consecutive places) gets its last known controller and a status, ``open``,
``contested`` or ``blocked``, folded in date order from the events affecting its lines (a
Seizure or Blockade of checkpoints blocks the segment; an Attack contests it), the events at
its places, the events whose sentence names a reference route ("the regime cut the Castello
Road"), and the control statements of its two ends. An event on a long line that names no
stop of it is pinned to the segment the same report saw seized or blocked ("These gains
blocked the route ..."), else it covers the whole line. Each side (an actor with the actors
that are skg:partOf it) can travel the segments not blocked against it and not held by a side
it fights (two sides fight when an event has one as agent and the other as target).

    >>> network = build_network(load_graph(Path("output/graph.ttl")))
    >>> cut = what_if(network, places=["Khanaser"])
    >>> [part.labels for part in cut.separations][0]
    ('Aleppo', 'Safira')

``analyze_routes(graph)`` returns the ``RoutesReport`` that ``kg build`` writes (routes,
segments, each city's routes and chokepoints, what each actor can reach); ``what_if`` answers
``kg analyze --cut PLACE --cut-line LINE``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from kg.errors import InputError, OntologyError
from kg.graphdata import EventRow, GraphData, read_graph
from kg.normalize import ascii_fold, fold_token, name_key, name_keys
from kg.resources import ontology_file
from kg.vocab import INST, RDF, RDFS, SKG, SKOS, WGS84

ROUTES_FILE = "routes.ttl"
PLACES_FILE = "places.ttl"

# How much a kilometre of road costs when resolving a line: routes the text names, then
# routes the same report already travels, are preferred over the shortest road.
NAMED_FACTOR = 0.25
CONTEXT_FACTOR = 0.4
REGION_TYPES = frozenset({"country", "province", "region"})
CITY_TYPES = frozenset({"city", "town"})
STATUSES = ("open", "contested", "blocked")

# What an event does to the segments of a line it affects.
LINE_EFFECTS: Mapping[str, str] = {
    "Blockade": "block",
    "Siege": "block",
    "Seizure": "seize",
    "Attack": "contest",
    "Counterattack": "contest",
    "Clash": "contest",
    "GroundOffensive": "contest",
    "Withdrawal": "leave",
    "Deployment": "hold",
}
# What an event at a place does to the segments that meet there (a seizure of the place
# itself changes who holds it, which reaches the segments through control).
PLACE_EFFECTS: Mapping[str, str] = {"Blockade": "block", "Siege": "block", "Attack": "contest"}
# Event types that show two sides fight each other.
HOSTILE_TYPES = frozenset(
    {"Airstrike", "GroundOffensive", "Attack", "Counterattack", "Seizure", "Siege", "Blockade",
     "Clash"}
)  # fmt: skip
# A seizure whose sentence says it reopened the road opens it for the seizing side.
REOPENS = re.compile(r"\bre-?open(?:s|ed|ing)?\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")
# Same day: the stronger observation is applied last, so it wins.
EFFECT_ORDER = {"control": 0, "leave": 1, "hold": 2, "contest": 3, "seize": 4, "block": 5}
MARKDOWN_TOP = 5
# Chokepoints kept per city, those cutting off the most first (`kg analyze --cut` has the rest).
CHOKEPOINTS_KEPT = 10
# Evidence listed per route and segment in analysis.json, the most recent (`kg analyze --cut`
# has all of it): a road reported on in every report would otherwise repeat them all.
EVIDENCE_KEPT = 20

Edge = tuple[str, str]
Obstacle = str | Edge  # a place a hostile side holds, or a segment that cannot be used


def edge(a: str, b: str) -> Edge:
    return (a, b) if a <= b else (b, a)


# ---------------------------------------------------------------- reference network


@dataclass(frozen=True)
class RefPlace:
    slug: str
    label: str
    names: tuple[str, ...]
    place_type: str | None
    lat: float | None
    long: float | None
    located_in: tuple[str, ...]  # slugs


@dataclass(frozen=True)
class RefRoute:
    slug: str
    label: str
    names: tuple[str, ...]  # label and every altLabel
    stops: tuple[str, ...]  # place slugs in road order


@dataclass(frozen=True)
class Reference:
    routes: tuple[RefRoute, ...]
    places: Mapping[str, RefPlace]


def load_reference(routes: Path | None = None, places: Path | None = None) -> Reference:
    """The named routes and the gazetteer entries of their stops (shipped files by default)."""
    if routes is None and places is None:
        return _shipped_reference()
    return _read_reference(
        routes or ontology_file(ROUTES_FILE), places or ontology_file(PLACES_FILE)
    )


@cache
def _shipped_reference() -> Reference:
    return _read_reference(ontology_file(ROUTES_FILE), ontology_file(PLACES_FILE))


def _read_reference(routes_path: Path, places_path: Path) -> Reference:
    store = ox.Store()
    for path in (routes_path, places_path):
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        except (OSError, SyntaxError, ValueError) as exc:
            raise OntologyError(f"{path}: cannot read the reference network ({exc})") from exc
    routes = tuple(_ref_route(store, node) for node in _subjects(store, SKG.SupplyLine))
    slugs = sorted({stop for route in routes for stop in route.stops})
    places = {slug: _ref_place(store, slug, routes_path) for slug in slugs}
    return Reference(routes=tuple(sorted(routes, key=lambda r: r.slug)), places=places)


def _subjects(store: ox.Store, cls: str) -> list[ox.NamedNode]:
    quads = store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(cls)))
    return sorted((q.subject for q in quads if isinstance(q.subject, ox.NamedNode)), key=str)


def _values(store: ox.Store, node: ox.NamedNode, predicate: str) -> list[Any]:
    return [q.object for q in store.quads_for_pattern(node, ox.NamedNode(str(predicate)), None)]


def _texts(store: ox.Store, node: ox.NamedNode, predicate: str) -> list[str]:
    return sorted(v.value for v in _values(store, node, predicate) if isinstance(v, ox.Literal))


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _ref_route(store: ox.Store, node: ox.NamedNode) -> RefRoute:
    labels = _texts(store, node, RDFS.label)
    if not labels:
        raise OntologyError(f"{node.value}: a reference route needs an rdfs:label")
    stops = _list_items(store, _values(store, node, RDF.value), node.value)
    if len(stops) < 2:
        raise OntologyError(f"{node.value}: rdf:value must list at least two stops in order")
    names = (labels[0], *_texts(store, node, SKOS.altLabel))
    return RefRoute(_tail(node.value), labels[0], names, tuple(_tail(s) for s in stops))


def _list_items(store: ox.Store, heads: list[Any], where: str) -> list[str]:
    if len(heads) != 1:
        raise OntologyError(f"{where}: needs exactly one rdf:value list of stops")
    items: list[str] = []
    node = heads[0]
    nil = ox.NamedNode(str(RDF.nil))
    while node != nil:
        firsts = _values(store, node, RDF.first)
        rests = _values(store, node, RDF.rest)
        if len(firsts) != 1 or len(rests) != 1 or not isinstance(firsts[0], ox.NamedNode):
            raise OntologyError(f"{where}: rdf:value is not a well-formed list of places")
        items.append(firsts[0].value)
        node = rests[0]
    return items


def _ref_place(store: ox.Store, slug: str, routes_path: Path) -> RefPlace:
    node = ox.NamedNode(f"{INST}place/{slug}")
    labels = _texts(store, node, RDFS.label)
    if not labels:
        raise OntologyError(f"{routes_path}: stop place:{slug} is not in the gazetteer")
    kinds = _texts(store, node, SKG.placeType)
    return RefPlace(
        slug=slug,
        label=labels[0],
        names=(labels[0], *_texts(store, node, SKOS.altLabel)),
        place_type=kinds[0] if kinds else None,
        lat=_number(_texts(store, node, WGS84.lat)),
        long=_number(_texts(store, node, WGS84.long)),
        located_in=tuple(sorted(_tail(v.value) for v in _values(store, node, SKG.locatedIn))),
    )


def _number(values: list[str]) -> float | None:
    return float(values[0]) if values else None


# ---------------------------------------------------------------- the network


@dataclass(frozen=True)
class Evidence:
    """One sentence behind a status or a control claim."""

    text: str
    report: str  # the report's title
    day: date | None
    kind: str  # the event type, or "control"
    certainty: str
    source: str  # the event's or control statement's IRI

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat() if self.day else None,
            "type": self.kind,
            "certainty": self.certainty,
            "evidence": self.text,
            "report": self.report,
            "source": self.source,
        }


@dataclass(frozen=True)
class Site:
    """A place on the route network and who holds it, as the latest statement says."""

    iri: str
    label: str
    names: tuple[str, ...]
    place_type: str | None
    lat: float | None
    long: float | None
    controller: str | None = None
    control_since: date | None = None
    control_evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Segment:
    """Two consecutive places of a route, with its state after the last observation."""

    a: str
    b: str
    routes: tuple[str, ...]  # reference routes it belongs to
    lines: tuple[str, ...]  # the reports' supply lines that cover it
    length_km: float | None
    status: str = "open"
    controller: str | None = None
    since: date | None = None
    cause: Evidence | None = None  # what set the status and controller
    evidence: tuple[Evidence, ...] = ()

    @property
    def key(self) -> Edge:
        return (self.a, self.b)


@dataclass(frozen=True)
class Route:
    """A reference route on the network, or a supply line a report names."""

    iri: str
    label: str
    kind: str  # "reference" | "report"
    places: tuple[str, ...]  # in road order for reference routes, by IRI for report lines
    segments: tuple[Edge, ...]
    resolved_to: tuple[str, ...]  # the reference routes a report line rides
    status: str
    evidence: tuple[Evidence, ...]
    names: tuple[str, ...] = ()  # label and aliases


@dataclass(frozen=True)
class RouteNetwork:
    places: Mapping[str, Site]
    segments: Mapping[Edge, Segment]
    routes: Mapping[str, Route]
    labels: Mapping[str, str]  # every IRI the network names -> its label
    sides: Mapping[str, str]  # actor -> the top of its skg:partOf chain
    hostile: frozenset[frozenset[str]]  # pairs of sides that fight each other
    other_places: Mapping[str, str]  # name key -> IRI, for graph places off the network

    def label(self, iri: str | None) -> str:
        return "" if iri is None else self.labels.get(iri) or _tail(iri)

    def side(self, actor: str | None) -> str | None:
        return None if actor is None else self.sides.get(actor, actor)

    def graph(self) -> nx.Graph:
        """The physical network: every place and segment, whatever its status."""
        net = nx.Graph()
        net.add_nodes_from(sorted(self.places))
        net.add_edges_from(sorted(self.segments))
        return net


# ---------------------------------------------------------------- building the network


@dataclass(frozen=True)
class _Facts:
    """What the build reads beyond kg.graphdata: names, actor hierarchy, report mentions."""

    data: GraphData
    alt_labels: Mapping[str, tuple[str, ...]]
    part_of: Mapping[str, str]
    line_reports: Mapping[str, frozenset[str]]
    line_events: Mapping[str, tuple[EventRow, ...]]
    civilians: frozenset[str]  # actors of skg:actorType "civilians"
    base: str


@dataclass(frozen=True)
class _RefNet:
    graph: nx.Graph  # nodes: place IRIs; edges carry "km" and "routes"
    route_stops: Mapping[str, tuple[str, ...]]  # route IRI -> stop IRIs in order
    route_names: Mapping[str, tuple[str, ...]]
    places: Mapping[str, RefPlace]  # place IRI -> gazetteer entry
    aliases: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]  # first word -> (words, route)
    # text -> the routes it names: a sentence is read for its lines and for its events
    named: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class _Resolution:
    edges: frozenset[Edge]
    routes: frozenset[str]
    whole_route: str | None  # the one route every edge lies on, which then joins whole


def build_network(
    graph: Graph, reference: Reference | None = None, data: GraphData | None = None
) -> RouteNetwork:
    """Resolve the graph's supply lines onto the reference network and fold their state.
    ``data`` is ``read_graph(graph)`` when the caller has it already."""
    facts = _read_facts(graph, data or read_graph(graph))
    ref = _ref_net(reference or load_reference(), facts.base)
    resolutions = _resolve_all(facts, ref)
    route_events = _route_events(facts, ref)
    edges, members = _network_edges(resolutions, route_events, ref)
    sites = _sites(facts, ref, edges, resolutions)
    sides = _sides(facts)
    observations = _observations(facts, edges, members, route_events)
    segments = _segments(edges, members, sites, observations, sides)
    routes = _routes(facts, ref, segments, resolutions, sides)
    labels = {**facts.data.labels, **{s.iri: s.label for s in sites.values()}}
    labels.update({iri: r.label for iri, r in routes.items()})
    return RouteNetwork(
        places=sites,
        segments=segments,
        routes=routes,
        labels=labels,
        sides=sides,
        hostile=_hostile_pairs(facts.data, sides),
        other_places=_place_index(facts, exclude=sites),
    )


def _read_facts(graph: Graph, data: GraphData) -> _Facts:
    alt: dict[str, list[str]] = defaultdict(list)
    for subject, value in graph.subject_objects(SKOS.altLabel):
        alt[str(subject)].append(str(value))
    reports: dict[str, set[str]] = defaultdict(set)
    for report, thing in graph.subject_objects(SKG.mentions):
        if str(thing) in data.supply_lines:
            reports[str(thing)].add(str(report))
    events: dict[str, list[EventRow]] = defaultdict(list)
    for event in data.events:
        for line in event.affects:
            events[line].append(event)
            if event.report:
                reports[line].add(event.report)
    return _Facts(
        data=data,
        alt_labels={k: tuple(sorted(v)) for k, v in alt.items()},
        part_of={str(s): str(o) for s, o in sorted(graph.subject_objects(SKG.partOf))},
        line_reports={k: frozenset(v) for k, v in reports.items()},
        line_events={k: tuple(v) for k, v in events.items()},
        civilians=frozenset(
            str(s) for s, o in graph.subject_objects(SKG.actorType) if str(o) == "civilians"
        ),
        base=_instance_base(data),
    )


def _instance_base(data: GraphData) -> str:
    """The instance namespace the graph was built with (``--base``), read off its places."""
    for iri in sorted(data.places):
        if "/place/" in iri:
            return iri[: iri.rindex("/place/") + 1]
    return str(INST)


def _ref_net(reference: Reference, base: str) -> _RefNet:
    def place(slug: str) -> str:
        return f"{base}place/{slug}"

    net = nx.Graph()
    stops: dict[str, tuple[str, ...]] = {}
    names: dict[str, tuple[str, ...]] = {}
    aliases: list[tuple[tuple[str, ...], str]] = []
    for route in reference.routes:
        iri = f"{base}supply-line/{route.slug}"
        stops[iri] = tuple(place(s) for s in route.stops)
        names[iri] = route.names
        aliases.extend(
            (tuple(key.split()), iri) for n in route.names for key in name_keys(n) if key
        )
        for a, b in pairwise(route.stops):
            _add_ref_edge(net, place(a), place(b), iri, reference.places)
    places = {place(slug): row for slug, row in reference.places.items()}
    index: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for alias in sorted(set(aliases)):
        index[alias[0][0]].append(alias)
    return _RefNet(net, stops, names, places, {k: tuple(v) for k, v in index.items()})


def _add_ref_edge(
    net: nx.Graph, a: str, b: str, route: str, places: Mapping[str, RefPlace]
) -> None:
    if net.has_edge(a, b):
        net.edges[a, b]["routes"] = net.edges[a, b]["routes"] | {route}
        return
    km = _km(places[_tail(a)], places[_tail(b)])
    net.add_edge(a, b, km=km if km is not None else 50.0, routes=frozenset({route}))


def _km(a: Any, b: Any) -> float | None:
    """Great-circle distance between two things with ``lat``/``long``, in km."""
    if None in (a.lat, a.long, b.lat, b.long):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.long, b.lat, b.long))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# ---------------------------------------------------------------- resolving lines


def named_routes(text: str, ref: _RefNet) -> frozenset[str]:
    """Reference routes whose name occurs in ``text`` as whole words, spellings folded."""
    found = ref.named.get(text)
    if found is None:
        found = ref.named[text] = _find_routes(text, ref)
    return found


def _find_routes(text: str, ref: _RefNet) -> frozenset[str]:
    if not _may_name_a_route(text, ref):
        return frozenset()
    words = name_key(text).split()
    found = set()
    for i, word in enumerate(words):
        for alias, route in ref.aliases.get(word, ()):
            if tuple(words[i : i + len(alias)]) == alias:
                found.add(route)
    return frozenset(found)


def _may_name_a_route(text: str, ref: _RefNet) -> bool:
    """Whether every word of some route's name is among the words of ``text``: a quick
    test that rules out most sentences before the word-by-word match."""
    words = _WORD.findall(ascii_fold(text).lower().replace("'", ""))
    folded = {fold_token(word) for word in set(words)}
    return any(
        folded.issuperset(alias)
        for first in folded.intersection(ref.aliases)
        for alias, _ in ref.aliases[first]
    )


def _line_names(line: str, facts: _Facts, ref: _RefNet) -> frozenset[str]:
    row = facts.data.supply_lines[line]
    texts = [row.label, *facts.alt_labels.get(line, ())]
    texts.extend(e.evidence for e in facts.line_events.get(line, ()))
    return frozenset().union(*(named_routes(t, ref) for t in texts))


def _resolve_all(facts: _Facts, ref: _RefNet) -> dict[str, _Resolution]:
    """Two passes. Lines that say which road they are (they name it, or give two ends that
    only one route joins) are read first; the routes they ride become each of their reports'
    context for its vaguer lines ("the route to Aleppo from Hama")."""
    lines = sorted(facts.data.supply_lines)
    named = {line: _line_names(line, facts, ref) for line in lines}
    context: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        only = _only_route(_anchors(line, facts, ref), ref)
        sure = named[line] or frozenset({only} if only else ())
        if sure:
            first = _resolve(line, facts, ref, named[line], frozenset())
            for report in facts.line_reports.get(line, ()):
                context[report] |= first.routes & sure
    resolved = {}
    for line in lines:
        ctx = frozenset().union(*(context[r] for r in facts.line_reports.get(line, ())))
        resolved[line] = _resolve(line, facts, ref, named[line], ctx)
    return resolved


def _only_route(anchors: list[str], ref: _RefNet) -> str | None:
    """The one reference route holding both of two places, if only one does."""
    if len(set(anchors)) != 2:
        return None
    holding = [r for r, stops in ref.route_stops.items() if set(anchors) <= set(stops)]
    return holding[0] if len(holding) == 1 else None


def _line_places(line: str, facts: _Facts) -> list[str]:
    row = facts.data.supply_lines[line]
    return list(dict.fromkeys([*row.connects, *row.passes_through]))


def _is_region(place: str, facts: _Facts, ref: _RefNet) -> bool:
    row = facts.data.places.get(place)
    kind = (
        row.place_type if row else (ref.places[place].place_type if place in ref.places else None)
    )
    return kind in REGION_TYPES


def _anchors(line: str, facts: _Facts, ref: _RefNet) -> list[str]:
    return [
        p for p in _line_places(line, facts) if p in ref.graph and not _is_region(p, facts, ref)
    ]


def _resolve(
    line: str, facts: _Facts, ref: _RefNet, named: frozenset[str], context: frozenset[str]
) -> _Resolution:
    anchors = _anchors(line, facts, ref)
    if len(anchors) < 2:  # "the highway to Baghdad ... at Rutba": where its events happened
        located = (p for e in facts.line_events.get(line, ()) for p in e.locations)
        anchors = list(dict.fromkeys([*anchors, *(p for p in located if p in ref.graph)]))
    weight = _weight(named, context)
    regions = [p for p in _line_places(line, facts) if _is_region(p, facts, ref)]
    if len(anchors) >= 2:
        edges, nodes = _connect(anchors, ref, weight)
    elif regions:  # "between Mosul and Syria": the way from the one place to the region
        edges, nodes = set(), set(anchors)
    else:
        edges = _whole_routes(anchors, ref, named, context)
        nodes = {n for e in edges for n in e} | set(anchors)
    edges |= _reach_regions(regions, nodes, ref, weight)
    edges |= _join_loose(line, facts, ref, {n for e in edges for n in e})
    return _resolution(frozenset(edges), ref, named | context)


def _weight(named: frozenset[str], context: frozenset[str]) -> Callable[[str, str, dict], float]:
    def cost(a: str, b: str, attrs: dict) -> float:
        routes = attrs["routes"]
        factor = NAMED_FACTOR if routes & named else CONTEXT_FACTOR if routes & context else 1.0
        return attrs["km"] * factor

    return cost


def _connect(anchors: list[str], ref: _RefNet, weight: Callable) -> tuple[set[Edge], set[str]]:
    """Join the anchors by cheapest paths, nearest first (the shortest-path Steiner heuristic)."""
    tree = {anchors[0]}
    edges: set[Edge] = set()
    remaining = sorted(set(anchors[1:]) - tree)
    while remaining:
        dist, paths = nx.multi_source_dijkstra(ref.graph, sorted(tree), weight=weight)
        reachable = [a for a in remaining if a in dist]
        if not reachable:
            break
        nearest = min(reachable, key=lambda a: (dist[a], a))
        edges.update(edge(a, b) for a, b in pairwise(paths[nearest]))
        tree.update(paths[nearest])
        remaining = [a for a in remaining if a not in tree]
    return edges, tree


def _whole_routes(
    anchors: list[str], ref: _RefNet, named: frozenset[str], context: frozenset[str]
) -> set[Edge]:
    """A line with one place on the network ("the GLOC to Aleppo") is the route through it
    that its words or its report name; with none, the routes its words name."""
    if anchors:
        through = {r for r, stops in ref.route_stops.items() if anchors[0] in stops}
        chosen = sorted(through & named) or sorted(through & context)
    else:
        chosen = sorted(named)
    return {edge(a, b) for r in chosen for a, b in pairwise(ref.route_stops[r])}


def _reach_regions(
    regions: list[str], nodes: set[str], ref: _RefNet, weight: Callable
) -> set[Edge]:
    """ "The GLOC between Mosul and Syria": the cheapest way from the line to a stop in Syria."""
    edges: set[Edge] = set()
    if not nodes:
        return edges
    for region in regions:
        inside = {p for p, row in ref.places.items() if _tail(region) in row.located_in}
        if not inside or inside & nodes:
            continue
        dist, paths = nx.multi_source_dijkstra(ref.graph, sorted(nodes), weight=weight)
        reachable = sorted((dist[p], p) for p in inside if p in dist)
        if reachable:
            edges.update(edge(a, b) for a, b in pairwise(paths[reachable[0][1]]))
    return edges


def _join_loose(line: str, facts: _Facts, ref: _RefNet, placed: set[str]) -> set[Edge]:
    """Join each place of the line not yet on its segments to the nearest place that is (a
    town the reference network lacks, a line with no stop on it)."""
    points = [p for p in _line_places(line, facts) if not _is_region(p, facts, ref)]
    edges: set[Edge] = set()
    placed = set(placed)
    for place in [p for p in points if p not in placed]:
        others = sorted(placed - {place}) or [p for p in points if p != place]
        if others:
            nearest = _attach_to(place, others, line, facts, ref)
            edges.add(edge(place, nearest))
            placed.add(nearest)
        placed.add(place)
    return edges


def _attach_to(place: str, others: list[str], line: str, facts: _Facts, ref: _RefNet) -> str:
    """The nearest of ``others``; for a place with no coordinates (the Trebil crossing), the
    one farthest from the line's other endpoints, since the line runs on to it from there."""
    here = _position(place, facts, ref)
    if here.lat is not None:
        return min(others, key=lambda o: (_distance(here, _position(o, facts, ref)), o))
    ends = [
        _position(e, facts, ref)
        for e in facts.data.supply_lines[line].connects
        if e != place and _position(e, facts, ref).lat is not None
    ]
    if not ends:
        return others[0]
    return max(
        others,
        key=lambda o: (min(_distance(e, _position(o, facts, ref)) for e in ends), o),
    )


def _distance(a: _Point, b: _Point) -> float:
    km = _km(a, b)
    return math.inf if km is None else km


@dataclass(frozen=True)
class _Point:
    lat: float | None
    long: float | None


def _position(place: str, facts: _Facts, ref: _RefNet) -> _Point:
    row = facts.data.places.get(place)
    if row is not None and row.lat is not None:
        return _Point(row.lat, row.long)
    known = ref.places.get(place)
    return _Point(known.lat, known.long) if known else _Point(None, None)


def _resolution(edges: frozenset[Edge], ref: _RefNet, preferred: frozenset[str]) -> _Resolution:
    on_ref = [e for e in edges if ref.graph.has_edge(*e)]
    routes = frozenset(r for e in on_ref for r in ref.graph.edges[e]["routes"])
    common = (
        frozenset.intersection(*(ref.graph.edges[e]["routes"] for e in on_ref))
        if on_ref and len(on_ref) == len(edges)
        else frozenset()
    )
    choice = sorted(common & preferred) or sorted(common)
    return _Resolution(edges, routes, choice[0] if choice else None)


# ---------------------------------------------------------------- what the network holds


def _route_events(facts: _Facts, ref: _RefNet) -> dict[str, list[EventRow]]:
    """Events that name a reference route in their sentence but affect no extracted line."""
    found: dict[str, list[EventRow]] = defaultdict(list)
    for event in facts.data.events:
        if event.affects or event.type not in LINE_EFFECTS:
            continue
        for route in sorted(named_routes(event.evidence, ref)):
            if _acts_on(event, ref.route_stops[route]):
                found[route].append(event)
    return found


def _acts_on(event: EventRow, stops: Sequence[str]) -> bool:
    """Whether an event whose sentence names a route happened on it: at one of its stops, on
    a one-segment road, or as a blockade of it ("the regime cut the Castello Road"); "20 km
    from the M5" is not an event on the M5."""
    return event.type == "Blockade" or len(stops) == 2 or bool(set(event.locations) & set(stops))


def _network_edges(
    resolutions: Mapping[str, _Resolution],
    route_events: Mapping[str, list[EventRow]],
    ref: _RefNet,
) -> tuple[set[Edge], dict[Edge, tuple[set[str], set[str]]]]:
    """Every segment with the reference routes and report lines it belongs to."""
    members: dict[Edge, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    whole = {r.whole_route for r in resolutions.values() if r.whole_route} | set(route_events)
    for route in sorted(whole):
        for a, b in pairwise(ref.route_stops[route]):
            members[edge(a, b)][0].add(route)
    for line, resolution in sorted(resolutions.items()):
        for seg in resolution.edges:
            members[seg][1].add(line)
            if ref.graph.has_edge(*seg):
                members[seg][0].update(ref.graph.edges[seg]["routes"] & (whole | resolution.routes))
    return set(members), dict(members)


def _sites(
    facts: _Facts, ref: _RefNet, edges: set[Edge], resolutions: Mapping[str, _Resolution]
) -> dict[str, Site]:
    nodes = {n for e in edges for n in e}
    for line in resolutions:  # a line with no segment still reaches its places
        nodes.update(p for p in _line_places(line, facts) if not _is_region(p, facts, ref))
    controls = _place_control(facts)
    return {iri: _site(iri, facts, ref, controls.get(iri)) for iri in sorted(nodes)}


def _site(iri: str, facts: _Facts, ref: _RefNet, control: _Control | None) -> Site:
    row = facts.data.places.get(iri)
    known = ref.places.get(iri)
    label = row.label if row else known.label if known else _tail(iri)
    names = {label, *facts.alt_labels.get(iri, ()), *(known.names if known else ())}
    position = _position(iri, facts, ref)
    kind = row.place_type if row and row.place_type else known.place_type if known else None
    return Site(
        iri=iri,
        label=label,
        names=tuple(sorted(names)),
        place_type=kind,
        lat=position.lat,
        long=position.long,
        controller=control.actor if control else None,
        control_since=control.day if control else None,
        control_evidence=(control.evidence,) if control else (),
    )


@dataclass(frozen=True)
class _Control:
    actor: str
    day: date
    evidence: Evidence


def _place_control(facts: _Facts) -> dict[str, _Control]:
    """Who holds each place by the latest statement; a seizure of checkpoints on a line is the
    line's, not the town's it is located at."""
    latest: dict[str, _Control] = {}
    for place, control in _control_rows(facts):
        latest[place] = control
    return latest


def _control_rows(facts: _Facts) -> list[tuple[str, _Control]]:
    data = facts.data
    on_lines = {e.iri for events in facts.line_events.values() for e in events}
    rows = []
    for row in data.controls:  # sorted by place, day, IRI: the last one per place wins
        if row.iri in on_lines:
            continue
        kind = "control" if row.kind == "control" else "Seizure"
        proof = Evidence(
            row.evidence, data.report_title(row.report), row.day, kind, row.certainty, row.iri
        )
        rows.append((row.place, _Control(row.controllers[0], row.day, proof)))
    return rows


def _sides(facts: _Facts) -> dict[str, str]:
    """Each actor's side: the top of its skg:partOf chain (the SAA fights for the regime)."""
    sides = {}
    for actor in facts.data.actors:
        seen = [actor]
        while (parent := facts.part_of.get(seen[-1])) and parent not in seen:
            seen.append(parent)
        sides[actor] = seen[-1]
    return sides


def _hostile_pairs(data: GraphData, sides: Mapping[str, str]) -> frozenset[frozenset[str]]:
    pairs = set()
    for event in data.events:
        if event.type not in HOSTILE_TYPES:
            continue
        for agent in event.agents:
            for target in event.targets:
                a, t = sides.get(agent, agent), sides.get(target, target)
                if a != t:
                    pairs.add(frozenset({a, t}))
    return frozenset(pairs)


def _place_index(facts: _Facts, exclude: Mapping[str, Site]) -> dict[str, str]:
    index: dict[str, str] = {}
    for iri, row in sorted(facts.data.places.items()):
        if iri in exclude:
            continue
        for name in (row.label, *facts.alt_labels.get(iri, ())):
            for key in name_keys(name):
                index.setdefault(key, iri)
    return index


# ---------------------------------------------------------------- segment state


@dataclass(frozen=True)
class _Obs:
    day: date | None
    effect: str
    actor: str | None
    evidence: Evidence
    status: str | None = None  # for "control": open or contested

    def order(self) -> tuple[Any, ...]:
        return (self.day or date.min, EFFECT_ORDER[self.effect], self.evidence.source)


def _event_obs(event: EventRow, effect: str, facts: _Facts) -> _Obs:
    proof = Evidence(
        event.evidence,
        facts.data.report_title(event.report),
        event.start,
        event.type,
        event.certainty,
        event.iri,
    )
    # Civilians besiege or cut nothing: such an agent is a misread target, not a holder.
    agents = [a for a in event.agents if a not in facts.civilians]
    if effect in ("seize", "leave") and REOPENS.search(event.evidence):
        effect = "hold"
    return _Obs(event.start, effect, agents[0] if agents else None, proof)


def _observations(
    facts: _Facts,
    edges: set[Edge],
    members: Mapping[Edge, tuple[set[str], set[str]]],
    route_events: Mapping[str, list[EventRow]],
) -> dict[Edge, list[_Obs]]:
    """Everything said about each segment: events on its lines and routes, at its places,
    and who holds its two ends."""
    spans: list[tuple[set[Edge], list[EventRow]]] = [
        ({e for e in edges if line in members[e][1]}, list(events))
        for line, events in sorted(facts.line_events.items())
    ]
    spans.extend(
        ({e for e in edges if route in members[e][0]}, events)
        for route, events in sorted(route_events.items())
    )
    found: dict[Edge, list[_Obs]] = defaultdict(list)
    _pin_line_events(spans, found, facts)
    _place_events(facts, edges, found)
    _control_obs(facts, edges, found)
    return found


def _pin_line_events(
    spans: list[tuple[set[Edge], list[EventRow]]], found: dict[Edge, list[_Obs]], facts: _Facts
) -> None:
    """An event on a line holds where it happened: the segment itself for a one-segment line,
    the segments at an inner stop it names; else the segments the same report saw seized or
    blocked along the line; else the whole line."""
    whole: list[tuple[set[Edge], EventRow]] = []
    pinned_by_report: dict[str | None, set[Edge]] = defaultdict(set)
    for span, events in spans:
        degree = _degrees(span)
        for event in events:
            effect = LINE_EFFECTS.get(event.type)
            if effect is None or not span:
                continue
            at = {e for e in span for p in event.locations if p in e and degree[p] >= 2}
            target = span if len(span) == 1 else at
            if not target:
                whole.append((span, event))
                continue
            for seg in target:
                found[seg].append(_event_obs(event, effect, facts))
            if effect in ("block", "seize"):
                pinned_by_report[event.report].update(target)
    for span, event in whole:
        target = (span & pinned_by_report[event.report]) or span
        for seg in sorted(target):
            found[seg].append(_event_obs(event, LINE_EFFECTS[event.type], facts))


def _degrees(span: Iterable[Edge]) -> dict[str, int]:
    degree: dict[str, int] = defaultdict(int)
    for a, b in span:
        degree[a] += 1
        degree[b] += 1
    return degree


def _place_events(facts: _Facts, edges: set[Edge], found: dict[Edge, list[_Obs]]) -> None:
    """A siege or blockade of a town closes the roads into it; an attack contests them."""
    at: dict[str, list[Edge]] = defaultdict(list)
    for seg in sorted(edges):
        at[seg[0]].append(seg)
        at[seg[1]].append(seg)
    for event in facts.data.events:
        effect = PLACE_EFFECTS.get(event.type)
        if effect is None or event.affects:
            continue
        for place in event.locations:
            for seg in at.get(place, ()):
                found[seg].append(_event_obs(event, effect, facts))


def _control_obs(facts: _Facts, edges: set[Edge], found: dict[Edge, list[_Obs]]) -> None:
    """When both ends of a segment are known to be held: open under one holder, contested
    between two."""
    history: dict[str, list[_Control]] = defaultdict(list)
    for place, control in _control_rows(facts):
        history[place].append(control)
    for a, b in sorted(edges):
        for control in [*history.get(a, ()), *history.get(b, ())]:
            ends = [_held_on(history.get(p, ()), control.day) for p in (a, b)]
            if None in ends:
                continue
            same = ends[0] == ends[1]
            status = "open" if same else "contested"
            found[(a, b)].append(
                _Obs(control.day, "control", ends[0] if same else None, control.evidence, status)
            )


def _held_on(history: Iterable[_Control], day: date) -> str | None:
    held = None
    for control in history:
        if control.day <= day:
            held = control.actor
    return held


def _segments(
    edges: set[Edge],
    members: Mapping[Edge, tuple[set[str], set[str]]],
    sites: Mapping[str, Site],
    observations: Mapping[Edge, list[_Obs]],
    sides: Mapping[str, str],
) -> dict[Edge, Segment]:
    segments = {}
    for a, b in sorted(edges):
        routes, lines = members[(a, b)]
        obs = sorted(observations.get((a, b), ()), key=_Obs.order)
        state = _fold(obs, sides)
        segments[(a, b)] = Segment(
            a=a,
            b=b,
            routes=tuple(sorted(routes)),
            lines=tuple(sorted(lines)),
            length_km=_rounded(_km(sites[a], sites[b])),
            status=state.status,
            controller=state.controller,
            since=state.since,
            cause=state.cause,
            evidence=_unique_evidence(o.evidence for o in obs),
        )
    return segments


@dataclass(frozen=True)
class _State:
    status: str = "open"
    controller: str | None = None
    since: date | None = None
    cause: Evidence | None = None  # the observation that set this state


def _fold(obs: Iterable[_Obs], sides: Mapping[str, str]) -> _State:
    """Apply the observations in date order: the state the last one leaves."""
    state = _State()
    for o in obs:
        status, controller = _step(state.status, state.controller, o, sides)
        if (status, controller) != (state.status, state.controller):
            state = _State(status, controller, o.day, o.evidence)
    return state


def _step(
    status: str, controller: str | None, o: _Obs, sides: Mapping[str, str]
) -> tuple[str, str | None]:
    if o.effect == "block":
        return "blocked", o.actor
    if o.effect == "seize":
        # Taking back a road another side had closed reopens it; taking a road from the side
        # that travels it closes it.
        retaken = (
            status == "blocked"
            and controller is not None
            and sides.get(controller, controller) != sides.get(o.actor or "", o.actor)
        )
        return ("open" if retaken else "blocked"), o.actor
    if o.effect == "contest":
        return "contested", controller
    if o.effect == "leave":
        return "open", None if controller in (o.actor, None) else controller
    if o.effect == "hold":
        return "open", o.actor
    return o.status or status, o.actor  # "control"


def _unique_evidence(items: Iterable[Evidence]) -> tuple[Evidence, ...]:
    seen: dict[str, Evidence] = {}
    for item in items:
        seen.setdefault(item.source, item)
    return tuple(sorted(seen.values(), key=lambda e: (e.day or date.min, e.source)))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _routes(
    facts: _Facts,
    ref: _RefNet,
    segments: Mapping[Edge, Segment],
    resolutions: Mapping[str, _Resolution],
    sides: Mapping[str, str],
) -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for iri in sorted({r for s in segments.values() for r in s.routes}):
        segs = tuple(k for k, s in segments.items() if iri in s.routes)
        on_net = {p for k in segs for p in k}
        stops = tuple(p for p in ref.route_stops[iri] if p in on_net)
        names = ref.route_names[iri]
        routes[iri] = _route(iri, names, "reference", stops, segs, (), segments)
    for line, resolution in sorted(resolutions.items()):
        routes[line] = _report_line(line, resolution, facts, segments, sides)
    return routes


def _report_line(
    line: str,
    resolution: _Resolution,
    facts: _Facts,
    segments: Mapping[Edge, Segment],
    sides: Mapping[str, str],
) -> Route:
    row = facts.data.supply_lines[line]
    names = (row.label, *facts.alt_labels.get(line, ()))
    segs = tuple(sorted(resolution.edges))
    places = _walk(segs, _line_places(line, facts))
    rides = tuple(sorted(resolution.routes))
    route = _route(line, names, "report", places, segs, rides, segments)
    own = [
        _event_obs(e, LINE_EFFECTS[e.type], facts)
        for e in facts.line_events.get(line, ())
        if e.type in LINE_EFFECTS
    ]
    if not own:
        return route
    # The line's own events say more about it than the worst state of its segments.
    status = _fold(sorted(own, key=_Obs.order), sides).status
    evidence = _unique_evidence([*route.evidence, *(o.evidence for o in own)])
    return replace(route, status=status, evidence=evidence)


def _walk(segs: Iterable[Edge], places: Sequence[str]) -> tuple[str, ...]:
    """The places of a line in travelling order: along its segments from an endpoint it
    names, then any place it names that no segment reaches."""
    net = nx.Graph(sorted(segs))
    order: list[str] = []
    for component in sorted(nx.connected_components(net), key=min):
        leaves = sorted(p for p in component if net.degree(p) <= 1)
        named = [p for p in places if p in leaves]
        start = named[0] if named else (leaves or sorted(component))[0]
        order.extend(nx.dfs_preorder_nodes(net, start))
    order.extend(p for p in places if p not in order)
    return tuple(order)


def _route(
    iri: str,
    names: tuple[str, ...],
    kind: str,
    places: Sequence[str],
    segs: tuple[Edge, ...],
    resolved_to: tuple[str, ...],
    segments: Mapping[Edge, Segment],
) -> Route:
    states = [segments[s].status for s in segs if s in segments]
    status = max(states, key=STATUSES.index) if states else "open"
    evidence = _unique_evidence(e for s in segs if s in segments for e in segments[s].evidence)
    return Route(
        iri, names[0], kind, tuple(places), segs, resolved_to, status, evidence, tuple(names)
    )


# ---------------------------------------------------------------- who reaches what


def usable_graph(network: RouteNetwork, side: str, cut: Cut | None = None) -> nx.Graph:
    """The network as ``side`` can travel it: no segment blocked by or held by another side
    it fights, no place such a side holds (its own places always count)."""
    net = network.graph()
    for seg in network.segments.values():
        if not _can_use(network, side, seg.status, seg.controller):
            net.remove_edge(seg.a, seg.b)
    for site in network.places.values():
        holder = network.side(site.controller)
        if holder is not None and holder != side and frozenset({holder, side}) in network.hostile:
            net.remove_node(site.iri)
    return cut.apply(net) if cut else net


def _can_use(network: RouteNetwork, side: str, status: str, controller: str | None) -> bool:
    holder = network.side(controller)
    if holder == side:
        return True
    if status == "blocked":
        return False
    return holder is None or frozenset({holder, side}) not in network.hostile


def held_by(network: RouteNetwork) -> dict[str, tuple[str, ...]]:
    """Each side that holds a place on the network -> those places."""
    held: dict[str, list[str]] = defaultdict(list)
    for site in network.places.values():
        side = network.side(site.controller)
        if side:
            held[side].append(site.iri)
    return {side: tuple(sorted(places)) for side, places in sorted(held.items())}


def reachable(net: nx.Graph, sources: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for source in sources:
        if source in net and source not in found:
            found |= nx.node_connected_component(net, source)
    return found


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class Chokepoint:
    kind: str  # "place" | "segment"
    iris: tuple[str, ...]
    label: str
    cuts_off: tuple[str, ...]  # place IRIs


@dataclass(frozen=True)
class CityRoutes:
    iri: str
    label: str
    place_type: str | None
    routes: tuple[str, ...]
    chokepoints: tuple[Chokepoint, ...]


@dataclass(frozen=True)
class ActorReach:
    side: str
    holds: tuple[str, ...]
    reaches: tuple[str, ...]  # cities and towns reachable from what it holds
    cut_off: tuple[tuple[str, tuple[Obstacle, ...]], ...]  # city -> what stops the side


@dataclass(frozen=True)
class RoutesReport:
    """What ``kg build`` writes about supply lines, and ``kg analyze`` prints."""

    network: RouteNetwork = field(repr=False, compare=False)
    cities: tuple[CityRoutes, ...]
    actors: tuple[ActorReach, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data. Routes and segments list their most recent evidence (with the
        count of all of it) by id, the source's IRI, into ``evidence``, which holds each
        sentence once: a long road's segments share most of theirs."""
        net = self.network
        table = _EvidenceTable()
        return {
            "network": {
                "places": len(net.places),
                "segments": len(net.segments),
                "routes": sum(1 for r in net.routes.values() if r.kind == "reference"),
                "supply_lines": sum(1 for r in net.routes.values() if r.kind == "report"),
            },
            "routes": [_route_dict(r, net, table) for r in net.routes.values()],
            "segments": [_segment_dict(s, net, table) for s in net.segments.values()],
            "cities": [_city_dict(c, net) for c in self.cities],
            "actors": [_actor_dict(a, net) for a in self.actors],
            "evidence": dict(sorted(table.entries.items())),
        }

    def to_markdown(self) -> str:
        return _report_markdown(self)


def analyze_routes(
    graph: Graph, reference: Reference | None = None, data: GraphData | None = None
) -> RoutesReport:
    """The supply-line analysis of a built graph: routes, segments and their state, each
    city's routes and chokepoints, and which cities each side reaches from what it holds.
    Pass ``data`` (``kg.graphdata.read_graph(graph)``) to spare a second read of the graph."""
    return routes_report(build_network(graph, reference, data))


def routes_report(network: RouteNetwork) -> RoutesReport:
    net = network.graph()
    chokepoints = _chokepoints(net, network)
    cities = tuple(
        CityRoutes(
            iri=site.iri,
            label=site.label,
            place_type=site.place_type,
            routes=_routes_at(network, site.iri),
            chokepoints=tuple(
                sorted(chokepoints.get(site.iri, ()), key=lambda c: (-len(c.cuts_off), c.label))[
                    :CHOKEPOINTS_KEPT
                ]
            ),
        )
        for site in _by_label(network.places.values())
        if site.place_type in CITY_TYPES
    )
    actors = tuple(_actor_reach(network, side, places) for side, places in held_by(network).items())
    return RoutesReport(network=network, cities=cities, actors=actors)


def _by_label(sites: Iterable[Site]) -> list[Site]:
    return sorted(sites, key=lambda s: (s.label.casefold(), s.iri))


def _routes_at(network: RouteNetwork, place: str) -> tuple[str, ...]:
    return tuple(
        sorted(
            (iri for iri, r in network.routes.items() if place in r.places),
            key=lambda iri: (network.routes[iri].kind, network.label(iri), iri),
        )
    )


def _chokepoints(net: nx.Graph, network: RouteNetwork) -> dict[str, list[Chokepoint]]:
    """For every place: each place or segment whose loss cuts it off, and from what."""
    found: dict[str, list[Chokepoint]] = defaultdict(list)
    for point in sorted(nx.articulation_points(net)):
        rest = nx.node_connected_component(net, point) - {point}
        label = network.label(point)
        for part in nx.connected_components(net.subgraph(rest)):
            for place in part:
                found[place].append(Chokepoint("place", (point,), label, _ordered(rest - part)))
    for a, b in sorted(edge(*e) for e in nx.bridges(net)):
        net.remove_edge(a, b)
        side_a, side_b = nx.node_connected_component(net, a), nx.node_connected_component(net, b)
        net.add_edge(a, b)
        label = f"{network.label(a)} – {network.label(b)}"
        for part, other in ((side_a, side_b), (side_b, side_a)):
            for place in part:
                found[place].append(Chokepoint("segment", (a, b), label, _ordered(other)))
    return found


def _ordered(places: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(places))


def _actor_reach(network: RouteNetwork, side: str, holds: tuple[str, ...]) -> ActorReach:
    net = network.graph()
    mine = usable_graph(network, side)
    physical = reachable(net, holds)
    reach = reachable(mine, holds)
    cities = {iri for iri, s in network.places.items() if s.place_type in CITY_TYPES}
    # One search from all the side's places gives the shortest road to every city at once
    # (each city's own search, stopped at the city, finds the same road).
    sources = [h for h in holds if h in net]
    _, roads = nx.multi_source_dijkstra(net, sources) if sources else ({}, {})
    cut_off = tuple(
        (city, _stoppers(mine, roads.get(city, ()))) for city in sorted((physical - reach) & cities)
    )
    return ActorReach(side, holds, tuple(sorted((reach & cities) - set(holds))), cut_off)


def _stoppers(mine: nx.Graph, path: Sequence[str]) -> tuple[Obstacle, ...]:
    """What stops the side on ``path``, the shortest road from its places to a city: the
    places a side it fights holds (as IRIs), and the segments it cannot use."""
    stops: list[Obstacle] = []
    for a, b in pairwise(path):
        held = [p for p in (a, b) if p not in mine]
        if held:
            stops.extend(p for p in held if p not in stops)
        elif not mine.has_edge(a, b):
            stops.append(edge(a, b))
    return tuple(stops)


# ---------------------------------------------------------------- what if X falls


@dataclass(frozen=True)
class Cut:
    places: tuple[str, ...]
    segments: tuple[Edge, ...]

    def apply(self, net: nx.Graph) -> nx.Graph:
        net = net.copy()
        net.remove_edges_from(s for s in self.segments if net.has_edge(*s))
        net.remove_nodes_from(p for p in self.places if p in net)
        return net

    def touched(self, network: RouteNetwork) -> tuple[Edge, ...]:
        """The segments the cut removes: its own, and those meeting at a cut place."""
        at = {k for k in network.segments if set(k) & set(self.places)}
        return tuple(sorted(at | set(self.segments)))


@dataclass(frozen=True)
class Separation:
    places: tuple[str, ...]
    labels: tuple[str, ...]
    cut_off_from: tuple[str, ...]
    cut_off_labels: tuple[str, ...]


@dataclass(frozen=True)
class SideLoss:
    side: str
    holds: tuple[str, ...]
    loses: tuple[str, ...]  # places it reached before the cut and no longer does
    already_cut_off: tuple[str, ...]  # places on the network it could not reach anyway


@dataclass(frozen=True)
class CutReport:
    """The answer to "what if these places fall, these lines are cut"."""

    network: RouteNetwork = field(repr=False, compare=False)
    asked: tuple[str, ...]
    cut: Cut
    separations: tuple[Separation, ...]
    sides: tuple[SideLoss, ...]
    segments: tuple[Edge, ...]
    evidence: tuple[Evidence, ...]

    def cut_off_from(self, place: str) -> set[str]:
        """The places that lose their connection to ``place`` (an IRI)."""
        return {p for s in self.separations if place in s.cut_off_from for p in s.places}

    def to_dict(self) -> dict[str, Any]:
        return _cut_dict(self)

    def to_markdown(self) -> str:
        return _cut_markdown(self)


def what_if(
    network: RouteNetwork, places: Sequence[str] = (), lines: Sequence[str] = ()
) -> CutReport:
    """Cut the named places (by label or alias) and lines (by name, or "A-B") and report who
    loses which connection. InputError when a name matches nothing on the network."""
    cut_places = tuple(sorted({find_place(network, name) for name in places}))
    cut_segments = tuple(sorted({s for name in lines for s in find_line(network, name)}))
    cut = Cut(cut_places, cut_segments)
    net = network.graph()
    after = cut.apply(net)
    touched = cut.touched(network)
    return CutReport(
        network=network,
        asked=(*places, *lines),
        cut=cut,
        separations=_separations(network, net, after, cut),
        sides=tuple(
            _side_loss(network, side, holds, cut) for side, holds in held_by(network).items()
        ),
        segments=touched,
        evidence=_cut_evidence(network, touched),
    )


def _separations(
    network: RouteNetwork, before: nx.Graph, after: nx.Graph, cut: Cut
) -> tuple[Separation, ...]:
    starts = set(cut.places) | {p for s in cut.segments for p in s}
    parts = []
    for component in sorted(
        (c for c in nx.connected_components(before) if c & starts), key=lambda c: min(c)
    ):
        pieces = [p for p in nx.connected_components(after.subgraph(component - set(cut.places)))]
        if len(pieces) < 2:
            continue
        for piece in pieces:
            rest = component - piece - set(cut.places)
            parts.append(
                Separation(
                    places=_ordered(piece),
                    labels=_labels(network, piece),
                    cut_off_from=_ordered(rest),
                    cut_off_labels=_labels(network, rest),
                )
            )
    return tuple(sorted(parts, key=lambda s: (-len(s.cut_off_from), s.labels)))


def _labels(network: RouteNetwork, places: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted((network.label(p) for p in places), key=str.casefold))


def _side_loss(network: RouteNetwork, side: str, holds: tuple[str, ...], cut: Cut) -> SideLoss:
    physical = reachable(network.graph(), holds)
    before = reachable(usable_graph(network, side), holds)
    after = reachable(usable_graph(network, side, cut), holds)
    return SideLoss(
        side=side,
        holds=holds,
        loses=_ordered(before - after),
        already_cut_off=_ordered(physical - before),
    )


def _cut_evidence(network: RouteNetwork, touched: Iterable[Edge]) -> tuple[Evidence, ...]:
    items: list[Evidence] = []
    for key in touched:
        items.extend(network.segments[key].evidence)
        for place in key:
            items.extend(network.places[place].control_evidence)
    return _unique_evidence(items)


# ---------------------------------------------------------------- finding places and lines


def find_place(network: RouteNetwork, name: str) -> str:
    """The network place called ``name`` ("Khanaser", "Khanasir", an IRI): InputError if none."""
    if name in network.places:
        return name
    keys = name_keys(name)
    matches = [s for s in network.places.values() if keys & _keys(s.names)]
    if matches:
        return min(matches, key=lambda s: (_rank(s.place_type), s.iri)).iri
    other = next((network.other_places[k] for k in sorted(keys) if k in network.other_places), None)
    if other:
        raise InputError(f"'{name}' ({network.label(other)}) is on no supply route in this graph")
    raise InputError(f"no place named '{name}' on the route network")


def _keys(names: Iterable[str]) -> set[str]:
    return {k for n in names for k in name_keys(n)}


def _rank(place_type: str | None) -> int:
    order = ("city", "town", "site", "village")
    return order.index(place_type) if place_type in order else len(order)


def find_line(network: RouteNetwork, name: str) -> tuple[Edge, ...]:
    """The segments of the route or line called ``name`` ("M5", "Castello Road", an IRI), or
    of the road between two places ("Khanaser-Ithriya", "Khanaser to Ithriya")."""
    if name in network.routes:
        return network.routes[name].segments
    keys = name_keys(name)
    for iri, route in sorted(network.routes.items(), key=lambda kv: (kv[1].kind, kv[0])):
        if keys & _keys((*route.names, _tail(iri))):
            return route.segments
    between = _between(network, name)
    if between:
        return between
    raise InputError(f"no supply line or route named '{name}' on the route network")


def _between(network: RouteNetwork, name: str) -> tuple[Edge, ...]:
    """ "A-B", "A to B", "A--B": the road between two places, tried at every separator."""
    text = name.replace("–", "-").replace("—", "-")
    net = network.graph()
    for i in range(len(text)):
        for sep in ("--", " to ", "-"):
            if not text.startswith(sep, i):
                continue
            left, right = text[:i].strip(), text[i + len(sep) :].strip()
            try:
                a, b = find_place(network, left), find_place(network, right)
            except InputError:
                continue
            if a != b and nx.has_path(net, a, b):
                path = nx.shortest_path(net, a, b)
                return tuple(edge(x, y) for x, y in pairwise(path))
    return ()


# ---------------------------------------------------------------- JSON


def _evidence_list(items: Iterable[Evidence]) -> list[dict[str, Any]]:
    return [e.to_dict() for e in items]


class _EvidenceTable:
    """The evidence analysis.json lists, each entry once, by its source's IRI."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}

    def refs(self, items: Sequence[Evidence]) -> list[str]:
        """The ids of the EVIDENCE_KEPT most recent of ``items`` (sorted oldest first)."""
        kept = items[-EVIDENCE_KEPT:]
        for item in kept:
            if item.source not in self.entries:
                self.entries[item.source] = item.to_dict()
        return [item.source for item in kept]


def _route_dict(route: Route, net: RouteNetwork, table: _EvidenceTable) -> dict[str, Any]:
    return {
        "iri": route.iri,
        "label": route.label,
        "kind": route.kind,
        "places": [net.label(p) for p in route.places],
        "resolved_to": [net.label(r) for r in route.resolved_to],
        "segments": [[net.label(a), net.label(b)] for a, b in route.segments],
        "status": route.status,
        "evidence": table.refs(route.evidence),
        "evidence_count": len(route.evidence),
    }


def _segment_dict(seg: Segment, net: RouteNetwork, table: _EvidenceTable) -> dict[str, Any]:
    return {
        "from": seg.a,
        "to": seg.b,
        "label": f"{net.label(seg.a)} – {net.label(seg.b)}",
        "routes": [net.label(r) for r in seg.routes],
        "lines": [net.label(r) for r in seg.lines],
        "reported": bool(seg.lines),
        "length_km": seg.length_km,
        "status": seg.status,
        "controller": seg.controller,
        "controller_label": net.label(seg.controller) or None,
        "since": seg.since.isoformat() if seg.since else None,
        "cause": seg.cause.to_dict() if seg.cause else None,
        "evidence": table.refs(seg.evidence),
        "evidence_count": len(seg.evidence),
    }


def _city_dict(city: CityRoutes, net: RouteNetwork) -> dict[str, Any]:
    site = net.places[city.iri]
    return {
        "iri": city.iri,
        "label": city.label,
        "type": city.place_type,
        "held_by": net.label(site.controller) or None,
        "routes": [net.label(r) for r in city.routes],
        "chokepoints": [
            {
                "kind": c.kind,
                "iris": list(c.iris),
                "label": c.label,
                "cuts_off": [net.label(p) for p in c.cuts_off],
            }
            for c in city.chokepoints
        ],
    }


def _actor_dict(reach: ActorReach, net: RouteNetwork) -> dict[str, Any]:
    return {
        "actor": reach.side,
        "label": net.label(reach.side),
        "holds": [net.label(p) for p in reach.holds],
        "reaches": [net.label(p) for p in reach.reaches],
        "cut_off": [
            {"place": net.label(city), "stopped_at": [_obstacle_label(net, s) for s in segs]}
            for city, segs in reach.cut_off
        ],
    }


def _obstacle_label(net: RouteNetwork, obstacle: Obstacle) -> str:
    if isinstance(obstacle, tuple):
        return _segment_label(net, obstacle)
    site = net.places[obstacle]
    since = f" since {site.control_since.isoformat()}" if site.control_since else ""
    return f"{site.label} (held by {net.label(site.controller)}{since})"


def _segment_label(net: RouteNetwork, key: Edge) -> str:
    seg = net.segments.get(key)
    state = ""
    if seg is not None:
        holder = f" by {net.label(seg.controller)}" if seg.controller else ""
        since = f" since {seg.since.isoformat()}" if seg.since else ""
        state = f" ({seg.status}{holder}{since})"
    return f"{net.label(key[0])} – {net.label(key[1])}{state}"


def _cut_dict(report: CutReport) -> dict[str, Any]:
    net = report.network
    return {
        "cut": {
            "asked": list(report.asked),
            "places": [net.label(p) for p in report.cut.places],
            "segments": [_segment_label(net, s) for s in report.cut.segments],
        },
        "separations": [
            {
                "places": list(s.labels),
                "place_iris": list(s.places),
                "cut_off_from": list(s.cut_off_labels),
                "cut_off_from_iris": list(s.cut_off_from),
            }
            for s in report.separations
        ],
        "by_actor": [
            {
                "actor": s.side,
                "label": net.label(s.side),
                "holds": [net.label(p) for p in s.holds],
                "loses": [net.label(p) for p in s.loses],
                "already_cut_off": [net.label(p) for p in s.already_cut_off],
            }
            for s in report.sides
        ],
        "segments_lost": [_segment_label(net, s) for s in report.segments],
        "routes_through": [net.label(r) for r in _routes_through(report)],
        "evidence": _evidence_list(report.evidence),
    }


def _routes_through(report: CutReport) -> list[str]:
    touched = set(report.segments)
    return sorted(
        (iri for iri, r in report.network.routes.items() if touched & set(r.segments)),
        key=lambda iri: (report.network.routes[iri].kind, report.network.label(iri)),
    )


# ---------------------------------------------------------------- Markdown


def _report_markdown(report: RoutesReport) -> str:
    net = report.network
    if not net.places:
        return "## Supply routes\n\nNo supply line in this graph.\n"
    shut = [s for s in net.segments.values() if s.status != "open"]
    sections = [
        ("Supply routes", ["route", "kind", "status", "rides", "places"], _route_rows(net)),
        ("Segments not open", ["segment", "status", "held by", "since", "evidence"],
         [_shut_row(net, s) for s in shut]),
        ("Cities and towns: routes and chokepoints", ["place", "routes", "loss that cuts it off"],
         _city_rows(report)),
        ("Who reaches what from the places it holds", ["actor", "holds", "reaches", "cut off from"],
         [_reach_row(net, a) for a in report.actors]),
    ]  # fmt: skip
    return "\n".join(
        f"## {title}\n\n" + (_table(header, rows) if rows else "None.\n")
        for title, header, rows in sections
    )


def _route_rows(net: RouteNetwork) -> list[tuple[str, ...]]:
    return [
        (
            r.label,
            r.kind,
            r.status,
            ", ".join(net.label(x) for x in r.resolved_to),
            " – ".join(net.label(p) for p in r.places),
        )
        for r in net.routes.values()
    ]


def _shut_row(net: RouteNetwork, seg: Segment) -> tuple[str, ...]:
    return (
        f"{net.label(seg.a)} – {net.label(seg.b)}",
        seg.status,
        net.label(seg.controller),
        seg.since.isoformat() if seg.since else "",
        _quote(seg.cause) if seg.cause else "",
    )


def _reach_row(net: RouteNetwork, reach: ActorReach) -> tuple[str, ...]:
    stopped = "; ".join(
        f"{net.label(city)} (at {', '.join(_obstacle_label(net, s) for s in segs)})"
        for city, segs in reach.cut_off
    )
    return (net.label(reach.side), _names(net, reach.holds), _names(net, reach.reaches), stopped)


def _city_rows(report: RoutesReport) -> list[tuple[str, ...]]:
    net = report.network
    rows = []
    for city in report.cities:
        # A segment's loss is a place's loss seen closer; list places unless only roads cut.
        points = [c for c in city.chokepoints if c.kind == "place"] or list(city.chokepoints)
        top = points[:MARKDOWN_TOP]
        cuts = "; ".join(f"{c.label} (from {_names(net, c.cuts_off, 4)})" for c in top)
        more = len(points) - len(top)
        rows.append(
            (
                city.label,
                _names(net, city.routes),
                cuts + (f"; and {more} more" if more > 0 else ""),
            )
        )
    return rows


def _names(net: RouteNetwork, iris: Iterable[str], most: int | None = None) -> str:
    labels = sorted((net.label(i) for i in iris), key=str.casefold)
    if most is not None and len(labels) > most:
        return ", ".join(labels[:most]) + f" and {len(labels) - most} more"
    return ", ".join(labels)


def _quote(evidence: Evidence) -> str:
    return f'"{evidence.text}" ({evidence.report})'


def _table(header: list[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = [_row(header), _row(["---"] * len(header))]
    lines.extend(_row([str(c) for c in row]) for row in rows)
    return "\n".join(lines) + "\n"


def _row(cells: Iterable[str]) -> str:
    # Report text is data, not Markdown: a pipe would split the cell.
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _cut_markdown(report: CutReport) -> str:
    net = report.network
    asked = ", ".join(report.asked) or "nothing"
    lines = [f"## What if {asked} falls\n"]
    through = _routes_through(report)
    lines.append(f"Routes through it: {', '.join(net.label(r) for r in through) or 'none'}.")
    lost = "; ".join(_segment_label(net, s) for s in report.segments) or "none"
    lines.append(f"Segments lost: {lost}.\n")
    lines.append("### Cut off\n")
    lines.extend(_separation_lines(report) or ["- No place loses its connection to another."])
    lines.append("\n### For whom\n")
    lines.extend(_side_lines(report) or ["- No actor holds a place on the network."])
    lines.append("\n### Evidence\n")
    lines.extend(
        f'- {e.day or "undated"} {e.kind} ({e.certainty}): "{e.text}" ({e.report})'
        for e in report.evidence
    )
    if not report.evidence:
        lines.append("- No report speaks of these segments.")
    return "\n".join(lines) + "\n"


def _separation_lines(report: CutReport) -> list[str]:
    """Two parts: the smaller one and what it is cut off from. More: the parts, listed."""
    groups: dict[frozenset[str], list[Separation]] = defaultdict(list)
    for part in report.separations:
        groups[frozenset(part.places) | frozenset(part.cut_off_from)].append(part)
    lines = []
    for parts in groups.values():
        if len(parts) == 2:
            first = parts[0]
            lines.append(
                f"- {', '.join(first.labels)}: cut off from {', '.join(first.cut_off_labels)}"
            )
            continue
        lines.append(
            f"- The roads fall apart into {len(parts)} parts, each cut off from the others:"
        )
        biggest_first = sorted(parts, key=lambda p: (-len(p.places), p.labels))
        lines.extend(f"  - {_names(report.network, p.places, 12)}" for p in biggest_first)
    return lines


def _side_lines(report: CutReport) -> list[str]:
    net = report.network
    lines = []
    for side in sorted(report.sides, key=lambda s: (not s.loses, s.side)):  # losers first
        holds = _names(net, side.holds, 6)
        loses = _names(net, side.loses) if side.loses else "nothing"
        line = f"- {net.label(side.side)} (holds {holds}): loses {loses}"
        if side.already_cut_off:
            line += f"; already cut off from {_names(net, side.already_cut_off, 8)}"
        lines.append(line + ".")
    return lines
