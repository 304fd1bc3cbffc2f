"""Facts -> RDF. The only module that mints IRIs and builds triples.

IRIs are readable and deterministic: ``id/place/aleppo``, ``id/actor/isis``,
``id/supply-line/khanaser--ithriya``, ``id/report/<title slug>``, and for events and
control statements a short hash of what identifies them, so rebuilding the same input
gives the same graph, byte for byte.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef

from kg.extract.gazetteer import Gazetteer
from kg.model import Control, Entity, Event, Report, ReportFacts, SupplyLine
from kg.normalize import ascii_fold, clean_typography, name_keys
from kg.validate import load_ontology
from kg.vocab import DCTERMS, PROV, RDF, RDFS, SEM, SKG, SKOS, WGS84, XSD

DEFAULT_BASE = "https://w3id.org/sitrep-kg/id/"
REFERENCE_BASE = "https://w3id.org/sitrep-kg/id/"
PREFIXES = {
    "skg": SKG._NS, "sem": SEM._NS, "prov": PROV, "wgs84": WGS84._NS, "skos": SKOS,
    "dcterms": DCTERMS, "xsd": XSD, "rdfs": RDFS, "owl": "http://www.w3.org/2002/07/owl#",
    "geo": "http://www.opengis.net/ont/geosparql#",
}  # fmt: skip


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower().replace("'", "")).strip("-")


def short_hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:10]


class GraphBuilder:
    """Accumulates the triples of a build; ``graph()`` returns the finished rdflib Graph."""

    def __init__(self, gaz: Gazetteer, base: str = DEFAULT_BASE) -> None:
        self.gaz = gaz
        self.ns = Namespace(base)
        self.triples: set[tuple] = set()
        self.entities: dict[str, Entity] = {}
        self.report_iris: dict[tuple[str, int], str] = {}
        self.line_labels: dict[str, str] = {}

    def iri(self, key: str) -> URIRef:
        return self.ns[key]

    def add(self, s, p, o) -> None:
        self.triples.add((s, p, o))

    # --- reports ---------------------------------------------------------------------------

    def report_iri(self, report: Report) -> URIRef:
        ident = (report.source_file, report.index)
        if ident not in self.report_iris:
            base = f"report/{slug(report.title) or 'untitled'}"
            key, n = base, 2
            while key in self.report_iris.values():
                key, n = f"{base}-{n}", n + 1
            self.report_iris[ident] = key
        return self.iri(self.report_iris[ident])

    def add_facts(self, facts: ReportFacts) -> None:
        report = facts.report
        r = self.report_iri(report)
        self.add(r, RDF.type, SKG.Report)
        self.add(r, DCTERMS.title, Literal(report.title))
        self.add(r, SKG.sourceFile, Literal(report.source_file))
        if report.period:
            self.add(r, SKG.startDate, _date(report.period.start))
            self.add(r, SKG.endDate, _date(report.period.end))
        for entity in facts.new_entities:
            self.entities.setdefault(entity.key, entity)
        for key in facts.mentions:
            self.add(r, SKG.mentions, self.iri(key))
            self.add_entity(key)
        for key, surfaces in sorted(facts.surfaces.items()):
            self.add_spellings(key, surfaces)
        for line in facts.supply_lines:
            self.add(r, SKG.mentions, self.iri(line.key))
            self.add_line(line)
        for event in facts.events:
            self.add_event(event, r, report)
        for control in facts.controls:
            self.add_control(control, r)

    # --- entities --------------------------------------------------------------------------

    def add_entity(self, key: str) -> None:
        """An entity's reference triples, and those of the province/country it lies in."""
        node = self.iri(key)
        if (node, RDF.type, SKG.Place) in self.triples or (
            node,
            RDF.type,
            SKG.Actor,
        ) in self.triples:
            return
        if key in self.gaz.facts:
            for pred, obj in self.gaz.facts[key]:
                self.add(node, URIRef(pred), self._term(obj))
                if pred in (str(SKG.locatedIn), str(SKG.partOf)) and isinstance(obj, ox.NamedNode):
                    self.add_entity(obj.value[len(REFERENCE_BASE) :])
            return
        entity = self.entities.get(key) or self.gaz.entities.get(key)
        if entity is None:
            return
        self.add(node, RDF.type, SKG.Place if entity.kind == "place" else SKG.Actor)
        self.add(node, RDFS.label, Literal(entity.label))
        if entity.unresolved:
            self.add(node, SKG.unresolved, Literal(True))
        if entity.place_type:
            self.add(node, SKG.placeType, Literal(entity.place_type))

    def add_spellings(self, key: str, surfaces: set[str]) -> None:
        """Spellings the text used that the entity's names do not already cover."""
        entity = self.entities.get(key) or self.gaz.entities.get(key)
        if entity is None:
            return
        known = set().union(*(name_keys(n) for n in (entity.label, *entity.alt_labels)))
        for surface in sorted(surfaces):
            clean = " ".join(clean_typography(surface).split())
            if not name_keys(clean) & known:
                self.add(self.iri(key), SKOS.altLabel, Literal(clean))
                known |= name_keys(clean)

    def _term(self, obj: ox.NamedNode | ox.Literal | ox.BlankNode):
        if isinstance(obj, ox.NamedNode):
            value = obj.value
            if value.startswith(REFERENCE_BASE) and str(self.ns) != REFERENCE_BASE:
                value = str(self.ns) + value[len(REFERENCE_BASE) :]
            return URIRef(value)
        if isinstance(obj, ox.Literal):
            if obj.language:
                return Literal(obj.value, lang=obj.language)
            dt = obj.datatype.value
            if dt == str(XSD.string):
                return Literal(obj.value)
            return Literal(obj.value, datatype=URIRef(dt))
        return BNode(obj.value)

    def add_line(self, line: SupplyLine) -> None:
        node = self.iri(line.key)
        self.add(node, RDF.type, SKG.SupplyLine)
        if line.key not in self.line_labels:
            self.line_labels[line.key] = line.label
            self.add(node, RDFS.label, Literal(line.label))
        for end in line.endpoints:
            self.add(node, SKG.connects, self.iri(end))
            self.add_entity(end)
        for way in line.waypoints:
            self.add(node, SKG.passesThrough, self.iri(way))
            self.add_entity(way)

    # --- events ----------------------------------------------------------------------------

    def add_event(self, event: Event, report_iri: URIRef, report: Report) -> None:
        s = event.sentence
        node = self.iri(
            "event/"
            + short_hash(
                report_iri,
                s.start,
                event.trigger_start,
                event.type,
                event.location,
                event.agent,
                event.target,
            )
        )
        self.add(node, RDF.type, SKG.Event)
        self.add(node, RDF.type, SKG[event.type])
        self.add(node, SKG.trigger, Literal(event.trigger))
        self.add(node, SKG.evidence, Literal(s.text))
        self.add(node, SKG.evidenceStart, Literal(s.start))
        self.add(node, SKG.evidenceEnd, Literal(s.end))
        self.add(node, PROV.wasDerivedFrom, report_iri)
        self.add(node, SKG.certainty, SKG[event.certainty])
        for pred, key in ((SKG.agent, event.agent), (SKG.target, event.target),
                          (SKG.location, event.location), (SKG.claimedBy, event.claimed_by)):  # fmt: skip
            if key:
                self.add(node, pred, self.iri(key))
                self.add_entity(key)
        if event.affects:
            self.add(node, SKG.affects, self.iri(event.affects))
        if event.start:
            self.add(node, SKG.startDate, _date(event.start))
        if event.end:
            self.add(node, SKG.endDate, _date(event.end))
        if not event.start and report.period:
            self.add(node, SKG.periodStart, _date(report.period.start))
            self.add(node, SKG.periodEnd, _date(report.period.end))
        if event.fatalities is not None:
            self.add(node, SKG.fatalities, Literal(event.fatalities))

    def add_control(self, control: Control, report_iri: URIRef) -> None:
        s = control.sentence
        node = self.iri(
            "control/" + short_hash(report_iri, s.start, control.location, control.controller)
        )
        self.add(node, RDF.type, SKG.TerritorialControl)
        self.add(node, SKG.location, self.iri(control.location))
        self.add(node, SKG.controlledBy, self.iri(control.controller))
        self.add_entity(control.location)
        self.add_entity(control.controller)
        if control.as_of:
            self.add(node, SKG.startDate, _date(control.as_of))
        self.add(node, SKG.certainty, SKG[control.certainty])
        self.add(node, SKG.evidence, Literal(s.text))
        self.add(node, SKG.evidenceStart, Literal(s.start))
        self.add(node, SKG.evidenceEnd, Literal(s.end))
        self.add(node, PROV.wasDerivedFrom, report_iri)

    # --- the graph -------------------------------------------------------------------------

    def graph(self, with_ontology: bool = True) -> Graph:
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns)
        g.bind("id", self.ns)
        for triple in self.triples:
            g.add(triple)
        if with_ontology:
            _add_used_terms(g)
        return g


def _date(d: date) -> Literal:
    return Literal(d.isoformat(), datatype=XSD.date)


def _add_used_terms(g: Graph) -> None:
    """The ontology's own description of every term the instance data uses."""
    ontology = load_ontology()
    used = (
        set(g.predicates()) | set(g.objects(None, RDF.type)) | set(g.objects(None, SKG.certainty))
    )
    for term in used:
        for p, o in ontology.predicate_objects(term):
            if not isinstance(o, BNode):
                g.add((term, p, o))
