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
from collections.abc import Iterable, Iterator, Mapping
from itertools import groupby
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

    def sorted_triples(self) -> list[tuple[str, str, str]]:
        return sorted((s, p, o) for p, pairs in self.by_predicate.items() for s, o in pairs)

    def graph(self, prefixes: Mapping[str, str] | None = None) -> Graph:
        """A read-only rdflib Graph over these triples."""
        store = TableStore(self)
        graph = Graph(store=store)
        for prefix, namespace in (prefixes or {}).items():
            store.bind(prefix, URIRef(namespace))
        return graph


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

    def triples(self, triple_pattern, context=None) -> Iterator:  # type: ignore[override]
        s, p, o = (None if t is None else from_rdflib(t) for t in triple_pattern)
        predicates = [p] if p is not None else sorted(self.table.by_predicate)
        no_contexts: tuple = ()
        for pred in predicates:
            pred_node = self._node(pred)
            for subject, obj in self.table.by_predicate.get(pred, ()):
                if (s is None or subject == s) and (o is None or obj == o):
                    triple = (self._node(subject), pred_node, self._node(obj))
                    yield triple, iter(no_contexts)

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
    """Term strings -> Turtle: prefixed names, bare numbers and booleans."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest namespace first, so "skg:" wins over a shorter namespace it extends.
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.cache: dict[str, str] = {}

    def __call__(self, term: str) -> str:
        if term.startswith("<"):
            short = self.cache.get(term)
            if short is None:
                short = self.cache[term] = self._iri(term)
            return short
        if term.startswith('"') and term.endswith(">"):
            return self._typed(term)
        return term

    def _iri(self, term: str) -> str:
        value = term[1:-1]
        for prefix, namespace in self.prefixes:
            if value.startswith(namespace) and _LOCAL.fullmatch(value[len(namespace) :]):
                return f"{prefix}:{value[len(namespace) :]}"
        return term

    def _typed(self, term: str) -> str:
        body, _, suffix = term.rpartition('"')
        datatype = suffix[2:]
        bare = _BARE.get(datatype)
        if bare is not None and bare.fullmatch(body[1:]):
            return body[1:]
        return f'{body}"^^{self(datatype)}'


def write_turtle(
    triples: Iterable[tuple[str, str, str]], prefixes: Mapping[str, str], out: IO[str]
) -> None:
    """Write sorted ``triples`` as Turtle: one block per subject, rdf:type first as ``a``."""
    short = _Abbreviator(prefixes)
    for prefix, namespace in sorted(prefixes.items()):
        out.write(f"@prefix {prefix}: <{namespace}> .\n")
    for subject, group in groupby(triples, key=lambda t: t[0]):
        pairs = [(p, o) for _, p, o in group]
        types = [o for p, o in pairs if p == RDF_TYPE]
        lines = []
        if types:
            lines.append("a " + ",\n        ".join(short(o) for o in types))
        for predicate, objects in groupby((po for po in pairs if po[0] != RDF_TYPE), key=_first):
            values = ",\n        ".join(short(o) for _, o in objects)
            lines.append(f"{short(predicate)} {values}")
        out.write(f"\n{short(subject)} " + " ;\n    ".join(lines) + " .\n")


def _first(pair: tuple[str, str]) -> str:
    return pair[0]


def save_turtle(
    triples: Iterable[tuple[str, str, str]], prefixes: Mapping[str, str], path: Path
) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        write_turtle(triples, prefixes, out)
