"""kg.query and kg.store on the hand-written fixture graph (tests/cases/sparql/sample.ttl).

Every bundled query is checked against rows worked out by hand from the fixture, and must
give the very same answer on the in-memory rdflib store and on an Oxigraph store on disk.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError, QueryError, StoreError
from kg.query import (
    QueryRefusedError,
    QueryResult,
    bind_params,
    check_params,
    format_result,
    list_queries,
    parse_params,
    query_form,
    resolve_query,
    run_query,
    uses_service,
)
from kg.store import (
    SHARED_GRAPH,
    MemoryStore,
    OxigraphStore,
    export_report_graphs,
    open_store,
    split_by_report,
    write_build_to_store,
)

FIXTURE = Path(__file__).parent / "cases" / "sparql" / "sample.ttl"
SKG = "https://w3id.org/sitrep-kg/ontology#"
ID = "https://w3id.org/sitrep-kg/id/"
R4 = ID + "report/the-fight-for-aleppo-october-21-28-2015"

BUNDLED = [
    "control-changes",
    "entity-evidence",
    "events-by-certainty",
    "strikes-by-province",
    "supply-line-events",
    "who-fights-whom",
]
PARAMS = {"entity-evidence": {"entity": "Khanaser"}}

# Rows worked out by hand from the fixture; None is an unbound cell.
EXPECTED: dict[str, list[tuple[str | None, ...]]] = {
    "strikes-by-province": [
        ("2015-W44", "Aleppo Province", "1"),
        ("2015-W44", "Dara'a Province", "1"),
        ("2015-W44", "Idlib Province", "1"),
        ("2015-W45", "Deir ez-Zour Province", "2"),
        ("2015-W45", "Homs Province", "1"),
        ("2015-W45", "Raqqa Province", "1"),
    ],
    "who-fights-whom": [
        ("ISIS", "Syrian regime", "5", "2015-09-30", "2015-10-26"),
        ("Russia", "ISIS", "4", "2015-11-04", "2015-11-05"),
        ("Syrian regime", "ISIS", "3", "2015-10-27", "2015-11-03"),
        ("Russia", "civilians", "1", "2015-11-05", "2015-11-05"),
        ("Russia", "rebels", "1", "2015-10-27", "2015-10-27"),
    ],
    "supply-line-events": [
        (
            "Khanaser-Ithriya highway",
            "2015-10-21",
            "Blockade",
            None,
            "affects",
            ID + "event/1d490ff4",
        ),
        (
            "Khanaser-Ithriya highway",
            "2015-10-23",
            "Seizure",
            "Khanaser",
            "affects",
            ID + "event/ddcce298",
        ),
        (
            "Khanaser-Ithriya highway",
            "2015-10-29",
            "Clash",
            "Ithriya",
            "located on",
            ID + "event/abf46930",
        ),
        (
            "Khanaser-Ithriya highway",
            "2015-11-03",
            "Seizure",
            "Khanaser",
            "affects",
            ID + "event/4e2c50ac",
        ),
    ],
    "events-by-certainty": [
        ("Confirmed", "Airstrike", "3"),
        ("Confirmed", "Attack", "1"),
        ("Confirmed", "Blockade", "1"),
        ("Confirmed", "Counterattack", "1"),
        ("Confirmed", "GroundOffensive", "2"),
        ("Confirmed", "Negotiation", "1"),
        ("Confirmed", "Seizure", "1"),
        ("Confirmed", "Siege", "1"),
        ("Reported", "Airstrike", "4"),
        ("Reported", "Clash", "1"),
        ("Reported", "Seizure", "1"),
        ("Claimed", "CivilianCasualties", "1"),
    ],
}
CONTROL_CHANGES = [
    ("Khanaser", "2015-10-23", "Syrian regime", "ISIS", "Seizure"),
    ("Khanaser", "2015-11-03", "ISIS", "Syrian regime", "Seizure"),
]
KHANASER_EVIDENCE = [
    ("Khanaser", "location", "Seizure", "2015-10-23", "Khanaser", "Confirmed",
     "The Fight for Aleppo: October 21-28, 2015"),
    ("Khanaser", "location", "Seizure", "2015-11-03", "Khanaser", "Reported",
     "The Fight for Aleppo: October 29 - November 4, 2015"),
]  # fmt: skip


def plain(result: QueryResult) -> list[tuple[str | None, ...]]:
    return [tuple(None if term is None else str(term) for term in row) for row in result.rows]


def run(store, name: str, **params: str) -> QueryResult:
    return run_query(resolve_query(name), store, params=params or PARAMS.get(name, {}))


@pytest.fixture(scope="module")
def memory() -> MemoryStore:
    return open_store("memory", FIXTURE)


@pytest.fixture(scope="module")
def oxigraph_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("oxigraph") / "store"
    write_build_to_store(FIXTURE, f"oxigraph:{folder}")
    return folder


@pytest.fixture(scope="module")
def oxigraph(oxigraph_dir: Path):
    with open_store(f"oxigraph:{oxigraph_dir}") as store:
        yield store


# --------------------------------------------------------------------------- bundled queries


def test_bundled_queries_are_listed_with_descriptions() -> None:
    listed = dict(list_queries())
    assert sorted(listed) == BUNDLED
    assert all(len(description) > 20 for description in listed.values())
    assert listed["strikes-by-province"].startswith("Airstrikes per province per ISO week")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bundled_query_rows(memory: MemoryStore, name: str) -> None:
    assert plain(run(memory, name)) == EXPECTED[name]


def test_control_changes(memory: MemoryStore) -> None:
    result = run(memory, "control-changes")
    assert result.variables == ["place", "date", "from", "to", "basis", "evidence"]
    assert [row[:5] for row in plain(result)] == CONTROL_CHANGES
    assert plain(result)[0][5].startswith("ISIS seized multiple checkpoints")


def test_control_changes_take_the_latest_earlier_holder(memory: MemoryStore) -> None:
    # Khanaser held by the regime on Oct 21 and by ISIS on Oct 25: the Oct 23 seizure is now
    # a change from the earlier statement, and the Oct 25 statement (ISIS still) is no change.
    graph = Graph()
    graph += memory.graph
    for node, holder, day in (
        ("c-oct21", "syrian-regime", "2015-10-21"),
        ("c-oct25", "isis", "2015-10-25"),
    ):
        control = URIRef(ID + "control/" + node)
        graph.add((control, RDF.type, URIRef(SKG + "TerritorialControl")))
        graph.add((control, URIRef(SKG + "location"), URIRef(ID + "place/khanaser")))
        graph.add((control, URIRef(SKG + "controlledBy"), URIRef(ID + "actor/" + holder)))
        graph.add((control, URIRef(SKG + "startDate"), Literal(day, datatype=XSD.date)))
    result = run(MemoryStore(graph), "control-changes")
    assert [row[:5] for row in plain(result)] == CONTROL_CHANGES


def test_entity_evidence_by_name(memory: MemoryStore) -> None:
    rows = plain(run(memory, "entity-evidence", entity="Khanaser"))
    assert [row[:6] + row[7:] for row in rows] == KHANASER_EVIDENCE
    assert rows[0][6].startswith("ISIS seized multiple checkpoints along the highway")


def test_entity_evidence_matches_any_name_in_any_case(memory: MemoryStore) -> None:
    rows = plain(run(memory, "entity-evidence", entity="isil"))
    assert len(rows) == 13 and {row[0] for row in rows} == {"ISIS"}
    roles = sorted({(row[1], row[2]) for row in rows})
    assert ("controlledBy", "TerritorialControl") in roles
    assert ("agent", "Siege") in roles and ("target", "Airstrike") in roles


def test_entity_evidence_includes_events_in_places_inside(memory: MemoryStore) -> None:
    rows = plain(run(memory, "entity-evidence", entity="aleppo province"))
    within = sorted(row[4] for row in rows if row[1] == "within")
    assert within == ["Aleppo", "Khanaser", "Khanaser", "Kuweires Airbase", "Safira", "Safira"]
    assert sorted(row[2] for row in rows if row[1] == "location") == [
        "Counterattack",
        "GroundOffensive",
    ]


def test_entity_evidence_needs_its_parameter(memory: MemoryStore) -> None:
    with pytest.raises(QueryError, match="--param entity="):
        run_query(resolve_query("entity-evidence"), memory)


def test_parameter_values_cannot_change_the_query(memory: MemoryStore, oxigraph) -> None:
    hostile = 'x" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'
    for store in (memory, oxigraph):
        assert run(store, "entity-evidence", entity=hostile).rows == []


@pytest.mark.parametrize("name", BUNDLED)
def test_memory_and_oxigraph_agree(memory: MemoryStore, oxigraph, name: str) -> None:
    expected = run(memory, name)
    got = run(oxigraph, name)
    assert got.variables == expected.variables
    assert got.rows == expected.rows
    assert got.rows, f"{name} gave no rows on the fixture"


# --------------------------------------------------------------------------- finding and checking


def test_resolve_query_takes_names_paths_and_text(tmp_path: Path) -> None:
    assert resolve_query("who-fights-whom").startswith("# Who fights whom")
    path = tmp_path / "mine.rq"
    path.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert resolve_query(str(path)) == "ASK { ?s ?p ?o }"
    assert resolve_query("SELECT * WHERE { ?s ?p ?o }") == "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(QueryError, match="no bundled query named 'who-fights'"):
        resolve_query("who-fights")
    with pytest.raises(InputError, match="query file not found"):
        resolve_query(str(tmp_path / "missing.rq"))


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX ex: <http://ex/> SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("# SELECT in a comment\nASK { ?s ?p ?o }", "ASK"),
        ("construct { ?s ?p ?o } where { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://ex/insert>", "DESCRIBE"),
        ("PREFIX select: <http://ex/> INSERT DATA { select:a select:b select:c }", "UPDATE"),
        ("DROP ALL", "UPDATE"),
        ("LOAD <http://example.org/data.ttl>", "UPDATE"),
        ("nonsense", None),
    ],
)
def test_query_form(query: str, form: str | None) -> None:
    assert query_form(query) == form


@pytest.mark.parametrize(
    ("query", "calls_out"),
    [
        ("SELECT * WHERE { SERVICE <http://ex/sparql> { ?s ?p ?o } }", True),
        ("select * where { service silent <http://ex/> { ?s ?p ?o } }", True),
        ('SELECT * WHERE { ?s ?p "SERVICE" }', False),
        ("SELECT * WHERE { ?service ?p ?o } # SERVICE", False),
        ("PREFIX ex: <http://ex/> SELECT * WHERE { ex:SERVICE ex:p-SERVICE ?o }", False),
        ("SELECT * WHERE { <http://ex/SERVICE> ?p ?o }", False),
    ],
)
def test_service_detection(query: str, calls_out: bool) -> None:
    assert uses_service(query) is calls_out


def test_updates_and_service_are_refused(memory: MemoryStore) -> None:
    with pytest.raises(QueryRefusedError, match="read-only"):
        run_query("INSERT DATA { <http://a> <http://b> <http://c> }", memory)
    with pytest.raises(QueryRefusedError, match="SERVICE"):
        run_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", memory)
    assert memory.triple_count() == 570


@pytest.mark.parametrize("store_name", ["memory", "oxigraph"])
@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?x WHERE { ?x ?y }",
        "SELEC ?x WHERE { ?x ?y ?z }",
        "SELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER(\n}",
        "SELECT ?x WHERE { ?x nope:thing ?z }",
    ],
)
def test_malformed_query_gives_a_one_line_reason(
    request: pytest.FixtureRequest, store_name: str, query: str
) -> None:
    store = request.getfixturevalue(store_name)
    with pytest.raises(QueryError) as caught:
        run_query(query, store)
    message = str(caught.value)
    assert message and "\n" not in message and len(message) <= 300


def test_missing_graph_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such graph file"):
        open_store("memory", tmp_path / "graph.ttl")


def test_check_params() -> None:
    text = "# param place: a place name\nSELECT ?x WHERE { ?x rdfs:label ?place }"
    assert check_params(text, {"place": "Homs"}) == {"place": Literal("Homs")}
    with pytest.raises(QueryError, match="needs --param place="):
        check_params(text, {})
    with pytest.raises(QueryError, match=r"no variable \?town"):
        check_params(text, {"place": "Homs", "town": "Safira"})
    assert parse_params(["entity=Deir ez-Zour", "x=a=b"]) == {"entity": "Deir ez-Zour", "x": "a=b"}
    with pytest.raises(QueryError, match="NAME=VALUE"):
        parse_params(["Aleppo"])


def test_bind_params_puts_values_in_each_group_using_the_variable() -> None:
    query = (
        "SELECT ?n WHERE { { ?x rdfs:label ?n FILTER(?n = ?want) } UNION { ?x skos:altLabel ?n . "
        "FILTER(?n = ?want) } ?y ?p ?want }"
    )
    bound = bind_params(query, {"want": Literal('Deir "Zour"')})
    assert bound.count('VALUES ?want { "Deir \\"Zour\\"" }') == 3
    graph = Graph().parse(
        data='<http://a> <http://www.w3.org/2000/01/rdf-schema#label> "x" .', format="turtle"
    )
    assert MemoryStore(graph).query(bound).rows == []


# --------------------------------------------------------------------------- formats


def sample_result() -> QueryResult:
    return QueryResult(
        "SELECT",
        ["place", "note", "n"],
        [
            (URIRef(ID + "place/aleppo"), Literal('Halab, "the city"', lang="ar"), Literal(3)),
            (URIRef(ID + "place/homs"), None, Literal("x\ty\nz")),
        ],
    )


def test_json_results_follow_sparql_json() -> None:
    doc = json.loads(format_result(sample_result(), "json"))
    assert doc["head"] == {"vars": ["place", "note", "n"]}
    first, second = doc["results"]["bindings"]
    assert first["place"] == {"type": "uri", "value": ID + "place/aleppo"}
    assert first["note"] == {"type": "literal", "value": 'Halab, "the city"', "xml:lang": "ar"}
    assert first["n"] == {"type": "literal", "value": "3", "datatype": str(XSD.integer)}
    assert "note" not in second and second["n"] == {"type": "literal", "value": "x\ty\nz"}
    ask = QueryResult("ASK", boolean=True)
    assert json.loads(format_result(ask, "json")) == {"head": {}, "boolean": True}


def test_csv_results_are_plain_values_with_crlf() -> None:
    text = format_result(sample_result(), "csv")
    assert text.startswith("place,note,n\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == [ID + "place/aleppo", 'Halab, "the city"', "3"]
    assert rows[2] == [ID + "place/homs", "", "x\ty\nz"]


def test_tsv_results_use_turtle_terms() -> None:
    lines = format_result(sample_result(), "tsv").splitlines()
    assert lines[0] == "?place\t?note\t?n"
    assert lines[1].split("\t") == [
        f"<{ID}place/aleppo>",
        '"Halab, \\"the city\\""@ar',
        f'"3"^^<{XSD.integer}>',
    ]
    assert lines[2].split("\t")[1:] == ["", '"x\\ty\\nz"']
    assert len(lines) == 3


def test_xml_results_parse() -> None:
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(format_result(sample_result(), "xml"))
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["place", "note", "n"]
    first = root.findall("r:results/r:result", ns)[0]
    literal = first.find("r:binding[@name='note']/r:literal", ns)
    assert literal.text == 'Halab, "the city"'
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    ask = ET.fromstring(format_result(QueryResult("ASK", boolean=False), "xml"))
    assert ask.find("r:boolean", ns).text == "false"


def test_table_aligns_and_cuts_long_cells(memory: MemoryStore) -> None:
    table = format_result(run(memory, "control-changes"), "table")
    lines = table.splitlines()
    assert lines[0].split() == ["place", "date", "from", "to", "basis", "evidence"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].index("2015-10-23") == lines[0].index("date")
    assert lines[2].endswith("…") and lines[-1] == "(2 rows)"
    compact = format_result(run(memory, "supply-line-events"), "table")
    assert "id:event/1d490ff4" in compact


def test_row_cap_truncates(memory: MemoryStore, oxigraph) -> None:
    for store in (memory, oxigraph):
        result = store.query("SELECT ?s WHERE { ?s a skg:Event }", max_rows=5)
        assert len(result.rows) == 5 and result.truncated
        assert "truncated" in format_result(result, "table")


@pytest.mark.parametrize("store_name", ["memory", "oxigraph"])
def test_construct_and_describe(request: pytest.FixtureRequest, store_name: str) -> None:
    store = request.getfixturevalue(store_name)
    query = "CONSTRUCT { ?e skg:location ?p } WHERE { ?e a skg:Seizure ; skg:location ?p }"
    result = run_query(query, store)
    assert result.form == "CONSTRUCT" and len(result.graph) == 2
    turtle = format_result(result, "turtle")
    assert len(Graph().parse(data=turtle, format="turtle")) == 2
    assert len(Graph().parse(data=format_result(result, "nt"), format="nt")) == 2
    nodes = json.loads(format_result(result, "json-ld"))["@graph"]
    assert [node["skg:location"] for node in nodes] == [{"@id": ID + "place/khanaser"}] * 2
    described = run_query(f"DESCRIBE <{ID}place/khanaser>", store)
    assert (
        URIRef(ID + "place/khanaser"),
        URIRef(SKG + "placeType"),
        Literal("town"),
    ) in described.graph


def test_ask(memory: MemoryStore, oxigraph) -> None:
    for store in (memory, oxigraph):
        assert run_query("ASK { ?e a skg:Siege }", store).boolean is True
        assert run_query("ASK { ?e a skg:Withdrawal }", store).boolean is False


# --------------------------------------------------------------------------- stores


def test_split_by_report_puts_each_fact_in_its_report_graph() -> None:
    graphs = split_by_report(Graph().parse(FIXTURE))
    assert len(graphs.reports) == 6 and len(graphs) == 570
    r4 = graphs.reports[R4]
    subjects = {str(s) for s, _, _ in r4}
    assert subjects == {R4} | {ID + f"event/{h}" for h in ("8d45fdd6", "ddcce298", "1d490ff4")}
    shared_subjects = {str(s) for s, _, _ in graphs.shared}
    assert ID + "place/khanaser" in shared_subjects and SKG + "Seizure" in shared_subjects
    assert not any(s.startswith(ID + "event/") for s in shared_subjects)


def test_rewriting_a_build_changes_nothing(tmp_path: Path) -> None:
    first = write_build_to_store(FIXTURE, f"oxigraph:{tmp_path / 'store'}")
    second = write_build_to_store(FIXTURE, f"oxigraph:{tmp_path / 'store'}")
    assert first.store_triples == second.store_triples == 570
    assert second.reports == 6


def test_rebuilding_a_report_replaces_its_facts(tmp_path: Path) -> None:
    spec = f"oxigraph:{tmp_path / 'store'}"
    graph = Graph().parse(FIXTURE)
    write_build_to_store(graph, spec)
    seizure = URIRef(ID + "event/ddcce298")
    graph.remove((seizure, None, None))  # a re-extraction no longer finds the seizure
    summary = write_build_to_store(graph, spec)
    assert summary.store_triples == len(graph)
    with open_store(spec) as store:
        assert not run_query(f"ASK {{ <{seizure}> ?p ?o }}", store).boolean
        assert run_query(f"ASK {{ GRAPH <{R4}> {{ ?e a skg:Blockade }} }}", store).boolean
        assert run_query(f"ASK {{ GRAPH <{SHARED_GRAPH}> {{ ?p a skg:Place }} }}", store).boolean


def test_build_given_as_report_list(tmp_path: Path) -> None:
    graphs = split_by_report(Graph().parse(FIXTURE))
    spec = f"oxigraph:{tmp_path / 'store'}"
    summary = write_build_to_store(list(graphs.reports.items()), spec, shared=graphs.shared)
    assert summary.store_triples == 570
    with open_store(spec) as store:
        assert plain(run(store, "who-fights-whom")) == EXPECTED["who-fights-whom"]


def test_memory_store_replaces_a_report_graph() -> None:
    graphs = split_by_report(Graph().parse(FIXTURE))
    store = MemoryStore()
    store.load(graphs)
    assert store.triple_count() == 570
    store.replace_report_graph(R4, [])
    assert store.triple_count() == 570 - len(graphs.reports[R4])
    assert not run_query("ASK { ?e a skg:Blockade }", store).boolean


@pytest.mark.parametrize("suffix", [".trig", ".nq"])
def test_export_has_one_graph_per_report(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"graph{suffix}"
    assert export_report_graphs(Graph().parse(FIXTURE), path) == 570
    first = path.read_bytes()
    export_report_graphs(Graph().parse(FIXTURE), path)
    assert path.read_bytes() == first
    names = {quad.graph_name.value for quad in pyoxigraph.parse(path=str(path))}
    assert SHARED_GRAPH in names and R4 in names and len(names) == 7
    with open_store("memory", path) as store:
        assert plain(run(store, "who-fights-whom")) == EXPECTED["who-fights-whom"]
    spec = f"oxigraph:{tmp_path / 'store'}"
    assert write_build_to_store(path, spec).store_triples == 570


def test_store_specs_and_their_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unknown store 'mongo:x'"):
        open_store("mongo:x")
    with pytest.raises(StoreError, match="memory store lives only"):
        write_build_to_store(FIXTURE, "memory")
    with pytest.raises(StoreError, match="no Oxigraph store at"):
        open_store(f"oxigraph:{tmp_path / 'nothing'}")
    with pytest.raises(StoreError, match=r"cannot reach SPARQL server http://127\.0\.0\.1:9"):
        open_store("http://user:secret@127.0.0.1:9").query("ASK {}")


def test_a_store_in_use_is_reported(tmp_path: Path) -> None:
    spec = f"oxigraph:{tmp_path / 'store'}"
    with open_store(spec, writable=True), pytest.raises(StoreError, match="in use"):
        OxigraphStore(tmp_path / "store", writable=True)


# --------------------------------------------------------------------------- command line


def test_kg_query_command(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["query", "--list"])
    assert listed.exit_code == 0 and "strikes-by-province" in listed.stdout
    table = runner.invoke(app, ["query", "who-fights-whom", "--graph", str(FIXTURE)])
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[2].split()[:4] == ["ISIS", "Syrian", "regime", "5"]
    as_csv = runner.invoke(
        app, ["query", "entity-evidence", "-g", str(FIXTURE), "-p", "entity=Khanasir", "-f", "csv"]
    )
    assert as_csv.exit_code == 0 and len(list(csv.reader(io.StringIO(as_csv.stdout)))) == 3
    bad = runner.invoke(app, ["query", "SELECT ?x WHERE { ?x ?y }", "-g", str(FIXTURE)])
    assert bad.exit_code == 1 and len(bad.stderr.strip().splitlines()) == 1
    missing = runner.invoke(app, ["query", "who-fights-whom", "-g", str(tmp_path / "no.ttl")])
    assert missing.exit_code == 1 and "no such graph file" in missing.stderr


def test_kg_query_on_an_oxigraph_store(oxigraph_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["query", "strikes-by-province", "--store", f"oxigraph:{oxigraph_dir}", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert [(r["week"]["value"], r["airstrikes"]["value"]) for r in rows][3] == ("2015-W45", "2")


@pytest.fixture(scope="module")
def built_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    result = CliRunner().invoke(app, ["build", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out / "graph.ttl"


@pytest.mark.parametrize("name", BUNDLED)
def test_real_build_answers_alike_in_memory_and_oxigraph(built_graph: Path, name: str) -> None:
    folder = built_graph.parent / "oxigraph"
    if not folder.exists():
        first = write_build_to_store(built_graph, f"oxigraph:{folder}")
        again = write_build_to_store(built_graph, f"oxigraph:{folder}")
        assert first.store_triples == again.store_triples
    params = {"entity": "Aleppo"} if name == "entity-evidence" else {}
    with open_store("memory", built_graph) as memory, open_store(f"oxigraph:{folder}") as ox:
        expected = run_query(resolve_query(name), memory, params=params)
        got = run_query(resolve_query(name), ox, params=params)
    assert (got.variables, got.rows) == (expected.variables, expected.rows)
    assert expected.rows, f"{name} found nothing in the sample build"


def test_oxigraph_loads_a_graph_file_natively(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "store", writable=True) as store:
        assert store.load_file(FIXTURE) == 570
        assert store.load_file(FIXTURE) == 570
        assert store.triple_count() == 570
        assert plain(run(store, "strikes-by-province")) == EXPECTED["strikes-by-province"]
