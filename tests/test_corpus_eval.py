"""`kg eval` on the team's annotated development corpus (tests/corpus/), held to the bar.

The corpus was written and annotated by other hands than the rules; these floors are the
figures the extractor reaches today, so a change that makes extraction worse fails here.
"""

from pathlib import Path

import pytest

from kg.evaluate import evaluate
from kg.graphio import load_graph
from kg.pipeline import BuildOptions, build

CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    result = build([CORPUS / "reports"], out, BuildOptions())
    assert result.reports == 46
    return evaluate(sorted(CORPUS.glob("gold-*.json")), load_graph(out / "graph.ttl"))


def test_every_annotated_report_was_built(scores):
    assert scores.missing_reports == []


def test_places_and_actors(scores):
    assert scores.places.f1 >= 0.98
    assert scores.actors.f1 >= 0.97


def test_supply_lines(scores):
    assert scores.supply_lines.recall >= 0.93


def test_events(scores):
    assert scores.events.f1 >= 0.87
    assert scores.agent_accuracy >= 0.90
    assert scores.start_accuracy >= 0.91
