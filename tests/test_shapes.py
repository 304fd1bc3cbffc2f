"""ontology/shapes.ttl passes a correct graph and names each way a broken one is wrong."""

import logging
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.errors import InputError
from kg.validate import ValidationReport, load_ontology, load_shapes, validate, validate_file
from kg.vocab import CERTAINTIES, EVENT_CLASSES, SKG

CASES = Path(__file__).parent / "cases" / "shapes"
GOOD = CASES / "good.ttl"
BAD_VARIANTS = sorted(CASES.glob("bad-*.ru"))
SKGSH = Namespace("https://w3id.org/sitrep-kg/shapes#")


def good_graph() -> Graph:
    return Graph().parse(GOOD, format="turtle")


def broken_graph(variant: Path) -> Graph:
    """The good graph with the variant's SPARQL Update applied."""
    graph = good_graph()
    graph.update(variant.read_text(encoding="utf-8"), initNs=dict(graph.namespaces()))
    return graph


def expected_results(variant: Path) -> list[str]:
    prefix = "# expect: "
    lines = variant.read_text(encoding="utf-8").splitlines()
    return sorted(line[len(prefix) :] for line in lines if line.startswith(prefix))


def with_ontology(graph: Graph) -> Graph:
    """As `kg build` writes graph.ttl: the instance data plus the ontology terms."""
    return graph + load_ontology()


def test_good_graph_conforms() -> None:
    report = validate(good_graph())
    assert report == ValidationReport(conforms=True, results=[], text=report.text)
    assert "Conforms: True" in report.text


def test_good_graph_conforms_with_ontology_terms_included() -> None:
    assert validate(with_ontology(good_graph())).results == []


def test_variants_are_present() -> None:
    # A glob that silently matched nothing would make the parametrized test vacuous.
    assert len(BAD_VARIANTS) >= 8
    assert all(expected_results(variant) for variant in BAD_VARIANTS)


@pytest.mark.parametrize("variant", BAD_VARIANTS, ids=lambda path: path.stem)
def test_broken_variant_fails_naming_the_problem(variant: Path) -> None:
    report = validate(broken_graph(variant))
    assert not report.conforms
    assert report.results == expected_results(variant)


@pytest.mark.parametrize("variant", BAD_VARIANTS, ids=lambda path: path.stem)
def test_broken_variant_fails_the_same_with_ontology_terms_included(variant: Path) -> None:
    # Subclass axioms in the data graph widen sh:targetClass; results must not change.
    assert validate(with_ontology(broken_graph(variant))).results == expected_results(variant)


def test_validate_leaves_the_graph_unchanged() -> None:
    graph = good_graph()
    before = set(graph)
    validate(graph)
    assert set(graph) == before


def test_shapes_are_valid_shacl() -> None:
    # meta_shacl checks shapes.ttl against the SHACL-for-SHACL shapes and raises if it fails.
    conforms, _, _ = pyshacl.validate(
        good_graph(), shacl_graph=load_shapes(), meta_shacl=True, inference="none"
    )
    assert conforms


def test_event_subclass_list_matches_vocab() -> None:
    shapes = load_shapes()
    listed = Collection(shapes, shapes.value(SKGSH.EventSubclass, SH["in"]))
    assert tuple(listed) == tuple(SKG[name] for name in EVENT_CLASSES)


def test_event_shape_targets_skg_event_and_every_subclass() -> None:
    targets = set(load_shapes().objects(SKGSH.EventShape, SH.targetClass))
    assert targets == {SKG.Event, *(SKG[name] for name in EVENT_CLASSES)}


def test_certainty_list_matches_vocab() -> None:
    shapes = load_shapes()
    prop = next(
        node
        for node in shapes.objects(SKGSH.CertaintyShape, SH.property)
        if shapes.value(node, SH.path) == SKG.certainty
    )
    listed = Collection(shapes, shapes.value(prop, SH["in"]))
    assert tuple(listed) == tuple(SKG[name] for name in CERTAINTIES)


def test_every_property_shape_has_a_message() -> None:
    shapes = load_shapes()
    props = set(shapes.objects(None, SH.property))
    assert props
    assert [p for p in props if shapes.value(p, SH.message) is None] == []


def test_validate_file_reads_turtle(tmp_path: Path) -> None:
    report = validate_file(GOOD)
    assert report.conforms
    broken = tmp_path / "graph.ttl"
    broken.write_text(broken_graph(CASES / "bad-place-lat-out-of-range.ru").serialize())
    assert validate_file(broken).results == [
        "place/khanaser: wgs84:lat must be between -90 and 90 (got 123.0)"
    ]


def test_validate_file_reads_ntriples_by_suffix(tmp_path: Path) -> None:
    path = tmp_path / "graph.nt"
    path.write_text(good_graph().serialize(format="nt"), encoding="utf-8")
    assert validate_file(path).conforms


def test_ill_formed_literal_is_a_result_not_a_logged_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "graph.ttl"
    text = GOOD.read_text(encoding="utf-8").replace(
        '"2015-10-23"^^xsd:date', '"2015-10-32"^^xsd:date'
    )
    path.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        report = validate_file(path)
    assert 'event/3f2a9c41: skg:startDate must be xsd:date (got "2015-10-32"^^xsd:date)' in (
        report.results
    )
    assert [r for r in caplog.records if r.name.startswith("rdflib")] == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such graph file"),
        ("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", "line 2: bad syntax"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8 text"),
    ],
    ids=["missing", "bad-turtle", "binary"],
)
def test_validate_file_rejects_unreadable_input(
    tmp_path: Path, content: str | bytes | None, reason: str
) -> None:
    path = tmp_path / "graph.ttl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate_file(path)
    message = str(caught.value)
    assert reason in message
    assert str(path) in message
    assert "\n" not in message


def test_validate_file_rejects_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a file"):
        validate_file(tmp_path)
