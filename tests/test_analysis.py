"""kg.analysis on a hand-written built graph (tests/cases/analysis/small.ttl): the figures
below are counted by hand from that file."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from synthetic_graph import synthetic_graph

from kg.analysis import (
    BETWEENNESS_SAMPLES,
    BETWEENNESS_SEED,
    EXACT_BETWEENNESS_MAX_NODES,
    Analysis,
    _betweenness,
    analyze,
    json_text,
    render_markdown,
    write_analysis,
)
from kg.graphdata import read_graph
from kg.vocab import INST, SKG

SMALL = Path(__file__).parent / "cases" / "analysis" / "small.ttl"


def iri(path: str) -> str:
    return str(INST[path])


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(SMALL)


@pytest.fixture(scope="module")
def analysis(graph: Graph) -> Analysis:
    return analyze(graph)


def edge(analysis: Analysis, source: str, target: str):
    found = [e for e in analysis.actor_edges if e.source == iri(source) and e.target == iri(target)]
    assert len(found) == 1, f"no single edge {source} -> {target}"
    return found[0]


def place(analysis: Analysis, path: str):
    return next(p for p in analysis.places if p.iri == iri(path))


# ---------------------------------------------------------------- reading


def test_reads_every_event_with_its_subclass_and_dates(graph: Graph) -> None:
    data = read_graph(graph)
    assert len(data.events) == 18
    seizure = next(e for e in data.events if e.iri == iri("event/3f2a9c41"))
    assert seizure.type == "Seizure"
    assert seizure.locations == (iri("place/ithriya"), iri("place/khanaser"))
    assert seizure.affects == (iri("supply-line/khanaser--ithriya"),)
    assert seizure.start.isoformat() == "2015-10-23" and seizure.dated
    counterattack = next(e for e in data.events if e.iri == iri("event/1c2d7e90"))
    # No date in the sentence: the report's period stands in, and says so.
    assert counterattack.start.isoformat() == "2015-10-21" and not counterattack.dated
    assert counterattack.end.isoformat() == "2015-10-28"


def test_summary(analysis: Analysis) -> None:
    s = analysis.summary
    assert (s.reports, s.events, s.actors, s.places, s.supply_lines) == (5, 18, 5, 16, 2)
    assert s.control_statements == 3
    assert (s.first_day, s.last_day) == ("2015-09-30", "2015-11-10")
    assert s.events_without_location == 1  # the blockade of the Hama-Aleppo route


# ---------------------------------------------------------------- actors


def test_isis_against_the_regime(analysis: Analysis) -> None:
    e = edge(analysis, "actor/isis", "actor/syrian-regime")
    assert e.events == 7
    # Six confirmed, one reported (0.7), one claimed (0.5): 5 + 0.7 + 0.5.
    assert e.weighted == pytest.approx(6.2)
    assert e.by_type == {"Attack": 2, "Blockade": 1, "Clash": 1, "Counterattack": 1, "Seizure": 2}
    assert analysis.actor_edges[0] == e  # the heaviest edge comes first


def test_certainty_weights_russian_strikes(analysis: Analysis) -> None:
    e = edge(analysis, "actor/russia", "actor/isis")
    assert (e.events, e.weighted) == (4, pytest.approx(3.4))  # two confirmed, two reported
    assert edge(analysis, "actor/syrian-regime", "actor/rebels").weighted == pytest.approx(0.4)


def test_an_event_without_target_makes_no_edge(analysis: Analysis) -> None:
    # The Albu Kamal strike names no target: Russia acts, but fights nobody in it.
    russia = next(a for a in analysis.actors if a.label == "Russia")
    assert (russia.events, russia.as_agent, russia.as_target) == (6, 6, 0)
    assert sum(e.events for e in analysis.actor_edges if e.source == iri("actor/russia")) == 5


def test_top_actors(analysis: Analysis) -> None:
    rows = [(a.label, a.events, a.as_agent, a.as_target) for a in analysis.top_actors()]
    assert rows == [
        ("ISIS", 14, 7, 7),
        ("Syrian regime", 12, 5, 7),
        ("Russia", 6, 6, 0),
        ("rebels", 2, 0, 2),
    ]


def test_communities(analysis: Analysis) -> None:
    assert analysis.communities == (
        (iri("actor/isis"), iri("actor/syrian-regime")),
        (iri("actor/rebels"), iri("actor/russia")),
    )
    assert {a.label: a.community for a in analysis.actors} == {
        "ISIS": 0,
        "Syrian regime": 0,
        "Russia": 1,
        "rebels": 1,
    }


# ---------------------------------------------------------------- places


def test_events_at_places(analysis: Analysis) -> None:
    assert place(analysis, "place/aleppo").events == 2
    assert place(analysis, "place/kuweires-airbase").events == 4
    assert [(p.label, p.events) for p in analysis.top_places(3)] == [
        ("Kuweires Airbase", 4),
        ("Safira", 3),
        ("Aleppo", 2),
    ]


def test_supply_route_waypoints_are_ordered_by_distance(analysis: Analysis) -> None:
    links = {(link.source_label, link.target_label): link.kinds for link in analysis.place_links}
    # Aleppo - Khanaser - Ithriya - Hama, not Aleppo - Hama or Aleppo - Ithriya directly.
    assert links[("Aleppo", "Khanaser")] == ("supply-line",)
    assert links[("Hama", "Ithriya")] == ("supply-line",)
    assert links[("Ithriya", "Khanaser")] == ("co-occurrence", "supply-line")
    assert ("Aleppo", "Hama") not in links and ("Aleppo", "Ithriya") not in links
    # One sentence locates fighting at Aleppo, Kuweires Airbase and Safira.
    assert links[("Kuweires Airbase", "Safira")] == ("co-occurrence",)


def test_chokepoints_on_the_regime_supply_route(analysis: Analysis) -> None:
    # The Aleppo piece of the place network is Safira, Kuweires (a triangle with Aleppo),
    # then Aleppo - Khanaser - Ithriya - Hama: 6 nodes, normalised by (n-1)(n-2)/2 over all 11.
    assert place(analysis, "place/khanaser").betweenness == pytest.approx(6 / 45, abs=1e-6)
    assert place(analysis, "place/aleppo").betweenness == pytest.approx(6 / 45, abs=1e-6)
    assert place(analysis, "place/ithriya").betweenness == pytest.approx(4 / 45, abs=1e-6)
    assert [p.label for p in analysis.chokepoints()] == ["Aleppo", "Khanaser", "Ithriya"]


# ---------------------------------------------------------------- counts


def test_counts_by_type_and_certainty(analysis: Analysis) -> None:
    assert analysis.events_by_type == {
        "Airstrike": 6,
        "Attack": 2,
        "Blockade": 1,
        "Clash": 1,
        "Counterattack": 1,
        "GroundOffensive": 4,
        "Seizure": 3,
    }
    assert analysis.events_by_certainty == {
        "Assessed": 2,
        "Claimed": 1,
        "Confirmed": 11,
        "Reported": 4,
    }


def test_events_per_province(analysis: Analysis) -> None:
    rows = {c.label: c.events for c in analysis.events_by_province}
    # Aleppo Province holds its own two events plus those at Aleppo, Safira, Kuweires and
    # Khanaser; the seizure at Khanaser and Ithriya counts for Hama Province as well.
    assert rows == {
        "Aleppo Province": 13,
        "Deir ez-Zour Province": 2,
        "Hama Province": 1,
        "Homs Province": 1,
        "ar-Raqqa Province": 1,
    }


def test_events_per_day(analysis: Analysis) -> None:
    assert analysis.events_by_day == {
        "2015-09-30": 2,  # period start of "September 30 - October 28" for undated offensives
        "2015-10-15": 1,
        "2015-10-21": 3,
        "2015-10-23": 1,
        "2015-10-25": 1,
        "2015-10-26": 2,
        "2015-10-27": 1,
        "2015-11-03": 1,
        "2015-11-04": 3,
        "2015-11-05": 1,
        "2015-11-10": 2,
    }


def test_events_per_province_per_week(analysis: Analysis) -> None:
    week = {
        r.type: r.events
        for r in analysis.events_by_province_week
        if r.province_label == "Aleppo Province" and r.week == "2015-W43"
    }
    assert week == {"Attack": 1, "Clash": 1, "Counterattack": 1, "Seizure": 1}
    hama = [
        (r.week, r.type, r.events)
        for r in analysis.events_by_province_week
        if r.province_label == "Hama Province"
    ]
    assert hama == [("2015-W43", "Seizure", 1)]


def test_rising_activity_at_kuweires(analysis: Analysis) -> None:
    # Two events in the last week (W46); one in W40 and one in W43 over six earlier weeks.
    assert [(r.label, r.week, r.events, r.earlier_weekly_mean) for r in analysis.rising] == [
        ("Kuweires Airbase", "2015-W46", 2, pytest.approx(2 / 6, abs=1e-6))
    ]


# ---------------------------------------------------------------- control


def timeline(analysis: Analysis, path: str):
    return next(t for t in analysis.control if t.place == iri(path)).entries


def test_safira_control_timeline(analysis: Analysis) -> None:
    rows = [
        (e.day, e.controller_labels, e.source, e.certainty, e.change, e.contested)
        for e in timeline(analysis, "place/safira")
    ]
    assert rows == [
        ("2015-10-21", ("Syrian regime",), "control", "Confirmed", True, False),
        # A confirmed "regime-held" and a claimed ISIS seizure on one day: the confirmed one
        # decides, so nothing changes hands, and both are marked contested.
        ("2015-10-26", ("Syrian regime",), "control", "Confirmed", False, True),
        ("2015-10-26", ("ISIS",), "seizure", "Claimed", False, True),
    ]
    first = timeline(analysis, "place/safira")[0]
    assert first.report_title == "The Fight for Aleppo: October 21-28, 2015"
    assert "regime-held town of Safira" in first.evidence


def test_khanaser_changes_hands_twice(analysis: Analysis) -> None:
    rows = [(e.day, e.controller_labels, e.change) for e in timeline(analysis, "place/khanaser")]
    assert rows == [("2015-10-23", ("ISIS",), True), ("2015-11-03", ("Syrian regime",), True)]


def test_contradiction_flagged(analysis: Analysis) -> None:
    assert len(analysis.contradictions) == 1
    c = analysis.contradictions[0]
    assert (c.place_label, c.day) == ("Safira", "2015-10-26")
    assert {claim.controller_labels for claim in c.claims} == {("Syrian regime",), ("ISIS",)}
    assert {claim.report_title for claim in c.claims} == {
        "The Fight for Aleppo: October 21-28, 2015",
        "Russian Airstrikes in Syria: September 30 - October 28, 2015",
    }


# ---------------------------------------------------------------- output files


def test_write_analysis_is_deterministic(analysis: Analysis, graph: Graph, tmp_path: Path) -> None:
    write_analysis(analysis, tmp_path / "a")
    # The same triples added in another order must give the same bytes.
    triples = list(graph)
    random.Random(3).shuffle(triples)
    shuffled = Graph()
    for triple in triples:
        shuffled.add(triple)
    write_analysis(analyze(shuffled), tmp_path / "b")
    for name in ("analysis.json", "analysis.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_analysis_json(analysis: Analysis, tmp_path: Path) -> None:
    write_analysis(analysis, tmp_path)
    text = (tmp_path / "analysis.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data == json.loads(json.dumps(analysis.to_dict()))
    assert list(data) == sorted(data)
    assert data["actor_edges"][0]["by_type"]["Seizure"] == 2
    assert data["control"][-1]["place_label"] == "Safira"
    assert text.endswith("\n")
    # One record a line: a list's items are written compactly, each on a line of its own.
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    edges = lines[lines.index('  "actor_edges": [') + 1 :]
    assert json.loads(edges[0].strip().rstrip(",")) == data["actor_edges"][0]


def test_json_text_is_json_with_sorted_keys() -> None:
    value = {"b": [{"y": 1, "x": [1, 2]}, "é"], "a": {"n": {"deep": {"z": 1}}, "m": []}}
    text = json_text(value)
    assert json.loads(text) == value
    assert text.index('"a"') < text.index('"b"')
    assert '    {"x": [1, 2], "y": 1},' in text.splitlines()
    assert "é" in text  # not escaped


def test_betweenness_is_networkx_s_exact_and_sampled() -> None:
    net = nx.relabel_nodes(nx.gnm_random_graph(120, 300, seed=5), lambda n: f"p{n}")
    net.add_edge("x", "y")  # a piece of its own
    exact = nx.betweenness_centrality(net)
    assert _betweenness(net) == pytest.approx(exact, abs=1e-12)
    big = nx.relabel_nodes(
        nx.gnm_random_graph(EXACT_BETWEENNESS_MAX_NODES + 50, 1500, seed=6), lambda n: f"p{n}"
    )
    sampled = nx.betweenness_centrality(big, k=BETWEENNESS_SAMPLES, seed=BETWEENNESS_SEED)
    assert _betweenness(big) == pytest.approx(sampled, abs=1e-12)


def test_analysis_markdown(analysis: Analysis) -> None:
    md = render_markdown(analysis)
    assert (
        "| ISIS | Syrian regime | 7 | 6.2 | Attack 2, Seizure 2, Blockade 1, Clash 1, Counterattack 1 |"
        in md
    )
    assert "| Aleppo Province | 13 |" in md
    assert "| 2015-11-03 | Khanaser | Syrian regime | seizure, Confirmed |" in md
    assert "| 2015-10-26 | Safira |" in md  # the contradiction
    assert "| Kuweires Airbase | 2015-W46 | 2 | 0.33 |" in md
    assert "| Khanaser | 0.133 | 2 |" in md
    assert len(md.splitlines()) < 150  # a minute's read


# ---------------------------------------------------------------- odd graphs


def test_empty_graph() -> None:
    a = analyze(Graph())
    assert a.summary.events == 0 and a.actor_edges == () and a.rising == ()
    assert "None." in render_markdown(a)


def test_missing_subclass_certainty_and_dates() -> None:
    g = Graph()
    event = URIRef(iri("event/bare"))
    g.add((event, RDF.type, SKG.Event))
    g.add((event, SKG.agent, URIRef(iri("actor/a|b"))))
    g.add((event, SKG.target, URIRef(iri("actor/c"))))
    g.add((URIRef(iri("actor/c")), RDFS.label, Literal("C")))
    g.add((event, SKG.startDate, Literal("not a date", datatype=XSD.date)))
    a = analyze(g)
    assert a.events_by_type == {"Event": 1}
    assert a.events_by_certainty == {"Unspecified": 1}
    assert a.summary.events_without_date == 1
    assert a.actor_edges[0].weighted == pytest.approx(0.7)  # unhedged: counted as reported
    # A label with a pipe stays in its Markdown cell.
    assert "| a\\|b | C | 1 |" in render_markdown(a)


# ---------------------------------------------------------------- size


def test_large_graph_stays_fast() -> None:
    # 3,000 places make the place network big enough for sampled betweenness.
    g = synthetic_graph(events=8000, places=3000, actors=200, supply_lines=150)
    started = time.perf_counter()
    a = analyze(g)
    elapsed = time.perf_counter() - started
    assert a.summary.events == 8000
    assert len(a.places) > 2000
    assert elapsed < 40, f"analysis of 8,000 events took {elapsed:.1f}s"
