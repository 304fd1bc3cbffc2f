"""Where the triples live. A store is picked by a spec string, like an rdflib plugin:

    memory              an rdflib graph parsed from graph.ttl (the default; nothing persists)
    oxigraph:DIR        a pyoxigraph store on disk, queried in-process
    http(s)://HOST/...  any SPARQL 1.1 server: queries go to URL/query, updates to URL/update
                        (Oxigraph server: http://HOST:7878; Fuseki: http://HOST:3030/DATASET)

Persistent stores keep each report's facts (the report node and everything
``prov:wasDerivedFrom`` it) in a named graph called by the report IRI, and the shared terms
(ontology, actors, places, supply lines) in the named graph SHARED_GRAPH. Writing a build
replaces each of those graphs whole, so rebuilding never duplicates a fact. Queries see the
union of all graphs, so the bundled queries answer alike on every store.

Every store has the same small interface (see ``Store``); results come back as
``kg.query.QueryResult`` holding rdflib terms.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from rdflib import RDF, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery

from kg.errors import InputError, QueryError, StoreError
from kg.fsutil import atomic_write_bytes
from kg.graphio import load_graph
from kg.query import (
    DEFAULT_PREFIXES,
    QueryResult,
    bind_params,
    condense_error,
    has_dataset_clause,
    ntriples_term,
    query_form,
)

SKG = "https://w3id.org/sitrep-kg/ontology#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
SHARED_GRAPH = "https://w3id.org/sitrep-kg/id/graph/shared"

Term = URIRef | BNode | Literal
Triple = tuple[Term, Term, Term]


class Store(Protocol):
    """What every store offers; open one with ``open_store(spec)``."""

    spec: str

    def load(self, build: BuildGraphs) -> None:
        """Replace the shared graph and each report graph named in ``build``."""

    def replace_report_graph(self, graph_name: str, triples: Iterable[Triple]) -> None:
        """Make the named graph hold exactly ``triples``."""

    def query(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        bindings: Mapping[str, Literal] | None = None,
    ) -> QueryResult:
        """Answer a read-only query over the union of all graphs, with ``bindings`` set
        before evaluation."""

    def triple_count(self) -> int:
        """Number of quads held (a triple held in two graphs counts twice)."""

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...


class _Closing:
    def close(self) -> None:
        """Nothing to release by default."""

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- a build, by graph


@dataclass
class BuildGraphs:
    """A build cut into the shared graph and one graph per report (keyed by report IRI)."""

    shared: list[Triple] = field(default_factory=list)
    reports: dict[str, list[Triple]] = field(default_factory=dict)

    def graphs(self) -> Iterator[tuple[str, list[Triple]]]:
        yield SHARED_GRAPH, self.shared
        yield from sorted(self.reports.items())

    def __len__(self) -> int:
        return len(self.shared) + sum(len(t) for t in self.reports.values())


T = TypeVar("T", bound=Hashable)


def partition_by_report(
    triples: Iterable[tuple[T, T, T]],
    *,
    rdf_type: T,
    report_class: T,
    derived_from: T,
    is_blank: Callable[[T], bool],
) -> tuple[list[tuple[T, T, T]], dict[T, list[tuple[T, T, T]]]]:
    """Split triples into (shared, {report: triples}) whatever the term library.

    A report owns itself and every node derived from it alone; a blank node belongs to the
    node that points at it. Everything else is shared.
    """
    triples = list(triples)
    reports = {s for s, p, o in triples if p == rdf_type and o == report_class}
    sources: dict[T, set[T]] = defaultdict(set)
    for s, p, o in triples:
        if p == derived_from and o in reports:
            sources[s].add(o)
    owner: dict[T, T] = {r: r for r in reports}
    owner.update({node: next(iter(rs)) for node, rs in sources.items() if len(rs) == 1})
    _claim_blank_nodes(triples, owner, is_blank)
    shared: list[tuple[T, T, T]] = []
    by_report: dict[T, list[tuple[T, T, T]]] = {r: [] for r in reports}
    for triple in triples:
        report = owner.get(triple[0])
        (shared if report is None else by_report[report]).append(triple)
    return shared, by_report


def _claim_blank_nodes(
    triples: list[tuple[T, T, T]], owner: dict[T, T], is_blank: Callable[[T], bool]
) -> None:
    # Nested blank nodes (a list inside a structure) need a few passes to reach a fixpoint.
    changed = True
    while changed:
        changed = False
        for s, _, o in triples:
            if s in owner and is_blank(o) and o not in owner:
                owner[o] = owner[s]
                changed = True


def split_by_report(graph: Graph) -> BuildGraphs:
    """Cut a built graph (as in graph.ttl) into shared and per-report graphs."""
    shared, by_report = partition_by_report(
        graph,
        rdf_type=RDF.type,
        report_class=URIRef(SKG + "Report"),
        derived_from=URIRef(PROV_DERIVED),
        is_blank=lambda t: isinstance(t, BNode),
    )
    return BuildGraphs(shared, {str(r): ts for r, ts in by_report.items()})


BuildInput = Graph | Dataset | BuildGraphs | Path | Sequence[tuple[str, Iterable[Triple]]]


def to_build_graphs(build: BuildInput, shared: Iterable[Triple] = ()) -> BuildGraphs:
    """Accept what a build has at hand and cut it into graphs.

    ``build`` may be a Graph (split by ``prov:wasDerivedFrom``), a Dataset whose named graphs
    are already per report (its default graph is shared), a graph file, or a list of
    ``(report_iri, triples)`` with the shared terms passed as ``shared``.
    """
    if isinstance(build, BuildGraphs):
        return build
    if isinstance(build, Path):
        if build.suffix.lower() in QUAD_SUFFIXES:
            return _read_quads(build)
        return to_build_graphs(load_graph(build), shared)
    if isinstance(build, Dataset):
        return _dataset_graphs(build)
    if isinstance(build, Graph):
        graphs = split_by_report(build)
        graphs.shared.extend(shared)
        return graphs
    return BuildGraphs(list(shared), {str(name): list(ts) for name, ts in build})


def _dataset_graphs(dataset: Dataset) -> BuildGraphs:
    graphs = BuildGraphs()
    for context in dataset.graphs():
        triples = list(context)
        name = str(context.identifier)
        if name in (str(dataset.default_graph.identifier), SHARED_GRAPH):
            graphs.shared.extend(triples)
        elif triples:
            graphs.reports.setdefault(name, []).extend(triples)
    return graphs


def export_report_graphs(build: BuildInput, path: Path) -> int:
    """Write the build with one named graph per report plus SHARED_GRAPH, the layout the
    persistent stores use, as TriG (``.trig``) or N-Quads (``.nq``). Quads are sorted, so
    the same build gives the same bytes; returns the number of quads written.

    pyoxigraph writes it: rdflib's Dataset serializers warn about their own deprecated API.
    """
    kinds = {".trig": "trig", ".nq": "nquads"}
    kind = kinds.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"{path}: export as .trig or .nq")
    data, count = report_quads(build, kind)
    atomic_write_bytes(path, data)
    return count


def report_quads(build: BuildInput, kind: str) -> tuple[bytes, int]:
    """The build as sorted TriG (``kind="trig"``) or N-Quads, one named graph per report plus
    SHARED_GRAPH, and the number of quads."""
    import pyoxigraph as ox

    fmt = ox.RdfFormat.TRIG if kind == "trig" else ox.RdfFormat.N_QUADS
    quads = [
        ox.Quad(*(_to_oxigraph(t) for t in triple), ox.NamedNode(name))
        for name, triples in to_build_graphs(build).graphs()
        for triple in triples
    ]
    quads.sort(key=lambda q: (q.graph_name.value, str(q.subject), str(q.predicate), str(q.object)))
    prefixes = DEFAULT_PREFIXES if kind == "trig" else None
    return ox.serialize(quads, format=fmt, prefixes=prefixes), len(quads)


QUAD_SUFFIXES = (".trig", ".nq")


def read_graph_file(path: Path) -> Graph:
    """All triples of a graph file, merged; missing or broken files are InputErrors."""
    if path.suffix.lower() not in QUAD_SUFFIXES:
        return load_graph(path)
    graph = Graph()
    for _, triples in _read_quads(path).graphs():
        graph += triples
    return graph


def _read_quads(path: Path) -> BuildGraphs:
    """A TriG or N-Quads file's graphs, parsed by pyoxigraph (rdflib's Dataset parser warns
    about its own deprecated API); the default graph counts as shared."""
    import pyoxigraph as ox

    if not path.is_file():
        raise InputError(f"{path}: no such graph file (run `kg build` first?)")
    graphs = BuildGraphs()
    try:
        for quad in ox.parse(path=str(path)):
            triple = (
                _from_oxigraph(quad.subject),
                _from_oxigraph(quad.predicate),
                _from_oxigraph(quad.object),
            )
            name = quad.graph_name
            if isinstance(name, ox.DefaultGraph) or name.value == SHARED_GRAPH:
                graphs.shared.append(triple)  # type: ignore[arg-type]
            else:
                graphs.reports.setdefault(name.value, []).append(triple)  # type: ignore[arg-type]
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"{path}: not a readable graph ({condense_error(str(exc), 200)})") from exc
    return graphs


# --------------------------------------------------------------------------- memory


class MemoryStore(_Closing):
    """An rdflib Graph in this process. Queries run on the merged triples."""

    def __init__(self, graph: Graph | None = None, spec: str = "memory") -> None:
        self.spec = spec
        self.graph = graph if graph is not None else Graph()
        self._named: dict[str, set[Triple]] = {}

    def load(self, build: BuildGraphs) -> None:
        if not self._named and not len(self.graph):
            # A fresh store: add everything at once instead of diffing graph by graph.
            for name, triples in build.graphs():
                self._named[name] = set(triples)
                self.graph += triples
            return
        for name, triples in build.graphs():
            self.replace_report_graph(name, triples)

    def replace_report_graph(self, graph_name: str, triples: Iterable[Triple]) -> None:
        new = set(triples)
        old = self._named.pop(graph_name, set())
        held_elsewhere = set().union(*self._named.values()) if self._named else set()
        for triple in old - new - held_elsewhere:
            self.graph.remove(triple)
        for triple in new - old:
            self.graph.add(triple)
        self._named[graph_name] = new

    def query(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        bindings: Mapping[str, Literal] | None = None,
    ) -> QueryResult:
        try:
            prepared = _prepare(sparql)
        except Exception as exc:  # pyparsing's ParseException, or rdflib's bare Exception
            raise QueryError(condense_error(str(exc))) from exc
        try:
            answer = self.graph.query(prepared, initBindings=dict(bindings or {}))
            return _from_rdflib(answer, max_rows)
        except Exception as exc:  # evaluation failures surface as assorted exception types
            raise StoreError(f"query failed: {condense_error(str(exc))}") from exc

    def triple_count(self) -> int:
        return len(self.graph)

    @staticmethod
    def prepare(queries: Iterable[str]) -> None:
        """Parse queries ahead, so their first run is as quick as the next ones."""
        for sparql in queries:
            with contextlib.suppress(Exception):  # a bad query fails again, visibly, when run
                _prepare(sparql)


@functools.lru_cache(maxsize=128)
def _prepare(sparql: str) -> Any:
    # rdflib's parser (pyparsing) takes longer than evaluating most queries on a small
    # graph, and a server sees the same queries again and again.
    return prepareQuery(sparql, initNs=DEFAULT_PREFIXES)


def _from_rdflib(result: Any, max_rows: int | None) -> QueryResult:
    if result.type == "ASK":
        return QueryResult("ASK", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return _capped_graph(result.type, result.graph, max_rows)
    variables = [str(v) for v in result.vars]
    rows, truncated = _capped(iter(result), max_rows)
    return QueryResult("SELECT", variables, [tuple(row) for row in rows], truncated=truncated)


def _capped(items: Iterator[Any], max_rows: int | None) -> tuple[list[Any], bool]:
    rows = []
    for item in items:
        if max_rows is not None and len(rows) >= max_rows:
            return rows, True
        rows.append(item)
    return rows, False


def _capped_graph(form: str, triples: Iterable[Triple], max_rows: int | None) -> QueryResult:
    kept, truncated = _capped(iter(triples), max_rows)
    graph = Graph()
    for triple in kept:
        graph.add(triple)
    return QueryResult(form, graph=graph, truncated=truncated)


# --------------------------------------------------------------------------- oxigraph


class OxigraphStore(_Closing):
    """A pyoxigraph store on disk. Opened read-only unless writing, so several processes
    (kg serve workers, kg query) can read one folder while no build writes to it."""

    def __init__(self, path: Path, *, writable: bool = False) -> None:
        import pyoxigraph as ox

        self.spec = f"oxigraph:{path}"
        self.path = path
        self.writable = writable
        try:
            if writable:
                self._store = ox.Store(str(path))
            elif not (path / "CURRENT").is_file():
                raise StoreError(
                    f"no Oxigraph store at {path} (write one with --store {self.spec})"
                )
            else:
                self._store = ox.Store.read_only(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open Oxigraph store {path}: {_oxigraph_reason(exc)}") from exc

    def load(self, build: BuildGraphs) -> None:
        import pyoxigraph as ox

        self._replace_native(
            {
                ox.NamedNode(name): [tuple(_to_oxigraph(t) for t in triple) for triple in triples]
                for name, triples in build.graphs()
            }
        )

    def load_file(self, path: Path) -> int:
        """Load graph.ttl (or .nt) straight into per-report graphs, parsing natively.

        Much faster than going through rdflib for big graphs; returns the triples loaded.
        """
        import pyoxigraph as ox

        if not path.is_file():
            raise InputError(f"graph file not found: {path}")
        try:
            triples = [(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path))]
        except (SyntaxError, ValueError) as exc:
            raise InputError(f"cannot parse {path}: {condense_error(str(exc), 200)}") from exc
        shared, by_report = partition_by_report(
            triples,
            rdf_type=ox.NamedNode(str(RDF.type)),
            report_class=ox.NamedNode(SKG + "Report"),
            derived_from=ox.NamedNode(PROV_DERIVED),
            is_blank=lambda t: isinstance(t, ox.BlankNode),
        )
        graphs = {ox.NamedNode(SHARED_GRAPH): shared, **by_report}
        self._replace_native(graphs)
        return len(triples)

    def replace_report_graph(self, graph_name: str, triples: Iterable[Triple]) -> None:
        import pyoxigraph as ox

        native = [tuple(_to_oxigraph(t) for t in triple) for triple in triples]
        self._replace_native({ox.NamedNode(graph_name): native})

    def _replace_native(self, graphs: dict[Any, Sequence[tuple[Any, Any, Any]]]) -> None:
        """Make each named graph hold exactly its triples."""
        import pyoxigraph as ox

        fresh = not any(True for _ in self._store.named_graphs())
        for graph in graphs:
            if not fresh and self._store.contains_named_graph(graph):
                self._store.remove_graph(graph)
        quads = (ox.Quad(s, p, o, graph) for graph, ts in graphs.items() for s, p, o in ts)
        # An empty store has nothing to keep consistent: the fast, non-transactional loader.
        (self._store.bulk_extend if fresh else self._store.extend)(quads)

    def query(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        bindings: Mapping[str, Literal] | None = None,
    ) -> QueryResult:
        import pyoxigraph as ox

        try:
            # pyoxigraph's substitutions only bind projected variables, so bind with VALUES.
            answer = self._store.query(
                bind_params(sparql, bindings or {}),
                use_default_graph_as_union=True,
                prefixes=DEFAULT_PREFIXES,
            )
        except SyntaxError as exc:
            raise QueryError(condense_error(str(exc))) from exc
        try:
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult("ASK", boolean=bool(answer))
            if isinstance(answer, ox.QueryTriples):
                triples = (tuple(_from_oxigraph(t) for t in triple) for triple in answer)
                return _capped_graph(query_form(sparql) or "CONSTRUCT", triples, max_rows)
            variables = [v.value for v in answer.variables]
            rows, truncated = _capped(iter(answer), max_rows)
            converted = [tuple(_from_oxigraph(row[v]) for v in variables) for row in rows]
            return QueryResult("SELECT", variables, converted, truncated=truncated)
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"query failed: {condense_error(str(exc))}") from exc

    def triple_count(self) -> int:
        return len(self._store)

    def close(self) -> None:
        if self.writable:
            self._store.flush()
        del self._store


def _oxigraph_reason(exc: OSError) -> str:
    message = str(exc)
    if "lock" in message.lower():
        return "it is in use by another process (a running build or server?)"
    return condense_error(message, 160)


def _to_oxigraph(term: Term) -> Any:
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _from_oxigraph(term: Any) -> Term | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        # RDF 1.1 makes every simple literal an xsd:string; rdflib keeps them untyped.
        return (
            Literal(term.value)
            if datatype == str(XSD.string)
            else Literal(term.value, datatype=URIRef(datatype))
        )
    raise StoreError(f"unsupported term in results: {term}")


# --------------------------------------------------------------------------- SPARQL over HTTP


class HttpStore(_Closing):
    """A SPARQL 1.1 server (Oxigraph server, Fuseki, ...) spoken to with plain HTTP.

    Writes use SPARQL Update (DROP + INSERT DATA per graph, one request each, so a graph is
    replaced atomically). Queries name every graph as the default graph via the protocol's
    ``default-graph-uri``, which needs no union-graph setting on the server.
    """

    CHUNK = 20_000  # triples per INSERT DATA request

    def __init__(self, url: str, *, timeout: float = 300.0) -> None:
        parts = urllib.parse.urlsplit(url)
        self._auth = None
        if parts.username:
            user = urllib.parse.unquote(parts.username)
            secret = urllib.parse.unquote(parts.password or "")
            self._auth = "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()
        netloc = parts.hostname or ""
        netloc += f":{parts.port}" if parts.port else ""
        base = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        self.spec = base  # never echo credentials in messages
        self.query_url = base + "/query"
        self.update_url = base + "/update"
        self.timeout = timeout

    def load(self, build: BuildGraphs) -> None:
        for name, triples in build.graphs():
            self.replace_report_graph(name, triples)

    def replace_report_graph(self, graph_name: str, triples: Iterable[Triple]) -> None:
        lines = [" ".join(ntriples_term(t) for t in triple) + " ." for triple in triples]
        drop = f"DROP SILENT GRAPH <{graph_name}> ;\n"
        chunks = [lines[i : i + self.CHUNK] for i in range(0, len(lines), self.CHUNK)] or [[]]
        for i, chunk in enumerate(chunks):
            insert = f"INSERT DATA {{ GRAPH <{graph_name}> {{\n" + "\n".join(chunk) + "\n} }"
            self._update((drop if i == 0 else "") + insert)

    def _update(self, update: str) -> None:
        self._post(self.update_url, update.encode("utf-8"), "application/sparql-update", "*/*")

    def named_graphs(self) -> list[str]:
        answer = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", dataset=False)
        return sorted(str(row[0]) for row in answer.rows if row[0] is not None)

    def query(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        bindings: Mapping[str, Literal] | None = None,
    ) -> QueryResult:
        bound = bind_params(sparql, bindings or {})
        result = self._select(_with_prefixes(bound), dataset=not has_dataset_clause(sparql))
        if result.graph is not None:
            return _capped_graph(result.form, result.graph, max_rows)
        if result.form == "ASK":
            return result
        rows, truncated = _capped(iter(result.rows), max_rows)
        return QueryResult(result.form, result.variables, rows, truncated=truncated)

    def _select(self, sparql: str, *, dataset: bool) -> QueryResult:
        fields = [("query", sparql)]
        if dataset:
            graphs = self.named_graphs()
            fields += [("default-graph-uri", g) for g in graphs]
            fields += [("named-graph-uri", g) for g in graphs]
        accept = "application/sparql-results+json, application/n-triples;q=0.9"
        body = urllib.parse.urlencode(fields).encode("ascii")
        content_type, payload = self._post(
            self.query_url, body, "application/x-www-form-urlencoded", accept
        )
        return _parse_http_answer(content_type, payload, query_form(sparql))

    def triple_count(self) -> int:
        count = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        answer = self._select(count, dataset=False)
        return int(answer.rows[0][0])  # type: ignore[arg-type]

    def _post(self, url: str, body: bytes, content_type: str, accept: str) -> tuple[str, bytes]:
        headers = {"Content-Type": content_type, "Accept": accept}
        if self._auth:
            headers["Authorization"] = self._auth
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            message = condense_error(exc.read().decode("utf-8", "replace") or exc.reason, 240)
            if exc.code == 400:
                raise QueryError(message) from exc
            raise StoreError(f"SPARQL server {self.spec} answered {exc.code}: {message}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach SPARQL server {self.spec}: {reason}") from exc


def _with_prefixes(sparql: str) -> str:
    # One line, so the server's line numbers in error messages are off by one at most.
    return " ".join(f"PREFIX {p}: <{iri}>" for p, iri in DEFAULT_PREFIXES.items()) + "\n" + sparql


def _parse_http_answer(content_type: str, payload: bytes, form: str | None) -> QueryResult:
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/sparql-results+json", "application/json"):
        return _parse_results_json(json.loads(payload))
    if media in ("application/n-triples", "text/plain", "text/turtle"):
        graph = Graph()
        graph.parse(
            data=payload.decode("utf-8"), format="nt" if "turtle" not in media else "turtle"
        )
        return QueryResult(form or "CONSTRUCT", graph=graph)
    raise StoreError(f"unexpected answer type from SPARQL server: {content_type or 'none'}")


def _parse_results_json(doc: dict[str, Any]) -> QueryResult:
    if "boolean" in doc:
        return QueryResult("ASK", boolean=bool(doc["boolean"]))
    variables = list(doc["head"].get("vars", []))
    rows = [
        tuple(_json_to_term(b[v]) if v in b else None for v in variables)
        for b in doc["results"]["bindings"]
    ]
    return QueryResult("SELECT", variables, rows)


def _json_to_term(binding: dict[str, str]) -> Term:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype and datatype != str(XSD.string):
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


# --------------------------------------------------------------------------- the registry


def _open_memory(rest: str, graph: Path | None, writable: bool) -> Store:
    if writable:
        raise StoreError(
            "the memory store lives only while a command runs; "
            "write a build to oxigraph:DIR or an http(s):// SPARQL server"
        )
    if graph is None:
        raise InputError("the memory store needs a graph file (--graph)")
    # A plain Graph, never a Dataset: for a Dataset rdflib fetches a query's FROM <url>.
    return MemoryStore(read_graph_file(graph))


def _open_oxigraph(rest: str, graph: Path | None, writable: bool) -> Store:
    if not rest:
        raise StoreError("say where the Oxigraph store lives: --store oxigraph:DIR")
    return OxigraphStore(Path(rest).expanduser(), writable=writable)


def _open_http(rest: str, graph: Path | None, writable: bool) -> Store:
    return HttpStore(rest)


# Scheme -> opener; each opener imports its backend only when called.
STORES: dict[str, Callable[[str, Path | None, bool], Store]] = {
    "memory": _open_memory,
    "oxigraph": _open_oxigraph,
    "http": _open_http,
    "https": _open_http,
}


def open_store(spec: str = "memory", graph: Path | None = None, *, writable: bool = False) -> Store:
    """Open the store named by ``spec``; ``graph`` is the graph.ttl the memory store reads.

    >>> with open_store("oxigraph:/data/kg") as store:  # doctest: +SKIP
    ...     store.triple_count()
    """
    scheme = spec.split(":", 1)[0].lower() if ":" in spec else spec.lower()
    opener = STORES.get(scheme)
    if opener is None:
        known = "memory, oxigraph:DIR, http(s)://HOST/..."
        raise StoreError(f"unknown store '{spec}' (known: {known})")
    rest = spec if scheme in ("http", "https") else spec.partition(":")[2]
    return opener(rest, graph, writable)


def ensure_available(spec: str, graph: Path | None) -> None:
    """Raise the error ``open_store(spec, graph)`` would, without loading a big graph."""
    if spec.lower() == "memory":
        if graph is None or not graph.is_file():
            raise InputError(f"{graph}: no such graph file (run `kg build` first?)")
    elif spec.lower().startswith("oxigraph:"):
        open_store(spec).close()


@dataclass(frozen=True)
class WriteSummary:
    store: str
    reports: int
    triples_written: int
    store_triples: int


def write_build_to_store(
    build: BuildInput, spec: str, *, shared: Iterable[Triple] = ()
) -> WriteSummary:
    """Write a build into a persistent store, one named graph per report.

    Each report's graph and the shared graph are replaced, so writing the same build twice
    leaves the store as it was. ``build``: see ``to_build_graphs``.
    """
    graphs = to_build_graphs(build, shared)
    with open_store(spec, writable=True) as store:
        store.load(graphs)
        return WriteSummary(store.spec, len(graphs.reports), len(graphs), store.triple_count())
