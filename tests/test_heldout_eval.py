"""`kg eval` on the held-out corpus (tests/heldout/): 36 reports written and annotated by three
authors who never saw the rules, the lexicons or the development corpus (gold.json: 14
reports; gold-more.json: the 12 reports h3-*.txt; gold-fifth.json: the 10 reports h5-*.txt,
mixed house styles). It measures how the extractor does on prose it was not written
against; the floors sit just under today's figures, so a change that overfits the
development corpus shows here."""

from pathlib import Path

import pytest

from kg.evaluate import evaluate
from kg.graphio import load_graph
from kg.pipeline import BuildOptions, build

HELDOUT = Path(__file__).resolve().parent / "heldout"


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    out = tmp_path_factory.mktemp("heldout")
    build([HELDOUT / "reports"], out, BuildOptions())
    return evaluate(sorted(HELDOUT.glob("gold*.json")), load_graph(out / "graph.ttl"))


def test_heldout_reports_all_built(scores):
    assert scores.missing_reports == []


def test_heldout_entities(scores):
    assert scores.places.recall >= 0.95 and scores.places.precision >= 0.97
    assert scores.actors.recall >= 0.93 and scores.actors.precision >= 0.97
    assert scores.supply_lines.recall >= 0.84


def test_heldout_events(scores):
    assert scores.events.f1 >= 0.83
    assert scores.agent_accuracy >= 0.83
    assert scores.start_accuracy >= 0.87
