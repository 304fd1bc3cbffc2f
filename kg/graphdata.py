"""A built graph read into plain, typed rows: the one place that knows how the contract's
terms look in RDF, for the analysis and the pages alike.

``read_graph`` makes one pass per predicate (linear in the graph) and sorts everything by IRI,
so what is derived from the rows is deterministic.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.triples import TableGraph, from_rdflib, to_rdflib
from kg.vocab import DCTERMS, PROV, RDF, RDFS, SKG, WGS84

# What a certainty counts for when weighing events (Confirmed 1.0 ... Assessed 0.4).
CERTAINTY_WEIGHTS: Mapping[str, float] = {
    "Confirmed": 1.0,
    "Reported": 0.7,
    "Claimed": 0.5,
    "Assessed": 0.4,
}
# A sentence that states an event without hedging reports it.
UNSPECIFIED_CERTAINTY = "Unspecified"
UNSPECIFIED_WEIGHT = CERTAINTY_WEIGHTS["Reported"]


@dataclass(frozen=True)
class PlaceRow:
    iri: str
    label: str
    place_type: str | None
    lat: float | None
    long: float | None
    located_in: tuple[str, ...]


@dataclass(frozen=True)
class SupplyLineRow:
    iri: str
    label: str
    connects: tuple[str, ...]
    passes_through: tuple[str, ...]


@dataclass(frozen=True)
class EventRow:
    """One skg:Event. ``start``/``end`` come from skg:startDate/endDate when the text gives a
    date, else from the report's period (skg:periodStart/periodEnd); ``dated`` tells which."""

    iri: str
    type: str
    agents: tuple[str, ...]
    targets: tuple[str, ...]
    locations: tuple[str, ...]
    affects: tuple[str, ...]
    start: date | None
    end: date | None
    dated: bool
    certainty: str
    evidence: str
    report: str | None
    fatalities: int | None

    @cached_property  # read for every event by several figures
    def actors(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.agents) | set(self.targets)))


@dataclass(frozen=True)
class ControlRow:
    """One statement that an actor holds a place on a day: a skg:TerritorialControl, or a
    skg:Seizure read as "the agents hold the place from the seizure's date"."""

    iri: str
    kind: str  # "control" | "seizure"
    place: str
    controllers: tuple[str, ...]
    day: date
    certainty: str
    evidence: str
    report: str | None


@dataclass(frozen=True)
class GraphData:
    """Everything the analysis and the pages need, read from a graph in one pass per term."""

    labels: Mapping[str, str]
    actors: tuple[str, ...]
    places: Mapping[str, PlaceRow]
    supply_lines: Mapping[str, SupplyLineRow]
    reports: Mapping[str, str]  # IRI -> title
    events: tuple[EventRow, ...]
    controls: tuple[ControlRow, ...]
    triples: int

    def label(self, iri: str | None) -> str:
        if not iri:
            return ""
        return self.labels.get(iri) or _iri_tail(iri)

    def report_title(self, iri: str | None) -> str:
        return self.reports.get(iri, "") if iri else ""


def read_graph(graph: Graph) -> GraphData:
    """Read the contract's terms from ``graph`` into plain rows, sorted by IRI."""
    props = _Props(graph)
    types = props.many(RDF.type)
    classes = _by_class(types)
    labels = {iri: _pick_text(values) for iri, values in props.many(RDFS.label).items()}
    reports = _instances(classes, SKG.Report)
    titles = props.many(DCTERMS.title)
    events = _read_events(types, classes, props)
    return GraphData(
        labels=labels,
        actors=tuple(_instances(classes, SKG.Actor)),
        places={iri: _read_place(iri, labels, props) for iri in _instances(classes, SKG.Place)},
        supply_lines={
            iri: _read_supply_line(iri, labels, props)
            for iri in _instances(classes, SKG.SupplyLine)
        },
        reports={iri: _pick_text(titles.get(iri, ())) for iri in reports},
        events=events,
        controls=_read_controls(classes, props, events),
        triples=len(graph),
    )


class _Props:
    """Per-predicate subject -> objects maps, built once each (linear in the graph)."""

    def __init__(self, graph: Graph) -> None:
        self._graph = graph
        self._cache: dict[URIRef, dict[str, list[Node]]] = {}

    def many(self, predicate: URIRef) -> dict[str, list[Node]]:
        if predicate not in self._cache:
            if isinstance(self._graph, TableGraph):
                self._cache[predicate] = _table_pairs(self._graph, predicate)
            else:
                table: dict[str, list[Node]] = defaultdict(list)
                for subject, obj in self._graph.subject_objects(predicate):
                    table[str(subject)].append(obj)
                self._cache[predicate] = table
        return self._cache[predicate]

    def iris(self, subject: str, predicate: URIRef) -> tuple[str, ...]:
        return _iris(self.many(predicate).get(subject))

    def one(self, subject: str, predicate: URIRef) -> Node | None:
        return _one(self.many(predicate).get(subject))


def _table_pairs(graph: TableGraph, predicate: URIRef) -> dict[str, list[Node]]:
    """Subject -> objects of a build's own graph, from its term strings: a subject IRI is
    its term without the brackets, and each distinct object becomes an rdflib term once
    (through the rdflib Graph interface, reading 10,000 reports took 40% longer)."""
    table: dict[str, list[Node]] = defaultdict(list)
    nodes: dict[str, Node] = {}
    for subject, obj in graph.table_store.table.by_predicate.get(from_rdflib(predicate), ()):
        node = nodes.get(obj)
        if node is None:
            node = nodes[obj] = to_rdflib(obj)
        key = subject[1:-1] if subject[0] == "<" else str(to_rdflib(subject))
        table[key].append(node)
    return table


def _iris(values: list[Node] | None) -> tuple[str, ...]:
    if not values:
        return ()
    if len(values) == 1:  # the common case, spared the set and the sort
        return (str(values[0]),) if values[0] else ()
    return tuple(sorted({str(o) for o in values if o}))


def _one(values: list[Node] | None) -> Node | None:
    if not values:
        return None
    return values[0] if len(values) == 1 else min(values, key=str)


def _by_class(types: Mapping[str, list[Node]]) -> dict[Node, list[str]]:
    """Class -> its instances, from subject -> classes (one pass for every class)."""
    found: dict[Node, list[str]] = defaultdict(list)
    for subject, classes in types.items():
        for cls in set(classes):
            found[cls].append(subject)
    return found


def _instances(classes: Mapping[Node, list[str]], cls: URIRef) -> list[str]:
    return sorted(classes.get(cls, ()))


def _read_place(iri: str, labels: Mapping[str, str], props: _Props) -> PlaceRow:
    return PlaceRow(
        iri=iri,
        label=labels.get(iri) or _iri_tail(iri),
        place_type=_text_or_none(props.one(iri, SKG.placeType)),
        lat=_float_or_none(props.one(iri, WGS84.lat)),
        long=_float_or_none(props.one(iri, WGS84.long)),
        located_in=props.iris(iri, SKG.locatedIn),
    )


def _read_supply_line(iri: str, labels: Mapping[str, str], props: _Props) -> SupplyLineRow:
    return SupplyLineRow(
        iri=iri,
        label=labels.get(iri) or _iri_tail(iri),
        connects=props.iris(iri, SKG.connects),
        passes_through=props.iris(iri, SKG.passesThrough),
    )


# The event predicates read from one table each (looked up once per graph, not per event).
_EVENT_TERMS = {
    "start": SKG.startDate, "end": SKG.endDate, "period_start": SKG.periodStart,
    "period_end": SKG.periodEnd, "fatalities": SKG.fatalities, "agents": SKG.agent,
    "targets": SKG.target, "locations": SKG.location, "affects": SKG.affects,
    "certainty": SKG.certainty, "evidence": SKG.evidence, "report": PROV.wasDerivedFrom,
}  # fmt: skip


def _read_events(
    types: Mapping[str, list[Node]], classes: Mapping[Node, list[str]], props: _Props
) -> tuple[EventRow, ...]:
    tables = {name: props.many(predicate) for name, predicate in _EVENT_TERMS.items()}
    kinds: dict[tuple[Node, ...], str] = {}  # events share a handful of type sets
    certainties: dict[Node | None, str] = {}
    rows = []
    for iri in _instances(classes, SKG.Event):
        values = {name: table.get(iri) for name, table in tables.items()}
        type_nodes = tuple(types.get(iri, ()))
        if type_nodes not in kinds:
            kinds[type_nodes] = _event_type(type_nodes)
        certainty = _one(values["certainty"])
        if certainty not in certainties:
            certainties[certainty] = _certainty(certainty)
        rows.append(_event_row(iri, kinds[type_nodes], certainties[certainty], values))
    return tuple(rows)


def _event_row(
    iri: str, kind: str, certainty: str, values: Mapping[str, list[Node] | None]
) -> EventRow:
    start = _date_or_none(_one(values["start"]))
    end = _date_or_none(_one(values["end"]))
    dated = start is not None
    if not dated:
        start = _date_or_none(_one(values["period_start"]))
        end = _date_or_none(_one(values["period_end"]))
    return EventRow(
        iri=iri,
        type=kind,
        agents=_iris(values["agents"]),
        targets=_iris(values["targets"]),
        locations=_iris(values["locations"]),
        affects=_iris(values["affects"]),
        start=start,
        end=end or start,
        dated=dated,
        certainty=certainty,
        evidence=_text_or_none(_one(values["evidence"])) or "",
        report=_text_or_none(_one(values["report"])),
        fatalities=_int_or_none(_one(values["fatalities"])),
    )


def _read_controls(
    classes: Mapping[Node, list[str]], props: _Props, events: Iterable[EventRow]
) -> tuple[ControlRow, ...]:
    rows = [
        row for iri in _instances(classes, SKG.TerritorialControl) for row in _control(iri, props)
    ]
    rows.extend(row for event in events if event.type == "Seizure" for row in _seizure(event))
    return tuple(sorted(rows, key=lambda row: (row.place, row.day, row.iri)))


def _control(iri: str, props: _Props) -> Iterator[ControlRow]:
    controllers = props.iris(iri, SKG.controlledBy)
    report = _text_or_none(props.one(iri, PROV.wasDerivedFrom))
    # "as of" falls back to the report's period when the sentence gives no date.
    day = _date_or_none(props.one(iri, SKG.startDate))
    if day is None and report:
        day = _date_or_none(props.one(report, SKG.startDate))
    if not controllers or day is None:
        return
    for place in props.iris(iri, SKG.location):
        yield ControlRow(
            iri=iri,
            kind="control",
            place=place,
            controllers=controllers,
            day=day,
            certainty=_certainty(props.one(iri, SKG.certainty)),
            evidence=_text_or_none(props.one(iri, SKG.evidence)) or "",
            report=report,
        )


def _seizure(event: EventRow) -> Iterator[ControlRow]:
    if not event.agents or event.start is None:
        return
    for place in event.locations:
        yield ControlRow(
            iri=event.iri,
            kind="seizure",
            place=place,
            controllers=event.agents,
            day=event.start,
            certainty=event.certainty,
            evidence=event.evidence,
            report=event.report,
        )


def _event_type(types: Iterable[Node]) -> str:
    """The one skg subclass of skg:Event on the node ("Event" if the builder left it out)."""
    prefix = str(SKG.Event)[: -len("Event")]
    names = sorted(str(t)[len(prefix) :] for t in types if str(t).startswith(prefix))
    specific = [name for name in names if name != "Event"]
    return specific[0] if specific else "Event"


def _certainty(value: Node | None) -> str:
    name = _iri_tail(str(value)) if value is not None else ""
    return name if name in CERTAINTY_WEIGHTS else UNSPECIFIED_CERTAINTY


def _iri_tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _pick_text(values: Iterable[Node]) -> str:
    """One label among several: English or untagged first, then the smallest, so it is stable."""
    literals = [v for v in values if isinstance(v, Literal)]
    if not literals:
        return ""
    preferred = [v for v in literals if v.language in (None, "en")] or literals
    return min(str(v) for v in preferred)


def _text_or_none(value: Node | None) -> str | None:
    return None if value is None else str(value)


def _date_or_none(value: Node | None) -> date | None:
    if value is None:
        return None
    python = value.toPython() if isinstance(value, Literal) else value
    if isinstance(python, date):
        return python
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _float_or_none(value: Node | None) -> float | None:
    try:
        return None if value is None else float(str(value))
    except ValueError:
        return None


def _int_or_none(value: Node | None) -> int | None:
    try:
        return None if value is None else int(str(value))
    except ValueError:
        return None


def provinces_of(place: str, data: GraphData) -> tuple[str, ...]:
    """The provinces holding ``place`` (itself if it is one), following skg:locatedIn."""
    seen: set[str] = set()
    frontier = [place]
    found: set[str] = set()
    while frontier:
        current = frontier.pop()
        if current in seen:
            continue
        seen.add(current)
        row = data.places.get(current)
        if row is None:
            continue
        if row.place_type == "province":
            found.add(current)
            continue
        frontier.extend(row.located_in)
    return tuple(sorted(found))


def line_stops(line: SupplyLineRow, data: GraphData) -> list[str]:
    """The line's places in travelling order: first endpoint, waypoints, other endpoint.

    RDF leaves waypoints unordered, so they are ordered by distance from the first endpoint
    when coordinates are known (by IRI otherwise).
    """
    ends = list(line.connects)
    waypoints = [p for p in line.passes_through if p not in ends]
    if ends:
        origin = data.places.get(ends[0])
        waypoints.sort(key=lambda p: (_distance(origin, data.places.get(p)), p))
    return ends[:1] + waypoints + ends[1:]


def _distance(a: PlaceRow | None, b: PlaceRow | None) -> float:
    if a is None or b is None or None in (a.lat, a.long, b.lat, b.long):
        return math.inf
    return math.hypot(a.lat - b.lat, a.long - b.long)  # type: ignore[operator]
