"""SPARQL queries: find them, check them, run them on a store, format their results.

    text = resolve_query("entity-evidence")            # or SPARQL text, or a .rq path
    result = run_query(text, store, params={"entity": "Aleppo"})  # store: kg.store.open_store
    print(format_result(result, "table"))

Results are plain rdflib terms whatever store answered, so every store formats alike.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import InputError, QueryError

if TYPE_CHECKING:
    from kg.store import Store

QUERIES_DIR = Path(__file__).resolve().parent / "queries"

ID = "https://w3id.org/sitrep-kg/id/"

# Prefixes every store accepts without PREFIX lines, so a query means the same on each store.
DEFAULT_PREFIXES: dict[str, str] = {
    "skg": "https://w3id.org/sitrep-kg/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "wgs84": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# Only for showing IRIs in the terminal table; "id:" is not a SPARQL prefix.
_DISPLAY_PREFIXES = {**DEFAULT_PREFIXES, "id": ID}

SOLUTION_FORMATS = ("table", "json", "csv", "tsv", "xml")
GRAPH_FORMATS = ("turtle", "nt", "json-ld", "rdfxml")
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATE_KEYWORDS = frozenset(
    ["INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"]
)


class QueryRefusedError(QueryError):
    """A well-formed request that this read-only tool will not run (updates, SERVICE)."""


@dataclass
class QueryResult:
    """What any store answers: solutions, a boolean, or a graph.

    ``rows`` hold rdflib terms (None for unbound); ``truncated`` says a row cap cut them.
    """

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[URIRef | BNode | Literal | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False


# --------------------------------------------------------------------------- finding queries


@dataclass(frozen=True)
class BundledQuery:
    name: str
    description: str
    params: dict[str, str]
    path: Path


def bundled_queries() -> list[BundledQuery]:
    """The analyst queries shipped in kg/queries, sorted by name."""
    found = []
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        found.append(BundledQuery(path.stem, _description(text), declared_params(text), path))
    return found


def list_queries() -> list[tuple[str, str]]:
    """(name, one-line description) of each bundled query."""
    return [(q.name, q.description) for q in bundled_queries()]


def resolve_query(ref: str) -> str:
    """SPARQL text for ``ref``: a bundled query name, a path to a query file, or SPARQL itself.

    >>> resolve_query("who-fights-whom").startswith("#")
    True
    """
    ref = ref.strip()
    if not ref:
        raise QueryError("empty query")
    bundled = QUERIES_DIR / f"{ref}.rq"
    if re.fullmatch(r"[A-Za-z0-9_-]+", ref) and bundled.is_file():
        return bundled.read_text(encoding="utf-8")
    if "\n" not in ref and len(ref) < 4096:
        path = Path(ref).expanduser()
        if path.is_file():
            return _read_query_file(path)
        if ref.endswith((".rq", ".sparql")):
            raise InputError(f"query file not found: {ref}")
        if re.fullmatch(r"[A-Za-z0-9_-]+", ref):
            names = ", ".join(name for name, _ in list_queries())
            raise QueryError(f"no bundled query named '{ref}' (bundled: {names})")
    return ref


def _read_query_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"query file is not UTF-8 text: {path}") from exc
    except OSError as exc:
        raise InputError(f"cannot read query file {path}: {exc.strerror}") from exc


def _description(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
        if line.strip():
            break
    return ""


_PARAM_LINE = re.compile(r"^#\s*param\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$", re.MULTILINE)


def declared_params(text: str) -> dict[str, str]:
    """Parameters a query declares in comment lines ``# param NAME: what it is``."""
    return {name: about.strip() for name, about in _PARAM_LINE.findall(text)}


# --------------------------------------------------------------------------- reading SPARQL shape

# Spans whose content is never a keyword: strings, IRIs, comments. IRIs cannot hold spaces,
# so a "<" used as less-than (followed by a space) is not mistaken for one.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|\#[^\n]*",
    re.DOTALL,
)
# A "word" swallows prefixed names and variables whole, so ex:service or ?service is no keyword.
_WORD = re.compile(r"[\w?$:.\-]+|[{}]")


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    depth: int  # braces open before it

    @property
    def keyword(self) -> str | None:
        word = self.text.strip(".")
        return word.upper() if word.isalpha() else None


def _tokens(text: str) -> list[_Token]:
    code = _OPAQUE.sub(lambda m: " " * len(m.group()), text)
    tokens, depth = [], 0
    for match in _WORD.finditer(code):
        word = match.group()
        if word == "}":
            depth -= 1
        tokens.append(_Token(word, match.start(), depth))
        if word == "{":
            depth += 1
    return tokens


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, UPDATE (any update operation), or None if unclear."""
    for token in _tokens(text):
        word = token.keyword
        if word in QUERY_FORMS:
            return word
        if word in _UPDATE_KEYWORDS:
            return "UPDATE"
    return None


def uses_service(text: str) -> bool:
    """True if the query calls out to another endpoint with SERVICE."""
    return any(token.keyword == "SERVICE" for token in _tokens(text))


def has_dataset_clause(text: str) -> bool:
    """True if the query picks its own graphs with FROM or FROM NAMED."""
    return any(token.keyword == "FROM" and token.depth == 0 for token in _tokens(text))


def check_query(text: str, *, allow_service: bool = False) -> str | None:
    """Refuse what a read-only tool must not run; return the query form.

    Raises QueryRefusedError for updates and (unless allowed) SERVICE calls.
    """
    form = query_form(text)
    if form == "UPDATE":
        raise QueryRefusedError("SPARQL updates are refused: the graph is read-only")
    if not allow_service and uses_service(text):
        raise QueryRefusedError("SERVICE (federated query) is disabled")
    return form


def condense_error(message: str, limit: int = 300) -> str:
    """A parser's message on one line, as short as still says where and what."""
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --------------------------------------------------------------------------- parameters


def check_params(text: str, params: Mapping[str, str]) -> dict[str, Literal]:
    """The bindings for ``params`` as string literals, once the query is known to take them.

    Every parameter the query declares (``# param NAME: ...``) must be given, and each given
    name must be a variable of the query.
    """
    missing = sorted(set(declared_params(text)) - set(params))
    if missing:
        needed = " ".join(f"--param {name}=..." for name in missing)
        raise QueryError(f"this query needs {needed}")
    variables = {t.text.strip(".")[1:] for t in _tokens(text) if t.text[:1] in "?$"}
    for name in params:
        if name not in variables:
            raise QueryError(f"the query has no variable ?{name} to bind")
    return {name: Literal(value) for name, value in params.items()}


def bind_params(text: str, bindings: Mapping[str, Literal]) -> str:
    """The query with each ``?name`` bound to its literal by VALUES blocks.

    A block goes at the start of every group that mentions the variable (a FILTER only sees
    its own group's bindings), and each value is written as an escaped literal, so a value
    can never change the query's structure. For stores that take only query text; rdflib
    binds before evaluating instead.

    >>> bind_params("SELECT ?x WHERE { ?x rdfs:label ?name }", {"name": Literal("Aleppo")})
    'SELECT ?x WHERE { VALUES ?name { "Aleppo" } ?x rdfs:label ?name }'
    """
    if not bindings:
        return text
    tokens = _tokens(text)
    where = _where_brace(text, tokens)
    blocks: dict[int, list[str]] = defaultdict(list)
    for name, value in bindings.items():
        for brace in _groups_mentioning(tokens, name, where) or [where]:
            blocks[brace].append(f"VALUES ?{name} {{ {value.n3()} }} ")
    for brace in sorted(blocks, reverse=True):
        rest = text[brace + 1 :].lstrip(" ")
        text = text[: brace + 1] + " " + "".join(blocks[brace]) + rest
    return text


def _groups_mentioning(tokens: Sequence[_Token], name: str, where: int) -> list[int]:
    """Offsets of the "{" of each innermost group, inside WHERE, that uses ?name."""
    found: list[int] = []
    open_groups: list[_Token] = []
    for i, token in enumerate(tokens):
        if token.start < where:
            continue
        if token.text == "{":
            nxt = tokens[i + 1].keyword if i + 1 < len(tokens) else None
            open_groups.append(token if nxt != "SELECT" else _Token("", -1, token.depth))
        elif token.text == "}":
            if open_groups:
                open_groups.pop()
        elif token.text.strip(".")[1:] == name and token.text[:1] in "?$" and open_groups:
            brace = open_groups[-1].start  # -1: a sub-SELECT's projection, bound inside it
            if brace >= 0 and brace not in found:
                found.append(brace)
    return found


def _where_brace(text: str, tokens: Sequence[_Token]) -> int:
    """Offset of the "{" opening the outermost WHERE block."""
    for i, token in enumerate(tokens):
        if token.keyword == "WHERE" and token.depth == 0:
            following = tokens[i + 1 : i + 2]
            if following and following[0].text == "{":
                return following[0].start
    if query_form(text) in ("SELECT", "ASK", "DESCRIBE"):
        for token in tokens:
            if token.text == "{" and token.depth == 0:
                return token.start
    raise QueryError("cannot bind parameters: the query has no WHERE block")


# --------------------------------------------------------------------------- running


def run_query(
    query: str,
    store: Store,
    *,
    params: Mapping[str, str] | None = None,
    allow_service: bool = False,
    max_rows: int | None = None,
) -> QueryResult:
    """Run a read-only query on ``store``, binding ``params`` (``--param name=value``).

    Raises QueryRefusedError for updates and SERVICE (unless allowed), QueryError with a
    one-line reason when the store's parser rejects the query or a parameter is missing.
    """
    check_query(query, allow_service=allow_service)
    bindings = check_params(query, params or {})
    return store.query(query, max_rows=max_rows, bindings=bindings)


def parse_params(items: Sequence[str]) -> dict[str, str]:
    """``["entity=Aleppo"]`` (from repeated ``--param``) as a dict."""
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
            raise QueryError(f"--param wants NAME=VALUE, got '{item}'")
        params[name.strip()] = value
    return params


def execute(
    ref: str,
    *,
    graph: Path | None,
    store_spec: str = "memory",
    params: Mapping[str, str] | None = None,
    allow_service: bool = False,
) -> QueryResult:
    """What `kg query` does: resolve ``ref``, open the store, run the query."""
    from kg.store import open_store

    text = resolve_query(ref)
    with open_store(store_spec, graph) as store:
        return run_query(text, store, params=params, allow_service=allow_service)


# --------------------------------------------------------------------------- formatting


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Text of ``result`` as table, json, csv, tsv or xml (solutions, ASK) or as
    turtle, nt, json-ld or rdfxml (CONSTRUCT/DESCRIBE).

    Graph results asked for as a table print as Turtle and as json print as JSON-LD.
    """
    if result.graph is not None:
        return _format_graph(result.graph, fmt)
    formatter = _SOLUTION_FORMATTERS.get(fmt)
    if formatter is None:
        raise QueryError(f"unknown format '{fmt}' for {result.form} results")
    return formatter(result)


def _format_graph(graph: Graph, fmt: str) -> str:
    rdflib_format = {
        "table": "turtle",
        "turtle": "turtle",
        "nt": "nt",
        "json": "json-ld",
        "json-ld": "json-ld",
        "rdfxml": "xml",
        "xml": "xml",
    }.get(fmt)
    if rdflib_format is None:
        raise QueryError(f"unknown format '{fmt}' for graph results")
    for prefix, iri in DEFAULT_PREFIXES.items():
        graph.bind(prefix, iri, replace=True)
    if rdflib_format == "json-ld":
        context = {p: iri for p, iri in DEFAULT_PREFIXES.items() if p != "rdf"}
        return graph.serialize(format="json-ld", context=context, indent=2)
    return graph.serialize(format=rdflib_format)


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.form == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    bindings = [
        {var: _json_term(term) for var, term in zip(result.variables, row, strict=True) if term}
        for row in result.rows
    ]
    doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False)


def _json_term(term: URIRef | BNode | Literal) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<sparql xmlns="http://www.w3.org/2005/sparql-results#">')
    if result.form == "ASK":
        lines.append("  <head/>")
        lines.append(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        lines.append("  <head>")
        lines.extend(f"    <variable name={quoteattr(v)}/>" for v in result.variables)
        lines.append("  </head>")
        lines.append("  <results>")
        for row in result.rows:
            lines.append("    <result>")
            for var, term in zip(result.variables, row, strict=True):
                if term is not None:
                    lines.append(
                        f"      <binding name={quoteattr(var)}>{_xml_term(term)}</binding>"
                    )
            lines.append("    </result>")
        lines.append("  </results>")
    lines.append("</sparql>")
    return "\n".join(lines) + "\n"


def _xml_term(term: URIRef | BNode | Literal) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
    if term.datatype and term.datatype != XSD.string:
        return f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV: plain values, CRLF line ends (an ASK gives one column, "boolean")."""
    out = io.StringIO()
    writer = csv.writer(out)
    if result.form == "ASK":
        writer.writerows([["boolean"], ["true" if result.boolean else "false"]])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(term) for term in row])
    return out.getvalue()


def _csv_value(term: URIRef | BNode | Literal | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV: terms in Turtle syntax, header of ?variables."""
    if result.form == "ASK":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(_tsv_value(term) for term in row))
    return "\n".join(lines) + "\n"


def _tsv_value(term: URIRef | BNode | Literal | None) -> str:
    return "" if term is None else ntriples_term(term)


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def ntriples_term(term: URIRef | BNode | Literal) -> str:
    """The term as N-Triples, Turtle and SPARQL write it, escaped onto one line."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    quoted = '"' + str(term).translate(_ESCAPES) + '"'
    if term.language:
        return f"{quoted}@{term.language}"
    if term.datatype and term.datatype != XSD.string:
        return f"{quoted}^^<{term.datatype}>"
    return quoted


def to_table(result: QueryResult, max_width: int = 60) -> str:
    """Aligned columns for a terminal; long cells are cut with "…" (use csv for full text)."""
    if result.form == "ASK":
        return "true" if result.boolean else "false"
    cells = [[_display(term, max_width) for term in row] for row in result.rows]
    header = result.variables
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    count = f"{len(cells)} row{'s' if len(cells) != 1 else ''}"
    lines.append(f"({count}{', truncated' if result.truncated else ''})")
    return "\n".join(lines)


def _display(term: URIRef | BNode | Literal | None, max_width: int) -> str:
    if term is None:
        text = ""
    elif isinstance(term, URIRef):
        text = _compact(str(term))
    elif isinstance(term, BNode):
        text = f"_:{term}"
    else:
        text = " ".join(str(term).split())
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def _compact(iri: str) -> str:
    for prefix, base in _DISPLAY_PREFIXES.items():
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base) :]}"
    return f"<{iri}>"


_SOLUTION_FORMATTERS = {
    "table": to_table,
    "json": to_json,
    "csv": to_csv,
    "tsv": to_tsv,
    "xml": to_xml,
}
