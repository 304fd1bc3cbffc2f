"""`kg eval` on reports in house styles other than ISW's (tests/styles/): wire dispatches,
OCHA updates, strike summaries, monitor notes. Floors just under today's figures."""

from pathlib import Path

import pytest

from kg.evaluate import evaluate
from kg.graphio import load_graph
from kg.pipeline import BuildOptions, build

STYLES = Path(__file__).resolve().parent / "styles"


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    out = tmp_path_factory.mktemp("styles")
    result = build([STYLES / "reports"], out, BuildOptions())
    assert result.reports == 12
    return evaluate([STYLES / "gold.json"], load_graph(out / "graph.ttl"))


def test_every_report_was_built(scores):
    assert scores.missing_reports == []


def test_entities(scores):
    assert scores.places.f1 >= 0.95
    assert scores.actors.f1 >= 0.92
    assert scores.supply_lines.recall >= 0.75


def test_events(scores):
    assert scores.events.f1 >= 0.70
    assert scores.agent_accuracy >= 0.72
    assert scores.start_accuracy >= 0.80
