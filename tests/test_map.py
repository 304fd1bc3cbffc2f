"""The map page: places at their coordinates, offline, with the graph page's filters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import load
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.analysis import analyze
from kg.graphdata import read_graph
from kg.map import map_page, write_map_page
from kg.render import external_references
from kg.vocab import INST

SMALL = Path(__file__).parent / "cases" / "analysis" / "small.ttl"
PAYLOAD = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(SMALL)


@pytest.fixture(scope="module")
def map_file(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("map") / "map.html"
    write_map_page(graph, analyze(graph), path)
    return path


def test_map_is_self_contained(map_file: Path) -> None:
    html = map_file.read_text(encoding="utf-8")
    assert external_references(html) == []
    assert "<link" not in html and not re.search(r"<script[^>]*\bsrc=", html)
    assert PAYLOAD not in html


def test_map_places_lines_and_coordinates(graph: Graph) -> None:
    page = map_page(read_graph(graph), analyze(graph))
    places = sorted(i for i, n in page.nodes.items() if n.cls == "Place")
    assert len(places) == 11 and "place/albu-kamal" in places
    assert sorted(i for i, n in page.nodes.items() if n.cls == "SupplyLine") == [
        "supply-line/aleppo--hama",
        "supply-line/khanaser--ithriya",
    ]


def test_map_data(map_file: Path) -> None:
    html = map_file.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', html, re.S).group(1))
    assert data["geo"]["place/safira"] == [36.0769, 37.3725]
    # The Hama route's unordered waypoints, ordered by distance from Aleppo.
    assert data["stops"]["supply-line/aleppo--hama"] == [
        "place/aleppo",
        "place/khanaser",
        "place/ithriya",
        "place/hama",
    ]


def test_places_without_coordinates_are_counted(graph: Graph, tmp_path: Path) -> None:
    lost = Graph()
    for s, p, o in graph:
        if str(s) == str(INST["place/homs"]) and "wgs84_pos" in str(p):
            continue
        lost.add((s, p, o))
    path = tmp_path / "map.html"
    write_map_page(lost, analyze(lost), path)
    assert "1 places without coordinates are not on the map" in path.read_text(encoding="utf-8")


@pytest.mark.browser
def test_map_draws_offline(map_file: Path, tmp_path: Path) -> None:
    loaded = load(map_file.as_uri(), tmp_path)
    data = loaded.body_data()
    assert data["kg-ready"] == "1"
    # 11 places and 2 supply lines; the lines have 1 + 3 segments.
    assert (data["kg-visible-nodes"], data["kg-visible-edges"]) == ("13", "4")
    assert '<canvas id="kg-map"' in loaded.dom
    assert loaded.page_requests == ()


@pytest.mark.browser
def test_map_filter_from_the_url(map_file: Path, tmp_path: Path) -> None:
    data = load(f"{map_file.as_uri()}#type=Airstrike", tmp_path).body_data()
    # Aleppo, ar-Raqqa, Homs, Deir ez-Zour Province, Albu Kamal and Kuweires Airbase; no strike
    # touches a supply line.
    assert (data["kg-visible-events"], data["kg-visible-nodes"], data["kg-visible-edges"]) == (
        "6",
        "6",
        "0",
    )


@pytest.mark.browser
def test_map_panel_and_tooltip_show_text(graph: Graph, tmp_path: Path) -> None:
    hostile = Graph()
    for triple in graph:
        hostile.add(triple)
    kuweires = URIRef(INST["place/kuweires-airbase"])
    hostile.set((kuweires, RDFS.label, Literal("<b>Kuweires</b> Airbase")))
    path = tmp_path / "map.html"
    write_map_page(hostile, analyze(hostile), path)
    loaded = load(
        f"{path.as_uri()}#select=place/kuweires-airbase&hover=place/kuweires-airbase", tmp_path
    )
    dom = loaded.dom
    panel = dom[dom.index('id="kg-panel-body"') :]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel  # the clash's evidence
    tip = re.search(r'<div id="kg-tip"[^>]*>(.*?)</div>', dom, re.S)
    assert tip and "&lt;b&gt;Kuweires&lt;/b&gt; Airbase" in tip.group(1)
    assert "<b>Kuweires" not in dom and PAYLOAD not in dom
