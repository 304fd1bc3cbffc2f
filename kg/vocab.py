"""The ontology's terms as closed namespaces, so a misspelt term fails at import, not in the graph.

``SKG`` mirrors ``ontology/sitrep.ttl`` term for term (``tests/test_vocab.py`` keeps the two in
step); the other namespaces are the public vocabularies the ontology aligns with::

    >>> SKG.Seizure
    rdflib.term.URIRef('https://w3id.org/sitrep-kg/ontology#Seizure')
    >>> SKG.Seizur
    Traceback (most recent call last):
    ...
    AttributeError: term 'Seizur' not in namespace 'https://w3id.org/sitrep-kg/ontology#'
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, GEO, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = [
    "CERTAINTIES",
    "DCTERMS",
    "EVENT_CLASSES",
    "GEO",
    "INST",
    "ONTOLOGY",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SEM",
    "SKG",
    "SKOS",
    "WGS84",
    "XSD",
]

ONTOLOGY = URIRef("https://w3id.org/sitrep-kg/ontology")
INST = Namespace("https://w3id.org/sitrep-kg/id/")


class SKG(DefinedNamespace):
    """sitrep-kg ontology terms (https://w3id.org/sitrep-kg/ontology#)."""

    _fail = True
    _NS = Namespace("https://w3id.org/sitrep-kg/ontology#")

    # Classes
    Report: URIRef
    Actor: URIRef
    Place: URIRef
    SupplyLine: URIRef
    Event: URIRef
    Airstrike: URIRef
    GroundOffensive: URIRef
    Attack: URIRef
    Counterattack: URIRef
    Seizure: URIRef
    Siege: URIRef
    Blockade: URIRef
    Clash: URIRef
    Withdrawal: URIRef
    Deployment: URIRef
    Negotiation: URIRef
    CivilianCasualties: URIRef
    TerritorialControl: URIRef
    Certainty: URIRef

    # Certainty levels and their SKOS scheme
    CertaintyScheme: URIRef
    Confirmed: URIRef
    Reported: URIRef
    Claimed: URIRef
    Assessed: URIRef

    # Object properties
    mentions: URIRef
    locatedIn: URIRef
    partOf: URIRef
    connects: URIRef
    passesThrough: URIRef
    agent: URIRef
    target: URIRef
    location: URIRef
    affects: URIRef
    certainty: URIRef
    claimedBy: URIRef
    controlledBy: URIRef

    # Datatype properties
    sourceFile: URIRef
    startDate: URIRef
    endDate: URIRef
    periodStart: URIRef
    periodEnd: URIRef
    evidence: URIRef
    evidenceStart: URIRef
    evidenceEnd: URIRef
    sentenceIndex: URIRef
    trigger: URIRef
    fatalities: URIRef
    placeType: URIRef
    geonamesId: URIRef
    population: URIRef
    unresolved: URIRef
    demonym: URIRef
    actorType: URIRef
    status: URIRef


class SEM(DefinedNamespace):
    """Simple Event Model (http://semanticweb.cs.vu.nl/2009/11/sem/), the whole vocabulary."""

    _fail = True
    _NS = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")

    Actor: URIRef
    ActorType: URIRef
    Authority: URIRef
    Constraint: URIRef
    Core: URIRef
    Event: URIRef
    EventType: URIRef
    Object: URIRef
    Place: URIRef
    PlaceType: URIRef
    Role: URIRef
    RoleType: URIRef
    Temporary: URIRef
    Time: URIRef
    TimeType: URIRef
    Type: URIRef
    View: URIRef
    accordingTo: URIRef
    actorType: URIRef
    eventProperty: URIRef
    eventType: URIRef
    hasActor: URIRef
    hasBeginTimeStamp: URIRef
    hasEarliestBeginTimeStamp: URIRef
    hasEarliestEndTimeStamp: URIRef
    hasEndTimeStamp: URIRef
    hasLatestBeginTimeStamp: URIRef
    hasLatestEndTimeStamp: URIRef
    hasPlace: URIRef
    hasSubEvent: URIRef
    hasSubType: URIRef
    hasTime: URIRef
    hasTimeStamp: URIRef
    placeType: URIRef
    roleType: URIRef
    subEventOf: URIRef
    subTypeOf: URIRef
    timeType: URIRef
    type: URIRef


class WGS84(DefinedNamespace):
    """W3C Basic Geo (http://www.w3.org/2003/01/geo/wgs84_pos#).

    rdflib's own ``WGS`` uses an https IRI that the published vocabulary and SPARQL users do not.
    """

    _fail = True
    _NS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

    SpatialThing: URIRef
    Point: URIRef
    lat: URIRef
    long: URIRef
    alt: URIRef
    lat_long: URIRef
    location: URIRef


# The twelve event subclasses, in the contract's order; every event carries exactly one.
EVENT_CLASSES: tuple[str, ...] = (
    "Airstrike",
    "GroundOffensive",
    "Attack",
    "Counterattack",
    "Seizure",
    "Siege",
    "Blockade",
    "Clash",
    "Withdrawal",
    "Deployment",
    "Negotiation",
    "CivilianCasualties",
)

# The skg:Certainty individuals, from the report's own statement of fact to analysts' judgement.
CERTAINTIES: tuple[str, ...] = ("Confirmed", "Reported", "Claimed", "Assessed")
