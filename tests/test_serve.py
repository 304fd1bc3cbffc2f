"""`kg serve` as a real server in a subprocess, spoken to by SPARQLWrapper and httpx.

One server (fixture graph, 1.5 s time limit, row cap 100) serves most tests; a second one,
over a build folder with a graph page, serves the page tests.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.query import resolve_query
from kg.serve import negotiate

FIXTURE = Path(__file__).parent / "cases" / "sparql" / "sample.ttl"
WHO_FIGHTS_WHOM = [
    ("ISIS", "Syrian regime", "5"),
    ("Russia", "ISIS", "4"),
    ("Syrian regime", "ISIS", "3"),
    ("Russia", "civilians", "1"),
    ("Russia", "rebels", "1"),
]
# Every triple with every other, four times over: far past any time limit.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@contextlib.contextmanager
def kg_serve(*options: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run `kg serve --port 0 ...` and yield (base URL, process) once it listens."""
    command = [sys.executable, "-m", "kg.cli", "serve", "--port", "0", *options]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield _announced_url(process), process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


def _announced_url(process: subprocess.Popen[str], wait: float = 60.0) -> str:
    deadline = time.monotonic() + wait
    assert process.stdout is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            found = re.search(r"http://127\.0\.0\.1:\d+", line)
            if found:
                return found.group()
        if process.poll() is not None:
            raise AssertionError(f"kg serve exited: {process.stderr.read()}")  # type: ignore[union-attr]
    raise AssertionError("kg serve did not start in time")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    options = ["--graph", str(FIXTURE), "--timeout", "1.5", "--max-rows", "100", "--workers", "2"]
    with kg_serve(*options) as (url, _):
        yield url


def wrapper(url: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def count_all(url: str) -> int:
    answer = httpx.get(url + "/sparql", params={"query": COUNT_ALL}, timeout=30)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


# --------------------------------------------------------------------------- a real client


@pytest.mark.server
def test_sparqlwrapper_select_as_json_xml_and_csv(server: str) -> None:
    query = resolve_query("who-fights-whom")
    doc = wrapper(server, query, JSON).query().convert()
    rows = [
        (b["agent"]["value"], b["target"]["value"], b["events"]["value"])
        for b in doc["results"]["bindings"]
    ]
    assert rows == WHO_FIGHTS_WHOM
    assert doc["results"]["bindings"][0]["first"]["datatype"].endswith("#date")

    xml = wrapper(server, query, XML).query().convert()
    results = xml.getElementsByTagName("result")
    assert len(results) == 5
    agent = results[0].getElementsByTagName("binding")[0]
    assert agent.getAttribute("name") == "agent" and agent.firstChild.firstChild.data == "ISIS"

    text = wrapper(server, query, CSV).query().convert().decode("utf-8")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["agent", "target", "events", "first", "last"]
    assert [tuple(row[:3]) for row in table[1:]] == WHO_FIGHTS_WHOM


@pytest.mark.server
def test_sparqlwrapper_ask_and_construct(server: str) -> None:
    ask = "PREFIX skg: <https://w3id.org/sitrep-kg/ontology#> ASK { ?e a skg:Siege }"
    assert wrapper(server, ask, JSON).query().convert() == {"head": {}, "boolean": True}
    xml = wrapper(server, ask, XML).query().convert()
    assert xml.getElementsByTagName("boolean")[0].firstChild.data == "true"

    construct = (
        "PREFIX skg: <https://w3id.org/sitrep-kg/ontology#> "
        "CONSTRUCT { ?e skg:location ?p } WHERE { ?e a skg:Seizure ; skg:location ?p }"
    )
    response = wrapper(server, construct, TURTLE).query()
    assert response.response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.convert().decode("utf-8"), format="turtle")
    assert sorted(str(s).rsplit("/", 1)[1] for s in graph.subjects()) == ["4e2c50ac", "ddcce298"]


@pytest.mark.server
def test_get_form_post_and_direct_post_agree(server: str) -> None:
    query = resolve_query("events-by-certainty")
    answers = [
        httpx.get(server + "/sparql", params={"query": query}),
        httpx.post(server + "/sparql", data={"query": query}),
        httpx.post(
            server + "/sparql",
            content=query.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query"},
        ),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].headers["content-type"] == "application/sparql-results+json"
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert len(answers[0].json()["results"]["bindings"]) == 12


@pytest.mark.server
def test_results_by_accept_header(server: str) -> None:
    select = {"query": "SELECT ?l WHERE { ?a a skg:Actor ; rdfs:label ?l } ORDER BY ?l LIMIT 2"}
    tsv = httpx.get(
        server + "/sparql", params=select, headers={"Accept": "text/tab-separated-values"}
    )
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    assert tsv.text == '?l\n"ISIS"\n"Iran"\n'
    construct = {"query": f"DESCRIBE <{'https://w3id.org/sitrep-kg/id/actor/iran'}>"}
    triples = httpx.get(
        server + "/sparql", params=construct, headers={"Accept": "application/n-triples"}
    )
    assert triples.headers["content-type"] == "application/n-triples"
    assert len(triples.text.strip().splitlines()) == 4
    jsonld = httpx.get(
        server + "/sparql", params=construct, headers={"Accept": "application/ld+json"}
    )
    assert jsonld.json()["rdfs:label"] == "Iran"
    for accept in ["image/png", "application/sparql-results+json;q=0"]:
        refused = httpx.get(server + "/sparql", params=select, headers={"Accept": accept})
        assert refused.status_code == 406, accept


# --------------------------------------------------------------------------- refusals and errors


@pytest.mark.server
def test_updates_are_refused(server: str) -> None:
    before = count_all(server)
    drop = "DROP ALL"
    answers = [
        httpx.post(server + "/sparql", data={"update": drop}),
        httpx.post(
            server + "/sparql",
            content=drop,
            headers={"Content-Type": "application/sparql-update"},
        ),
        httpx.get(server + "/sparql", params={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}),
        httpx.post(server + "/sparql", data={"update": "LOAD <http://127.0.0.1:9/x.ttl>"}),
        httpx.post(server + "/sparql", data={"query": "LOAD <http://127.0.0.1:9/x.ttl>"}),
    ]
    assert [a.status_code for a in answers] == [403] * 5
    assert "read-only" in answers[0].text
    assert count_all(server) == before == 570


@pytest.mark.server
def test_service_is_refused(server: str) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    answer = httpx.post(server + "/sparql", data={"query": query})
    assert answer.status_code == 403 and "--allow-service" in answer.text


@pytest.mark.server
def test_malformed_query_is_a_400_with_the_parser_message(server: str) -> None:
    answer = httpx.get(server + "/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert answer.status_code == 400
    assert answer.text.strip() == "Expected SelectQuery, found '?' (at char 18), (line:1, col:19)"
    with pytest.raises(QueryBadFormed):
        wrapper(server, "SELECT ?x WHERE { ?x ?y }", JSON).query()
    assert httpx.get(server + "/sparql").status_code == 400


@pytest.mark.server
def test_a_runaway_query_is_stopped_and_the_server_goes_on(server: str) -> None:
    started = time.monotonic()
    answer = httpx.get(server + "/sparql", params={"query": CARTESIAN}, timeout=30)
    assert answer.status_code == 422 and "1.5 s time limit" in answer.text
    assert time.monotonic() - started < 6
    for _ in range(4):  # both workers, the replacement included, answer again
        assert count_all(server) == 570


@pytest.mark.server
def test_row_cap(server: str) -> None:
    answer = httpx.get(server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(answer.json()["results"]["bindings"]) == 100
    assert answer.headers["x-kg-truncated"] == "100"


@pytest.mark.server
def test_request_size_and_host_are_checked(server: str) -> None:
    padding = "#" + "x" * 1_100_000 + "\nASK {}"
    big = httpx.post(server + "/sparql", data={"query": padding})
    assert big.status_code == 413
    long_url = httpx.get(server + "/sparql", params={"query": "#" + "x" * 60_000 + "\nASK {}"})
    assert long_url.status_code == 200  # past h11's 16 KiB default, within the cap
    rebinding = httpx.get(
        server + "/sparql", params={"query": "ASK {}"}, headers={"Host": "evil.example"}
    )
    assert rebinding.status_code == 400


@pytest.mark.server
def test_twenty_concurrent_clients(site: httpx.Client) -> None:
    server = str(site.base_url).rstrip("/")
    names = ["who-fights-whom", "events-by-certainty", "strikes-by-province", "supply-line-events"]
    expected_rows = {"who-fights-whom": 5, "events-by-certainty": 12, "strikes-by-province": 6,
                     "supply-line-events": 4}  # fmt: skip
    queries = {name: resolve_query(name) for name in names}

    def client(number: int) -> list[tuple[str, int, int]]:
        answers = []
        with httpx.Client(base_url=server, timeout=60) as http:
            for i in range(5):
                name = names[(number + i) % len(names)]
                answer = http.post("/sparql", data={"query": queries[name]})
                rows = (
                    len(answer.json()["results"]["bindings"]) if answer.status_code == 200 else -1
                )
                answers.append((name, answer.status_code, rows))
        return answers

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = [a for batch in pool.map(client, range(20)) for a in batch]
    assert len(answers) == 100
    assert [a for a in answers if a[1] != 200] == []
    assert all(status == 200 and rows == expected_rows[name] for name, status, rows in answers)


@pytest.mark.server
def test_port_in_use_is_a_one_line_error(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    command = [sys.executable, "-m", "kg.cli", "serve", "--graph", str(FIXTURE), "--port", port]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert (
        done.stderr.strip() == f"kg: error: port {port} on 127.0.0.1 is already in use (try --port)"
    )


def test_missing_graph_is_a_one_line_error(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "kg.cli", "serve", "--graph", str(tmp_path / "graph.ttl"),
               "--port", "0"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().endswith("no such graph file (run `kg build` first?)")
    assert len(done.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- pages and headers


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A server with the default settings over a build folder with a graph page."""
    folder = tmp_path_factory.mktemp("out")
    shutil.copy(FIXTURE, folder / "graph.ttl")
    (folder / "graph.html").write_text(
        "<!doctype html><title>graph</title><script>var nodes = [];</script>", encoding="utf-8"
    )
    with (
        kg_serve("--graph", str(folder / "graph.ttl"), "--workers", "1") as (url, _),
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield client


@pytest.mark.server
def test_graph_page_at_root_with_security_headers(site: httpx.Client) -> None:
    page = site.get("/")
    assert page.status_code == 200 and "var nodes" in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self' 'unsafe-inline'" in csp
    assert "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    api = site.get("/sparql", params={"query": "ASK {}"})
    assert api.headers["content-security-policy"].startswith("default-src 'none'")
    assert api.headers["x-content-type-options"] == "nosniff"


@pytest.mark.server
def test_query_form_allows_only_its_own_script(site: httpx.Client) -> None:
    page = site.get("/query-form")
    assert page.status_code == 200
    scripts = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page.headers["content-security-policy"]
    assert (
        "strikes-by-province" in page.text
        and "unsafe" not in page.headers["content-security-policy"]
    )
    browser = site.get("/sparql", headers={"Accept": "text/html"})
    assert browser.status_code == 303 and browser.headers["location"] == "/query-form"
    form = site.post("/sparql", data={"query": resolve_query("who-fights-whom"), "format": "csv"})
    assert form.headers["content-type"].startswith("text/csv") and form.text.count("\r\n") == 6


@pytest.mark.parametrize(
    ("accept", "params", "formats"),
    [
        ("", {}, ("json", "turtle")),
        ("*/*", {}, ("json", "turtle")),
        ("application/sparql-results+xml", {}, ("xml", "turtle")),
        ("text/csv;q=0.5, text/tab-separated-values", {}, ("tsv", "turtle")),
        ("application/n-triples", {}, ("json", "nt")),
        ("application/json", {}, ("json", "json-ld")),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", {}, ("xml", "rdfxml")),
        ("application/sparql-results+json", {"format": ["csv"]}, ("csv", "turtle")),
        ("", {"output": ["xml"]}, ("xml", "rdfxml")),
    ],
)
def test_negotiate(accept: str, params: dict[str, list[str]], formats: tuple[str, str]) -> None:
    assert negotiate(accept, params) == formats
