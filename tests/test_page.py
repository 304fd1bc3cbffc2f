"""The graph page: one offline file, report text kept as text, filters that change the drawing.

Tests marked ``browser`` open the page in headless Chromium and read what its script left on
<body> (data-kg-ready, data-kg-visible-nodes/-edges/-events) from the dumped DOM.
"""

from __future__ import annotations

import json
import math
import random
import re
import statistics
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import load
from rdflib import Graph, Literal, URIRef
from synthetic_graph import synthetic_graph

from kg.analysis import analyze
from kg.graphdata import read_graph
from kg.layout import spring_layout
from kg.map import write_map_page
from kg.render import build_page, external_references, script_json, write_graph_page
from kg.vocab import INST, SKG

SMALL = Path(__file__).parent / "cases" / "analysis" / "small.ttl"
PAYLOAD = "<script>alert(1)</script>"
CLASH = "event/7b3e2c66"  # its evidence carries PAYLOAD


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(SMALL)


@pytest.fixture(scope="module")
def page(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "graph.html"
    write_graph_page(graph, analyze(graph), path)
    return path


@pytest.fixture(scope="module")
def collapsed_page(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("collapsed") / "graph.html"
    write_graph_page(graph, analyze(graph), path, max_nodes=20)
    return path


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert match, "the page carries no kg-data element"
    return json.loads(match.group(1))


# ---------------------------------------------------------------- the file itself


def test_page_is_self_contained(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert external_references(html) == []
    assert "<link" not in html  # pyvis's Bootstrap links are gone
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert "cdn.jsdelivr.net" not in html
    assert "new vis.Network(" in html  # vis-network itself is inline


def test_external_references_are_found() -> None:
    html = '<link href="https://x.org/a.css"><img src="//x.org/i.png"><a href="#k">k</a>'
    assert external_references(html) == ["https://x.org/a.css", "//x.org/i.png"]


def test_report_text_stays_data(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert PAYLOAD not in html
    assert "alert(1)" in html  # still there, as escaped JSON inside the data element
    data = page_data(html)
    assert any(PAYLOAD in sentence for sentence in data["sentences"])


def test_script_json_cannot_close_its_element() -> None:
    text = script_json({"evidence": "</script><script>alert(2)</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"evidence": "</script><script>alert(2)</script><!-- & \u2028"}


def test_evidence_that_closes_script_elements(graph: Graph, tmp_path: Path) -> None:
    hostile = Graph()
    for triple in graph:
        hostile.add(triple)
    event = URIRef(INST["event/7b3e2c66"])
    hostile.set(
        (
            event,
            SKG.evidence,
            Literal('x</script><script>alert(3)</script><img src=x onerror="alert(4)">'),
        )
    )
    path = tmp_path / "graph.html"
    write_graph_page(hostile, analyze(hostile), path)
    html = path.read_text(encoding="utf-8")
    assert "alert(3)</script>" not in html and "<img src=x" not in html
    # Parsed as a browser would: still the page's own five scripts and no <img>.
    tags = StartTags()
    tags.feed(html)
    assert tags.seen.count("script") == 5 and "img" not in tags.seen
    assert any("alert(3)</script><img" in s for s in page_data(html)["sentences"])


class StartTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)


def test_page_shows_every_entity_and_event(graph: Graph) -> None:
    data = read_graph(graph)
    page = build_page(data, analyze(graph))
    classes = {}
    for node in page.nodes.values():
        classes[node.cls] = classes.get(node.cls, 0) + 1
    # Iran is mentioned but in no event: it is not drawn.
    assert classes == {"Actor": 4, "Place": 11, "SupplyLine": 2, "Event": 18}
    relations = {e.relation for e in page.edges}
    assert relations == {
        "agent",
        "target",
        "location",
        "affects",
        "connects",
        "passesThrough",
        "controlledBy",
    }
    assert not page.collapsed and page.total_nodes == 35


def test_events_fold_into_edges_past_max_nodes(graph: Graph) -> None:
    page = build_page(read_graph(graph), analyze(graph), max_nodes=20)
    assert page.collapsed
    assert {n.cls for n in page.nodes.values()} == {"Actor", "Place", "SupplyLine"}
    isis_at_khanaser = [
        e
        for e in page.edges
        if (e.source, e.target, e.relation) == ("actor/isis", "place/khanaser", "agent")
    ]
    assert len(isis_at_khanaser) == 1 and len(isis_at_khanaser[0].ev) == 1  # the 23 Oct seizure


def test_most_connected_nodes_kept_past_max_nodes(graph: Graph, tmp_path: Path) -> None:
    page = build_page(read_graph(graph), analyze(graph), max_nodes=8)
    assert len(page.nodes) == 8 and page.total_nodes == 17
    assert {"actor/isis", "actor/syrian-regime"} <= set(page.nodes)
    path = tmp_path / "graph.html"
    write_graph_page(graph, analyze(graph), path, max_nodes=8)
    assert "showing the 8 best-connected of 17 nodes" in path.read_text(encoding="utf-8")


def test_positions_are_deterministic(graph: Graph) -> None:
    first = build_page(read_graph(graph), analyze(graph)).positions
    second = build_page(read_graph(graph), analyze(graph)).positions
    assert first == second and len(first) == 35
    assert len(set(first.values())) == 35  # no two nodes on one spot


def test_writes_nothing_beside_the_page(
    graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # pyvis's "local" mode would copy lib/ into the cwd
    write_graph_page(graph, analyze(graph), tmp_path / "out" / "graph.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["graph.html"]


# ---------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_page_draws_offline(page: Path, tmp_path: Path) -> None:
    loaded = load(page.as_uri(), tmp_path)
    data = loaded.body_data()
    assert data["kg-ready"] == "1"
    assert data["kg-nodes"] == data["kg-visible-nodes"] == "35"
    assert data["kg-visible-edges"] == "63"
    assert data["kg-visible-events"] == "18"
    assert re.search(r"<canvas\b", loaded.dom)
    assert loaded.page_requests == ()


@pytest.mark.browser
def test_net_log_sees_requests_of_a_page(tmp_path: Path) -> None:
    # The check above must not pass by seeing nothing: a page that does load from the
    # network shows up.
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<html><body><img src="https://example.invalid/x.png"></body></html>')
    assert load(leaky.as_uri(), tmp_path).page_requests == ("https://example.invalid/x.png",)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("view", "nodes", "events"),
    [
        # 6 strikes, Russia, rebels, ISIS, and Aleppo, ar-Raqqa, Homs, Deir ez-Zour Province,
        # Albu Kamal, Kuweires Airbase.
        ("type=Airstrike", 15, 6),
        ("actor=Russia", 15, 6),  # all of them airstrikes: the same view
        # The claimed seizure of Safira: the event, ISIS, the regime, Safira.
        ("certainty=Claimed", 4, 1),
        # Events overlapping 23-26 Oct, report periods included.
        ("from=2015-10-23&to=2015-10-26", None, 9),
        # Safira and its neighbours: three events there, and the regime that holds it.
        ("q=safira", 5, 18),
        ("class=Actor,Place", 15, 18),
    ],
)
def test_filters_from_the_url(
    page: Path, tmp_path: Path, view: str, nodes: int | None, events: int
) -> None:
    data = load(f"{page.as_uri()}#{view}", tmp_path).body_data()
    assert data["kg-ready"] == "1"
    assert int(data["kg-visible-events"]) == events
    if nodes is not None:
        assert int(data["kg-visible-nodes"]) == nodes
    assert int(data["kg-visible-nodes"]) < 35


@pytest.mark.browser
def test_filters_on_collapsed_events(collapsed_page: Path, tmp_path: Path) -> None:
    everything = load(collapsed_page.as_uri(), tmp_path).body_data()
    assert everything["kg-visible-nodes"] == "17"
    seizures = load(f"{collapsed_page.as_uri()}#type=Seizure", tmp_path).body_data()
    # ISIS, the regime, Khanaser, Ithriya, Safira and the Khanaser - Ithriya highway.
    assert (seizures["kg-visible-events"], seizures["kg-visible-nodes"]) == ("3", "6")


@pytest.mark.browser
def test_evidence_panel_shows_text_not_markup(page: Path, tmp_path: Path) -> None:
    loaded = load(f"{page.as_uri()}#select={CLASH}", tmp_path)
    assert loaded.body_data()["kg-selected"] == CLASH
    panel = loaded.dom[loaded.dom.index('id="kg-panel-body"') :]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "The Fight for Aleppo: October 21-28, 2015" in panel
    assert PAYLOAD not in loaded.dom


@pytest.mark.browser
def test_tooltip_shows_text_not_markup(page: Path, tmp_path: Path) -> None:
    loaded = load(f"{page.as_uri()}#hover={CLASH}", tmp_path)
    tooltip = re.search(r'<div class="vis-tooltip"[^>]*>(.*?)</div>', loaded.dom, re.S)
    assert tooltip, "hovering the event opened no tooltip"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tooltip.group(1)
    assert "<script" not in tooltip.group(1)


@pytest.mark.browser
def test_screenshot(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "graph.png"
    load(page.as_uri(), tmp_path, screenshot=shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@pytest.mark.browser
def test_five_thousand_nodes_draw(tmp_path: Path) -> None:
    """A 5,000-node page opens and draws; bench/page.py prints how long it takes."""
    graph = synthetic_graph(events=3600, places=1200, actors=144, supply_lines=72)
    path = tmp_path / "graph.html"
    write_graph_page(graph, analyze(graph), path, max_nodes=5000)
    started = time.perf_counter()
    loaded = load(path.as_uri(), tmp_path, virtual_ms=None, timeout=120)
    wall = time.perf_counter() - started
    data = loaded.body_data()
    assert int(data["kg-nodes"]) > 4900
    assert data["kg-ready"] == "1", f"not drawn after {wall:.1f}s"


def test_rows_read_by_the_caller_give_the_same_pages(graph: Graph, tmp_path: Path) -> None:
    # kg build reads the graph once for the analysis and both pages.
    analysis = analyze(graph)
    write_graph_page(graph, analysis, tmp_path / "a.html")
    write_graph_page(graph, analysis, tmp_path / "b.html", data=read_graph(graph))
    write_map_page(graph, analysis, tmp_path / "a-map.html")
    write_map_page(graph, analysis, tmp_path / "b-map.html", data=read_graph(graph))
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert (tmp_path / "a-map.html").read_bytes() == (tmp_path / "b-map.html").read_bytes()


def test_dense_graph_layout_spreads_nodes_and_keeps_links_short() -> None:
    # 600 nodes, 6,000 links: past EXACT_REPULSION_MAX_NODES, with distant cells as masses.
    rng = random.Random(4)
    ids = [f"n{i}" for i in range(600)]
    links = [(rng.choice(ids[: i + 1]), ids[i]) for i in range(1, 600)]
    links += [(rng.choice(ids), rng.choice(ids)) for _ in range(5400)]
    positions = spring_layout(ids, links)
    assert positions == spring_layout(ids, links)
    assert len(set(positions.values())) == len(ids)
    linked = statistics.mean(math.dist(positions[a], positions[b]) for a, b in links if a != b)
    pairs = [(rng.choice(ids), rng.choice(ids)) for _ in range(5000)]
    anywhere = statistics.mean(math.dist(positions[a], positions[b]) for a, b in pairs)
    assert linked < 0.8 * anywhere
