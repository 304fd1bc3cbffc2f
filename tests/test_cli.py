"""The CLI end to end on the sample corpus, and every user mistake as one line."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.evaluate import evaluate
from kg.graphio import load_graph

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_GOLD = ROOT / "tests" / "sample-gold.json"


def kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    result = kg("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "5 reports" in result.stdout
    return out


def test_build_writes_the_contract_files(sample_build: Path):
    for name in ("graph.ttl", "graph.html", "analysis.json", "analysis.md"):
        assert (sample_build / name).stat().st_size > 0, name


def test_graph_is_byte_identical_across_rebuilds(sample_build: Path, tmp_path: Path):
    assert kg("build", "--out", str(tmp_path), "--quiet").returncode == 0
    assert (tmp_path / "graph.ttl").read_bytes() == (sample_build / "graph.ttl").read_bytes()


def test_sample_graph_validates(sample_build: Path):
    result = kg("validate", "--graph", str(sample_build / "graph.ttl"))
    assert result.returncode == 0, result.stdout
    assert "conforms" in result.stdout


def test_sample_scores_meet_the_foundation_bar(sample_build: Path):
    scores = evaluate([SAMPLE_GOLD], load_graph(sample_build / "graph.ttl"))
    assert scores.places.recall >= 0.95 and scores.places.precision >= 0.9
    assert scores.actors.recall >= 0.95 and scores.actors.precision >= 0.9
    assert scores.supply_lines.recall == 1.0
    assert scores.events.f1 >= 0.85
    assert scores.agent_accuracy >= 0.9 and scores.start_accuracy >= 0.9


def test_most_sample_places_have_coordinates(sample_build: Path):
    graph = load_graph(sample_build / "graph.ttl")
    rows = list(
        graph.query("""
        PREFIX skg: <https://w3id.org/sitrep-kg/ontology#>
        PREFIX wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#>
        SELECT ?p (BOUND(?lat) AS ?has) WHERE {
          ?r skg:mentions ?p . ?p a skg:Place . OPTIONAL { ?p wgs84:lat ?lat } }""")
    )
    with_coords = sum(1 for row in rows if row.has.toPython())
    assert with_coords / len(rows) >= 0.9


def test_eval_prints_its_figures(sample_build: Path):
    result = kg("eval", str(SAMPLE_GOLD), "--graph", str(sample_build / "graph.ttl"))
    assert result.returncode == 0
    assert "events" in result.stdout and "agent accuracy" in result.stdout


def test_version():
    result = kg("--version")
    assert result.returncode == 0 and result.stdout.startswith("kg ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "no-such-file.txt"], "no such file"),
        (["validate", "--graph", "missing.ttl"], "no such graph file"),
        (["eval", "missing-gold.json", "--graph", "missing.ttl"], "no such"),
    ],
)
def test_user_mistakes_end_in_one_line(args, message, tmp_path: Path):
    result = kg(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_binary_input_and_empty_folder(tmp_path: Path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04")
    result = kg("build", str(binary), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "binary file" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = kg("build", str(empty), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "no report files" in result.stderr


def test_unreadable_file_among_good_ones_is_skipped_with_exit_3(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Syria Update: November 2, 2015\n\nISIS seized the town of Mheen on November 1.\n"
    )
    (folder / "b.txt").write_bytes(b"\xff\xfe\x00binary")
    result = kg("build", str(folder), "--out", str(tmp_path / "out"))
    assert result.returncode == 3
    assert "skipped" in result.stderr and "b.txt" in result.stderr
    assert kg("build", str(folder), "--strict", "--out", str(tmp_path / "o2")).returncode == 1


def test_same_named_files_in_two_folders_stay_two_reports(tmp_path: Path):
    title = "Syria Situation Report: November 1 - 8, 2015\n\n"
    for folder, body in (
        ("a", "ISIS seized Mahin on November 2."),
        ("b", "Regime forces took Mahin on November 7."),
    ):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "report.txt").write_text(title + body + "\n")
    assert kg("build", str(tmp_path / "in"), "--out", str(tmp_path / "out")).returncode == 0
    graph = load_graph(tmp_path / "out" / "graph.ttl")
    sources = graph.query(
        "SELECT ?r ?f WHERE { ?r <https://w3id.org/sitrep-kg/ontology#sourceFile> ?f }"
    )
    assert sorted(str(f) for _, f in sources) == ["a/report.txt", "b/report.txt"]
    assert len({r for r, _ in sources}) == 2


def test_failed_build_leaves_previous_output(sample_build: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert kg("build", "--out", str(out), "--quiet").returncode == 0
    before = (out / "graph.ttl").read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00")
    assert kg("build", str(bad), "--out", str(out)).returncode == 1
    assert (out / "graph.ttl").read_bytes() == before


def test_build_into_an_oxigraph_store_twice_keeps_the_triple_count(tmp_path: Path):
    store = f"oxigraph:{tmp_path / 'store'}"
    counts = []
    for _ in range(2):
        result = kg("build", "--out", str(tmp_path / "out"), "--store", store)
        assert result.returncode == 0, result.stderr
        counts.append(re.search(r"stored in .*: (\d+) triples", result.stdout).group(1))
    assert counts[0] == counts[1]
    rows = kg("query", "who-fights-whom", "--store", store, "--format", "csv")
    assert rows.returncode == 0 and "ISIS" in rows.stdout
