"""Building at scale, in small: worker processes, the incremental cache and the Turtle writer
give the same graph, byte for byte, as a plain one-process build."""

from __future__ import annotations

import gc
import importlib.util
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from kg.cache import CACHE_DIR, STATE_FILE, extractor_version
from kg.pipeline import BuildOptions, BuildResult, build
from kg.resources import ontology_file
from kg.triples import TripleTable, from_rdflib, iri, literal, save_turtle, to_rdflib

ROOT = Path(__file__).resolve().parent.parent
XSD = "http://www.w3.org/2001/XMLSchema#"


def _generator():
    """bench/generate.py (bench/ is scripts, not a package)."""
    name = "kg_bench_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "generate.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    _generator().write_corpus(folder, 200, seed=3, per_file=50)
    return folder


@pytest.fixture(scope="module")
def one_worker(corpus: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("one")
    build([corpus], out, BuildOptions(workers=1, cache=False))
    return out


def _ttl(out: Path) -> bytes:
    return (out / "graph.ttl").read_bytes()


def test_generated_reports_are_split_as_written(corpus: Path):
    from kg.read import read_reports

    reports = list(read_reports(sorted(corpus.glob("*.txt"))))
    assert len(reports) == 200
    assert all(r.period is not None for r in reports)


def test_two_workers_give_the_one_worker_graph_byte_for_byte(
    corpus: Path, one_worker: Path, tmp_path: Path
):
    result = build([corpus], tmp_path, BuildOptions(workers=2, cache=False))
    assert result.workers == 2 and result.extracted == 200
    assert _ttl(tmp_path) == _ttl(one_worker)
    assert (tmp_path / "analysis.json").read_bytes() == (one_worker / "analysis.json").read_bytes()
    assert gc.get_freeze_count() == 0  # the graph, frozen while the build ran, is not kept so


def test_unresolved_names_are_shared_across_reports(one_worker: Path):
    graph = Graph().parse(one_worker / "graph.ttl")
    skg = "https://w3id.org/sitrep-kg/ontology#"
    minted = set(graph.subjects(URIRef(skg + "unresolved"), Literal(True)))
    assert minted  # the generator's made-up villages
    mentioned_by = [len(set(graph.subjects(URIRef(skg + "mentions"), m))) for m in minted]
    assert max(mentioned_by) > 1


def test_rebuild_after_adding_a_report_extracts_only_that_report(
    corpus: Path, one_worker: Path, tmp_path: Path
):
    folder = tmp_path / "in"
    shutil.copytree(corpus, folder)
    out = tmp_path / "out"
    first = build([folder], out, BuildOptions(workers=2))
    assert (first.extracted, first.cached) == (200, 0)
    assert _ttl(out) == _ttl(one_worker)

    (folder / "zz-new.txt").write_text(next(_generator().reports(1, seed=99)), encoding="utf-8")
    again = build([folder], out, BuildOptions(workers=2))
    assert (again.extracted, again.cached) == (1, 200)
    full = build([folder], tmp_path / "full", BuildOptions(workers=1, cache=False))
    assert _ttl(out) == _ttl(tmp_path / "full")
    assert full.triples == again.triples


@pytest.mark.parametrize("change", ["added first", "changed in the middle", "last removed"])
def test_any_change_rebuilds_to_the_full_graph(corpus: Path, tmp_path: Path, change: str):
    folder = tmp_path / "in"
    shutil.copytree(corpus, folder)
    out = tmp_path / "out"
    build([folder], out, BuildOptions(workers=2))
    files = sorted(folder.glob("*.txt"))
    if change == "added first":
        (folder / "aa-new.txt").write_text(next(_generator().reports(1, seed=98)), "utf-8")
    elif change == "changed in the middle":
        text = files[1].read_text("utf-8")
        files[1].write_text(text.replace(" on ", " reportedly on ", 3), "utf-8")
    else:
        files[-1].unlink()
    again = build([folder], out, BuildOptions(workers=2))
    assert again.extracted < 60
    build([folder], tmp_path / "full", BuildOptions(workers=1, cache=False))
    assert _ttl(out) == _ttl(tmp_path / "full")


def test_no_cache_neither_reads_nor_writes_the_cache(corpus: Path, tmp_path: Path):
    result = build([corpus], tmp_path, BuildOptions(workers=1, cache=False))
    assert result.cached == 0 and not (tmp_path / CACHE_DIR).exists()


def test_a_changed_gazetteer_invalidates_the_cache(tmp_path: Path):
    ref = tmp_path / "ref"
    ref.mkdir()
    for name in ("places.ttl", "actors.ttl"):
        shutil.copy(ontology_file(name), ref / name)
    report = tmp_path / "r.txt"
    report.write_text(
        "Syria Update: November 2, 2015\n\nISIS seized the town of Qaryatayn on November 1.\n"
    )
    before = extractor_version(ref / "places.ttl", ref / "actors.ttl")
    options = BuildOptions(workers=1, reference_dir=ref)
    assert build([report], tmp_path / "out", options).extracted == 1
    assert build([report], tmp_path / "out", options).cached == 1
    with (ref / "places.ttl").open("a", encoding="utf-8") as places:
        places.write('\nplace:zzz a skg:Place ; rdfs:label "Zzz" ; skg:placeType "village" .\n')
    assert extractor_version(ref / "places.ttl", ref / "actors.ttl") != before
    again: BuildResult = build([report], tmp_path / "out", options)
    assert (again.extracted, again.cached) == (1, 0)


def test_a_corrupt_cache_is_rebuilt(corpus: Path, tmp_path: Path):
    one_file = sorted(corpus.glob("*.txt"))[:1]
    build(one_file, tmp_path, BuildOptions(workers=1))
    graph = _ttl(tmp_path)
    (tmp_path / CACHE_DIR / STATE_FILE).write_bytes(b"\x80\x05garbage" * 100)
    result = build(one_file, tmp_path, BuildOptions(workers=1))
    assert (result.extracted, result.cached) == (0, 50)  # from the facts
    assert _ttl(tmp_path) == graph
    (tmp_path / CACHE_DIR / "facts.sqlite").write_bytes(b"not a database" * 100)
    (tmp_path / CACHE_DIR / STATE_FILE).unlink()
    for stale in (tmp_path / CACHE_DIR).glob("facts.sqlite-*"):
        stale.unlink()
    result = build(one_file, tmp_path, BuildOptions(workers=1))
    assert result.extracted == 50
    assert _ttl(tmp_path) == graph


# --------------------------------------------------------------------------- Turtle


AWKWARD = [
    literal('quote " and backslash \\ and newline\nand tab\t'),
    literal("control \x01\x1f\x7f characters"),
    literal("عربي من اليمين إلى اليسار"),
    literal("emoji 🔥 and \u202e override"),
    literal("<b>html</b> &amp;"),
    literal("label", lang="en"),
    literal("01", XSD + "integer"),
    literal("-12", XSD + "integer"),
    literal("35.10", XSD + "decimal"),
    literal("true", XSD + "boolean"),
    literal("2015-10-23", XSD + "date"),
    literal("not a date", XSD + "date"),
    literal("1e3", XSD + "double"),
    literal("", None),
]


def test_turtle_reads_back_as_the_same_triples(tmp_path: Path):
    table = TripleTable()
    s = iri("https://w3id.org/sitrep-kg/id/event/0001")
    for n, obj in enumerate(AWKWARD):
        table.add(s, iri(f"https://w3id.org/sitrep-kg/ontology#p{n}"), obj)
    table.add(s, iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), iri(XSD + "x"))
    table.add(iri("https://example.org/a/b"), iri("https://example.org/p.q"), "_:b0")
    path = tmp_path / "t.ttl"
    save_turtle(table, {"skg": "https://w3id.org/sitrep-kg/ontology#", "xsd": XSD}, path)
    expected = {
        (to_rdflib(s), to_rdflib(p), to_rdflib(o))
        for p, pairs in table.by_predicate.items()
        for s, o in pairs
    }
    parsed = set(Graph().parse(path, format="turtle"))
    assert {t for t in parsed if not isinstance(t[2], type(to_rdflib("_:b0")))} == {
        t for t in expected if not isinstance(t[2], type(to_rdflib("_:b0")))
    }
    assert len(parsed) == len(expected)
    # Oxigraph's strict parser reads it too, with the same lexical forms.
    strict = {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    }
    assert ("https://w3id.org/sitrep-kg/id/event/0001", "https://w3id.org/sitrep-kg/ontology#p6",
            "01") in strict  # fmt: skip
    assert len(strict) == len(expected)


def test_terms_survive_rdflib_and_back():
    # rdflib writes numbers' lexical forms canonically; everything else comes back as is.
    canonical = {
        literal("01", XSD + "integer"): literal("1", XSD + "integer"),
        literal("1e3", XSD + "double"): literal("1000.0", XSD + "double"),
    }
    for term in AWKWARD:
        assert from_rdflib(to_rdflib(term)) == canonical.get(term, term)


def test_turtle_does_not_depend_on_insertion_order(tmp_path: Path):
    triples = [
        (iri(f"https://example.org/s{n % 7}"), iri(f"https://example.org/p{n % 3}"), obj)
        for n, obj in enumerate(AWKWARD * 3)
    ]
    forward, backward = TripleTable(), TripleTable()
    for t in triples:
        forward.add(*t)
    for t in reversed(triples):
        backward.add(*t)
    save_turtle(forward, {}, tmp_path / "a.ttl")
    save_turtle(backward, {}, tmp_path / "b.ttl")
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()
