"""Exports of the real sample build, read back by the libraries their users would use:
networkx for GraphML (Cytoscape) and GEXF (Gephi), json for GeoJSON (QGIS), csv for the
ACLED-style table."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDF, Graph, URIRef

from kg.errors import InputError
from kg.export import ACLED_COLUMNS, _Actors, acled_type, export, write_export
from kg.graphdata import EventRow
from kg.graphio import load_graph
from kg.pipeline import build
from kg.resources import SAMPLE_REPORTS

ID = "https://w3id.org/sitrep-kg/id/"
SEIZURE_TEXT = "ISIS seized multiple checkpoints along the highway between"
ACLED_REQUIRED = (
    "event_date", "event_type", "sub_event_type", "actor1", "actor2", "admin1", "location",
    "latitude", "longitude", "source", "notes", "fatalities",
)  # fmt: skip
# Syria and Iraq with a margin: where every Syrian or Iraqi feature must fall.
REGION = {"lat": (29.0, 37.6), "long": (35.5, 48.8)}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    build([SAMPLE_REPORTS], out)
    return out / "graph.ttl"


@pytest.fixture(scope="module")
def graph(sample: Path) -> Graph:
    return load_graph(sample)


def _count(graph: Graph, cls: str) -> int:
    query = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{cls}> }}"
    return int(next(iter(graph.query(query)))[0])


def _skg(name: str) -> str:
    return f"https://w3id.org/sitrep-kg/ontology#{name}"


# ---------------------------------------------------------------- GraphML and GEXF


def test_graphml_reads_back_with_every_node_and_its_attributes(graph: Graph, tmp_path: Path):
    path = write_export(graph, "graphml", tmp_path / "sample.graphml")
    net = nx.read_graphml(path)
    expected = sum(_count(graph, _skg(c)) for c in ("Actor", "Place", "SupplyLine", "Event"))
    assert net.number_of_nodes() == expected
    for node, attrs in net.nodes(data=True):
        assert attrs["label"] and attrs["class"] in {"Actor", "Place", "SupplyLine", "Event"}
        assert "None" not in {str(v) for v in attrs.values()}, node
    khanaser = net.nodes[f"{ID}place/khanaser"]
    assert khanaser["class"] == "Place" and 35 < khanaser["lat"] < 36 and 37 < khanaser["long"] < 38
    seizure = _node_with(net, SEIZURE_TEXT)
    assert net.nodes[seizure]["event_type"] == "Seizure"
    assert net.edges[seizure, f"{ID}actor/isis"]["relation"] == "agent"
    assert net.edges[seizure, f"{ID}place/khanaser"]["relation"] == "location"
    assert net.edges[seizure, f"{ID}supply-line/khanaser--ithriya"]["relation"] == "affects"
    assert net.edges[f"{ID}actor/syrian-regime", f"{ID}place/safira"]["relation"] == "controls"


def _node_with(net: nx.DiGraph, evidence: str) -> str:
    return next(n for n, text in net.nodes(data="evidence") if text and evidence in text)


def test_gexf_reads_back_with_the_same_nodes_labels_and_edges(graph: Graph, tmp_path: Path):
    graphml = nx.read_graphml(write_export(graph, "graphml", tmp_path / "g.graphml"))
    gexf = nx.read_gexf(write_export(graph, "gexf", tmp_path / "g.gexf"))
    assert set(gexf.nodes) == set(graphml.nodes)
    assert set(gexf.edges) == set(graphml.edges)
    for node in graphml.nodes:
        assert gexf.nodes[node]["label"] == graphml.nodes[node]["label"]
    aleppo = gexf.nodes[f"{ID}place/aleppo"]
    assert aleppo["class"] == "Place" and aleppo["province"] == "Aleppo Province"


def test_exports_are_byte_identical_across_runs(graph: Graph):
    for fmt in ("graphml", "gexf", "geojson", "csv"):
        assert export(graph, fmt) == export(graph, fmt), fmt


# ---------------------------------------------------------------- GeoJSON


def test_geojson_is_a_feature_collection_of_points_in_range(graph: Graph):
    collection = json.loads(export(graph, "geojson"))
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert {f["properties"]["kind"] for f in features} == {"place", "event"}
    for feature in features:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point" and len(geometry["coordinates"]) == 2
        long, lat = geometry["coordinates"]
        assert -180 <= long <= 180 and -90 <= lat <= 90
        if feature["properties"]["country"] in ("Syria", "Iraq"):
            assert REGION["lat"][0] <= lat <= REGION["lat"][1], feature["id"]
            assert REGION["long"][0] <= long <= REGION["long"][1], feature["id"]


def test_geojson_places_events_at_their_location(graph: Graph):
    features = json.loads(export(graph, "geojson"))["features"]
    places = {f["properties"]["iri"]: f for f in features if f["properties"]["kind"] == "place"}
    albu_kamal = places[f"{ID}place/albu-kamal"]["geometry"]["coordinates"]
    deaths = next(
        f
        for f in features
        if f["properties"]["kind"] == "event" and f["properties"]["type"] == "CivilianCasualties"
    )
    props = deaths["properties"]
    assert deaths["geometry"]["coordinates"] == albu_kamal
    assert props["agent"] == "Russia" and props["target"] == "civilians"
    assert props["date"] == "2015-11-05" and props["certainty"] == "Claimed"
    assert props["fatalities"] == 50 and "killed over 50 civilians" in props["evidence"]
    assert props["report"].startswith("Russian Airstrikes in Syria")


# ---------------------------------------------------------------- ACLED-style CSV


def _rows(graph: Graph) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export(graph, "csv"))))


def test_csv_has_the_acled_columns_and_one_row_per_event_place(graph: Graph):
    text = export(graph, "csv")
    header = next(csv.reader(io.StringIO(text)))
    assert tuple(header) == ACLED_COLUMNS
    assert set(ACLED_REQUIRED) <= set(header)
    rows = _rows(graph)
    event, location = _skg("Event"), _skg("location")
    events = graph.query(
        f"SELECT ?e ?p WHERE {{ ?e a <{event}> OPTIONAL {{ ?e <{location}> ?p }} }}"
    )
    assert len(rows) == len(list(events))
    assert [r["event_date"] for r in rows] == sorted(r["event_date"] for r in rows)
    for row in rows:
        assert row["latitude"] == "" or -90 <= float(row["latitude"]) <= 90
        assert int(row["fatalities"]) >= 0 and row["notes"] and row["source"]


def test_csv_maps_our_classes_to_acled_types(graph: Graph):
    rows = _rows(graph)
    seizure = next(r for r in rows if SEIZURE_TEXT in r["notes"])
    assert (seizure["event_type"], seizure["sub_event_type"]) == (
        "Battles",
        "Non-state actor overtakes territory",
    )
    assert (seizure["actor1"], seizure["actor2"]) == ("ISIS", "Syrian regime")
    assert (seizure["admin1"], seizure["location"], seizure["country"]) == (
        "Aleppo Province",
        "Khanaser",
        "Syria",
    )
    assert seizure["event_date"] == "2015-10-23" and seizure["time_precision"] == "1"
    assert seizure["source"] == "The Fight for Aleppo: October 21-28, 2015"
    by_type = {(r["event_type"], r["sub_event_type"]) for r in rows}
    assert ("Explosions/Remote violence", "Air/drone strike") in by_type
    assert ("Strategic developments", "Agreement") in by_type  # the Vienna talks
    deaths = next(r for r in rows if "killed over 50 civilians" in r["notes"])
    assert deaths["fatalities"] == "50" and deaths["civilian_targeting"] == "Civilian targeting"


def _event(kind: str, evidence: str, agents=(), targets=()) -> EventRow:
    day = date(2016, 1, 1)
    return EventRow(
        iri=f"{ID}event/x",
        type=kind,
        agents=tuple(agents),
        targets=tuple(targets),
        locations=(),
        affects=(),
        start=day,
        end=day,
        dated=True,
        certainty="Confirmed",
        evidence=evidence,
        report=None,
        fatalities=None,
    )


ACTORS = _Actors(
    types={
        f"{ID}actor/syrian-regime": "state",
        f"{ID}actor/saa": "state-force",
        f"{ID}actor/isis": "armed-group",
        f"{ID}actor/civilians": "civilians",
    },
    sides={f"{ID}actor/saa": f"{ID}actor/syrian-regime"},
)


@pytest.mark.parametrize(
    ("event", "trigger", "expected"),
    [
        (_event("Attack", "ISIS shelled regime positions in Deir ez-Zour."), "shelled",
         ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
        (_event("Attack", "ISIS detonated an SVBIED at the checkpoint."), "detonated",
         ("Explosions/Remote violence", "Suicide bomb")),
        (_event("Attack", "ISIS attacked the town.", targets=[f"{ID}actor/civilians"]), "attacked",
         ("Violence against civilians", "Attack")),
        (_event("Attack", "Rebels attacked regime positions."), "attacked",
         ("Battles", "Armed clash")),
        (_event("Seizure", "The SAA recaptured the town.", agents=[f"{ID}actor/saa"]), "recaptured",
         ("Battles", "Government regains territory")),
        (_event("Seizure", "ISIS seized the town.", agents=[f"{ID}actor/isis"]), "seized",
         ("Battles", "Non-state actor overtakes territory")),
        (_event("Negotiation", "Talks were held in Vienna."), "talks",
         ("Strategic developments", "Agreement")),
        (_event("CivilianCasualties", "A car bomb killed 12 civilians."), "killed",
         ("Violence against civilians", "Attack")),
    ],
)  # fmt: skip
def test_acled_type(event: EventRow, trigger: str, expected: tuple[str, str]):
    assert acled_type(event, trigger, ACTORS) == expected


# ---------------------------------------------------------------- the command


def _kg(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_cli_export_writes_a_file_or_prints(sample: Path, tmp_path: Path):
    out = tmp_path / "events.csv"
    run = _kg("export", "--format", "csv", "--graph", str(sample), "--out", str(out), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8").startswith("event_id_cnty,event_date")
    printed = _kg("export", "--format", "geojson", "--graph", str(sample), cwd=tmp_path)
    assert json.loads(printed.stdout)["type"] == "FeatureCollection"
    folder = _kg(
        "export", "-f", "gexf", "--graph", str(sample), "--out", str(tmp_path), cwd=tmp_path
    )
    assert folder.returncode == 0 and (tmp_path / "graph.gexf").exists()


def test_cli_export_mistakes_end_in_one_line(sample: Path, tmp_path: Path):
    run = _kg("export", "--format", "shapefile", "--graph", str(sample), cwd=tmp_path)
    assert run.returncode == 1 and "unknown export format 'shapefile'" in run.stderr
    missing = _kg("export", "--format", "csv", "--graph", "missing.ttl", cwd=tmp_path)
    assert missing.returncode == 1 and "no such graph file" in missing.stderr
    assert "Traceback" not in run.stderr + missing.stderr


def test_unknown_format_is_an_input_error(graph: Graph):
    with pytest.raises(InputError):
        export(graph, "kml")


def test_trig_and_nquads_keep_one_named_graph_per_report(graph: Graph, tmp_path: Path):
    import pyoxigraph as ox

    for fmt, kind in (("trig", ox.RdfFormat.TRIG), ("nquads", ox.RdfFormat.N_QUADS)):
        path = write_export(graph, fmt, tmp_path)
        quads = list(ox.parse(path=str(path), format=kind))
        names = {q.graph_name.value for q in quads}
        reports = {str(r) for r in graph.subjects(RDF.type, URIRef(_skg("Report")))}
        assert reports <= names  # every report has its own graph ...
        assert len(names) == len(reports) + 1  # ... plus the shared terms' graph
        assert len({(q.subject, q.predicate, q.object) for q in quads}) == len(graph)


def test_jsonld_uses_the_shipped_context_and_round_trips(graph: Graph, tmp_path: Path):
    path = write_export(graph, "jsonld", tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["@context"]["agent"] == {"@id": "skg:agent", "@type": "@id"}
    import pyoxigraph as ox  # rdflib's JSON-LD reader warns about its own deprecated API

    back = {
        (q.subject, q.predicate, q.object)
        for q in ox.parse(path=str(path), format=ox.RdfFormat.JSON_LD)
    }
    assert len(back) == len(graph)
