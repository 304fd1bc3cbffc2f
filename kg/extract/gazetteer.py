"""Reference places and actors, and one Aho-Corasick automaton over all their names.

Matching is linear in the text whatever the size of the gazetteer: names are indexed under
their ``name_keys`` and a sentence is scanned once as a stream of folded word keys.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import ahocorasick
import pyoxigraph as ox

from kg.errors import OntologyError
from kg.model import Entity, EntityKind
from kg.normalize import name_key, name_keys
from kg.resources import data_file, ontology_file

SKG = "https://w3id.org/sitrep-kg/ontology#"
ID = "https://w3id.org/sitrep-kg/id/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
WGS_LAT = "http://www.w3.org/2003/01/geo/wgs84_pos#lat"
WGS_LONG = "http://www.w3.org/2003/01/geo/wgs84_pos#long"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# Which entity keeps a name two entities share: the more prominent kind of place.
PLACE_RANK = {"country": 0, "province": 1, "city": 2, "site": 3, "region": 4, "town": 5,
              "crossing": 5, "village": 6}  # fmt: skip


T = TypeVar("T")
CLASS_OF = {"place": "Place", "actor": "Actor", "line": "SupplyLine"}


@dataclass(frozen=True)
class Alias:
    entity: str
    kind: EntityKind
    text: str
    demonym: bool = False

    def accepts(self, surface: str) -> bool:
        """Case agreement: "Hit" (the town) is not "hit"; the acronym "IS" is not "is"."""
        if self.text.isupper() and len(self.text) <= 6:
            return surface.replace("'", "").replace("-", "").upper() == surface.replace(
                "'", ""
            ).replace("-", "") and _letters(surface) == _letters(self.text)
        if self.text[:1].isupper():
            return surface[:1].isupper()
        return True


def _letters(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


@dataclass
class Gazetteer:
    entities: dict[str, Entity]
    aliases: dict[str, list[Alias]]
    coords: dict[str, tuple[float, float]] = field(default_factory=dict)
    located_in: dict[str, list[str]] = field(default_factory=dict)
    population: dict[str, int] = field(default_factory=dict)
    part_of: dict[str, str] = field(default_factory=dict)
    words: dict[str, list[str]] = field(default_factory=dict)
    # Named routes: key -> (endpoints, waypoints), in the order the reference gives them.
    line_places: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)
    # The reference triples of each entity (predicate IRI, object term), for the RDF stage.
    facts: dict[str, list[tuple[str, ox.NamedNode | ox.Literal | ox.BlankNode]]] = field(
        default_factory=dict
    )

    @cached_property
    def automaton(self) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for key, aliases in self.aliases.items():
            automaton.add_word(f" {key} ", (key, aliases))
        automaton.make_automaton()
        return automaton

    @cached_property
    def fuzzy_choices(self) -> dict[EntityKind, dict[str, str]]:
        """Folded name -> entity key, per kind, for fuzzy lookup of names in slots."""
        out: dict[EntityKind, dict[str, str]] = {"place": {}, "actor": {}, "line": {}}
        for key, aliases in self.aliases.items():
            for alias in aliases:
                if not alias.demonym and len(key) >= 4:
                    out[alias.kind].setdefault(key, alias.entity)
        return out

    def province_of(self, key: str) -> str | None:
        """The province a place lies in (a province is its own)."""
        entity = self.entities.get(key)
        if entity is not None and entity.place_type == "province":
            return key
        for parent in self.located_in.get(key, []):
            if self.entities.get(parent) and self.entities[parent].place_type == "province":
                return parent
        return None

    def province_named_like(self, key: str) -> str | None:
        """ "Homs" (the city) -> "place/homs-province" when the province bears its name."""
        entity = self.entities.get(key)
        if entity is None:
            return None
        province = self.province_of(key)
        if province and name_key(self.entities[province].label).startswith(name_key(entity.label)):
            return province
        return None

    def word_list(self, name: str) -> list[str]:
        return self.words.get(name, [])

    def compiled(self, name: str, build: Callable[[], T]) -> T:
        """Something derived from the word lists (a regex, a set), built once and kept."""
        if name not in self._derived:
            self._derived[name] = build()
        return self._derived[name]


def load_gazetteer(
    places: Path | None = None,
    actors: Path | None = None,
    names: Path | None = None,
    routes: Path | None = None,
) -> Gazetteer:
    """Load the shipped reference data (or the given files) into a Gazetteer: places, actors
    and the named major routes ("the M5", "the Castello Road")."""
    places = places or ontology_file("places.ttl")
    actors = actors or ontology_file("actors.ttl")
    routes = routes or ontology_file("routes.ttl")
    names = names or data_file("names.toml")
    gaz = Gazetteer(entities={}, aliases={})
    for path, kind in ((places, "place"), (actors, "actor"), (routes, "line")):
        if kind != "line" or path.exists():
            _load_entities(gaz, path, kind)  # type: ignore[arg-type]
    try:
        gaz.words = tomllib.loads(names.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise OntologyError(f"{names}: cannot load word lists ({exc})") from exc
    _add_site_variants(gaz)
    return gaz


def _add_site_variants(gaz: Gazetteer) -> None:
    """ "Abu al-Duhur Airbase" is also "Abu al-Duhur Military Airbase", "... Air Base" and
    "... Military Airport": each site name under every synonym of its kind of site."""
    for synonyms in gaz.words.get("site_synonyms", []):
        ending = re.compile(rf"\s+(?:{'|'.join(map(re.escape, synonyms))})$", re.I)
        for entity in list(gaz.entities.values()):
            if entity.kind != "place":
                continue
            for name in (entity.label, *entity.alt_labels):
                m = ending.search(name)
                for other in synonyms if m else ():
                    _index(gaz, Alias(entity.key, "place", f"{name[: m.start()]} {other}"))


def _load_entities(gaz: Gazetteer, path: Path, kind: EntityKind) -> None:
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError, ValueError) as exc:
        raise OntologyError(f"{path}: cannot load reference data ({exc})") from exc
    props: dict[str, dict[str, list[str]]] = {}
    for q in quads:
        s, p, o = q.subject, q.predicate, q.object
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(ID):
            continue
        key = s.value[len(ID) :]
        props.setdefault(key, {}).setdefault(p.value, []).append(o.value)
        gaz.facts.setdefault(key, []).append((p.value, o))
    for key, values in props.items():
        if f"{SKG}{CLASS_OF[kind]}" not in values.get(RDF_TYPE, []):
            continue
        _add_entity(gaz, key, kind, values)


def _add_entity(gaz: Gazetteer, key: str, kind: EntityKind, values: dict[str, list[str]]) -> None:
    label = values.get(RDFS_LABEL, [key])[0]
    alts = tuple(sorted(set(values.get(SKOS_ALT, [])) - {label}))
    place_type = (values.get(f"{SKG}placeType") or [None])[0]
    parents = values.get(f"{SKG}locatedIn", [])
    entity = Entity(key=key, kind=kind, label=label, alt_labels=alts, place_type=place_type)
    gaz.entities[key] = entity
    gaz.located_in[key] = sorted(p[len(ID) :] for p in parents if p.startswith(ID))
    if WGS_LAT in values and WGS_LONG in values:
        gaz.coords[key] = (float(values[WGS_LAT][0]), float(values[WGS_LONG][0]))
    if values.get(f"{SKG}population"):
        gaz.population[key] = int(float(values[f"{SKG}population"][0]))
    if kind == "line":
        ends = [v[len(ID) :] for v in values.get(f"{SKG}connects", []) if v.startswith(ID)]
        ways = [v[len(ID) :] for v in values.get(f"{SKG}passesThrough", []) if v.startswith(ID)]
        gaz.line_places[key] = (tuple(ends), tuple(ways))
    if values.get(f"{SKG}partOf"):
        gaz.part_of[key] = values[f"{SKG}partOf"][0][len(ID) :]
    for name in (label, *alts):
        _index(gaz, Alias(key, kind, name))
    for demonym in values.get(f"{SKG}demonym", []):
        _index(gaz, Alias(key, kind, demonym, demonym=True))


def _index(gaz: Gazetteer, alias: Alias) -> None:
    for key in name_keys(alias.text):
        bucket = gaz.aliases.setdefault(key, [])
        if any(a.entity == alias.entity and a.text == alias.text for a in bucket):
            continue
        bucket.append(alias)
        bucket.sort(key=lambda a: _priority(gaz, a))


def _priority(gaz: Gazetteer, alias: Alias) -> tuple[int, int, int, str]:
    entity = gaz.entities[alias.entity]
    is_label = 0 if alias.text == entity.label else 1
    rank = PLACE_RANK.get(entity.place_type or "", 7) if alias.kind == "place" else 0
    return (rank, is_label, -gaz.population.get(alias.entity, 0), alias.entity)


def add_entities(gaz: Gazetteer, entities: Iterable[Entity]) -> None:
    """Make minted entities (unresolved names) matchable for the rest of the corpus."""
    for entity in entities:
        if entity.key not in gaz.entities:
            gaz.entities[entity.key] = entity
            _index(gaz, Alias(entity.key, entity.kind, entity.label))
    gaz.__dict__.pop("automaton", None)
    gaz.__dict__.pop("fuzzy_choices", None)
    for name in ("demonyms", "fuzzy-place", "fuzzy-actor", "fuzzy-line"):
        gaz._derived.pop(name, None)
