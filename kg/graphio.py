"""Reading a built graph file, with one-line errors."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.errors import InputError

FORMATS = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld",
           ".rdf": "xml", ".xml": "xml", ".owl": "xml"}  # fmt: skip


def load_graph(path: Path) -> Graph:
    """Parse a graph file (format from its suffix); InputError when missing or malformed."""
    if not path.exists():
        raise InputError(f"{path}: no such graph file (run `kg build` first?)")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a graph file")
    graph = Graph()
    try:
        graph.parse(path, format=FORMATS.get(path.suffix.lower(), "turtle"))
    except Exception as exc:  # rdflib raises many types for bad input
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: not a readable graph ({first[:200]})") from exc
    return graph
