"""Built graph -> NetworkX views and the figures an analyst reads first.

``analyze(graph)`` reads the graph once into plain rows (``kg.graphdata``), then derives
everything from those rows: who fights whom (a weighted actor network and its communities),
which places are chokepoints (a place network joined by supply lines and by co-occurrence in
one sentence), counts by type, certainty, province, day and week, who holds each place over
time, and where activity is rising. ``write_analysis`` writes ``analysis.json`` and
``analysis.md``. The same graph always gives the same bytes.

    >>> analysis = analyze(graph)
    >>> analysis.actor_edges[0].source_label, analysis.actor_edges[0].events
    ('ISIS', 7)
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, timedelta
from itertools import combinations, pairwise
from pathlib import Path
from random import Random
from typing import Any

import networkx as nx
from rdflib import Graph

from kg.fsutil import atomic_write_text
from kg.graphdata import (
    CERTAINTY_WEIGHTS,
    UNSPECIFIED_WEIGHT,
    ControlRow,
    EventRow,
    GraphData,
    line_stops,
    provinces_of,
    read_graph,
)

# Exact betweenness is O(n*m): 3 s for the 1,000 places and 30,000 links of 10,000 reports.
# Past this many places it is estimated from k sources (seeded, so stable; the cost then grows
# with the links only): at 10,000 reports the top five chokepoints stay in the top ten.
EXACT_BETWEENNESS_MAX_NODES = 500
BETWEENNESS_SAMPLES = 300
BETWEENNESS_SEED = 42

RISING_MIN_EVENTS = 2
JSON_DEPTH = 2  # analysis.json: objects nested deeper than this are written on one line
MARKDOWN_TOP = 10
NO_PROVINCE = "(no province)"
DECIMALS = 6


# ---------------------------------------------------------------- analysis results


@dataclass(frozen=True)
class Summary:
    reports: int
    events: int
    actors: int
    places: int
    supply_lines: int
    control_statements: int
    triples: int
    first_day: str | None
    last_day: str | None
    events_without_date: int
    events_without_location: int


@dataclass(frozen=True)
class ActorEdge:
    """Events in which ``source`` acted against ``target``."""

    source: str
    source_label: str
    target: str
    target_label: str
    events: int
    weighted: float  # events weighted by certainty (Confirmed 1.0 ... Assessed 0.4)
    by_type: Mapping[str, int]


@dataclass(frozen=True)
class ActorActivity:
    iri: str
    label: str
    events: int
    as_agent: int
    as_target: int
    community: int | None


@dataclass(frozen=True)
class PlaceLink:
    source: str
    source_label: str
    target: str
    target_label: str
    kinds: tuple[str, ...]  # "supply-line", "co-occurrence"
    weight: int


@dataclass(frozen=True)
class PlaceScore:
    iri: str
    label: str
    events: int
    degree: int
    degree_centrality: float
    betweenness: float


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    events: int


@dataclass(frozen=True)
class WeekCount:
    province: str
    province_label: str
    week: str  # ISO week, "2015-W43"
    type: str
    events: int


@dataclass(frozen=True)
class ControlEntry:
    day: str
    controllers: tuple[str, ...]
    controller_labels: tuple[str, ...]
    source: str  # "control" | "seizure"
    record: str
    certainty: str
    evidence: str
    report_title: str
    change: bool  # this entry starts a new controller
    contested: bool  # another report names a different controller for the same day


@dataclass(frozen=True)
class ControlTimeline:
    place: str
    place_label: str
    entries: tuple[ControlEntry, ...]


@dataclass(frozen=True)
class Contradiction:
    place: str
    place_label: str
    day: str
    claims: tuple[ControlEntry, ...]


@dataclass(frozen=True)
class RisingPlace:
    place: str
    label: str
    week: str
    events: int
    earlier_weekly_mean: float


@dataclass(frozen=True)
class Analysis:
    summary: Summary
    actors: tuple[ActorActivity, ...]
    actor_edges: tuple[ActorEdge, ...]
    communities: tuple[tuple[str, ...], ...]
    places: tuple[PlaceScore, ...]
    place_links: tuple[PlaceLink, ...]
    events_by_type: Mapping[str, int]
    events_by_certainty: Mapping[str, int]
    events_by_province: tuple[Count, ...]
    events_by_day: Mapping[str, int]
    events_by_province_week: tuple[WeekCount, ...]
    control: tuple[ControlTimeline, ...]
    contradictions: tuple[Contradiction, ...]
    rising: tuple[RisingPlace, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (lists, dicts, strings, numbers)."""
        return _jsonable(self)

    def top_actors(self, n: int = MARKDOWN_TOP) -> tuple[ActorActivity, ...]:
        return self.actors[:n]

    def top_places(self, n: int = MARKDOWN_TOP) -> tuple[PlaceScore, ...]:
        ranked = sorted(self.places, key=lambda p: (-p.events, p.label, p.iri))
        return tuple(p for p in ranked if p.events)[:n]

    def chokepoints(self, n: int = MARKDOWN_TOP) -> tuple[PlaceScore, ...]:
        return tuple(p for p in self.places if p.betweenness > 0)[:n]


def _jsonable(value: Any) -> Any:
    """What ``dataclasses.asdict`` gives, lists for tuples, string keys; without its deep
    copies and with scalars passed over in place: a big corpus has a million values here."""
    if is_dataclass(value):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    return value if type(value) in _SCALARS else _jsonable(value)


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return _FIELD_NAMES[cls]


# ---------------------------------------------------------------- the analysis


def analyze(graph: Graph) -> Analysis:
    """Analyse a built graph; see the module docstring for what comes out."""
    return analyze_data(read_graph(graph))


def analyze_data(data: GraphData) -> Analysis:
    actor_net = actor_network(data)
    communities = actor_communities(actor_net)
    place_net = place_network(data)
    control = control_timelines(data)
    return Analysis(
        summary=_summary(data),
        actors=_actor_activity(data, communities),
        actor_edges=_actor_edges(data, actor_net),
        communities=tuple(tuple(c) for c in communities),
        places=_place_scores(data, place_net),
        place_links=_place_links(data, place_net),
        events_by_type=_sorted_counts(Counter(e.type for e in data.events)),
        events_by_certainty=_sorted_counts(Counter(e.certainty for e in data.events)),
        events_by_province=_events_by_province(data),
        events_by_day=_sorted_counts(
            Counter(e.start.isoformat() for e in data.events if e.start is not None)
        ),
        events_by_province_week=_events_by_province_week(data),
        control=control,
        contradictions=_contradictions(control),
        rising=rising_places(data),
    )


def _summary(data: GraphData) -> Summary:
    days = sorted(e.start for e in data.events if e.start is not None)
    return Summary(
        reports=len(data.reports),
        events=len(data.events),
        actors=len(data.actors),
        places=len(data.places),
        supply_lines=len(data.supply_lines),
        control_statements=sum(1 for c in data.controls if c.kind == "control"),
        triples=data.triples,
        first_day=days[0].isoformat() if days else None,
        last_day=days[-1].isoformat() if days else None,
        events_without_date=sum(1 for e in data.events if e.start is None),
        events_without_location=sum(1 for e in data.events if not e.locations),
    )


def _sorted_counts(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items()))


# ---------------------------------------------------------------- actors


def actor_network(data: GraphData) -> nx.DiGraph:
    """agent -> target, with ``events``, certainty-``weighted`` and per-type counts per edge."""
    net = nx.DiGraph()
    for actor in sorted({a for e in data.events for a in e.actors}):
        net.add_node(actor, label=data.label(actor))
    for event in data.events:
        weight = CERTAINTY_WEIGHTS.get(event.certainty, UNSPECIFIED_WEIGHT)
        for agent in event.agents:
            for target in event.targets:
                if agent == target:
                    continue
                if not net.has_edge(agent, target):
                    net.add_edge(agent, target, events=0, weighted=0.0, by_type=Counter())
                edge = net.edges[agent, target]
                edge["events"] += 1
                edge["weighted"] += weight
                edge["by_type"][event.type] += 1
    return net


def actor_communities(net: nx.DiGraph) -> list[list[str]]:
    """Greedy-modularity communities of the undirected actor network, largest first.

    Reciprocal edges are summed (networkx's to_undirected would keep only one of them).
    """
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(net.nodes))
    for source, target, attrs in sorted(net.edges(data=True), key=lambda e: (e[0], e[1])):
        previous = undirected.get_edge_data(source, target, {"weight": 0})["weight"]
        undirected.add_edge(source, target, weight=previous + attrs["events"])
    if undirected.number_of_edges() == 0:
        groups: Iterable[Iterable[str]] = [[node] for node in undirected.nodes]
    else:
        groups = nx.community.greedy_modularity_communities(undirected, weight="weight")
    communities = [sorted(group) for group in groups]
    return sorted(communities, key=lambda c: (-len(c), c))


def _actor_edges(data: GraphData, net: nx.DiGraph) -> tuple[ActorEdge, ...]:
    edges = [
        ActorEdge(
            source=source,
            source_label=data.label(source),
            target=target,
            target_label=data.label(target),
            events=attrs["events"],
            weighted=round(attrs["weighted"], DECIMALS),
            by_type=dict(sorted(attrs["by_type"].items())),
        )
        for source, target, attrs in net.edges(data=True)
    ]
    return tuple(sorted(edges, key=lambda e: (-e.events, -e.weighted, e.source, e.target)))


def _actor_activity(data: GraphData, communities: list[list[str]]) -> tuple[ActorActivity, ...]:
    community_of = {actor: i for i, group in enumerate(communities) for actor in group}
    as_agent: Counter[str] = Counter(a for e in data.events for a in e.agents)
    as_target: Counter[str] = Counter(t for e in data.events for t in e.targets)
    total: Counter[str] = Counter(a for e in data.events for a in e.actors)
    rows = [
        ActorActivity(
            iri=actor,
            label=data.label(actor),
            events=total[actor],
            as_agent=as_agent[actor],
            as_target=as_target[actor],
            community=community_of.get(actor),
        )
        for actor in total
    ]
    return tuple(sorted(rows, key=lambda r: (-r.events, r.label, r.iri)))


# ---------------------------------------------------------------- places


def place_network(data: GraphData) -> nx.Graph:
    """Places joined along supply lines and by appearing as locations of one sentence.

    Each edge has ``kinds`` (a set of "supply-line" / "co-occurrence") and ``weight`` (how
    many lines and sentences join the two places).
    """
    net = nx.Graph()
    located = {place for event in data.events for place in event.locations}
    on_lines = {p for line in data.supply_lines.values() for p in line_stops(line, data)}
    net.add_nodes_from(sorted(located | on_lines))
    for line in data.supply_lines.values():
        stops = line_stops(line, data)
        for a, b in pairwise(stops):
            _join(net, a, b, "supply-line")
    for places in _sentence_places(data):
        for a, b in combinations(places, 2):
            _join(net, a, b, "co-occurrence")
    return net


def _join(net: nx.Graph, a: str, b: str, kind: str) -> None:
    if a == b:
        return
    if net.has_edge(a, b):
        net.edges[a, b]["kinds"].add(kind)
        net.edges[a, b]["weight"] += 1
    else:
        net.add_edge(a, b, kinds={kind}, weight=1)


def _sentence_places(data: GraphData) -> Iterator[list[str]]:
    """The locations of all events read from one sentence of one report."""
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for event in data.events:
        groups[(event.report or "", event.evidence or event.iri)].update(event.locations)
    for key in sorted(groups):
        if len(groups[key]) > 1:
            yield sorted(groups[key])


def _betweenness(net: nx.Graph) -> dict[str, float]:
    """Normalised betweenness, as ``nx.betweenness_centrality(net)`` gives it; past
    EXACT_BETWEENNESS_MAX_NODES places, as ``nx.betweenness_centrality(net, k, seed=...)``
    estimates it. Brandes' algorithm on lists of integers: five times as fast as networkx's."""
    nodes = list(net)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    neighbours = [[index[other] for other in net[node]] for node in nodes]
    sources = list(range(n))
    estimated = n > EXACT_BETWEENNESS_MAX_NODES
    if estimated:
        sources = Random(BETWEENNESS_SEED).sample(sources, min(BETWEENNESS_SAMPLES, n))
    scores = [0.0] * n
    for source in sources:
        _add_dependencies(neighbours, source, scores)
    pairs = n - 2  # normalised by the (source, target) pairs a path through a node can join
    if not estimated:
        scale = [1 / ((n - 1) * pairs)] * n
    else:  # networkx's correction for sampled sources, which are never their own endpoint
        sampled = set(sources)
        k = len(sources)
        scale = [1 / ((k - 1) * pairs) if i in sampled else 1 / (k * pairs) for i in range(n)]
    return {node: scores[i] * scale[i] for i, node in enumerate(nodes)}


def _add_dependencies(neighbours: list[list[int]], source: int, scores: list[float]) -> None:
    """Brandes: shortest paths from ``source`` by breadth-first search, then each node's share
    of them, added to ``scores``."""
    n = len(neighbours)
    depth = [-1] * n
    paths = [0.0] * n
    before: list[list[int]] = [[] for _ in range(n)]
    depth[source] = 0
    paths[source] = 1.0
    order = [source]  # the breadth-first queue, kept as the visiting order
    for v in order:
        next_depth = depth[v] + 1
        via = paths[v]
        for w in neighbours[v]:
            if depth[w] < 0:
                depth[w] = next_depth
                order.append(w)
            if depth[w] == next_depth:
                paths[w] += via
                before[w].append(v)
    share = [0.0] * n
    for w in reversed(order):
        coeff = (1.0 + share[w]) / paths[w]
        for v in before[w]:
            share[v] += paths[v] * coeff
        if w != source:
            scores[w] += share[w]


def _place_scores(data: GraphData, net: nx.Graph) -> tuple[PlaceScore, ...]:
    betweenness = _betweenness(net)
    degree_centrality = nx.degree_centrality(net) if net.number_of_nodes() > 1 else {}
    located: Counter[str] = Counter(p for e in data.events for p in e.locations)
    rows = [
        PlaceScore(
            iri=place,
            label=data.label(place),
            events=located[place],
            degree=net.degree(place),
            degree_centrality=round(degree_centrality.get(place, 0.0), DECIMALS),
            betweenness=round(betweenness.get(place, 0.0), DECIMALS),
        )
        for place in net.nodes
    ]
    return tuple(sorted(rows, key=lambda r: (-r.betweenness, -r.degree, r.label, r.iri)))


def _place_links(data: GraphData, net: nx.Graph) -> tuple[PlaceLink, ...]:
    links = []
    for a, b, attrs in net.edges(data=True):
        source, target = sorted((a, b))
        links.append(
            PlaceLink(
                source=source,
                source_label=data.label(source),
                target=target,
                target_label=data.label(target),
                kinds=tuple(sorted(attrs["kinds"])),
                weight=attrs["weight"],
            )
        )
    return tuple(sorted(links, key=lambda link: (link.source, link.target)))


# ---------------------------------------------------------------- when and where


def _event_provinces(data: GraphData) -> Iterator[tuple[EventRow, tuple[str, ...]]]:
    cache: dict[str, tuple[str, ...]] = {}
    for event in data.events:
        provinces: set[str] = set()
        for place in event.locations:
            if place not in cache:
                cache[place] = provinces_of(place, data) or (NO_PROVINCE,)
            provinces.update(cache[place])
        yield event, tuple(sorted(provinces))


def _events_by_province(data: GraphData) -> tuple[Count, ...]:
    counts: Counter[str] = Counter()
    for _event, provinces in _event_provinces(data):
        counts.update(provinces)
    rows = [Count(key=p, label=_province_label(p, data), events=n) for p, n in counts.items()]
    return tuple(sorted(rows, key=lambda r: (-r.events, r.label, r.key)))


def _province_label(province: str, data: GraphData) -> str:
    return NO_PROVINCE if province == NO_PROVINCE else data.label(province)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _events_by_province_week(data: GraphData) -> tuple[WeekCount, ...]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for event, provinces in _event_provinces(data):
        if event.start is None:
            continue
        for province in provinces:
            counts[(province, iso_week(event.start), event.type)] += 1
    rows = [
        WeekCount(
            province=p,
            province_label=_province_label(p, data),
            week=week,
            type=kind,
            events=n,
        )
        for (p, week, kind), n in counts.items()
    ]
    return tuple(sorted(rows, key=lambda r: (r.province_label, r.province, r.week, r.type)))


def rising_places(data: GraphData, min_events: int = RISING_MIN_EVENTS) -> tuple[RisingPlace, ...]:
    """Places with more events in the data's last ISO week than in an average earlier week.

    Earlier weeks run from the data's first week to the one before the last, empty weeks
    included; with a single week of data nothing can be rising.
    """
    days = [e.start for e in data.events if e.start is not None]
    if not days:
        return ()
    last_monday = _monday(max(days))
    earlier_weeks = (last_monday - _monday(min(days))).days // 7
    if earlier_weeks == 0:
        return ()
    last: Counter[str] = Counter()
    earlier: Counter[str] = Counter()
    for event in data.events:
        if event.start is None:
            continue
        bucket = last if _monday(event.start) == last_monday else earlier
        bucket.update(event.locations)
    rows = []
    for place, count in last.items():
        mean = earlier[place] / earlier_weeks
        if count >= min_events and count > mean:
            rows.append(
                RisingPlace(
                    place=place,
                    label=data.label(place),
                    week=iso_week(last_monday),
                    events=count,
                    earlier_weekly_mean=round(mean, DECIMALS),
                )
            )
    return tuple(sorted(rows, key=lambda r: (-(r.events - r.earlier_weekly_mean), r.label)))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# ---------------------------------------------------------------- who holds what


def control_timelines(data: GraphData) -> tuple[ControlTimeline, ...]:
    """Per place, every dated control statement in order, marking changes and contested days.

    On a day with several statements the most certain one decides who holds the place (a
    confirmed "regime-held" beats a claimed seizure); the others follow it in the list.
    """
    by_place: dict[str, list[ControlRow]] = defaultdict(list)
    for row in data.controls:
        by_place[row.place].append(row)
    timelines = [
        ControlTimeline(place=place, place_label=data.label(place), entries=_entries(rows, data))
        for place, rows in by_place.items()
    ]
    return tuple(sorted(timelines, key=lambda t: (t.place_label, t.place)))


def _entries(rows: list[ControlRow], data: GraphData) -> tuple[ControlEntry, ...]:
    by_day: dict[date, list[ControlRow]] = defaultdict(list)
    for row in rows:
        by_day[row.day].append(row)
    entries: list[ControlEntry] = []
    holder: frozenset[str] = frozenset()
    for day in sorted(by_day):
        ranked = sorted(by_day[day], key=lambda r: _rank(r, data))
        contested = _is_contested(ranked)
        for i, row in enumerate(ranked):
            change = i == 0 and frozenset(row.controllers) != holder
            entries.append(_entry(row, data, change=change, contested=contested))
        holder = frozenset(ranked[0].controllers)
    return tuple(entries)


def _rank(row: ControlRow, data: GraphData) -> tuple[Any, ...]:
    weight = CERTAINTY_WEIGHTS.get(row.certainty, UNSPECIFIED_WEIGHT)
    labels = tuple(data.label(c) for c in row.controllers)
    return (-weight, row.kind, labels, row.report or "", row.iri)


def _is_contested(rows: list[ControlRow]) -> bool:
    """Two reports name controllers with no actor in common for the same place and day."""
    for a, b in combinations(rows, 2):
        if a.report != b.report and not set(a.controllers) & set(b.controllers):
            return True
    return False


def _entry(row: ControlRow, data: GraphData, *, change: bool, contested: bool) -> ControlEntry:
    return ControlEntry(
        day=row.day.isoformat(),
        controllers=row.controllers,
        controller_labels=tuple(data.label(c) for c in row.controllers),
        source=row.kind,
        record=row.iri,
        certainty=row.certainty,
        evidence=row.evidence,
        report_title=data.report_title(row.report),
        change=change,
        contested=contested,
    )


def _contradictions(timelines: Iterable[ControlTimeline]) -> tuple[Contradiction, ...]:
    found = []
    for timeline in timelines:
        by_day: dict[str, list[ControlEntry]] = defaultdict(list)
        for entry in timeline.entries:
            if entry.contested:
                by_day[entry.day].append(entry)
        found.extend(
            Contradiction(timeline.place, timeline.place_label, day, tuple(claims))
            for day, claims in sorted(by_day.items())
        )
    return tuple(found)


# ---------------------------------------------------------------- output files


def write_analysis(analysis: Analysis, out_dir: Path, routes: Any = None) -> None:
    """Write ``analysis.json`` (sorted keys) and ``analysis.md`` into ``out_dir``, atomically.

    ``routes`` (a ``kg.routes.RoutesReport``) adds the supply-route section to both."""
    out_dir = Path(out_dir)
    payload = analysis.to_dict()
    markdown = render_markdown(analysis)
    if routes is not None:
        payload["routes"] = routes.to_dict()
        markdown = markdown.rstrip("\n") + "\n\n" + routes.to_markdown()
    atomic_write_text(out_dir / "analysis.json", json_text(payload) + "\n")
    atomic_write_text(out_dir / "analysis.md", markdown)


def json_text(value: Any, depth: int = 0) -> str:
    """``value`` as JSON with sorted keys, objects indented down to JSON_DEPTH and each item
    of a list on a line of its own, written compactly: one record a line reads and diffs
    well, and the compact parts go through json's C encoder (indent=2 cannot use it and took
    a minute for a big corpus)."""
    if not isinstance(value, dict | list) or not value or depth > JSON_DEPTH:
        return _compact(value)
    inner = "  " * (depth + 1)
    if isinstance(value, list):
        rows = [inner + _compact(item) for item in value]
        return "[\n" + ",\n".join(rows) + "\n" + "  " * depth + "]"
    rows = [
        f"{inner}{_compact(str(key))}: {json_text(item, depth + 1)}"
        for key, item in sorted(value.items())
    ]
    return "{\n" + ",\n".join(rows) + "\n" + "  " * depth + "}"


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def render_markdown(analysis: Analysis) -> str:
    """Short tables a person reads in a minute."""
    sections = [
        "# Analysis\n",
        _md_summary(analysis.summary),
        _md_section(
            "Top actors",
            ["actor", "events", "as agent", "as target"],
            [(a.label, a.events, a.as_agent, a.as_target) for a in analysis.top_actors()],
        ),
        _md_section(
            "Who fights whom",
            ["agent", "target", "events", "certainty-weighted", "types"],
            [
                (e.source_label, e.target_label, e.events, f"{e.weighted:g}", _md_types(e.by_type))
                for e in analysis.actor_edges[:MARKDOWN_TOP]
            ],
        ),
        _md_section(
            "Top places",
            ["place", "events"],
            [(p.label, p.events) for p in analysis.top_places()],
        ),
        _md_section(
            "Chokepoints (betweenness in the place network)",
            ["place", "betweenness", "links"],
            [(p.label, f"{p.betweenness:.3f}", p.degree) for p in analysis.chokepoints()],
        ),
        _md_section("Events by type", ["type", "events"], _by_count(analysis.events_by_type)),
        _md_section(
            "Events by certainty", ["certainty", "events"], _by_count(analysis.events_by_certainty)
        ),
        _md_section(
            "Events by province",
            ["province", "events"],
            [(c.label, c.events) for c in analysis.events_by_province[:MARKDOWN_TOP]],
        ),
        _md_section(
            "Control changes", ["day", "place", "now held by", "source"], _md_changes(analysis)
        ),
        _md_section(
            "Contradictions",
            ["day", "place", "claims"],
            [(c.day, c.place_label, _md_claims(c)) for c in analysis.contradictions],
        ),
        _md_section(
            "Rising activity",
            ["place", "week", "events", "earlier weekly mean"],
            [(r.label, r.week, r.events, f"{r.earlier_weekly_mean:.2f}") for r in analysis.rising],
        ),
    ]
    return "\n".join(s for s in sections if s)


def _md_summary(summary: Summary) -> str:
    period = (
        f"{summary.first_day} to {summary.last_day}" if summary.first_day else "no dated events"
    )
    rows = [
        ("reports", summary.reports),
        ("events", summary.events),
        ("actors", summary.actors),
        ("places", summary.places),
        ("supply lines", summary.supply_lines),
        ("control statements", summary.control_statements),
        ("triples", summary.triples),
        ("period", period),
        ("events without a date", summary.events_without_date),
        ("events without a place", summary.events_without_location),
    ]
    return _md_section("Summary", ["measure", "value"], rows)


def _md_section(title: str, header: list[str], rows: Iterable[tuple[Any, ...]]) -> str:
    rows = list(rows)
    if not rows:
        return f"## {title}\n\nNone.\n"
    lines = [f"## {title}\n", _md_row(header), _md_row(["---"] * len(header))]
    lines.extend(_md_row([str(cell) for cell in row]) for row in rows)
    return "\n".join(lines) + "\n"


def _md_row(cells: Iterable[str]) -> str:
    # Report text is data, not Markdown: pipes would split cells, newlines would end the table.
    escaped = (c.replace("|", "\\|").replace("\n", " ") for c in cells)
    return "| " + " | ".join(escaped) + " |"


def _by_count(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _md_types(by_type: Mapping[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in _by_count(by_type))


def _md_changes(analysis: Analysis) -> list[tuple[str, ...]]:
    rows = [
        (e.day, t.place_label, " + ".join(e.controller_labels), f"{e.source}, {e.certainty}")
        for t in analysis.control
        for e in t.entries
        if e.change
    ]
    return sorted(rows)


def _md_claims(contradiction: Contradiction) -> str:
    return "; ".join(
        f"{' + '.join(c.controller_labels)} ({c.certainty}, {c.report_title})"
        for c in contradiction.claims
    )
