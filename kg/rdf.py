"""Facts -> RDF. The only module that mints IRIs and builds triples.

IRIs are readable and deterministic: ``id/place/aleppo``, ``id/actor/isis``,
``id/supply-line/khanaser--ithriya``, ``id/report/<title slug>``, and for events and
control statements a short hash of what identifies them, so rebuilding the same input
gives the same graph, byte for byte.

Triples are built as N-Triples term strings (``kg.triples``): a build of 10,000 reports makes
over a million of them, and rdflib objects cost ten times as much to create and hash.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.extract.gazetteer import Gazetteer
from kg.model import Control, Entity, Event, Report, ReportFacts, Sentence, SupplyLine
from kg.normalize import ascii_fold, clean_typography, name_keys
from kg.triples import RDF_TYPE, TripleTable, from_rdflib, iri, literal, save_turtle
from kg.validate import load_ontology
from kg.vocab import DCTERMS, PROV, RDFS, SEM, SKG, SKOS, WGS84, XSD

DEFAULT_BASE = "https://w3id.org/sitrep-kg/id/"
REFERENCE_BASE = "https://w3id.org/sitrep-kg/id/"
PREFIXES = {
    "skg": SKG._NS, "sem": SEM._NS, "prov": PROV, "wgs84": WGS84._NS, "skos": SKOS,
    "dcterms": DCTERMS, "xsd": XSD, "rdfs": RDFS, "owl": "http://www.w3.org/2002/07/owl#",
    "geo": "http://www.opengis.net/ont/geosparql#",
}  # fmt: skip


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _NOT_SLUG.sub("-", ascii_fold(text).lower().replace("'", "")).strip("-")


def short_hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:10]


Term = str  # an N-Triples term string: "<iri>", "\"text\"", "\"1\"^^<...#integer>"


def term(uri: URIRef) -> Term:
    return iri(str(uri))


TYPE = RDF_TYPE
PLACE, ACTOR, REPORT = term(SKG.Place), term(SKG.Actor), term(SKG.Report)
SUPPLY_LINE, EVENT, CONTROL = term(SKG.SupplyLine), term(SKG.Event), term(SKG.TerritorialControl)
LABEL, ALT_LABEL, TITLE = term(RDFS.label), term(SKOS.altLabel), term(DCTERMS.title)
SOURCE_FILE, MENTIONS = term(SKG.sourceFile), term(SKG.mentions)
START, END = term(SKG.startDate), term(SKG.endDate)
PERIOD_START, PERIOD_END = term(SKG.periodStart), term(SKG.periodEnd)
UNRESOLVED, PLACE_TYPE = term(SKG.unresolved), term(SKG.placeType)
CONNECTS, PASSES = term(SKG.connects), term(SKG.passesThrough)
TRIGGER, EVIDENCE = term(SKG.trigger), term(SKG.evidence)
EVIDENCE_START, EVIDENCE_END = term(SKG.evidenceStart), term(SKG.evidenceEnd)
DERIVED, CERTAINTY, AFFECTS = term(PROV.wasDerivedFrom), term(SKG.certainty), term(SKG.affects)
FATALITIES, LOCATION = term(SKG.fatalities), term(SKG.location)
CONTROLLED_BY = term(SKG.controlledBy)
AGENT, TARGET, CLAIMED_BY = term(SKG.agent), term(SKG.target), term(SKG.claimedBy)
PARENT_LINKS = (str(SKG.locatedIn), str(SKG.partOf))
XSD_DATE, XSD_INTEGER, XSD_BOOLEAN = str(XSD.date), str(XSD.integer), str(XSD.boolean)
TRUE = literal("true", XSD_BOOLEAN)


class GraphBuilder:
    """Accumulates the triples of a build, report by report, in a TripleTable.

    ``finish()`` adds the ontology's description of the terms used; ``graph()`` shows the
    result as a (read-only) rdflib Graph and ``save_turtle(path)`` writes it, sorted.
    """

    def __init__(self, gaz: Gazetteer, base: str = DEFAULT_BASE) -> None:
        self.gaz = gaz
        self.base = base
        self.table = TripleTable()
        self.entities: dict[str, Entity] = {}
        self.report_iris: dict[tuple[str, int], str] = {}
        self.report_keys: set[str] = set()
        self.line_labels: dict[str, str] = {}
        self._iris: dict[str, Term] = {}
        self._vocab: dict[str, Term] = {}
        self._reference: dict[str, list[tuple[Term, Term, str | None]]] = {}
        self._entity_keys: dict[str, frozenset[str]] = {}
        self._pairs = self.table.by_predicate
        self._typed: set[str] = set()
        self._spelled: set[tuple[str, frozenset[str]]] = set()
        self._evidence: tuple[str, Term] = ("", "")  # the last sentence and its literal
        self._spellings: dict[str, tuple[str, set[str]]] = {}
        self._finished = False

    def state(self) -> dict:
        """Everything the builder has accumulated (not the gazetteer), for ``restore``:
        taken before ``finish``, so that the reports added after it are finished too."""
        if self._finished:
            raise ValueError("the state of a finished graph cannot take more reports")
        return {k: v for k, v in vars(self).items() if k not in ("gaz", "_pairs")}

    @classmethod
    def restore(cls, gaz: Gazetteer, state: dict) -> GraphBuilder:
        """A builder that goes on from a saved ``state()`` (made with the same gazetteer)."""
        builder = cls(gaz, state["base"])
        vars(builder).update(state)
        builder._pairs = builder.table.by_predicate
        return builder

    def iri(self, key: str) -> Term:
        node = self._iris.get(key)
        if node is None:
            node = self._iris[key] = iri(self.base + key)
        return node

    def once_iri(self, key: str) -> Term:
        """The IRI of an event or a control, made once per build: not kept, unlike those of
        the entities, which are looked up again and again."""
        return iri(self.base + key)

    def skg(self, name: str) -> Term:
        """An skg: term by name; an unknown name fails as the closed namespace does."""
        node = self._vocab.get(name)
        if node is None:
            node = self._vocab[name] = term(SKG[name])
        return node

    def add(self, s: Term, p: Term, o: Term) -> None:
        self._pairs[p].add((s, o))

    # --- reports ---------------------------------------------------------------------------

    def report_key(self, report: Report) -> str:
        ident = (report.source_file, report.index)
        if ident not in self.report_iris:
            base = f"report/{slug(report.title) or 'untitled'}"
            key, n = base, 2
            while key in self.report_keys:
                key, n = f"{base}-{n}", n + 1
            self.report_iris[ident] = key
            self.report_keys.add(key)
        return self.report_iris[ident]

    def add_facts(self, facts: ReportFacts) -> None:
        report = facts.report
        report_key = self.report_key(report)
        r = self.iri(report_key)
        self.add(r, TYPE, REPORT)
        self.add(r, TITLE, literal(report.title))
        self.add(r, SOURCE_FILE, literal(report.source_file))
        if report.period:
            self.add(r, START, _date(report.period.start))
            self.add(r, END, _date(report.period.end))
        for entity in facts.new_entities:
            self.entities.setdefault(entity.key, entity)
        mentions, typed = self._pairs[MENTIONS], self._typed
        for key in facts.mentions:
            mentions.add((r, self.iri(key)))
            if key not in typed:  # add_entity's own first test, made here: most keys pass it
                self.add_entity(key)
        for key, surfaces in sorted(facts.surfaces.items()):
            self.add_spellings(key, surfaces)
        for line in facts.supply_lines:
            mentions.add((r, self.iri(line.key)))
            self.add_line(line)
        report_iri = self.base + report_key  # what event and control hashes are made of
        for event in facts.events:
            self.add_event(event, r, report_iri, report)
        for control in facts.controls:
            self.add_control(control, r, report_iri)

    # --- entities --------------------------------------------------------------------------

    def add_entity(self, key: str) -> None:
        """An entity's reference triples, and those of the province/country it lies in."""
        if key in self._typed:
            return
        node = self.iri(key)
        if (node, TYPE, PLACE) in self.table or (node, TYPE, ACTOR) in self.table:
            self._typed.add(key)  # an entity's triples are added once
            return
        if key in self.gaz.facts:
            for pred, obj, parent in self.reference_triples(key):
                self.add(node, pred, obj)
                if parent is not None:
                    self.add_entity(parent)
            # Added again, the same triples would change nothing (a reference route has no
            # rdf:type Place or Actor, so the test above does not catch it).
            self._typed.add(key)
            return
        entity = self.entities.get(key) or self.gaz.entities.get(key)
        if entity is None:
            return
        self.add(node, TYPE, PLACE if entity.kind == "place" else ACTOR)
        self.add(node, LABEL, literal(entity.label))
        if entity.unresolved:
            self.add(node, UNRESOLVED, TRUE)
        if entity.place_type:
            self.add(node, PLACE_TYPE, literal(entity.place_type))

    def reference_triples(self, key: str) -> list[tuple[Term, Term, str | None]]:
        """(predicate, object, parent key to add too) of a gazetteer entity, converted once."""
        if key not in self._reference:
            rows = []
            for pred, obj in self.gaz.facts[key]:
                if isinstance(obj, ox.BlankNode):
                    continue  # a reference route's stop list stays in the reference data
                parent = None
                if pred in PARENT_LINKS and isinstance(obj, ox.NamedNode):
                    parent = obj.value[len(REFERENCE_BASE) :]
                rows.append((iri(pred), from_rdflib(self._term(obj)), parent))
            self._reference[key] = rows
        return self._reference[key]

    def add_spellings(self, key: str, surfaces: set[str]) -> None:
        """Spellings the text used that the entity's names do not already cover."""
        # The outcome depends on the entity's names and these spellings only, and an
        # entity's names do not change during a build: the same set twice adds nothing new.
        # (Tested first: a set is only remembered once its entity was found, and entities
        # are never removed.)
        seen = (key, frozenset(surfaces))
        if seen in self._spelled:
            return
        entity = self.entities.get(key) or self.gaz.entities.get(key)
        if entity is None:
            return
        self._spelled.add(seen)
        known = self._name_keys(key, entity)
        added: set[str] = set()
        for surface in sorted(surfaces):
            clean, keys = self._spelling(surface)
            if keys.isdisjoint(known) and keys.isdisjoint(added):
                self.add(self.iri(key), ALT_LABEL, literal(clean))
                added |= keys

    def _spelling(self, surface: str) -> tuple[str, set[str]]:
        """A text spelling, tidied, and its matching keys (memoised: spellings repeat)."""
        found = self._spellings.get(surface)
        if found is None:
            clean = " ".join(clean_typography(surface).split())
            found = self._spellings[surface] = (clean, name_keys(clean))
        return found

    def _name_keys(self, key: str, entity: Entity) -> frozenset[str]:
        """The matching keys of an entity's own names (computed once: an entity's names do
        not change during a build)."""
        keys = self._entity_keys.get(key)
        if keys is None:
            names = (entity.label, *entity.alt_labels)
            keys = self._entity_keys[key] = frozenset().union(*(name_keys(n) for n in names))
        return keys

    def _term(self, obj: ox.NamedNode | ox.Literal | ox.BlankNode) -> Node:
        """A reference-data term as rdflib reads it (rdflib's lexical forms are kept)."""
        if isinstance(obj, ox.NamedNode):
            value = obj.value
            if value.startswith(REFERENCE_BASE) and self.base != REFERENCE_BASE:
                value = self.base + value[len(REFERENCE_BASE) :]
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
        self.add(node, TYPE, SUPPLY_LINE)
        if line.key not in self.line_labels:
            self.line_labels[line.key] = line.label
            self.add(node, LABEL, literal(line.label))
        for end in line.endpoints:
            self.add(node, CONNECTS, self.iri(end))
            self.add_entity(end)
        for way in line.waypoints:
            self.add(node, PASSES, self.iri(way))
            self.add_entity(way)

    # --- events ----------------------------------------------------------------------------

    def add_event(self, event: Event, r: Term, report_iri: str, report: Report) -> None:
        s = event.sentence
        ident = (event.trigger_start, event.type, event.location, event.agent, event.target)
        node = self.once_iri("event/" + short_hash(report_iri, s.start, *ident))
        # The pairs are added to directly: this runs for every event of the build.
        pairs, typed = self._pairs, self._typed
        pairs[TYPE].add((node, EVENT))
        pairs[TYPE].add((node, self.skg(event.type)))
        pairs[TRIGGER].add((node, _text(event.trigger)))
        self._add_evidence(node, s, r)
        pairs[CERTAINTY].add((node, self.skg(event.certainty)))
        for pred, key in ((AGENT, event.agent), (TARGET, event.target),
                          (LOCATION, event.location), (CLAIMED_BY, event.claimed_by)):  # fmt: skip
            if key:
                pairs[pred].add((node, self.iri(key)))
                if key not in typed:  # add_entity's first test, made here
                    self.add_entity(key)
        if event.affects:
            pairs[AFFECTS].add((node, self.iri(event.affects)))
        if event.start:
            pairs[START].add((node, _date(event.start)))
        if event.end:
            pairs[END].add((node, _date(event.end)))
        if not event.start and report.period:
            pairs[PERIOD_START].add((node, _date(report.period.start)))
            pairs[PERIOD_END].add((node, _date(report.period.end)))
        if event.fatalities is not None:
            pairs[FATALITIES].add((node, _integer(event.fatalities)))

    def _add_evidence(self, node: Term, s: Sentence, r: Term) -> None:
        if self._evidence[0] != s.text:  # a sentence's events come one after another
            self._evidence = (s.text, literal(s.text))
        pairs = self._pairs
        pairs[EVIDENCE].add((node, self._evidence[1]))
        pairs[EVIDENCE_START].add((node, _integer(s.start)))
        pairs[EVIDENCE_END].add((node, _integer(s.end)))
        pairs[DERIVED].add((node, r))

    def add_control(self, control: Control, r: Term, report_iri: str) -> None:
        s = control.sentence
        node = self.once_iri(
            "control/" + short_hash(report_iri, s.start, control.location, control.controller)
        )
        self.add(node, TYPE, CONTROL)
        self.add(node, LOCATION, self.iri(control.location))
        self.add(node, CONTROLLED_BY, self.iri(control.controller))
        self.add_entity(control.location)
        self.add_entity(control.controller)
        if control.as_of:
            self.add(node, START, _date(control.as_of))
        self.add(node, CERTAINTY, self.skg(control.certainty))
        self._add_evidence(node, s, r)

    # --- the graph -------------------------------------------------------------------------

    def finish(self, with_ontology: bool = True) -> TripleTable:
        """The finished triples: the instance data and, once, the ontology terms it uses."""
        if with_ontology and not self._finished:
            _add_used_terms(self.table)
            self._finished = True
        return self.table

    def prefixes(self) -> dict[str, str]:
        return {prefix: str(ns) for prefix, ns in PREFIXES.items()}

    def graph(self, with_ontology: bool = True) -> Graph:
        """The finished graph as a read-only rdflib Graph."""
        return self.finish(with_ontology).graph({**self.prefixes(), "id": self.base})

    def save_turtle(self, path: Path) -> None:
        """Write the finished graph to ``path`` as sorted Turtle."""
        save_turtle(self.finish(), self.prefixes(), path)


@lru_cache(maxsize=4096)
def _date(d: date) -> Term:
    return literal(d.isoformat(), XSD_DATE)


def _integer(n: int) -> Term:
    return f'"{n}"^^<{XSD_INTEGER}>'  # digits need no escaping


@lru_cache(maxsize=1 << 14)
def _text(text: str) -> Term:
    """A plain literal of a short, often repeated text (a trigger word)."""
    return literal(text)


def _add_used_terms(table: TripleTable) -> None:
    """The ontology's own description of every term the instance data uses."""
    ontology = load_ontology()
    used = set(table.by_predicate) | table.objects(TYPE) | table.objects(CERTAINTY)
    for node in sorted(used):
        for p, o in ontology.predicate_objects(URIRef(node[1:-1])):
            if not isinstance(o, BNode):
                table.add(node, from_rdflib(p), from_rdflib(o))
