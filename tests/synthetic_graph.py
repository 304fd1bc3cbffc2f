"""Large built graphs in the contract's shape, for the performance tests of analysis and pages.

Made of the same terms `kg build` writes (events with a subclass, agents, targets, locations,
dates, certainty, evidence, reports; places with coordinates and provinces; supply lines;
territorial control), drawn from a seeded random generator so every run is the same.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg.vocab import EVENT_CLASSES, INST, SKG, WGS84

CERTAINTY_NAMES = ("Confirmed", "Reported", "Claimed", "Assessed")


def synthetic_graph(
    *,
    events: int,
    places: int,
    actors: int,
    supply_lines: int = 0,
    provinces: int = 14,
    reports: int = 20,
    seed: int = 1,
) -> Graph:
    rnd = random.Random(seed)
    graph = Graph()
    province_iris = [
        _place(graph, f"province-{i}", f"Province {i}", "province", rnd) for i in range(provinces)
    ]
    place_iris = [
        _place(graph, f"town-{i}", f"Town {i}", "town", rnd, rnd.choice(province_iris))
        for i in range(places)
    ]
    actor_iris = [_actor(graph, i) for i in range(actors)]
    report_iris = [_report(graph, i) for i in range(reports)]
    for i in range(supply_lines):
        a, b = rnd.sample(place_iris, 2)
        line = INST[f"supply-line/line-{i}"]
        graph.add((line, RDF.type, SKG.SupplyLine))
        graph.add((line, RDFS.label, Literal(f"Road {i}")))
        graph.add((line, SKG.connects, a))
        graph.add((line, SKG.connects, b))
        graph.add((line, SKG.passesThrough, rnd.choice(place_iris)))
    start = date(2015, 9, 1)
    for i in range(events):
        _event(graph, i, rnd, actor_iris, place_iris, report_iris, start)
    for i in range(max(1, events // 20)):
        control = INST[f"control/c{i}"]
        graph.add((control, RDF.type, SKG.TerritorialControl))
        graph.add((control, SKG.location, rnd.choice(place_iris)))
        graph.add((control, SKG.controlledBy, rnd.choice(actor_iris)))
        day = start + timedelta(days=rnd.randrange(90))
        graph.add((control, SKG.startDate, Literal(day.isoformat(), datatype=XSD.date)))
        graph.add((control, SKG.certainty, SKG.Confirmed))
        graph.add((control, SKG.evidence, Literal(f"Control statement {i}.")))
        graph.add((control, PROV.wasDerivedFrom, rnd.choice(report_iris)))
    return graph


def _place(
    graph: Graph,
    slug: str,
    label: str,
    kind: str,
    rnd: random.Random,
    province: URIRef | None = None,
) -> URIRef:
    iri = INST[f"place/{slug}"]
    graph.add((iri, RDF.type, SKG.Place))
    graph.add((iri, RDFS.label, Literal(label)))
    graph.add((iri, SKG.placeType, Literal(kind)))
    graph.add((iri, WGS84.lat, Literal(f"{rnd.uniform(32.5, 37.2):.4f}", datatype=XSD.decimal)))
    graph.add((iri, WGS84.long, Literal(f"{rnd.uniform(35.7, 42.0):.4f}", datatype=XSD.decimal)))
    if province is not None:
        graph.add((iri, SKG.locatedIn, province))
    return iri


def _actor(graph: Graph, i: int) -> URIRef:
    iri = INST[f"actor/actor-{i}"]
    graph.add((iri, RDF.type, SKG.Actor))
    graph.add((iri, RDFS.label, Literal(f"Actor {i}")))
    return iri


def _report(graph: Graph, i: int) -> URIRef:
    iri = INST[f"report/report-{i}"]
    graph.add((iri, RDF.type, SKG.Report))
    graph.add((iri, DCTERMS.title, Literal(f"Synthetic report {i}")))
    return iri


def _event(
    graph: Graph,
    i: int,
    rnd: random.Random,
    actors: list[URIRef],
    places: list[URIRef],
    reports: list[URIRef],
    start: date,
) -> None:
    iri = INST[f"event/e{i:06d}"]
    kind = rnd.choice(EVENT_CLASSES)
    graph.add((iri, RDF.type, SKG.Event))
    graph.add((iri, RDF.type, SKG[kind]))
    # A few actors do most of the fighting, as in real reporting.
    agent, target = rnd.sample(
        actors[: max(2, len(actors) // 5)] if rnd.random() < 0.7 else actors, 2
    )
    graph.add((iri, SKG.agent, agent))
    graph.add((iri, SKG.target, target))
    graph.add((iri, SKG.location, rnd.choice(places)))
    day = start + timedelta(days=rnd.randrange(90))
    graph.add((iri, SKG.startDate, Literal(day.isoformat(), datatype=XSD.date)))
    graph.add((iri, SKG.certainty, SKG[rnd.choice(CERTAINTY_NAMES)]))
    graph.add((iri, SKG.evidence, Literal(f"Sentence {i // 2} of a synthetic report.")))
    graph.add((iri, PROV.wasDerivedFrom, rnd.choice(reports)))
