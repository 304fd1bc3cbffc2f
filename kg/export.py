"""Exports of a built graph for the tools analysts already use.

=========  ====================================================================  =========
format     what                                                                  for
=========  ====================================================================  =========
graphml    actors, places, supply lines and events as one directed graph         Cytoscape
gexf       the same graph                                                        Gephi
geojson    places and events as Point features ([long, lat])                     QGIS
csv        one row per event and place, in ACLED's columns and event types       ACLED users
=========  ====================================================================  =========

Formats are looked up by name in ``EXPORTERS``; each takes a graph and returns the file's text,
the same text for the same graph (sorted rows, no timestamps)::

    >>> text = export(load_graph(Path("output/graph.ttl")), "geojson")
    >>> json.loads(text)["type"]
    'FeatureCollection'
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter
from rdflib import Graph

from kg.errors import InputError
from kg.fsutil import atomic_write_text
from kg.graphdata import EventRow, GraphData, PlaceRow, provinces_of, read_graph
from kg.resources import data_file
from kg.vocab import SKG

# ---------------------------------------------------------------- graph views


@dataclass(frozen=True)
class _Context:
    """The rows of the graph and the few facts the rows leave out."""

    data: GraphData
    actor_types: Mapping[str, str]
    sides: Mapping[str, str]  # actor -> top of its skg:partOf chain


def _context(graph: Graph) -> _Context:
    data = read_graph(graph)
    parents = {str(s): str(o) for s, o in graph.subject_objects(SKG.partOf)}
    sides = {}
    for actor in data.actors:
        chain = [actor]
        while (parent := parents.get(chain[-1])) and parent not in chain:
            chain.append(parent)
        sides[actor] = chain[-1]
    types = {str(s): str(o) for s, o in graph.subject_objects(SKG.actorType)}
    return _Context(data, types, sides)


def property_graph(graph: Graph) -> nx.DiGraph:
    """Actors, places, supply lines and events as nodes, with ``label``, ``class`` and, where
    known, ``lat``/``long``; edges say how they relate (``relation``: agent, target,
    location, affects, connects, passes through, located in, controls). No attribute is None:
    GraphML cannot store it, so an unknown value is simply absent."""
    ctx = _context(graph)
    data = ctx.data
    net = nx.DiGraph()
    for actor in data.actors:
        net.add_node(actor, **_clean(label=data.label(actor), **{"class": "Actor"},
                                     actor_type=ctx.actor_types.get(actor)))  # fmt: skip
    for place in data.places.values():
        net.add_node(place.iri, **_place_attrs(place, data))
    for line in data.supply_lines.values():
        net.add_node(line.iri, label=line.label, **{"class": "SupplyLine"})
    for event in data.events:
        net.add_node(event.iri, **_event_attrs(event, data))
    for source, target, attrs in sorted(_relations(data), key=lambda r: (r[0], r[1])):
        net.add_edge(source, target, **attrs)
    return net


def _clean(**attrs: Any) -> dict[str, Any]:
    return {key: value for key, value in attrs.items() if value is not None and value != ""}


def _place_attrs(place: PlaceRow, data: GraphData) -> dict[str, Any]:
    return _clean(
        label=place.label,
        **{"class": "Place"},
        place_type=place.place_type,
        lat=place.lat,
        long=place.long,
        province=_province(place.iri, data),
        country=_country(place.iri, data),
    )


def _event_attrs(event: EventRow, data: GraphData) -> dict[str, Any]:
    where = _first_place(event, data)
    return _clean(
        label=f"{event.type} {_day(event.start)}".strip(),
        **{"class": "Event"},
        event_type=event.type,
        date=_day(event.start),
        end_date=_day(event.end),
        dated=event.dated,
        certainty=event.certainty,
        evidence=event.evidence,
        report=data.report_title(event.report),
        fatalities=event.fatalities,
        lat=where.lat if where else None,
        long=where.long if where else None,
    )


def _relations(data: GraphData) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for event in data.events:
        for relation, ends in (
            ("agent", event.agents),
            ("target", event.targets),
            ("location", event.locations),
            ("affects", event.affects),
        ):
            for end in ends:
                yield event.iri, end, {"relation": relation, "label": relation}
    for line in data.supply_lines.values():
        for place in line.connects:
            yield line.iri, place, {"relation": "connects", "label": "connects"}
        for place in line.passes_through:
            yield line.iri, place, {"relation": "passes through", "label": "passes through"}
    for place in data.places.values():
        for container in place.located_in:
            if container in data.places:
                yield place.iri, container, {"relation": "located in", "label": "located in"}
    yield from _control_edges(data)


def _control_edges(data: GraphData) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """One "controls" edge per actor and place, weighted by how many statements say so."""
    latest: dict[tuple[str, str], list[date]] = {}
    for row in data.controls:
        for actor in row.controllers:
            latest.setdefault((actor, row.place), []).append(row.day)
    for (actor, place), days in sorted(latest.items()):
        yield (
            actor,
            place,
            {
                "relation": "controls",
                "label": "controls",
                "weight": float(len(days)),
                "date": max(days).isoformat(),
            },
        )


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _first_place(event: EventRow, data: GraphData) -> PlaceRow | None:
    located = [data.places[p] for p in event.locations if p in data.places]
    with_coords = [p for p in located if p.lat is not None and p.long is not None]
    return (with_coords or located or [None])[0]


def _province(place: str, data: GraphData) -> str | None:
    provinces = provinces_of(place, data)
    return data.label(provinces[0]) if provinces else None


def _country(place: str, data: GraphData) -> str | None:
    row = data.places.get(place)
    if row is None:
        return None
    if row.place_type == "country":
        return row.label
    countries = [c for c in row.located_in if _place_type(c, data) == "country"]
    return data.label(countries[0]) if countries else None


def _place_type(place: str, data: GraphData) -> str | None:
    row = data.places.get(place)
    return row.place_type if row else None


# ---------------------------------------------------------------- GraphML and GEXF


def to_graphml(graph: Graph) -> str:
    return "\n".join(nx.generate_graphml(property_graph(graph), prettyprint=True)) + "\n"


def to_gexf(graph: Graph) -> str:
    net = property_graph(graph)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(net)
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date; the data's last day keeps it stable
        meta.set("lastmodifieddate", _last_day(net) or "1970-01-01")
    return str(writer)


def _last_day(net: nx.DiGraph) -> str | None:
    days = [d for _, d in net.nodes(data="date") if d]
    return max(days) if days else None


# ---------------------------------------------------------------- GeoJSON


def to_geojson(graph: Graph) -> str:
    """Places with coordinates, and events placed at their location's coordinates."""
    data = _context(graph).data
    features = [_place_feature(p, data) for p in data.places.values() if _has_point(p)]
    features.extend(_event_features(data))
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1) + "\n"


def _has_point(place: PlaceRow) -> bool:
    return place.lat is not None and place.long is not None


def _point(place: PlaceRow) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [place.long, place.lat]}


def _place_feature(place: PlaceRow, data: GraphData) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": place.iri,
        "geometry": _point(place),
        "properties": {
            "kind": "place",
            "type": place.place_type,
            "name": place.label,
            "province": _province(place.iri, data),
            "country": _country(place.iri, data),
            "iri": place.iri,
        },
    }


def _event_features(data: GraphData) -> Iterator[dict[str, Any]]:
    for event in data.events:
        for place_iri in event.locations:
            place = data.places.get(place_iri)
            if place is None or not _has_point(place):
                continue
            yield {
                "type": "Feature",
                "id": f"{event.iri}@{place.iri.rsplit('/', 1)[-1]}",
                "geometry": _point(place),
                "properties": _event_properties(event, place, data),
            }


def _event_properties(event: EventRow, place: PlaceRow, data: GraphData) -> dict[str, Any]:
    return {
        "kind": "event",
        "type": event.type,
        "date": _day(event.start),
        "end_date": _day(event.end),
        "dated": event.dated,
        "agent": "; ".join(data.label(a) for a in event.agents),
        "target": "; ".join(data.label(t) for t in event.targets),
        "location": place.label,
        "province": _province(place.iri, data),
        "country": _country(place.iri, data),
        "certainty": event.certainty,
        "fatalities": event.fatalities,
        "evidence": event.evidence,
        "report": data.report_title(event.report),
        "iri": event.iri,
    }


# ---------------------------------------------------------------- ACLED-style CSV

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "civilian_targeting", "country", "admin1", "location", "latitude",
    "longitude", "source", "notes", "fatalities", "certainty", "event_iri",
)  # fmt: skip

BATTLES = "Battles"
REMOTE = "Explosions/Remote violence"
CIVILIANS = "Violence against civilians"
STRATEGIC = "Strategic developments"
STATE_TYPES = frozenset({"state", "state-force"})

# Our twelve classes as ACLED (event_type, sub_event_type); Attack, Seizure and
# CivilianCasualties depend on the event and are decided in ``acled_type``.
ACLED_TYPES: Mapping[str, tuple[str, str]] = {
    "Airstrike": (REMOTE, "Air/drone strike"),
    "GroundOffensive": (BATTLES, "Armed clash"),
    "Counterattack": (BATTLES, "Armed clash"),
    "Clash": (BATTLES, "Armed clash"),
    "Siege": (STRATEGIC, "Other"),
    "Blockade": (STRATEGIC, "Other"),
    "Withdrawal": (STRATEGIC, "Non-violent transfer of territory"),
    "Deployment": (STRATEGIC, "Change to group/activity"),
    "Negotiation": (STRATEGIC, "Agreement"),
}
# Words of the trigger or the sentence that make an attack remote violence.
SUICIDE = re.compile(r"\bsuicide|\bSVBIEDs?\b|\bVBIEDs?\b", re.I)
EXPLOSIVE = re.compile(r"\bIEDs?\b|\bbomb|\bexplosi|\bdetonat|\blandmine|\bcar bomb", re.I)
SHELLING = re.compile(r"\bshell|\bartillery|\bmortar|\brocket|\bmissile|\bbarrel bomb", re.I)
AIR = re.compile(r"\bair ?strikes?\b|\bwarplanes?\b|\baircraft\b|\bbombing\b|\bbombard", re.I)


@dataclass(frozen=True)
class _Actors:
    types: Mapping[str, str]
    sides: Mapping[str, str]

    def is_state(self, actor: str) -> bool:
        return (
            self.types.get(actor) in STATE_TYPES
            or self.types.get(self.sides.get(actor, actor)) in STATE_TYPES
        )


def acled_type(event: EventRow, trigger: str, actors: _Actors) -> tuple[str, str]:
    """ACLED's event type and sub-event type for one of our events."""
    if event.type in ACLED_TYPES:
        return ACLED_TYPES[event.type]
    words = f"{trigger} {event.evidence}"
    if event.type == "Seizure":
        state = any(actors.is_state(a) for a in event.agents)
        return (
            BATTLES,
            "Government regains territory" if state else "Non-state actor overtakes territory",
        )
    if event.type == "CivilianCasualties":
        return (REMOTE, "Air/drone strike") if AIR.search(words) else (CIVILIANS, "Attack")
    return _attack_type(event, trigger, words, actors)


def _attack_type(event: EventRow, trigger: str, words: str, actors: _Actors) -> tuple[str, str]:
    if SUICIDE.search(words):
        return REMOTE, "Suicide bomb"
    if SHELLING.search(trigger) or SHELLING.search(words):
        return REMOTE, "Shelling/artillery/missile attack"
    if EXPLOSIVE.search(trigger):
        return REMOTE, "Remote explosive/landmine/IED"
    if any(actors.types.get(t) == "civilians" for t in event.targets):
        return CIVILIANS, "Attack"
    return BATTLES, "Armed clash"


def to_csv(graph: Graph) -> str:
    """One row per event and location, in ACLED's columns, sorted by date."""
    ctx = _context(graph)
    actors = _Actors(ctx.actor_types, ctx.sides)
    triggers = {str(s): str(o) for s, o in graph.subject_objects(SKG.trigger)}
    rows = [row for e in ctx.data.events for row in _acled_rows(e, ctx.data, actors, triggers)]
    rows.sort(key=lambda r: (r["event_date"], r["event_id_cnty"], r["location"]))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _acled_rows(
    event: EventRow, data: GraphData, actors: _Actors, triggers: Mapping[str, str]
) -> Iterator[dict[str, Any]]:
    kind, sub = acled_type(event, triggers.get(event.iri, ""), actors)
    civilian = any(actors.types.get(t) == "civilians" for t in event.targets)
    base = {
        "event_id_cnty": event.iri.rsplit("/", 1)[-1],
        "event_date": _day(event.start) or "",
        "year": event.start.year if event.start else "",
        "time_precision": _time_precision(event),
        "event_type": kind,
        "sub_event_type": sub,
        "actor1": "; ".join(data.label(a) for a in event.agents),
        "actor2": "; ".join(data.label(t) for t in event.targets),
        "civilian_targeting": "Civilian targeting" if civilian else "",
        "source": data.report_title(event.report),
        "notes": event.evidence,
        "fatalities": event.fatalities or 0,
        "certainty": event.certainty,
        "event_iri": event.iri,
    }
    places = [data.places[p] for p in event.locations if p in data.places] or [None]
    for place in places:
        yield {**base, **_acled_place(place, data)}


def _acled_place(place: PlaceRow | None, data: GraphData) -> dict[str, Any]:
    if place is None:
        return {"country": "", "admin1": "", "location": "", "latitude": "", "longitude": ""}
    return {
        "country": _country(place.iri, data) or "",
        "admin1": _province(place.iri, data) or "",
        "location": place.label,
        "latitude": "" if place.lat is None else place.lat,
        "longitude": "" if place.long is None else place.long,
    }


def _time_precision(event: EventRow) -> int:
    """ACLED's scale: 1 the day is known, 2 the week, 3 only the month or a longer period."""
    if event.start is None:
        return 3
    span = ((event.end or event.start) - event.start).days
    if event.dated and span == 0:
        return 1
    return 2 if span <= 7 else 3


# ---------------------------------------------------------------- by name


def to_quads(graph: Graph, fmt: str) -> str:
    """TriG or N-Quads with one named graph per report (its IRI) plus the shared terms'
    graph, sorted: the provenance of every fact survives the export."""
    from kg.store import report_quads

    return report_quads(graph, fmt)[0].decode("utf-8")


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context shipped as kg/data/context.jsonld (short names for every term)."""
    return json.loads(data_file("context.jsonld").read_text(encoding="utf-8"))


def to_jsonld(graph: Graph) -> str:
    """JSON-LD compacted with the shipped context, for web developers."""
    return graph.serialize(format="json-ld", context=jsonld_context()["@context"], indent=2)


EXPORTERS: Mapping[str, Callable[[Graph], str]] = {
    "graphml": to_graphml,
    "gexf": to_gexf,
    "geojson": to_geojson,
    "csv": to_csv,
    "trig": lambda g: to_quads(g, "trig"),
    "nquads": lambda g: to_quads(g, "nquads"),
    "jsonld": to_jsonld,
}
SUFFIXES: Mapping[str, str] = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "geojson": ".geojson",
    "csv": ".csv",
    "trig": ".trig",
    "nquads": ".nq",
    "jsonld": ".jsonld",
}


def export(graph: Graph, fmt: str) -> str:
    """The text of ``graph`` in format ``fmt`` (one of ``EXPORTERS``)."""
    try:
        exporter = EXPORTERS[fmt]
    except KeyError:
        raise InputError(
            f"unknown export format '{fmt}' (one of: {', '.join(EXPORTERS)})"
        ) from None
    return exporter(graph)


def write_export(graph: Graph, fmt: str, out: Path) -> Path:
    """Write the export to ``out`` atomically; a folder gets ``graph.<suffix>`` inside it."""
    text = export(graph, fmt)
    path = out / f"graph{SUFFIXES[fmt]}" if out.is_dir() else out
    atomic_write_text(path, text)
    return path
