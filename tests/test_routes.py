"""The route network, its chokepoints and "what if X falls", on reports whose answer is known.

tests/cases/routes/*.txt are short reports written for this: a seizure on the desert road to
Aleppo, the regime cutting the Castello Road, ISIS blocking Highway 1 and its route to Syria.
Each is built with the real pipeline and the cut results are checked against the geography.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg import routes as routes_module
from kg.errors import InputError
from kg.graphdata import EventRow
from kg.graphio import load_graph
from kg.normalize import name_key
from kg.pipeline import BuildOptions, build
from kg.resources import SAMPLE_REPORTS, ontology_file
from kg.routes import (
    Evidence,
    RouteNetwork,
    _acts_on,
    _fold,
    _km,
    _Obs,
    analyze_routes,
    build_network,
    edge,
    find_line,
    find_place,
    load_reference,
    routes_report,
    what_if,
)
from kg.validate import validate

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "routes"
ID = "https://w3id.org/sitrep-kg/id/"


def place(slug: str, base: str = ID) -> str:
    return f"{base}place/{slug}"


def actor(slug: str) -> str:
    return f"{ID}actor/{slug}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build a case (or the bundled sample) once per module; returns its graph."""

    @cache
    def make(name: str, base: str = ID) -> Graph:
        source = SAMPLE_REPORTS if name == "sample" else CASES / f"{name}.txt"
        out = tmp_path_factory.mktemp(name)
        build([source], out, BuildOptions(base=base))
        return load_graph(out / "graph.ttl")

    return make


@pytest.fixture(scope="module")
def network(built):
    return cache(lambda name: build_network(built(name)))


# ---------------------------------------------------------------- the reference network


def test_every_stop_is_a_gazetteer_place_with_coordinates():
    reference = load_reference()
    assert len(reference.routes) >= 15
    for route in reference.routes:
        assert len(route.stops) >= 2, route.slug
        assert len(set(route.stops)) == len(route.stops), f"{route.slug} repeats a stop"
        for stop in route.stops:
            row = reference.places[stop]
            assert row.lat is not None and row.long is not None, stop
            assert row.place_type not in ("country", "province", "region"), stop


def test_stops_are_in_road_order():
    """A misplaced stop makes a detour: each stop must lie near the way between its
    neighbours, and no leg is longer than a desert stretch (Ramadi - Rutba, ~290 km)."""
    reference = load_reference()
    for route in reference.routes:
        stops = [reference.places[s] for s in route.stops]
        for a, b in pairwise(stops):
            assert _km(a, b) < 320, f"{route.slug}: {a.slug} - {b.slug}"
        for a, b, c in zip(stops, stops[1:], stops[2:], strict=False):
            detour = (_km(a, b) + _km(b, c)) / max(_km(a, c), 1.0)
            assert detour < 1.6, f"{route.slug}: {b.slug} is off the road {a.slug} - {c.slug}"


def test_no_name_belongs_to_two_routes():
    owners: dict[str, str] = {}
    for route in load_reference().routes:
        for name in route.names:
            key = name_key(name)
            assert owners.setdefault(key, route.slug) == route.slug, name


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("M5", "m5-highway"),
        ("Damascus-Aleppo highway", "m5-highway"),
        ("M4", "m4-highway"),
        ("Aleppo-Latakia highway", "m4-highway"),
        ("Khanaser-Ithriya highway", "ithriya-khanaser-road"),
        ("Castello Road", "castello-road"),
        ("Azaz-Aleppo road", "azaz-aleppo-road"),
        ("Palmyra-Homs highway", "homs-palmyra-highway"),
        ("Raqqa-Deir ez-Zour highway", "raqqa-deir-ez-zour-highway"),
        ("Highway 1", "highway-1"),
        ("Baghdad-Ramadi highway", "highway-10"),
        ("Damascus-Daraa highway", "damascus-daraa-highway"),
        ("Tabqa-Raqqa road", "aleppo-raqqa-highway"),
        ("Deir ez-Zour-Albu Kamal road", "deir-ez-zour-albu-kamal-road"),
    ],
)
def test_the_major_routes_are_there_under_their_names(name: str, slug: str):
    by_name = {name_key(n): r.slug for r in load_reference().routes for n in r.names}
    assert by_name[name_key(name)] == slug


def test_the_desert_road_runs_from_hama_over_ithriya_and_khanaser_to_aleppo():
    road = next(r for r in load_reference().routes if r.slug == "ithriya-khanaser-road")
    stops = list(road.stops)
    assert stops[0] == "hama" and stops[-1] == "aleppo"
    assert stops.index("salamiyah") < stops.index("ithriya") < stops.index("khanaser")


def test_routes_file_is_shacl_valid_and_its_triples_match_its_lists():
    data = Graph()
    data.parse(ontology_file("routes.ttl"))
    data.parse(ontology_file("places.ttl"))
    report = validate(data)
    assert report.conforms, report.results[:5]
    skg = "https://w3id.org/sitrep-kg/ontology#"
    for route in load_reference().routes:
        node = f"{ID}supply-line/{route.slug}"
        ends = {
            str(o).rsplit("/", 1)[1] for o in data.objects(URIRef(node), URIRef(skg + "connects"))
        }
        through = {
            str(o).rsplit("/", 1)[1]
            for o in data.objects(URIRef(node), URIRef(skg + "passesThrough"))
        }
        assert ends == {route.stops[0], route.stops[-1]}, route.slug
        assert through == set(route.stops[1:-1]), route.slug


# ---------------------------------------------------------------- the sample (acceptance)


def test_sample_cut_at_khanaser_cuts_aleppo_off_from_hama_with_the_evidence(network):
    net: RouteNetwork = network("sample")
    report = what_if(net, places=["Khanaser"])
    assert place("aleppo") in report.cut_off_from(place("hama"))
    assert place("safira") in report.cut_off_from(place("salamiyah"))
    texts = " ".join(e.text for e in report.evidence)
    assert "ISIS seized multiple checkpoints along the highway between" in texts
    assert "blocked the route used by the Syrian regime" in texts
    assert "Aleppo" in report.to_markdown()


def test_sample_lines_ride_the_desert_road_not_the_m5(network):
    net = network("sample")
    blocked = "blocked the route used by the Syrian regime"
    line = next(
        r
        for r in net.routes.values()
        if r.kind == "report" and any(blocked in e.text for e in r.evidence)
    )
    assert edge(place("ithriya"), place("khanaser")) in line.segments
    assert f"{ID}supply-line/ithriya-khanaser-road" in line.resolved_to
    assert not any(place("saraqib") in seg for seg in net.segments)  # the M5 north of Hama
    gloc = net.routes[f"{ID}supply-line/to-aleppo"]
    assert f"{ID}supply-line/ithriya-khanaser-road" in gloc.resolved_to


def test_sample_blockade_is_pinned_to_the_seized_segment(network):
    net = network("sample")
    seized = net.segments[edge(place("ithriya"), place("khanaser"))]
    assert (seized.status, seized.controller) == ("blocked", actor("isis"))
    assert seized.since and seized.since.isoformat() == "2015-10-23"
    kinds = {e.kind for e in seized.evidence}
    assert {"Seizure", "Blockade"} <= kinds
    # The blockade of "the route ... from Hama and Homs" does not close the whole road.
    assert net.segments[edge(place("hama"), place("salamiyah"))].status == "open"


def test_sample_regime_holding_safira_is_cut_off_from_hama(network):
    report = what_if(network("sample"), places=["Khanasir"])  # another spelling
    regime = next(s for s in report.sides if s.side == actor("syrian-regime"))
    assert place("safira") in regime.holds
    assert place("hama") in regime.already_cut_off
    assert place("khanaser") in regime.loses


def test_cli_analyze_cut_on_the_sample(built, tmp_path: Path):
    graph = tmp_path / "graph.ttl"
    graph.write_text(built("sample").serialize(format="turtle"), encoding="utf-8")
    run = _kg("analyze", "--graph", str(graph), "--cut", "Khanaser")
    assert run.returncode == 0, run.stderr
    cut_line = next(line for line in run.stdout.splitlines() if line.startswith("- Aleppo"))
    assert "cut off from" in cut_line and "Hama" in cut_line
    assert "ISIS seized multiple checkpoints" in run.stdout
    data = json.loads(
        _kg("analyze", "--graph", str(graph), "--cut", "Khanaser", "-f", "json").stdout
    )
    aleppo_part = next(s for s in data["separations"] if "Aleppo" in s["places"])
    assert "Hama" in aleppo_part["cut_off_from"]
    whole = json.loads(_kg("analyze", "--graph", str(graph), "--format", "json").stdout)
    assert {"routes", "segments", "cities", "actors"} <= set(whole)


def _kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=ROOT
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cut", "Nowhereville"], "no place named 'Nowhereville'"),
        (["--cut", "Albu Kamal"], "on no supply route"),
        (["--cut-line", "the Silk Road"], "no supply line or route named"),
        (["--format", "xml"], "unknown format"),
    ],
)
def test_cli_analyze_mistakes_end_in_one_line(built, tmp_path: Path, args, message):
    graph = tmp_path / "graph.ttl"
    graph.write_text(built("sample").serialize(format="turtle"), encoding="utf-8")
    run = _kg("analyze", "--graph", str(graph), *args)
    assert run.returncode == 1
    assert message in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- written cases


def test_desert_road_cut_and_who_is_stopped_where(network):
    net = network("desert-road")
    assert find_place(net, "Khanasir") == place("khanaser")
    seized = net.segments[edge(place("ithriya"), place("khanaser"))]
    assert (seized.status, seized.controller) == ("blocked", actor("isis"))
    report = routes_report(net)
    regime = next(a for a in report.actors if a.side == actor("syrian-regime"))
    assert regime.holds == (place("salamiyah"),)
    assert place("hama") in regime.reaches and place("aleppo") not in regime.reaches
    stopped = dict(regime.cut_off)[place("aleppo")]
    assert stopped == (edge(place("ithriya"), place("khanaser")),)
    cut = what_if(net, places=["Khanaser"])
    assert {place("hama"), place("salamiyah")} <= cut.cut_off_from(place("aleppo"))


def test_cutting_a_line_by_name_or_by_its_ends(network):
    net = network("desert-road")
    whole = set(find_line(net, "Ithriya-Khanaser road"))
    assert len(whole) == 6  # Hama, Salamiyah, Sabburah, Ithriya, Khanaser, Safira, Aleppo
    assert find_line(net, "Khanaser-Ithriya") == (edge(place("ithriya"), place("khanaser")),)
    assert find_line(net, "Ithriya to Khanasir") == (edge(place("ithriya"), place("khanaser")),)
    cut = what_if(net, lines=["Khanaser-Ithriya"])
    assert place("aleppo") in cut.cut_off_from(place("hama"))
    assert not cut.cut.places


def test_castello_road_cut_by_the_regime(network):
    net = network("castello-road")
    castello = net.segments[edge(place("aleppo"), place("huraytan"))]
    assert (castello.status, castello.controller) == ("blocked", actor("syrian-regime"))
    assert any("cut the Castello Road completely" in e.text for e in castello.evidence)
    rebels = next(a for a in routes_report(net).actors if a.side == actor("rebels"))
    assert rebels.holds == (place("azaz"),)
    assert place("aleppo") in dict(rebels.cut_off)
    cut = what_if(net, lines=["Castello Road"])
    assert {place("azaz"), place("tal-rifaat")} <= cut.cut_off_from(place("aleppo"))


def test_highway_one_and_the_route_between_mosul_and_syria(network):
    net = network("highway-one")
    blocked = net.segments[edge(place("baiji"), place("tikrit"))]
    assert (blocked.status, blocked.controller) == ("blocked", actor("isis"))
    line = net.routes[f"{ID}supply-line/mosul--syria"]
    assert {place("tal-afar"), place("sinjar")} <= set(line.places)
    cut = what_if(net, places=["Tall Afar"])
    assert place("sinjar") in cut.cut_off_from(place("mosul"))
    government = next(a for a in routes_report(net).actors if place("samarra") in a.holds)
    assert place("tikrit") in government.reaches and place("baiji") not in government.reaches


def test_a_custom_base_iri_still_resolves_onto_the_reference(built):
    base = "https://example.org/kg/"
    net = build_network(built("desert-road", base))
    assert edge(place("ithriya", base), place("khanaser", base)) in net.segments
    assert place("salamiyah", base) in net.places


def test_place_off_the_network_is_named_in_the_error(network):
    with pytest.raises(InputError, match="on no supply route"):
        find_place(network("sample"), "Albu Kamal")


def test_report_is_deterministic_and_json_ready(built):
    first = analyze_routes(built("sample")).to_dict()
    second = analyze_routes(built("sample")).to_dict()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    markdown = analyze_routes(built("sample")).to_markdown()
    assert markdown.startswith("## Supply routes")


def test_json_lists_the_most_recent_evidence_of_each_segment_once(built, monkeypatch):
    monkeypatch.setattr(routes_module, "EVIDENCE_KEPT", 1)
    report = analyze_routes(built("sample"))
    data = report.to_dict()
    table = data["evidence"]
    segments = list(report.network.segments.values())
    assert any(len(s.evidence) > 1 for s in segments)
    for seg, row in zip(segments, data["segments"], strict=True):
        assert row["evidence_count"] == len(seg.evidence)
        assert row["evidence"] == [e.source for e in seg.evidence[-1:]]  # the latest
        assert all(table[e.source] == e.to_dict() for e in seg.evidence[-1:])
    for route, row in zip(report.network.routes.values(), data["routes"], strict=True):
        assert row["evidence_count"] == len(route.evidence)
        assert row["evidence"] == [e.source for e in route.evidence[-1:]]
    # Each sentence is stored once, and only those some route or segment lists.
    listed = {ref for row in data["routes"] + data["segments"] for ref in row["evidence"]}
    assert listed == set(table)


# ---------------------------------------------------------------- folding a segment's state


def _obs(day: str, effect: str, who: str | None) -> _Obs:
    proof = Evidence("sentence", "report", date.fromisoformat(day), effect, "Confirmed", day)
    return _Obs(date.fromisoformat(day), effect, who, proof)


def test_retaking_a_closed_road_reopens_it():
    state = _fold([_obs("2015-10-23", "seize", "isis"), _obs("2015-11-05", "seize", "regime")], {})
    assert (state.status, state.controller) == ("open", "regime")


def test_seizing_a_road_its_users_hold_closes_it():
    state = _fold([_obs("2016-07-05", "hold", "rebels"), _obs("2016-07-07", "seize", "regime")], {})
    assert (state.status, state.controller) == ("blocked", "regime")


def test_an_attack_contests_without_changing_hands():
    state = _fold([_obs("2016-01-01", "hold", "regime"), _obs("2016-01-02", "contest", "isis")], {})
    assert (state.status, state.controller) == ("contested", "regime")
    assert state.since and state.since.isoformat() == "2016-01-02"


def _event_at(kind: str, *places: str) -> EventRow:
    day = date(2015, 11, 1)
    return EventRow(
        iri=f"{ID}event/x",
        type=kind,
        agents=(actor("isis"),),
        targets=(),
        locations=tuple(place(p) for p in places),
        affects=(),
        start=day,
        end=day,
        dated=True,
        certainty="Confirmed",
        evidence="... within roughly 20 kilometers of the M5 highway",
        report=None,
        fatalities=None,
    )


def test_an_event_near_a_named_route_is_not_on_it():
    m5 = [place(s) for s in ("homs", "hama", "morek", "aleppo")]
    assert not _acts_on(_event_at("Seizure", "mahin"), m5)
    assert _acts_on(_event_at("Seizure", "morek"), m5)
    assert _acts_on(_event_at("Blockade", "mahin"), m5)  # "ISIS cut the M5"
    assert _acts_on(_event_at("Attack", "mallah-farms"), [place("aleppo"), place("huraytan")])
