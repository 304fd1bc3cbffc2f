"""SHACL validation of a built graph against ``ontology/shapes.ttl``.

``validate_file(Path("output/graph.ttl"))`` returns a ValidationReport whose ``results`` read
like ``event/3f2a9c41: skg:startDate must be xsd:date (got "2015-10-23")``.

Validation runs without inference: the build writes every type explicitly (an event is typed
``skg:Event`` and its subclass), so only the data graph and the shapes are needed, which keeps
``kg validate`` fast on large graphs.
"""

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.sax import SAXException

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.exceptions import Error as RDFLibError
from rdflib.namespace import SH, NamespaceManager
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node
from rdflib.util import guess_format

from kg.errors import InputError, OntologyError
from kg.resources import ontology_file
from kg.vocab import DCTERMS, GEO, INST, PROV, SEM, SKG, SKOS, WGS84, XSD

ONTOLOGY_FILE = "sitrep.ttl"
SHAPES_FILE = "shapes.ttl"
PREFIXES = {
    "skg": SKG,
    "sem": SEM,
    "prov": PROV,
    "geo": GEO,
    "wgs84": WGS84,
    "skos": SKOS,
    "dcterms": DCTERMS,
}
# Literals shown bare in result lines, as Turtle writes them: 50, 35.78, true.
BARE_DATATYPES = frozenset({XSD.integer, XSD.decimal, XSD.boolean})


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one graph.

    ``results`` holds one line per violation, sorted, such as
    ``"event/3f2a9c41: skg:startDate must be xsd:date (got "2015-10-23")"``; ``text`` is
    pyshacl's full report for when those lines are not enough.
    """

    conforms: bool
    results: list[str]
    text: str


def load_ontology() -> Graph:
    """The shipped ontology (``sitrep.ttl``); raises OntologyError if it is missing or broken."""
    return _load_shipped(ONTOLOGY_FILE)


def load_shapes() -> Graph:
    """The shipped SHACL shapes (``shapes.ttl``); raises OntologyError if missing or broken."""
    return _load_shipped(SHAPES_FILE)


def validate(data: Graph) -> ValidationReport:
    """Check ``data`` against the shipped shapes; the graph is not modified."""
    with warnings.catch_warnings():
        # Comparing an ill-typed literal ("2015-10-32"^^xsd:date) makes rdflib's Literal.__le__
        # test NotImplemented for truth; the datatype shape already reports that literal.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib.term")
        conforms, results_graph, text = pyshacl.validate(
            data, shacl_graph=load_shapes(), inference="none"
        )
    names = _names()
    results = results_graph.objects(None, SH.result)
    lines = sorted(_result_line(results_graph, result, names) for result in results)
    return ValidationReport(conforms=bool(conforms), results=lines, text=str(text))


def validate_file(path: Path) -> ValidationReport:
    """Parse an RDF file (Turtle unless its suffix says otherwise) and validate it.

    Raises InputError with a one-line reason if the file is missing or cannot be parsed.
    """
    return validate(_parse_user_graph(Path(path)))


def _load_shipped(name: str) -> Graph:
    path = ontology_file(name)
    try:
        return Graph().parse(path, format="turtle")
    except OSError as err:
        raise OntologyError(f"shipped {name} cannot be read: {err.strerror or err}") from err
    except BadSyntax as err:
        raise OntologyError(f"shipped {name} is broken: {_parse_reason(err)}") from err


def _parse_user_graph(path: Path) -> Graph:
    if not path.exists():
        raise InputError(f"{path}: no such graph file (run `kg build` first?)")
    if not path.is_file():
        raise InputError(f"not a file: {path}")
    rdf_format = guess_format(str(path)) or "turtle"
    try:
        with _quiet_literal_warnings():
            return Graph().parse(path, format=rdf_format)
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from err
    # Each rdflib parser fails its own way: Turtle with BadSyntax, N-Triples with ParserError,
    # RDF/XML with SAXException, JSON-LD and binary input with ValueError (UnicodeDecodeError).
    except (BadSyntax, RDFLibError, SAXException, ValueError) as err:
        raise InputError(f"{path} is not valid {rdf_format}: {_parse_reason(err)}") from err


@contextmanager
def _quiet_literal_warnings() -> Iterator[None]:
    """Silence rdflib's log-with-traceback for ill-typed literals such as "2015-10-32"^^xsd:date.

    The shapes report each one as a violation, and a user must never see a traceback.
    """
    term_logger = logging.getLogger("rdflib.term")
    previous = term_logger.level
    term_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        term_logger.setLevel(previous)


def _parse_reason(err: Exception) -> str:
    """The cause of a parse failure on one line (rdflib's own messages span several)."""
    if isinstance(err, BadSyntax):
        # str(BadSyntax) is three lines quoting the input; its parts make a better single line.
        return f"line {err.lines + 1}: bad syntax ({getattr(err, '_why', 'unknown')})"
    if isinstance(err, UnicodeDecodeError):
        return f"not UTF-8 text (byte {err.start})"
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _names() -> NamespaceManager:
    """Prefixes for result lines, independent of whatever the data graph happens to bind."""
    names = NamespaceManager(Graph(bind_namespaces="core"), bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        names.bind(prefix, str(namespace), override=True, replace=True)
    return names


def _result_line(results_graph: Graph, result: Node, names: NamespaceManager) -> str:
    """One violation as ``"<focus>: <message> (got <value>)"``."""
    focus = results_graph.value(result, SH.focusNode)
    message = results_graph.value(result, SH.resultMessage)
    value = results_graph.value(result, SH.value)
    line = f"{_short(focus, names)}: {message}"
    return f"{line} (got {_short(value, names)})" if value is not None else line


def _short(node: Node | None, names: NamespaceManager) -> str:
    """A readable name: ``event/3f2a`` for instances, ``skg:Maybe`` for vocabulary terms."""
    if isinstance(node, URIRef):
        return node[len(INST) :] if node.startswith(INST) else node.n3(names)
    if isinstance(node, Literal):
        bare = node.datatype in BARE_DATATYPES and not node.ill_typed
        return str(node) if bare else node.n3(names)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)
