"""A build written into a real Oxigraph server (the `oxigraph` binary from PyPI) over HTTP.

The http(s) store must answer every bundled query as the in-memory store does, and writing
the same build twice must leave the server's triple count unchanged.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.errors import QueryError
from kg.query import list_queries, resolve_query, run_query
from kg.store import open_store, split_by_report, write_build_to_store

FIXTURE = Path(__file__).parent / "cases" / "sparql" / "sample.ttl"
PARAMS = {"entity-evidence": {"entity": "Aleppo Province"}}
ID = "https://w3id.org/sitrep-kg/id/"

pytestmark = pytest.mark.server


def oxigraph_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    return shutil.which("oxigraph") or (str(beside_python) if beside_python.is_file() else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    command = [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        if process.stderr is not None:
            process.stderr.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"oxigraph exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("oxigraph server did not start")


def test_build_round_trips_through_the_server(oxigraph_url: str) -> None:
    first = write_build_to_store(FIXTURE, oxigraph_url)
    second = write_build_to_store(FIXTURE, oxigraph_url)
    assert first.store_triples == second.store_triples == 570
    assert first.reports == 6

    memory = open_store("memory", FIXTURE)
    with open_store(oxigraph_url) as server:
        assert server.triple_count() == 570
        for name, _ in list_queries():
            query = resolve_query(name)
            params = PARAMS.get(name, {})
            expected = run_query(query, memory, params=params)
            got = run_query(query, server, params=params)
            assert (got.variables, got.rows) == (expected.variables, expected.rows), name
            assert got.rows, name


def test_rebuilt_report_replaces_its_graph_on_the_server(oxigraph_url: str) -> None:
    graph = Graph().parse(FIXTURE)
    write_build_to_store(graph, oxigraph_url)
    graph.remove((URIRef(ID + "event/ddcce298"), None, None))
    write_build_to_store(graph, oxigraph_url)
    with open_store(oxigraph_url) as server:
        assert server.triple_count() == len(graph)
        ask = f"ASK {{ <{ID}event/ddcce298> ?p ?o }}"
        assert run_query(ask, server).boolean is False
    write_build_to_store(FIXTURE, oxigraph_url)


def test_server_errors_come_back_as_one_line(oxigraph_url: str) -> None:
    with open_store(oxigraph_url) as server, pytest.raises(QueryError) as caught:
        run_query("SELECT ?x WHERE { ?x ?y }", server)
    assert "\n" not in str(caught.value) and str(caught.value)


def test_construct_and_ask_over_http(oxigraph_url: str) -> None:
    graphs = split_by_report(Graph().parse(FIXTURE))
    write_build_to_store(list(graphs.reports.items()), oxigraph_url, shared=graphs.shared)
    with open_store(oxigraph_url) as server:
        described = run_query(f"DESCRIBE <{ID}actor/iran>", server)
        assert len(described.graph) == 4
        assert run_query("ASK { ?e a skg:Blockade }", server).boolean is True
