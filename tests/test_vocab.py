"""kg/vocab.py and ontology/sitrep.ttl declare the same terms, and every term is documented."""

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, GEO, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.validate import load_ontology
from kg.vocab import CERTAINTIES, EVENT_CLASSES, INST, ONTOLOGY, SEM, SKG, WGS84

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty)
DECLARATION_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.NamedIndividual,
    SKOS.ConceptScheme,
}
# Written out rather than taken from kg.vocab, so that renaming a term fails here: the contract
# promises these names, and changing one needs a migration note in the README.
CONTRACT_EVENT_CLASSES = (
    *("Airstrike", "GroundOffensive", "Attack", "Counterattack", "Seizure", "Siege"),
    *("Blockade", "Clash", "Withdrawal", "Deployment", "Negotiation", "CivilianCasualties"),
)
CONTRACT_CERTAINTIES = ("Confirmed", "Reported", "Claimed", "Assessed")
PROMISED_TERMS = (
    *("Report", "Actor", "Place", "SupplyLine", "Event", "TerritorialControl", "Certainty"),
    *CONTRACT_EVENT_CLASSES,
    *CONTRACT_CERTAINTIES,
    *("sourceFile", "startDate", "endDate", "mentions", "locatedIn", "connects"),
    *("passesThrough", "agent", "target", "location", "affects", "certainty", "evidence"),
    *("fatalities", "claimedBy", "evidenceStart", "evidenceEnd", "controlledBy", "placeType"),
    *("geonamesId", "population", "unresolved", "demonym", "actorType", "partOf"),
    *("periodStart", "periodEnd", "trigger", "status", "sentenceIndex"),
)
# Vocabularies the ontology aligns with, checked so a misspelt super-term cannot slip in.
ALIGNED = {"sem": SEM, "prov": PROV, "geo": GEO, "wgs84": WGS84, "skos": SKOS, "dcterms": DCTERMS}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def declared_skg_terms(graph: Graph) -> set[str]:
    namespace = str(SKG)
    return {str(s)[len(namespace) :] for s in graph.subjects() if str(s).startswith(namespace)}


def english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[Literal]:
    values = graph.objects(subject, predicate)
    return [v for v in values if isinstance(v, Literal) and v.language == "en" and v.strip()]


def test_vocab_and_ontology_declare_the_same_terms(ontology: Graph) -> None:
    assert declared_skg_terms(ontology) == set(SKG.__annotations__)


def test_promised_terms_are_declared() -> None:
    assert sorted(set(PROMISED_TERMS) - set(SKG.__annotations__)) == []


def test_event_classes_and_certainties_follow_the_contract_order() -> None:
    assert EVENT_CLASSES == CONTRACT_EVENT_CLASSES
    assert CERTAINTIES == CONTRACT_CERTAINTIES


def test_vocab_is_closed() -> None:
    assert SKG.Seizure == URIRef("https://w3id.org/sitrep-kg/ontology#Seizure")
    with pytest.raises(AttributeError, match="Seizur"):
        _ = SKG.Seizur


def test_every_term_has_a_declaration_label_and_comment(ontology: Graph) -> None:
    for name in sorted(declared_skg_terms(ontology)):
        term = SKG[name]
        assert set(ontology.objects(term, RDF.type)) & DECLARATION_TYPES, name
        assert len(english(ontology, term, RDFS.label)) == 1, name
        assert len(english(ontology, term, RDFS.comment)) == 1, name
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in ontology, name


@pytest.mark.parametrize("kind", PROPERTY_TYPES, ids=["object", "datatype"])
def test_every_property_has_domain_and_range(ontology: Graph, kind: URIRef) -> None:
    properties = sorted(ontology.subjects(RDF.type, kind))
    assert properties
    for prop in properties:
        assert ontology.value(prop, RDFS.domain) is not None, prop
        range_ = ontology.value(prop, RDFS.range)
        if kind == OWL.DatatypeProperty:
            assert isinstance(range_, URIRef), prop
            assert range_.startswith(str(XSD)), prop
        else:
            # An object property ranges over a class of ours or a union of them, never a datatype.
            assert range_ is not None, prop
            assert not str(range_).startswith(str(XSD)), prop


def test_domains_and_ranges_name_declared_classes(ontology: Graph) -> None:
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    for predicate in (RDFS.domain, RDFS.range):
        for prop, target in ontology.subject_objects(predicate):
            members = _union_members(ontology, target)
            unknown = [m for m in members if m not in classes and not m.startswith(str(XSD))]
            assert unknown == [], prop


def test_event_classes_are_the_disjoint_subclasses_of_event(ontology: Graph) -> None:
    subclasses = set(ontology.subjects(RDFS.subClassOf, SKG.Event))
    assert subclasses == {SKG[name] for name in EVENT_CLASSES}
    disjoint_sets = [
        tuple(Collection(ontology, ontology.value(node, OWL.members)))
        for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    assert tuple(SKG[name] for name in EVENT_CLASSES) in disjoint_sets


def test_certainties_are_the_enumerated_concepts(ontology: Graph) -> None:
    expected = tuple(SKG[name] for name in CERTAINTIES)
    assert tuple(sorted(ontology.subjects(RDF.type, SKG.Certainty))) == tuple(sorted(expected))
    enumeration = ontology.value(ontology.value(SKG.Certainty, OWL.equivalentClass), OWL.oneOf)
    assert tuple(Collection(ontology, enumeration)) == expected
    for level in expected:
        assert (level, RDF.type, SKOS.Concept) in ontology
        assert (level, SKOS.inScheme, SKG.CertaintyScheme) in ontology
        assert (SKG.CertaintyScheme, SKOS.hasTopConcept, level) in ontology


def test_alignment_targets_exist_in_their_vocabularies(ontology: Graph) -> None:
    for predicate in (RDFS.subClassOf, RDFS.subPropertyOf):
        for term, parent in ontology.subject_objects(predicate):
            for prefix, namespace in ALIGNED.items():
                if str(parent).startswith(str(namespace)):
                    assert parent in namespace, f"{term} aligns with unknown {prefix} term {parent}"


def test_contract_alignments(ontology: Graph) -> None:
    for term, parent in [
        (SKG.Event, SEM.Event),
        (SKG.Actor, SEM.Actor),
        (SKG.Actor, PROV.Agent),
        (SKG.Place, SEM.Place),
        (SKG.Place, GEO.Feature),
        (SKG.Report, PROV.Entity),
        (SKG.SupplyLine, GEO.Feature),
        (SKG.Certainty, SKOS.Concept),
    ]:
        assert (term, RDFS.subClassOf, parent) in ontology
    for prop, parent in [
        (SKG.agent, SEM.hasActor),
        (SKG.location, SEM.hasPlace),
        (SKG.startDate, SEM.hasBeginTimeStamp),
        (SKG.locatedIn, GEO.sfWithin),
    ]:
        assert (prop, RDFS.subPropertyOf, parent) in ontology
    # An event is derived from its report, and PROV-O keeps entities and activities disjoint.
    assert (SKG.Event, RDFS.subClassOf, PROV.Activity) not in ontology


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert english(ontology, ONTOLOGY, predicate), predicate
    assert ontology.value(ONTOLOGY, OWL.versionInfo) is not None
    assert ontology.value(ONTOLOGY, OWL.versionIRI) is not None


def test_instance_namespace() -> None:
    assert INST["place/aleppo"] == URIRef("https://w3id.org/sitrep-kg/id/place/aleppo")


def _union_members(graph: Graph, node: URIRef | BNode) -> set[URIRef]:
    """The classes a domain or range names: itself, or the members of its owl:unionOf."""
    union = graph.value(node, OWL.unionOf) if isinstance(node, BNode) else None
    return set(Collection(graph, union)) if union is not None else {node}
