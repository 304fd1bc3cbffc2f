"""Triples as N-Triples term strings: the build's bulk representation.

A term is kept as the text N-Triples writes for it (``<iri>``, ``"text"``,
``"2015-10-23"^^<http://www.w3.org/2001/XMLSchema#date>``, ``"label"@en``, ``_:b0``), so
building, de-duplicating and sorting a million triples costs string operations, not rdflib
objects. From here the triples go two ways:

- ``write_turtle`` writes them as sorted, prefixed Turtle (the same triples rdflib's
  serializer would write, byte-stable from one build to the next);
- ``TripleTable.graph()`` shows them as a read-only rdflib ``Graph`` for the analysis and the
  pages, converting each distinct term to an rdflib term once, on demand.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.store import Store
from rdflib.term import Node

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = f"{XSD}string"

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')
_UNESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(["\\nrtbf\']))')
_ECHARS = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "'": "'"}
# Literals Turtle may write bare: their lexical forms are exactly these grammar rules.
_BARE = {
    f"<{XSD}integer>": re.compile(r"[+-]?[0-9]+"),
    f"<{XSD}decimal>": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    f"<{XSD}boolean>": re.compile(r"true|false"),
}
# A local name written after a prefix: conservative, so every Turtle parser reads it back.
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


# --------------------------------------------------------------------------- terms


def iri(value: str) -> str:
    return f"<{value}>"


def literal(lexical: str, datatype: str | None = None, lang: str | None = None) -> str:
    """An N-Triples literal; ``datatype`` is a full IRI (xsd:string is written plain)."""
    text = _escape(lexical)
    if lang:
        return f'"{text}"@{lang}'
    if datatype and datatype != XSD_STRING:
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def _escape(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):
        return text
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(0), f"\\u{ord(m.group(0)):04X}"), text)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        code = m.group(1) or m.group(2)
        return chr(int(code, 16)) if code else _ECHARS[m.group(3)]

    return _UNESCAPE.sub(one, text)


def from_rdflib(term: Node) -> str:
    """An rdflib term as a term string (literals keep rdflib's lexical form)."""
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        return literal(str(term), datatype, term.language)
    if isinstance(term, BNode):
        return f"_:{term}"
    return iri(str(term))


def to_rdflib(term: str) -> Node:
    """The rdflib term of a term string."""
    if term.startswith("<"):
        return URIRef(term[1:-1])
    if term.startswith("_:"):
        return BNode(term[2:])
    body, _, suffix = term.rpartition('"')
    lexical = _unescape(body[1:])
    if suffix.startswith("@"):
        return Literal(lexical, lang=suffix[1:])
    if suffix.startswith("^^"):
        return Literal(lexical, datatype=URIRef(suffix[3:-1]))
    return Literal(lexical)


# --------------------------------------------------------------------------- the table


class TripleTable:
    """A set of triples of term strings, indexed by predicate."""

    def __init__(self) -> None:
        self.by_predicate: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)

    def add(self, s: str, p: str, o: str) -> None:
        self.by_predicate[p].add((s, o))

    def __contains__(self, triple: tuple[str, str, str]) -> bool:
        s, p, o = triple
        return (s, o) in self.by_predicate.get(p, ())

    def __len__(self) -> int:
        return sum(len(pairs) for pairs in self.by_predicate.values())

    def objects(self, predicate: str) -> set[str]:
        return {o for _, o in self.by_predicate.get(predicate, ())}

    def graph(self, prefixes: Mapping[str, str] | None = None) -> Graph:
        """A read-only rdflib Graph over these triples."""
        store = TableStore(self)
        graph = TableGraph(store)
        for prefix, namespace in (prefixes or {}).items():
            store.bind(prefix, URIRef(namespace))
        return graph


class TableGraph(Graph):
    """The rdflib Graph of a TableStore, with a short path for reading one predicate's
    pairs (what ``kg.graphdata`` does for every term of the contract)."""

    def __init__(self, store: TableStore) -> None:
        super().__init__(store=store)
        self.table_store = store

    def subject_objects(self, predicate=None, unique: bool = False):  # type: ignore[override]
        if predicate is None or not isinstance(predicate, URIRef):
            yield from super().subject_objects(predicate, unique)
            return
        yield from self.table_store.pairs(from_rdflib(predicate))


_NO_CONTEXTS: Iterator = iter(())  # exhausted, so safe to share


class TableStore(Store):
    """A read-only rdflib store over a TripleTable; terms become rdflib terms once each."""

    def __init__(self, table: TripleTable) -> None:
        super().__init__()
        self.table = table
        self._terms: dict[str, Node] = {}
        self._namespaces: dict[str, URIRef] = {}

    def _node(self, term: str) -> Node:
        node = self._terms.get(term)
        if node is None:
            node = self._terms[term] = to_rdflib(term)
        return node

    def pairs(self, predicate: str) -> Iterator[tuple[Node, Node]]:
        """(subject, object) of every triple with ``predicate``, as rdflib terms."""
        terms, node = self._terms, self._node
        for subject, obj in self.table.by_predicate.get(predicate, ()):
            # The lookups are inlined: this loop runs once per triple read.
            yield terms.get(subject) or node(subject), terms.get(obj) or node(obj)

    def triples(self, triple_pattern, context=None) -> Iterator:  # type: ignore[override]
        s, p, o = (None if t is None else from_rdflib(t) for t in triple_pattern)
        predicates = [p] if p is not None else sorted(self.table.by_predicate)
        terms, node = self._terms, self._node
        for pred in predicates:
            pred_node = node(pred)
            for subject, obj in self.table.by_predicate.get(pred, ()):
                if (s is None or subject == s) and (o is None or obj == o):
                    # The lookups are inlined: this loop runs once per triple read.
                    s_node = terms.get(subject) or node(subject)
                    o_node = terms.get(obj) or node(obj)
                    yield (s_node, pred_node, o_node), _NO_CONTEXTS

    def __len__(self, context=None) -> int:
        return len(self.table)

    def contexts(self, triple=None) -> Iterator:  # type: ignore[override]
        return iter(())

    def add(self, triple, context=None, quoted=False) -> None:  # type: ignore[override]
        raise TypeError("this graph is a read-only view of a build's triples")

    def remove(self, triple, context=None) -> None:  # type: ignore[override]
        raise TypeError("this graph is a read-only view of a build's triples")

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        self._namespaces[prefix] = namespace

    def namespace(self, prefix: str) -> URIRef | None:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return next((p for p, ns in self._namespaces.items() if ns == namespace), None)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from self._namespaces.items()


# --------------------------------------------------------------------------- Turtle


class _Abbreviator:
    """Term strings -> Turtle: prefixed names, bare numbers and booleans (memoised: most
    terms repeat)."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest namespace first, so "skg:" wins over a shorter namespace it extends.
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.cache: dict[str, str] = {}

    def __call__(self, term: str) -> str:
        if term[-1] == '"' or term[0] == "_":
            return term  # a plain literal or a blank node: as N-Triples writes it
        short = self.cache.get(term)
        if short is None:
            short = self.cache[term] = self._iri(term) if term[0] == "<" else self._literal(term)
        return short

    def _iri(self, term: str) -> str:
        value = term[1:-1]
        for prefix, namespace in self.prefixes:
            if value.startswith(namespace) and _LOCAL.fullmatch(value[len(namespace) :]):
                return f"{prefix}:{value[len(namespace) :]}"
        return term

    def _literal(self, term: str) -> str:
        body, _, suffix = term.rpartition('"')
        if not suffix.startswith("^^"):
            return term  # a language tag
        datatype = suffix[2:]
        bare = _BARE.get(datatype)
        if bare is not None and bare.fullmatch(body[1:]):
            return body[1:]
        return f'{body}"^^{self(datatype)}'


def write_turtle(table: TripleTable, prefixes: Mapping[str, str], out: IO[str]) -> None:
    """Write ``table`` as Turtle: subjects sorted, one block each, rdf:type first as ``a``,
    then predicates and objects sorted."""
    short = _Abbreviator(prefixes)
    for prefix, namespace in sorted(prefixes.items()):
        out.write(f"@prefix {prefix}: <{namespace}> .\n")
    by_subject: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for predicate, pairs in table.by_predicate.items():
        # Sort keys: "" puts rdf:type first; an object sorts by its N-Triples form.
        key = "" if predicate == RDF_TYPE else predicate
        for s, o in pairs:
            by_subject[s].append((key, o))
    heads = {key: f" ;\n    {short(key)} " for key in table.by_predicate}
    heads[""] = " ;\n    a "
    chunk: list[str] = []
    for subject in sorted(by_subject):
        chunk.append(_block(short(subject), sorted(by_subject[subject]), heads, short))
        if len(chunk) >= 4096:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))


def _block(
    subject: str, rows: list[tuple[str, str]], heads: dict[str, str], short: _Abbreviator
) -> str:
    """One subject's triples: ``s a T ;\n    p o1,\n        o2 .``"""
    parts = []
    last = None
    for predicate, obj in rows:
        parts.append(",\n        " if predicate == last else heads[predicate])
        last = predicate
        parts.append(obj if obj[-1] == '"' else short(obj))
    # The first head's " ;\n    " becomes the space after the subject.
    return f"\n{subject} {''.join(parts)[7:]} .\n"


def save_turtle(table: TripleTable, prefixes: Mapping[str, str], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        write_turtle(table, prefixes, out)
